"""An index updated with the store's changes is the index a build of the same entries makes."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.content import import_content
from bot.content.schema import EntryData
from bot.content.store import count_entries, save_entry
from bot.db import session_scope
from bot.models import Entry, utcnow
from bot.search import Searcher, SearchIndex
from bot.search.service import iter_docs, live_stamps, read_docs
from bot.search.update import updated

from .conftest import FIXTURES

WORDS = [
    "django",
    "orm",
    "queries",
    "Query",
    "running",
    "runs",
    "useEffect",
    "re-render",
    "optimise",
    "optimize",
    "colour",
    "portals",
    "react",
    "hooks",
    "n+1",
    "naïve",
    "日本語",
    "the",
    "state",
    "zebra",
    "Zebras",
]
QUERIES = [
    "django orm n+1",
    "use effect",
    "portal",
    "optimize colour",
    "quer",
    "running state",
    "reakt hooks",
    "zebra",
    "naive",
    "how does the effect keep running",
]
text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)
new_entry = st.tuples(st.sampled_from(["a", "m", "q-react", "z"]), text, text)
change = st.tuples(st.sampled_from(["add", "change", "retire", "delete"]), st.integers(0, 999))


def arrays(index: SearchIndex) -> dict[str, Any]:
    """Everything a search reads, as plain values."""
    found: dict[str, Any] = {
        name: getattr(index, name)
        for name in ("ids", "titles", "texts", "terms", "error_signatures")
    }
    found["terms"] = list(index.terms.items())
    found["surface"] = sorted(index.surface.items())
    found["error_keys"] = index.error_keys
    found["average_length"] = index.average_length
    for name in ("df", "offsets", "post_docs", "tf", "impacts", "idf", "lengths"):
        value = getattr(index, name)
        found[name] = (value.dtype.str, value.tobytes())
    for name in ("title_offsets", "title_docs", "title_lengths", "stamps", "meanings"):
        found[name] = getattr(index, name).tobytes()
    for name in ("kinds", "topics", "levels"):
        column = getattr(index, name)
        found[name] = (column.names, column.codes.tobytes())
    return found


def apply(engine: Engine, changes: list[tuple[str, int]], entries: list[Any]) -> None:
    with session_scope(engine) as session:
        ids = sorted(session.exec(select(Entry.id)).all())
        for (kind, pick), (prefix, title, body) in zip(changes, entries, strict=False):
            target = ids[pick % len(ids)] if ids else ""
            if kind == "add":
                data = {"id": f"{prefix}-new-{pick}", "kind": "question", "topic": "react"}
                save_entry(session, EntryData(**data, title=title, answer=body))
            elif kind == "change":
                row = session.get(Entry, target)
                if row is None:
                    continue
                row.title, row.answer, row.updated_at = title, body, utcnow()
                session.add(row)
            elif kind == "retire":
                session.execute(update(Entry).where(col(Entry.id) == target).values(retired=True))
            else:
                session.execute(delete(Entry).where(col(Entry.id) == target))
            session.flush()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    changes=st.lists(change, min_size=1, max_size=6),
    entries=st.lists(new_entry, min_size=6, max_size=6),
)
def test_an_updated_index_is_the_built_one(
    engine: Engine, changes: list[tuple[str, int]], entries: list[Any]
) -> None:
    if not count_entries(engine):  # the first example; the next ones go on from its store
        assert import_content(engine, [FIXTURES / "content"]).ok
    before = SearchIndex(iter_docs(engine))
    apply(engine, changes, entries)
    after = updated(before, live_stamps(engine), lambda ids: read_docs(engine, ids))
    built = SearchIndex(iter_docs(engine))
    assert after is not None
    assert arrays(after) == arrays(built)
    for query in QUERIES:
        assert after.search(query) == built.search(query)


def test_nothing_changed_gives_the_same_index(sqlite_engine: Engine) -> None:
    assert import_content(sqlite_engine, [FIXTURES / "content"]).ok
    index = SearchIndex(iter_docs(sqlite_engine))
    assert updated(index, live_stamps(sqlite_engine), lambda ids: []) is index


def test_too_many_changes_are_left_to_a_build(sqlite_engine: Engine, tmp_path: Path) -> None:
    assert import_content(sqlite_engine, [FIXTURES / "content"]).ok
    index = SearchIndex(iter_docs(sqlite_engine))
    live = [(entry_id, -1) for entry_id, _ in live_stamps(sqlite_engine)]
    live *= 1 + 1000 // max(len(live), 1)
    assert updated(index, live, lambda ids: read_docs(sqlite_engine, ids)) is None


def test_a_one_shot_search_after_an_import_updates_the_cached_index(
    engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert import_content(engine, [FIXTURES / "content"]).ok
    cache = tmp_path / "cache"
    Searcher(engine, 0, cache_dir=cache, cache_min_docs=0).index()
    more = tmp_path / "more" / "questions" / "react"
    more.mkdir(parents=True)
    (more / "q-react-portals.md").write_text(
        "---\nid: q-react-portals\nkind: question\ntitle: What are portals in React?\n"
        "topic: react\nlevel: mid\n---\nPortals render children outside the parent.\n",
        encoding="utf-8",
    )
    assert import_content(engine, [tmp_path / "more"]).ok
    with caplog.at_level(logging.INFO, logger="bot.search"):
        searcher = Searcher(engine, 0, cache_dir=cache, cache_min_docs=0)
        assert searcher.search("portals").hits[0].id == "q-react-portals"
    assert "search index updated: 1 entries indexed, 0 dropped" in caplog.text
    assert "search index built" not in caplog.text
    built = SearchIndex(iter_docs(engine))
    assert arrays(searcher.index()) == arrays(built) | {"texts": None}
    assert len(list(cache.iterdir())) == 1
    assert np.array_equal(Searcher(engine, 0, cache_dir=cache).index().impacts, built.impacts)
