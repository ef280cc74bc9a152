"""privacy: the generated key of the search log's person hash; old unkeyed hashes cleared;
the workspace a search was made in (a page of results is only for its own workspace)

Revision ID: 0013_faults_privacy
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0013_faults_privacy"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hub_secret",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    # The old hashes were unsalted sha256 of a guessable id: they cannot be re-keyed, so they go.
    op.execute("UPDATE searchlog SET user_hash = NULL")
    op.add_column(
        "searchlog",
        sa.Column("workspace", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("searchlog") as batch:
        batch.drop_column("workspace")
    op.drop_table("hub_secret")
