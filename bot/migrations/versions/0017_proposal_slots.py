"""contributions: a pending proposal holds one of its author's numbered places (the limit of 20
pending proposals a member, as a unique index)

Revision ID: 0017_proposal_slots
Revises: 0016_proposals
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_proposal_slots"
down_revision: str | Sequence[str] | None = "0016_proposals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SAME_AUTHOR = " AND ".join(
    f"earlier.{c} = proposal.{c}" for c in ("platform", "workspace_id", "user_id")
)


def upgrade() -> None:
    op.add_column("proposal", sa.Column("pending_slot", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE proposal SET pending_slot = (SELECT count(*) FROM proposal AS earlier"
        f" WHERE earlier.state = 'pending' AND {SAME_AUTHOR} AND earlier.id <= proposal.id)"
        " WHERE state = 'pending'"
    )
    op.create_index(
        "uq_proposal_pending_slot",
        "proposal",
        ["platform", "workspace_id", "user_id", "pending_slot"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_proposal_pending_slot", "proposal")
    with op.batch_alter_table("proposal") as batch:
        batch.drop_column("pending_slot")
