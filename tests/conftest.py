"""Shared fixtures: a store on a temporary SQLite file and on the real PostgreSQL server; and
the guards every test runs under (no crashed command, no outside settings, loopback only: the
last is pytest-socket's `--allow-hosts`, in pyproject.toml)."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.content import import_content
from bot.db import make_engine, upgrade
from bot.hub import Hub

POSTGRES_URL = os.environ.get(
    "HUB_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FIXTURES = Path(__file__).parent / "fixtures"
# The settings' names (bot/config.py): a test sees none from the machine it runs on.
SETTING_PREFIXES = ("HUB_", "SLACK_", "DISCORD_")


class CommandFailures(logging.Handler):
    """What the core's one door logs at ERROR: `command NAME failed`, with the traceback that the
    person never sees (they get "Something went wrong on our side")."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_failed_command(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test fails when a command crashed in the core, even though the short reply looked fine.
    A test that crashes one on purpose says so: `@pytest.mark.command_fails("name", …)`."""
    failures = CommandFailures()
    logger = logging.getLogger("bot.hub")
    logger.addHandler(failures)
    try:
        yield
    finally:
        logger.removeHandler(failures)
    marker = request.node.get_closest_marker("command_fails")
    expected = set(marker.args) if marker else set()
    unexpected = [
        r for r in failures.records if not (isinstance(r.args, tuple) and expected & {*r.args[:1]})
    ]
    if unexpected:
        pytest.fail(
            "the core logged a failed command:\n"
            + "\n".join(failures.format(r) for r in unexpected),
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def outside_settings_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    """No HUB_*, SLACK_* or DISCORD_* variable of the machine, and no `.env` file, reaches a test
    or a process it starts; a test sets what it needs (monkeypatch.setenv, or a process's env).
    HUB_TEST_* say where the test services are, so they stay."""
    for name in list(os.environ):
        if name.startswith(SETTING_PREFIXES) and not name.startswith("HUB_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HUB_ENV_FILE", "")


def _postgres_available() -> bool:
    try:
        engine = make_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_ok() -> bool:
    ok = _postgres_available()
    if not ok and os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}; CI needs it")
    return ok


@dataclass(frozen=True)
class Store:
    """A migrated store, and how another process opens the same one (schema "" on SQLite)."""

    engine: Engine
    url: str
    schema: str = ""


@contextmanager
def sqlite_store(folder: Path) -> Iterator[Store]:
    url = f"sqlite:///{folder / 'hub.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        yield Store(engine, url)
    finally:
        engine.dispose()


@contextmanager
def postgres_store() -> Iterator[Store]:
    """A fresh schema on the real PostgreSQL, dropped afterwards."""
    schema = f"hubtest_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(engine)
        yield Store(engine, POSTGRES_URL, schema)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def require_postgres(request: pytest.FixtureRequest) -> None:
    if not request.getfixturevalue("postgres_ok"):
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432 (skipped outside CI only)")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty, migrated store: a SQLite file, then a fresh schema on the real PostgreSQL."""
    if request.param == "sqlite":
        with sqlite_store(tmp_path) as found:
            yield found
        return
    require_postgres(request)
    with postgres_store() as found:
        yield found


@pytest.fixture
def engine(store: Store) -> Engine:
    return store.engine


@pytest.fixture
def pg_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """Only the real PostgreSQL: for what SQLite cannot show (several processes at once)."""
    require_postgres(request)
    with postgres_store() as found:
        yield found


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    with sqlite_store(tmp_path) as found:
        yield found.engine


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        HUB_DATABASE_URL=f"sqlite:///{tmp_path / 'hub.db'}",
        HUB_CONTENT_DIR=FIXTURES / "content",
        HUB_FRESHNESS_INTERVAL=0,
    )


@pytest.fixture
def hub(engine: Engine, settings: Settings) -> Hub:
    """A hub on each store, loaded with the small test content in tests/fixtures/content."""
    result = import_content(engine, [FIXTURES / "content"])
    assert result.ok, result.problems
    return Hub(settings, engine)


@pytest.fixture
def sqlite_hub(sqlite_engine: Engine, settings: Settings) -> Hub:
    """A hub on SQLite only, for tests whose subject is not the store (adapters, time math)."""
    result = import_content(sqlite_engine, [FIXTURES / "content"])
    assert result.ok, result.problems
    return Hub(settings, sqlite_engine)
