"""contributions: a decided proposal keeps the deciding moderator's id, so `/hub forget me`
finds the decisions a moderator made

Revision ID: 0019_proposal_decider
Revises: 0018_entry_revisions
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0019_proposal_decider"
down_revision: str | Sequence[str] | None = "0018_entry_revisions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "proposal",
        sa.Column("decided_by_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("proposal") as batch:
        batch.drop_column("decided_by_id")
