"""The search log's person hash is keyed with a secret, and searches expire (both stores)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import time_machine
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.commands import ChatContext
from bot.config import Settings
from bot.db import alembic_config, make_engine, session_scope, upgrade
from bot.hub import Hub
from bot.models import SearchLog
from bot.privacy import HubSecret
from bot.search.stats import expire_search_logs
from jobs.privacy import EXPIRE
from jobs.scheduler import build_scheduler
from tests.conftest import Store

ADA = ChatContext("discord", "U-ADA", "Ada", workspace_id="G1")


def logged_hashes(engine: Engine) -> list[str | None]:
    with Session(engine) as db:
        return list(db.exec(select(SearchLog.user_hash)).all())


def other_process_engine(store: Store) -> Engine:
    """The same store through an engine of its own, as another process opens it."""
    if store.schema:
        return make_engine(store.url, connect_args={"options": f"-csearch_path={store.schema}"})
    return make_engine(store.url)


def keyed(key: str, who: str) -> str:
    return hmac.new(key.encode(), who.encode(), hashlib.sha256).hexdigest()


def test_the_hash_is_keyed_with_a_key_generated_into_the_store(
    hub: Hub, store: Store, settings: Settings
) -> None:
    hub.handle(ADA, "/hub search django orm")
    with Session(hub.engine) as db:
        secret = db.exec(select(HubSecret)).one()
    [logged] = logged_hashes(hub.engine)
    assert logged == keyed(secret.value, "discord:U-ADA")
    unkeyed = hashlib.sha256(b"discord:G1:U-ADA").hexdigest()
    assert logged not in (unkeyed, unkeyed[:32])
    # Another process on the same store uses the same key: the same person, the same hash.
    engine = other_process_engine(store)
    try:
        Hub(settings, engine).handle(ADA, "/hub search react")
        assert logged_hashes(engine) == [logged, logged]
        with Session(engine) as db:
            assert len(db.exec(select(HubSecret)).all()) == 1
    finally:
        engine.dispose()


def test_hub_secret_key_keys_the_hash_and_nothing_is_generated(
    engine: Engine, settings: Settings
) -> None:
    hub = Hub(settings.model_copy(update={"secret_key": "s3cret"}), engine)
    hub.handle(ADA, "/hub search django orm")
    assert logged_hashes(engine) == [keyed("s3cret", "discord:U-ADA")]
    with Session(engine) as db:
        assert db.exec(select(HubSecret)).all() == []


def test_the_migration_clears_the_old_unkeyed_hashes(store: Store) -> None:
    engine = store.engine
    command.downgrade(alembic_config(engine), "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO searchlog (at, command, query, result_count, top_score, good,"
                " user_hash, platform) VALUES (:at, 'search', 'orm', 1, 1.0, true, :h, 'slack')"
            ),
            {"at": datetime.now(UTC), "h": hashlib.sha256(b"slack:T1:U1").hexdigest()[:32]},
        )
    upgrade(engine)
    assert logged_hashes(engine) == [None]


def add_searches(engine: Engine, *ages: timedelta) -> None:
    now = datetime.now(UTC)
    with session_scope(engine) as db:
        for age in ages:
            db.add(SearchLog(at=now - age, command="search", query="q", result_count=0))


def test_searches_older_than_the_setting_are_deleted(engine: Engine) -> None:
    add_searches(engine, timedelta(days=91), timedelta(days=89), timedelta(minutes=1))
    assert expire_search_logs(engine, 90) == 1
    assert expire_search_logs(engine, 90) == 0
    assert expire_search_logs(engine, 30) == 1
    assert len(logged_hashes(engine)) == 1


async def test_a_daily_job_expires_searches(hub: Hub) -> None:
    hub = Hub(hub.settings.model_copy(update={"search_log_days": 30}), hub.engine)
    with time_machine.travel(datetime(2026, 11, 23, 12, 0, tzinfo=UTC), tick=False) as clock:
        add_searches(hub.engine, timedelta(days=31), timedelta(days=29))
        registry = build_scheduler(hub, debounce_seconds=0.01)
        await registry.start()
        try:
            assert registry.jobs()[EXPIRE] == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
            clock.move_to(datetime(2026, 11, 24, 3, 0, tzinfo=UTC))
            await registry.idle()
            assert len(logged_hashes(hub.engine)) == 1  # the 31-day-old search is gone
            assert registry.jobs()[EXPIRE] == datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
        finally:
            registry.stop()
