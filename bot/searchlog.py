"""The search log: one row per search, naming the person only by a keyed hash (bot/privacy.py).
It pages a person's results, shows what people look for (bot/search/stats.py), and is cleared
by `/hub forget me`."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from bot.db import rowcount, session_scope
from bot.models import SearchLog


def record(engine: Engine, row: SearchLog) -> int:
    """Log one search; its id."""
    with session_scope(engine) as session:
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def logged(engine: Engine, log_id: int) -> SearchLog | None:
    with Session(engine) as session:
        return session.get(SearchLog, log_id)


def forget(db: Session, user_hash: str) -> int:
    """Delete a person's searches, inside the caller's transaction; how many."""
    return rowcount(db.execute(delete(SearchLog).where(col(SearchLog.user_hash) == user_hash)))
