"""learning paths: each person's progress on the paths they follow, and the weekly nudge

Revision ID: 0016_path_progress
Revises: 0015_path_topics
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0016_path_progress"
down_revision: str | Sequence[str] | None = "0015_path_topics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _person() -> list[sa.Column[str]]:
    return [
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "path_progress",
        *_person(),
        sa.Column("path_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("active_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("platform", "workspace_id", "user_id", "path_id"),
    )
    op.create_index("ix_path_progress_active_at", "path_progress", ["active_at"])
    op.create_table(
        "path_nudge",
        *_person(),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("nudged_week", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("platform", "workspace_id", "user_id"),
    )


def downgrade() -> None:
    op.drop_table("path_nudge")
    op.drop_index("ix_path_progress_active_at", table_name="path_progress")
    op.drop_table("path_progress")
