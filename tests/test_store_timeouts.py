"""No database call waits without end: a statement timeout on PostgreSQL, a busy timeout on SQLite,
and the core answers "busy" (no traceback) when the store does not answer in time."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.commands import ChatContext
from bot.config import Settings
from bot.content import import_content
from bot.db import is_current, make_engine
from bot.hub import BUSY, Hub

from .conftest import FIXTURES, Store


def timed_engine(store: Store, seconds: float) -> Engine:
    """Another engine on the same store, whose calls may take `seconds`."""
    if not store.schema:
        return make_engine(store.url, seconds)
    return make_engine(
        store.url, seconds, connect_args={"options": f"-csearch_path={store.schema}"}
    )


@contextmanager
def write_locked(store: Store) -> Iterator[None]:
    """Another connection holds the search log (PostgreSQL) or the whole file (SQLite)."""
    if store.schema:
        with store.engine.connect() as conn:
            conn.execute(sa.text("LOCK TABLE searchlog IN ACCESS EXCLUSIVE MODE"))
            yield
            conn.rollback()
        return
    raw = sqlite3.connect(store.url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        raw.execute("BEGIN IMMEDIATE")
        yield
        raw.execute("ROLLBACK")
    finally:
        raw.close()


def test_the_setting_reaches_the_hubs_store(settings: Settings) -> None:
    assert Settings().db_statement_timeout == 5.0
    settings = settings.model_copy(update={"db_statement_timeout": 1.5})
    hub = Hub(settings)
    with hub.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1500


def test_postgresql_statements_are_cut_off(pg_store: Store) -> None:
    engine = timed_engine(pg_store, 0.5)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "500ms"
        assert conn.exec_driver_sql("SHOW search_path").scalar() == pg_store.schema
    engine.dispose()


def test_a_locked_store_answers_busy_without_a_traceback(
    store: Store, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    engine = timed_engine(store, 0.5)
    assert import_content(engine, [FIXTURES / "content"]).ok
    hub = Hub(settings, engine)
    ctx = ChatContext("slack", "U1", "Ada", channel_id="C1")
    with write_locked(store):
        busy = hub.handle(ctx, "search render twice")
        helped = hub.handle(ctx, "help")
    assert busy.error and busy.text == BUSY
    assert not helped.error
    assert not hub.handle(ctx, "search render twice").error  # free again
    assert [r for r in caplog.records if r.exc_info] == []
    assert "the store is busy" in caplog.text
    engine.dispose()


def test_libpq_options_in_the_url_survive_the_timeout(pg_store: Store) -> None:
    url = f"{pg_store.url}?options=-csearch_path%3D{pg_store.schema}"
    engine = make_engine(url, statement_timeout=2.0)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW search_path").scalar() == pg_store.schema
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "2s"
    engine.dispose()


def test_a_store_upgraded_to_every_head_is_current(store: Store) -> None:
    # 0012_tenancy_daily depends on 0003_daily, so alembic records only the former.
    assert is_current(store.engine)
