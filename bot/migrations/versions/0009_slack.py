"""slack: Events API deliveries already handled, so a retry never answers twice

Revision ID: 0009_slack
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_slack"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_event",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index("ix_slack_event_received_at", "slack_event", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_slack_event_received_at", table_name="slack_event")
    op.drop_table("slack_event")
