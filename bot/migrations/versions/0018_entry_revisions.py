"""content: entries keep their revisions (who changed which fields, when)

Revision ID: 0018_entry_revisions
Revises: 0017_proposal_slots
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0018_entry_revisions"
down_revision: str | Sequence[str] | None = "0017_proposal_slots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString
Time = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "revision",
        sa.Column("entry_id", AutoString(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("who", AutoString(length=300), nullable=False),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("at", Time(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", "number"),
    )
    op.create_index("ix_revision_proposal_id", "revision", ["proposal_id"])


def downgrade() -> None:
    op.drop_index("ix_revision_proposal_id", "revision")
    op.drop_table("revision")
