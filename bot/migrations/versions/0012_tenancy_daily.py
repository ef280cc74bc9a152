"""tenancy: daily subscriptions keyed by workspace as well as channel; existing rows kept

Revision ID: 0012_tenancy_daily
Revises: 0001
Depends on: 0003_daily (the table)
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_tenancy_daily"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0003_daily"


def _rekey(old: str, new: str, columns: list[str]) -> None:
    # On SQLite the batch rebuilds the table (rows copied); elsewhere it alters the constraint.
    with op.batch_alter_table("dailysubscription") as batch:
        batch.drop_constraint(old, type_="unique")
        batch.create_unique_constraint(new, columns)


def upgrade() -> None:
    _rekey(
        "uq_daily_channel", "uq_daily_workspace_channel", ["platform", "workspace_id", "channel_id"]
    )


def downgrade() -> None:
    _rekey("uq_daily_workspace_channel", "uq_daily_channel", ["platform", "channel_id"])
