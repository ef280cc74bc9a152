"""entries: how people ask for them in their own words (`asked_as`), searched

Revision ID: 0021_entry_asked_as
Revises: 0020_entry_meaning
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_entry_asked_as"
down_revision: str | Sequence[str] | None = "0020_entry_meaning"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("entry", sa.Column("asked_as", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("entry") as batch:
        batch.drop_column("asked_as")
