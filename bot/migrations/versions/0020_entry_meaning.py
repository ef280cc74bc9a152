"""search: what each entry is about (its meaning), kept so a search index build reads it instead
of making it again

Revision ID: 0020_entry_meaning
Revises: 0019_proposal_decider
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0020_entry_meaning"
down_revision: str | Sequence[str] | None = "0019_proposal_decider"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entrymeaning",
        sa.Column("entry_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("recipe", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id"),
    )


def downgrade() -> None:
    op.drop_table("entrymeaning")
