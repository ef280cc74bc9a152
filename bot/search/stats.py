"""What people search for, from the search log: the most frequent queries, the topics they
name and the content gaps (searches with no good result), for every workspace or for one."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from bot.models import SearchLog, utcnow
from bot.topics import TOPICS, canonical_topic

MAX_ROWS = 200_000
WORD = re.compile(r"[\w#+.-]+")


def query_key(text: str) -> str:
    return " ".join(text.lower().split())[:200]


def topics_named(text: str) -> set[str]:
    """The hub's topics a query names (`react`, `node` → nodejs, `topic:py` → python)."""
    words = (word.removeprefix("topic:").strip(".") for word in WORD.findall(text.lower()))
    return {topic for topic in map(canonical_topic, words) if topic in TOPICS}


def expire_search_logs(engine: Engine, days: int, now: datetime | None = None) -> int:
    """Delete searches older than `days` (HUB_SEARCH_LOG_DAYS); how many went."""
    before = (now or utcnow()) - timedelta(days=days)
    with engine.begin() as conn:
        return int(conn.execute(delete(SearchLog).where(col(SearchLog.at) < before)).rowcount)


@dataclass(frozen=True)
class Searched:
    command: str
    query: str
    count: int
    log_id: int  # the newest of these searches: what a button names

    def fields(self) -> dict[str, Any]:
        return {"command": self.command, "query": self.query, "count": self.count}


@dataclass(frozen=True)
class SearchCounts:
    searches: int
    people: int
    no_good_result: int
    top_queries: list[Searched]
    top_gaps: list[Searched]
    top_topics: list[tuple[str, int]]


def count_searches(
    engine: Engine,
    since: datetime,
    top: int = 10,
    platform: str | None = None,
    workspace: str | None = None,
) -> SearchCounts:
    """The searches since `since`, of one platform and workspace when given."""
    columns = (
        SearchLog.id,
        SearchLog.command,
        SearchLog.query,
        SearchLog.good,
        SearchLog.user_hash,
    )
    query = select(*map(col, columns)).where(col(SearchLog.at) >= since)
    if platform is not None:
        query = query.where(col(SearchLog.platform) == platform)
    if workspace is not None:
        query = query.where(col(SearchLog.workspace) == workspace)
    with Session(engine) as session:
        rows = session.execute(query.order_by(col(SearchLog.id).desc()).limit(MAX_ROWS)).all()
    asked: Counter[tuple[str, str]] = Counter()
    gaps: Counter[tuple[str, str]] = Counter()
    topics: Counter[str] = Counter()
    newest: dict[tuple[str, str], int] = {}
    for log_id, command, text, good, _ in rows:
        key = (command, query_key(text))
        asked[key] += 1
        newest.setdefault(key, log_id or 0)
        topics.update(topics_named(text))
        if not good:
            gaps[key] += 1

    def listing(counts: Counter[tuple[str, str]]) -> list[Searched]:
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [Searched(c, q, n, newest[c, q]) for (c, q), n in ranked[:top]]

    return SearchCounts(
        searches=len(rows),
        people=len({user for *_, user in rows if user}),
        no_good_result=sum(gaps.values()),
        top_queries=listing(asked),
        top_gaps=listing(gaps),
        top_topics=sorted(topics.items(), key=lambda item: (-item[1], item[0]))[:top],
    )


def search_stats(engine: Engine, days: int = 30, top: int = 10) -> dict[str, Any]:
    counts = count_searches(engine, utcnow() - timedelta(days=days), top)
    return {
        "days": days,
        "searches": counts.searches,
        "people": counts.people,
        "no_good_result": counts.no_good_result,
        "top_queries": [row.fields() for row in counts.top_queries],
        "top_gaps": [row.fields() for row in counts.top_gaps],
    }
