"""What people search for, from the search log: the most frequent queries and the content gaps."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.models import SearchLog, utcnow

MAX_ROWS = 200_000


def query_key(text: str) -> str:
    return " ".join(text.lower().split())[:200]


def expire_search_logs(engine: Engine, days: int, now: datetime | None = None) -> int:
    """Delete searches older than `days` (HUB_SEARCH_LOG_DAYS); how many went."""
    before = (now or utcnow()) - timedelta(days=days)
    with engine.begin() as conn:
        return int(conn.execute(delete(SearchLog).where(col(SearchLog.at) < before)).rowcount)


def search_stats(engine: Engine, days: int = 30, top: int = 10) -> dict[str, Any]:
    since = utcnow() - timedelta(days=days)
    with Session(engine) as session:
        rows = session.exec(
            select(SearchLog.command, SearchLog.query, SearchLog.good, SearchLog.user_hash)
            .where(col(SearchLog.at) >= since)
            .order_by(col(SearchLog.id).desc())
            .limit(MAX_ROWS)
        ).all()
    asked: Counter[tuple[str, str]] = Counter()
    gaps: Counter[tuple[str, str]] = Counter()
    for command, text, good, _ in rows:
        key = (command, query_key(text))
        asked[key] += 1
        if not good:
            gaps[key] += 1

    def listing(counts: Counter[tuple[str, str]]) -> list[dict[str, Any]]:
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [{"command": c, "query": q, "count": n} for (c, q), n in ranked[:top]]

    return {
        "days": days,
        "searches": len(rows),
        "people": len({user for *_, user in rows if user}),
        "no_good_result": sum(gaps.values()),
        "top_queries": listing(asked),
        "top_gaps": listing(gaps),
    }
