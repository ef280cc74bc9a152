"""discord: forms being filled in page by page, kept so that a restart between pages loses none

Revision ID: 0023_discord_form
Revises: 0022_proposal_base_asked
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_discord_form"
down_revision: str | Sequence[str] | None = "0022_proposal_base_asked"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discord_form",
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("filling", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token"),
    )


def downgrade() -> None:
    op.drop_table("discord_form")
