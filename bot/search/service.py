"""Keeps a search index that follows the store's content version across processes."""

from __future__ import annotations

import threading
import time

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.content.store import content_version
from bot.models import Entry
from bot.search.index import Doc, SearchIndex, SearchResult

TEXT_FIELDS = (
    "answer",
    "deep_dive",
    "real_world",
    "common_mistakes",
    "production_scenario",
    "root_cause",
    "fix",
    "description",
    "code",
    "summary",
    "body",
)


def entry_doc(row: Entry) -> Doc:
    text = "\n".join(v for f in TEXT_FIELDS if (v := getattr(row, f)))
    return Doc(row.id, row.kind, row.topic, row.level, row.title, text)


class Searcher:
    def __init__(self, engine: Engine, freshness_interval: float = 2.0) -> None:
        self.engine = engine
        self.freshness_interval = freshness_interval
        self._lock = threading.Lock()
        self._index: SearchIndex | None = None
        self._version = -1
        self._checked = 0.0

    def index(self) -> SearchIndex:
        now = time.monotonic()
        if self._index is not None and now - self._checked < self.freshness_interval:
            return self._index
        with self._lock:
            self._checked = now
            version = content_version(self.engine)
            if self._index is None or version != self._version:
                with Session(self.engine) as session:
                    rows = session.exec(
                        select(Entry).where(col(Entry.retired).is_(False)).order_by(col(Entry.id))
                    ).all()
                self._index = SearchIndex(entry_doc(row) for row in rows)
                self._version = version
            return self._index

    def search(
        self,
        query: str,
        kind: str | None = None,
        topic: str | None = None,
        level: str | None = None,
        limit: int = 10,
    ) -> SearchResult:
        return self.index().search(query, kind=kind, topic=topic, level=level, limit=limit)

    def match_error(self, paste: str, limit: int = 5) -> SearchResult:
        return self.index().search(paste[:2000], kind="error", limit=limit)
