"""errors: the `## Reproduce` block and the other forms of the message

Revision ID: 0014_error_reproduce
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_error_reproduce"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("entry", sa.Column("reproduce", sa.Text(), nullable=True))
    op.add_column("entry", sa.Column("variants", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("entry") as batch:
        batch.drop_column("variants")
        batch.drop_column("reproduce")
