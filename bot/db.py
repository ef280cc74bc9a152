"""The store: one engine per process, schema managed by Alembic."""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Update, delete, event, inspect, text
from sqlalchemy.engine import Connection, CursorResult, Engine, Result, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session, create_engine

if TYPE_CHECKING:  # alembic loads only when migrations run: one-shot commands start faster
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_WAIT = 30.0  # seconds, when no statement timeout is asked for
# PostgreSQL: statement_timeout (57014) and lock_timeout (55P03) cancelled the statement.
BUSY_SQLSTATES = frozenset({"57014", "55P03"})


class StoreUnavailable(Exception):
    """The store's URL or location cannot be used; the message says why, in one line."""


SUPPORTED = "sqlite:///path/to/hubbot.db or postgresql+psycopg://user@host/db"
# The URL schemes HubBot has a driver for, and the driver each one means.
SCHEMES = {
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
}


def store_url(url: str) -> str:
    """`url` with the installed driver, its SQLite folder created; StoreUnavailable if it can't be
    used (an unsupported database, a folder or file that cannot be written)."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in SCHEMES:
        raise StoreUnavailable(f"unsupported database URL {scheme[:30]!r}: use {SUPPORTED}")
    url = f"{SCHEMES[scheme.lower()]}://{rest}"
    if url.startswith("sqlite"):
        check_sqlite_file(make_url(url).database)
    return url


def check_sqlite_file(database: str | None) -> None:
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    file = Path(database).expanduser()
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise StoreUnavailable(f"cannot create the store's folder {file.parent}: {why}") from None
    if file.exists() and not os.access(file, os.W_OK):
        raise StoreUnavailable(f"the store {file} is read-only: HubBot needs to write to it")
    if not os.access(file.parent, os.W_OK):
        raise StoreUnavailable(
            f"the store's folder {file.parent} is read-only: point HUB_DATABASE_URL elsewhere"
        )


def describe(url: str) -> str:
    """The URL to show a person: the password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url[:80]


def make_engine(url: str, statement_timeout: float | None = None, **kwargs: Any) -> Engine:
    """The engine for `url`. With `statement_timeout` (seconds), no call waits longer: PostgreSQL
    cancels a statement (lock waits included) and gives up connecting after that long, and SQLite
    waits that long for its write lock; either then raises an error that `is_busy` recognises."""
    connect_args: dict[str, Any] = dict(kwargs.pop("connect_args", {}))
    url = store_url(url)
    if url.startswith("sqlite"):
        connect_args["check_same_thread"] = False
        connect_args["timeout"] = statement_timeout or SQLITE_BUSY_WAIT
        engine = create_engine(url, connect_args=connect_args, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    if statement_timeout:
        # libpq options given in the URL (`?options=-csearch_path%3D…`) would be replaced by
        # connect_args' own: keep them, then add the limit.
        given = make_url(url).query.get("options", "")
        given = " ".join(given) if isinstance(given, tuple) else given
        limit = f"-c statement_timeout={round(statement_timeout * 1000)}"
        connect_args["options"] = f"{given} {connect_args.get('options', '')} {limit}".strip()
        connect_args.setdefault("connect_timeout", max(1, math.ceil(statement_timeout)))
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def is_busy(error: BaseException) -> bool:
    """Whether `error` means the store did not answer in time (a statement timeout, a lock wait,
    SQLite's busy timeout), so the same call may well work a moment later."""
    if not isinstance(error, OperationalError):
        return False
    reason = error.orig
    return getattr(reason, "sqlstate", None) in BUSY_SQLSTATES or "database is locked" in str(
        reason
    )


def ping(engine: Engine) -> None:
    """Raise unless the store answers a trivial query."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> int:
    """Bring the schema to the newest revision (every branch head); the migrations applied."""
    from alembic import command

    before = applied_revisions(engine)
    command.upgrade(alembic_config(engine), "heads")
    return len(applied_revisions(engine) - before)


def applied_revisions(engine: Engine) -> set[str]:
    """Every revision the schema stands on (a head another depends on counts through that one)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
    return {rev.revision for rev in script.iterate_revisions(current, "base") if rev}


def is_current(engine: Engine) -> bool:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine))
    return set(script.get_heads()) <= applied_revisions(engine)


def has_schema(engine: Engine) -> bool:
    return inspect(engine).has_table("entry")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose transaction commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def compare_and_set(db: Engine | Connection | Session, statement: Update) -> bool:
    """Run a conditional `UPDATE … WHERE <the state the caller read>`; True when it changed
    exactly one row: this caller won, and any other process or click racing for the same change
    changed nothing. Given an engine, the update is a transaction of its own."""
    if isinstance(db, Engine):
        with db.begin() as conn:
            return compare_and_set(conn, statement)
    return rowcount(db.execute(statement)) == 1


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or a DELETE changed (its result is a cursor result)."""
    return int(cast("CursorResult[Any]", result).rowcount or 0)


def delete_person(session: Session, platform: str, user_id: str, *tables: Any) -> list[int]:
    """Delete a person's rows (their platform and user id, every workspace) from each table,
    inside the caller's transaction; how many from each (`/hub forget me`)."""
    return [
        rowcount(
            session.execute(
                delete(table).where(table.platform == platform, table.user_id == user_id)
            )
        )
        for table in tables
    ]


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[None]:
    """Run the block in one process at a time, across every process sharing the database: a
    PostgreSQL advisory lock, held by a transaction of its own (the block uses other connections;
    the loser waits). SQLite serves one process per file: no lock."""
    if engine.dialect.name != "postgresql":
        yield
        return
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
        yield
