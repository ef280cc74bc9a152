"""tenancy: a daily subscription is one channel in one workspace, its posts keyed by it

Subscriptions were unique per (platform, channel), posts per (platform, channel, day, seq): a
channel shared between workspaces (Slack Connect) could hold one workspace's setting only, and
another workspace's `on` took it over. Every existing row is kept.

Revision ID: 0012_tenancy_daily
Revises: 0001
Depends on: 0003_daily (the tables)
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_tenancy_daily"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0003_daily"

SUBSCRIPTION_KEYS = (
    ("uq_daily_channel", ["platform", "channel_id"]),
    ("uq_daily_workspace_channel", ["platform", "workspace_id", "channel_id"]),
)
POST_KEYS = (
    ("uq_daily_post", ["platform", "channel_id", "day", "seq"]),
    ("uq_daily_subscription_post", ["subscription_id", "day", "seq"]),
)


def _rekey(table: str, old: tuple[str, list[str]], new: tuple[str, list[str]]) -> None:
    # On SQLite the batch rebuilds the table (rows copied); elsewhere it alters the constraint.
    with op.batch_alter_table(table) as batch:
        batch.drop_constraint(old[0], type_="unique")
        batch.create_unique_constraint(*new)


def upgrade() -> None:
    _rekey("dailysubscription", *SUBSCRIPTION_KEYS)
    _rekey("dailypost", *POST_KEYS)


def downgrade() -> None:
    _rekey("dailypost", *reversed(POST_KEYS))
    _rekey("dailysubscription", *reversed(SUBSCRIPTION_KEYS))
