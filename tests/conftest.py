"""Shared fixtures: a store on a temporary SQLite file and on the real PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
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


def postgres_engine(schema: str) -> Engine:
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})


def drop_schema(schema: str) -> None:
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty, migrated store: a SQLite file, then a fresh schema on the real PostgreSQL."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
        upgrade(eng)
        yield eng
        eng.dispose()
        return
    if not request.getfixturevalue("postgres_ok"):
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432 (skipped outside CI only)")
    schema = f"hubtest_{uuid.uuid4().hex[:12]}"
    eng = postgres_engine(schema)
    try:
        upgrade(eng)
        yield eng
    finally:
        eng.dispose()
        drop_schema(schema)


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()


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
