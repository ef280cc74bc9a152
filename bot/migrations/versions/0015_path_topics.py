"""learning paths: the topics they teach, and one level vocabulary with entries

Revision ID: 0015_path_topics
Revises: 0014_error_reproduce
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_path_topics"
down_revision: str | Sequence[str] | None = "0014_error_reproduce"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "learningpath", sa.Column("topics", sa.JSON(), nullable=False, server_default="[]")
    )
    op.execute("UPDATE learningpath SET level = 'junior' WHERE level = 'beginner'")
    op.execute("UPDATE learningpath SET level = 'senior' WHERE level = 'advanced'")


def downgrade() -> None:
    op.execute("UPDATE learningpath SET level = 'beginner' WHERE level = 'junior'")
    op.execute("UPDATE learningpath SET level = 'advanced' WHERE level = 'senior'")
    with op.batch_alter_table("learningpath") as batch:
        batch.drop_column("topics")
