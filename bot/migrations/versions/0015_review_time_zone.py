"""review: the time zone a reminder goes out in, as the platform told it

Revision ID: 0015_review_time_zone
Revises: 0004_mock
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_review_time_zone"
down_revision: str | Sequence[str] | None = "0004_mock"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("review_reminder", sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_reminder") as batch:
        batch.drop_column("time_zone")
