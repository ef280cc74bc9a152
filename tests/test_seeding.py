"""Replicas started together on a fresh PostgreSQL schema seed the shipped content once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, func, select

from bot.content import load_paths
from bot.models import Entry
from tests.conftest import FIXTURES, Store


def hub_show(url: str, cache: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "HUB_DATABASE_URL": url,
        "HUB_CONTENT_DIR": str(FIXTURES / "content"),
        "HUB_SEARCH_CACHE_DIR": str(cache),
    }
    return subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", "show", "q-django-n-plus-one"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def waiting(store: Store, name: str) -> int:
    """Backends of the processes named `name` that wait for a lock (a fresh look each time)."""
    with store.engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE application_name = :name AND wait_event_type = 'Lock'"
            ),
            {"name": name},
        )
        return int(found.scalar_one())


def test_two_processes_seed_a_fresh_postgresql_schema_once(pg_store: Store, tmp_path: Path) -> None:
    name = f"seed-{uuid.uuid4().hex[:8]}"
    url = f"{pg_store.url}?options=-csearch_path%3D{pg_store.schema}&application_name={name}"
    with pg_store.engine.connect() as conn:
        # Hold both processes at their first look at the empty store, then let them go at once.
        conn.execute(text("LOCK TABLE entry IN ACCESS EXCLUSIVE MODE"))
        processes = [hub_show(url, tmp_path / f"cache{i}") for i in range(2)]
        deadline = time.monotonic() + 60
        while waiting(pg_store, name) < 2:
            assert all(p.poll() is None for p in processes), [p.communicate() for p in processes]
            assert time.monotonic() < deadline, "the processes never reached the store"
            time.sleep(0.05)
        conn.rollback()
    results = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], results
    assert all("N+1" in out for out, _ in results)
    with Session(pg_store.engine) as session:
        count = session.exec(select(func.count()).select_from(Entry)).one()
    assert count == len(load_paths([FIXTURES / "content"]).entries)
