"""proposals: an edit's base text shows how its entry is asked for (`asked: …` lines), as the
text of an entry now does; pending edits made before stay approvable

Revision ID: 0022_proposal_base_asked
Revises: 0021_entry_asked_as
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_proposal_base_asked"
down_revision: str | Sequence[str] | None = "0021_entry_asked_as"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING_EDITS = sa.text(
    "SELECT proposal.id, proposal.base_text, entry.asked_as FROM proposal "
    "JOIN entry ON entry.id = proposal.target_id "
    "WHERE proposal.state = 'pending' AND proposal.base_text IS NOT NULL"
)
SET_BASE = sa.text("UPDATE proposal SET base_text = :base WHERE id = :id")


def upgrade() -> None:
    db = op.get_bind()
    for number, base, asked in db.execute(PENDING_EDITS).all():
        phrases = json.loads(asked) if isinstance(asked, str) else asked
        # The text is its `key: value` lines, a blank line, then the body.
        header, _, body = base.partition("\n\n")
        if phrases and not any(line.startswith("asked: ") for line in header.split("\n")):
            lines = "".join(f"\nasked: {phrase}" for phrase in phrases)
            db.execute(SET_BASE, {"base": f"{header}{lines}\n\n{body}", "id": number})


def downgrade() -> None:
    db = op.get_bind()
    rows = db.execute(sa.text("SELECT id, base_text FROM proposal WHERE base_text IS NOT NULL"))
    for number, base in rows.all():
        header, _, body = base.partition("\n\n")
        kept = "\n".join(line for line in header.split("\n") if not line.startswith("asked: "))
        if kept != header:
            db.execute(SET_BASE, {"base": f"{kept}\n\n{body}", "id": number})
