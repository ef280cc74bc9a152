"""The searcher on the real stores: freshness across processes, the index cache, the search log."""

from __future__ import annotations

import json
import logging
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.commands import ChatContext
from bot.content import import_content
from bot.content.revisions import history
from bot.hub import Hub
from bot.search import Searcher
from bot.search.snapshot import FORMAT
from bot.search.stats import search_stats

from .conftest import FIXTURES

NEW_ENTRY = """---
id: q-react-portals
kind: question
title: What are portals in React?
topic: react
level: mid
---
Portals render children into a DOM node outside the parent hierarchy.
"""


def write_entry(folder: Path) -> Path:
    target = folder / "questions" / "react"
    target.mkdir(parents=True)
    (target / "q-react-portals.md").write_text(NEW_ENTRY, encoding="utf-8")
    return folder


def test_another_process_import_is_seen(engine: Engine, tmp_path: Path) -> None:
    assert import_content(engine, [FIXTURES / "content"]).ok
    searcher = Searcher(engine, freshness_interval=0)
    assert searcher.search("portals").hits == []
    # A second searcher stands for another process sharing the database.
    other = Searcher(engine, freshness_interval=0)
    assert import_content(engine, [write_entry(tmp_path / "more")]).ok
    assert searcher.search("portals").hits[0].id == "q-react-portals"
    assert other.search("portal").hits[0].id == "q-react-portals"


def test_big_index_is_rebuilt_in_the_background(sqlite_engine: Engine, tmp_path: Path) -> None:
    assert import_content(sqlite_engine, [FIXTURES / "content"]).ok
    searcher = Searcher(sqlite_engine, 0, background_min_docs=0)
    before = searcher.index()
    assert import_content(sqlite_engine, [write_entry(tmp_path / "more")]).ok
    assert searcher.index() is before  # still answering from the previous index
    deadline = time.monotonic() + 10
    while not searcher.search("portals").hits and time.monotonic() < deadline:
        time.sleep(0.02)
    assert searcher.search("portals").hits[0].id == "q-react-portals"


def test_cache_file_is_written_loaded_and_replaced(sqlite_engine: Engine, tmp_path: Path) -> None:
    assert import_content(sqlite_engine, [FIXTURES / "content"]).ok
    cache = tmp_path / "cache"
    first = Searcher(sqlite_engine, 0, cache_dir=cache, cache_min_docs=0)
    expected = first.search("django orm n+1").hits
    files = list(cache.iterdir())
    assert len(files) == 1
    second = Searcher(sqlite_engine, 0, cache_dir=cache, cache_min_docs=0)
    assert second.search("django orm n+1").hits == expected
    assert import_content(sqlite_engine, [write_entry(tmp_path / "more")]).ok
    assert second.search("portals").hits[0].id == "q-react-portals"
    assert [f.name for f in cache.iterdir()] != [files[0].name]
    assert len(list(cache.iterdir())) == 1


def test_damaged_cache_is_rebuilt(sqlite_engine: Engine, tmp_path: Path) -> None:
    assert import_content(sqlite_engine, [FIXTURES / "content"]).ok
    cache = tmp_path / "cache"
    Searcher(sqlite_engine, 0, cache_dir=cache, cache_min_docs=0).index()
    for file in cache.iterdir():
        file.write_bytes(b"not a cache file")
    searcher = Searcher(sqlite_engine, 0, cache_dir=cache, cache_min_docs=0)
    assert searcher.search("django orm").hits[0].id == "q-django-n-plus-one"


class Planted:
    """A pickle that makes a folder when it is loaded: the proof that code ran."""

    def __init__(self, proof: Path) -> None:
        self.proof = proof

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.proof),)


def test_a_planted_pickle_is_never_run(sqlite_engine: Engine, tmp_path: Path) -> None:
    assert import_content(sqlite_engine, [FIXTURES / "content"]).ok
    cache = tmp_path / "cache"
    Searcher(sqlite_engine, 0, cache_dir=cache, cache_min_docs=0).index()
    proof = tmp_path / "code-ran"
    for file in cache.iterdir():  # whatever name the next search will read
        file.write_bytes(pickle.dumps(Planted(proof)))
    searcher = Searcher(sqlite_engine, 0, cache_dir=cache, cache_min_docs=0)
    assert searcher.search("django orm").hits[0].id == "q-django-n-plus-one"
    assert not proof.exists()


def test_the_cache_is_data_only(sqlite_engine: Engine, tmp_path: Path) -> None:
    import numpy as np

    assert import_content(sqlite_engine, [FIXTURES / "content"]).ok
    cache = tmp_path / "cache"
    Searcher(sqlite_engine, 0, cache_dir=cache, cache_min_docs=0).index()
    (file,) = cache.iterdir()
    with np.load(file, allow_pickle=False) as stored:  # raises on any pickled object
        assert "post_docs" in stored.files
        meta = json.loads(bytes(stored["meta"]))
    assert meta["format"] == FORMAT and "q-django-n-plus-one" in meta["ids"]


@pytest.mark.parametrize(
    ("mode", "owner"),
    [(0o777, None), (0o773, None), (0o770, 4242), (0o755, 4242)],
    ids=["everyone-writes", "others-write", "group-writes-not-ours", "not-ours"],
)
def test_a_cache_folder_others_can_write_is_not_used(
    sqlite_engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture, mode: int,
    owner: int | None,
) -> None:  # fmt: skip
    if owner is not None and os.getuid() != 0:
        pytest.skip("giving a folder to another user needs root")
    assert import_content(sqlite_engine, [FIXTURES / "content"]).ok
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(mode)
    if owner is not None:
        os.chown(cache, owner, -1)
    with caplog.at_level(logging.WARNING):
        searcher = Searcher(sqlite_engine, 0, cache_dir=cache, cache_min_docs=0)
        assert searcher.search("django orm").hits[0].id == "q-django-n-plus-one"
    assert list(cache.iterdir()) == []
    [record] = [r for r in caplog.records if r.name == "bot.search.service"]
    assert record.getMessage().startswith(f"search cache {cache} is not used:")
    assert record.exc_info is None


def test_a_cache_folder_of_our_group_is_used(sqlite_engine: Engine, tmp_path: Path) -> None:
    assert import_content(sqlite_engine, [FIXTURES / "content"]).ok
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o775)  # umask 002 with a group of one's own
    Searcher(sqlite_engine, 0, cache_dir=cache, cache_min_docs=0).index()
    assert len(list(cache.iterdir())) == 1


def test_search_log_hashes_users_and_finds_gaps(hub: Hub) -> None:
    ada = ChatContext("slack", "U-ADA", "Ada", workspace_id="T1")
    bob = ChatContext("discord", "U-BOB", "Bob")
    for ctx in (ada, bob, ada):
        hub.handle(ctx, "/hub search Django ORM n+1")
    hub.handle(bob, "/hub search kubernetes helm charts")
    hub.handle(ada, "/hub error ZeroDivisionError: division by zero")
    stats = search_stats(hub.engine)
    assert stats["searches"] == 5 and stats["people"] == 2
    assert stats["top_queries"][0] == {"command": "search", "query": "django orm n+1", "count": 3}
    gaps = {(g["command"], g["query"]) for g in stats["top_gaps"]}
    assert gaps == {
        ("search", "kubernetes helm charts"),
        ("error", "zerodivisionerror: division by zero"),
    }
    with hub.engine.connect() as conn:
        logged = conn.exec_driver_sql("SELECT user_hash FROM searchlog").scalars().all()
    assert "U-ADA" not in json.dumps(logged) and len(set(logged)) == 2


def test_stats_searches_cli(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "HUB_CONTENT_DIR": str(FIXTURES / "content"),
        "HUB_SEARCH_CACHE_DIR": str(tmp_path / "cache"),
    }
    console = [sys.executable, "-c", "from bot.cli import main; main()"]
    piped = "/hub search n+1 django\n/hub search zzzz qqqq\n"
    subprocess.run([*console, "console"], input=piped, env=env, text=True, check=True, cwd=tmp_path,
                   capture_output=True, timeout=60)  # fmt: skip
    out = subprocess.run([*console, "stats", "searches", "--json"], env=env, text=True,
                         capture_output=True, timeout=60, cwd=tmp_path)  # fmt: skip
    assert out.returncode == 0, out.stderr
    stats = json.loads(out.stdout)
    assert stats["searches"] == 2
    assert stats["top_gaps"] == [{"command": "search", "query": "zzzz qqqq", "count": 1}]


def test_an_import_that_changes_only_how_an_entry_is_asked_for_is_searched(
    engine: Engine, tmp_path: Path
) -> None:
    def write(asked_as: str) -> Path:
        folder = tmp_path / asked_as.split()[0]
        target = folder / "questions" / "react"
        target.mkdir(parents=True)
        text = NEW_ENTRY.replace("level: mid", f"asked_as:\n- {asked_as}\nlevel: mid")
        (target / "q-react-portals.md").write_text(text, encoding="utf-8")
        return folder

    assert import_content(engine, [FIXTURES / "content"]).ok
    searcher = Searcher(engine, freshness_interval=0)
    assert import_content(engine, [write("tooltip clipped by overflow hidden parent")]).ok
    assert searcher.search("tooltip clipped").hits[0].id == "q-react-portals"
    result = import_content(engine, [write("dialog escapes its container stacking")])
    assert result.updated_ids == ["q-react-portals"]
    assert history(engine, "q-react-portals")[0].changed == ["asked_as"]
    assert searcher.search("dialog stacking").hits[0].id == "q-react-portals"
    assert searcher.search("tooltip clipped").hits == []
