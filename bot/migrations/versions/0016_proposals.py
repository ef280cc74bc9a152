"""contributions: proposals, moderators per workspace, the moderators' channel

Revision ID: 0016_proposals
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0016_proposals"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString
Time = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", AutoString(length=16), nullable=False),
        sa.Column("workspace_id", AutoString(length=64), nullable=False),
        sa.Column("user_id", AutoString(length=64), nullable=False),
        sa.Column("author_name", AutoString(length=80), nullable=False),
        sa.Column("kind", AutoString(length=16), nullable=False),
        sa.Column("target_id", AutoString(length=64), nullable=True),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("base_text", sa.Text(), nullable=True),
        sa.Column("state", AutoString(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", AutoString(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", AutoString(length=80), nullable=True),
        sa.Column("entry_id", AutoString(length=64), nullable=True),
        sa.Column("notice", AutoString(length=16), nullable=False),
        sa.Column("notice_at", Time(), nullable=True),
        sa.Column("created_at", Time(), nullable=False),
        sa.Column("updated_at", Time(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    for column in ("workspace_id", "user_id", "state", "notice"):
        op.create_index(f"ix_proposal_{column}", "proposal", [column])
    op.create_table(
        "moderator",
        sa.Column("platform", AutoString(length=16), nullable=False),
        sa.Column("workspace_id", AutoString(length=64), nullable=False),
        sa.Column("user_id", AutoString(length=64), nullable=False),
        sa.Column("added_by", AutoString(length=64), nullable=False),
        sa.Column("added_at", Time(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace_id", "user_id"),
    )
    op.create_table(
        "moderation_channel",
        sa.Column("platform", AutoString(length=16), nullable=False),
        sa.Column("workspace_id", AutoString(length=64), nullable=False),
        sa.Column("channel_id", AutoString(length=64), nullable=False),
        sa.Column("set_by", AutoString(length=64), nullable=False),
        sa.Column("set_at", Time(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace_id"),
    )


def downgrade() -> None:
    op.drop_table("moderation_channel")
    op.drop_table("moderator")
    op.drop_table("proposal")
