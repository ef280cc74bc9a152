"""Suggestions while a person types an option (Discord autocomplete, Slack external selects)."""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.commands import Suggest
from bot.models import Entry, Kind, LearningPath, Level

LIMIT = 25


def _pattern(typed: str) -> str:
    cleaned = "".join(ch for ch in typed.strip().lower()[:60] if ch not in "%_\\")
    return f"%{cleaned}%"


def topics(engine: Engine, typed: str = "", limit: int = LIMIT) -> list[str]:
    with Session(engine) as session:
        rows = session.exec(
            select(Entry.topic)
            .where(col(Entry.retired).is_(False), col(Entry.topic).like(_pattern(typed)))
            .distinct()
            .order_by(col(Entry.topic))
            .limit(limit)
        ).all()
    return list(rows)


def levels(typed: str = "") -> list[str]:
    typed = typed.strip().lower()
    return [level.value for level in Level if typed in level.value]


def entries(
    engine: Engine, typed: str = "", kind: str | None = None, limit: int = LIMIT
) -> list[tuple[str, str]]:
    """(id, title) of entries whose id or title contains what was typed."""
    pattern = _pattern(typed)
    query = select(Entry.id, Entry.title).where(
        col(Entry.retired).is_(False),
        or_(col(Entry.id).like(pattern), func.lower(col(Entry.title)).like(pattern)),
    )
    if kind:
        query = query.where(col(Entry.kind) == kind)
    with Session(engine) as session:
        rows = session.exec(query.order_by(col(Entry.id)).limit(limit)).all()
    return [(entry_id, title) for entry_id, title in rows]


def paths(engine: Engine, typed: str = "", limit: int = LIMIT) -> list[tuple[str, str]]:
    pattern = _pattern(typed)
    with Session(engine) as session:
        rows = session.exec(
            select(LearningPath.id, LearningPath.title)
            .where(
                or_(
                    col(LearningPath.id).like(pattern),
                    func.lower(col(LearningPath.title)).like(pattern),
                )
            )
            .order_by(col(LearningPath.id))
            .limit(limit)
        ).all()
    return [(path_id, title) for path_id, title in rows]


def suggestions(engine: Engine, source: Suggest, typed: str) -> list[tuple[str, str]]:
    """(value, label) pairs for what was typed so far; ids are labelled with their titles."""
    if source is Suggest.topic:
        return [(topic, topic) for topic in topics(engine, typed)]
    if source is Suggest.level:
        return [(level, level) for level in levels(typed)]
    if source is Suggest.path:
        found = paths(engine, typed)
    else:
        found = entries(engine, typed, Kind.question if source is Suggest.question else None)
    return [(found_id, f"{title} ({found_id})") for found_id, title in found]
