"""slack: signatures of recent requests, so a replayed request is answered once

Revision ID: 0011_slack_requests
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_slack_requests"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_request",
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("signature"),
    )
    op.create_index("ix_slack_request_signed_at", "slack_request", ["signed_at"])


def downgrade() -> None:
    op.drop_index("ix_slack_request_signed_at", table_name="slack_request")
    op.drop_table("slack_request")
