"""Meaning (bot/search/meaning.py): it re-ranks what the words found, on the shipped content,
and the store keeps each entry's meaning so a build reads it instead of making it again."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text, update
from sqlalchemy.engine import Engine

from bot.config import SHIPPED_CONTENT
from bot.content import import_content
from bot.db import make_engine, upgrade
from bot.models import Entry, EntryMeaning
from bot.search import Doc, Searcher, SearchIndex
from bot.search import index as search_index
from bot.search.meaning import BYTES, RECIPE, meanings, query_vector, similarity
from bot.search.query import MAX_QUERY_CHARS
from bot.search.service import keep_meanings, load_docs

from .conftest import FIXTURES

# Queries that share few words with their entry, and the entry.
PARAPHRASES = [
    (
        "everyone hits the database at once when a cached item expires",
        "q-architecture-cache-stampede",
    ),
    ("who changed this line and when", "q-git-history-search"),
    (
        "requests pile up waiting for a free database connection",
        "q-nodejs-database-connection-pool",
    ),
]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('shipped') / 'hub.db'}")
    upgrade(engine)
    assert import_content(engine, [SHIPPED_CONTENT]).ok
    return Searcher(engine, freshness_interval=3600).index()


@pytest.mark.parametrize(("query", "expected"), PARAPHRASES)
def test_meaning_puts_a_paraphrased_question_first(
    shipped: SearchIndex, query: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert shipped.search(query).hits[0].id == expected
    monkeypatch.setattr(search_index, "MEANING_BOOST", 0.0)
    assert shipped.search(query).hits[0].id != expected  # the words alone rank it lower


def test_meaning_never_adds_a_hit_the_words_did_not_find(
    shipped: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert shipped.search("qwzxv plorb").hits == []
    queries = [query for query, _ in PARAPHRASES]
    found = [{h.id for h in shipped.search(q, limit=1000).hits} for q in queries]
    monkeypatch.setattr(search_index, "MEANING_BOOST", 0.0)
    assert found == [{h.id for h in shipped.search(q, limit=1000).hits} for q in queries]


def test_close_texts_are_closer_than_unrelated_ones() -> None:
    bits = meanings(
        [
            Doc("a", "snippet", "sql", None, "Remove duplicate rows", "Keep one of each record."),
            Doc("b", "question", "docker", None, "Configure a volume", "Mount a folder."),
        ]
    )
    assert bits.shape == (2, BYTES)
    close, far = similarity(bits, query_vector("delete repeated records"))
    assert close > far
    # A query with no words has no meaning, and is close to nothing.
    assert similarity(bits, query_vector("")).tolist() == [0.0, 0.0]


def kept(engine: Engine) -> dict[str, bytes]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT entry_id, bits FROM entrymeaning"))
        return {entry_id: bytes(bits) for entry_id, bits in rows}


def test_the_store_keeps_meanings_and_a_build_reads_them(
    engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "bot.search.service")
    assert import_content(engine, [FIXTURES / "content"]).ok
    first = Searcher(engine, freshness_interval=0).index()
    count = first.size
    assert f"made the meanings of {count} entries" in caplog.text
    stored = kept(engine)
    assert sorted(stored) == sorted(first.ids)
    assert [stored[i] for i in first.ids] == [m.tobytes() for m in first.meanings]
    assert np.array_equal(first.meanings, SearchIndex(load_docs(engine)).meanings)

    caplog.clear()
    second = Searcher(engine, freshness_interval=0).index()  # another process, say
    assert "made the meanings" not in caplog.text
    assert np.array_equal(second.meanings, first.meanings)

    # A changed entry's kept meaning is stale: it alone is made again.
    with engine.begin() as conn:
        changed = {"title": "Something else", "updated_at": datetime.now(UTC)}
        conn.execute(update(Entry).where(Entry.id == first.ids[0]).values(**changed))  # type: ignore[arg-type]
    caplog.clear()
    Searcher(engine, freshness_interval=0).index()
    assert "made the meanings of 1 entries" in caplog.text

    # Meanings made another way (an older recipe) are made again, all of them.
    with engine.begin() as conn:
        conn.execute(update(EntryMeaning).values(recipe="older"))
    caplog.clear()
    Searcher(engine, freshness_interval=0).index()
    assert f"made the meanings of {count} entries" in caplog.text
    with engine.connect() as conn:
        recipes = {r for (r,) in conn.execute(text("SELECT recipe FROM entrymeaning"))}
    assert recipes == {RECIPE}


def test_a_store_that_cannot_keep_meanings_still_searches_with_them(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "hub.db"
    writable = make_engine(f"sqlite:///{path}")
    upgrade(writable)
    assert import_content(writable, [FIXTURES / "content"]).ok
    read_only = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    index = Searcher(read_only, freshness_interval=0).index()
    assert "could not keep the entries' meanings" in caplog.text
    assert kept(writable) == {}
    assert np.array_equal(index.meanings, Searcher(writable, 0).index().meanings)
    assert index.meanings.any(axis=1).all()


def test_two_processes_keeping_meanings_at_once_both_succeed(engine: Engine) -> None:
    assert import_content(engine, [FIXTURES / "content"]).ok
    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(lambda _: keep_meanings(engine), range(2)))
    assert done == [True, True]
    assert sorted(kept(engine)) == sorted(Searcher(engine, 0).index().ids)


def test_a_huge_query_is_embedded_as_far_as_it_is_searched(shipped: SearchIndex) -> None:
    huge = "why does my effect run twice " * 40_000
    assert np.array_equal(query_vector(huge), query_vector(huge[:MAX_QUERY_CHARS]))
    assert shipped.search(huge).hits


def test_warming_builds_the_index_before_the_first_search(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "bot.search.service")
    assert import_content(engine, [FIXTURES / "content"]).ok
    searcher = Searcher(engine, freshness_interval=3600)
    searcher.warm()
    deadline = time.monotonic() + 30
    while "search index built" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.01)
    assert searcher.search("strict mode").hits
    assert caplog.text.count("search index built") == 1  # the search used the warmed index
