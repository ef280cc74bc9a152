"""Keeps a search index that follows the store's content version across processes.

Every `freshness_interval` seconds a search checks the ContentVersion row; when the content
changed (in this process or another), the index is updated: only the entries whose stamp changed
are indexed again (update.py), and a build is left for when most of them did. With a cache
folder, an index is saved there under a name made of the database, the content version and this
code's fingerprint, so a one-shot process (`hub search`) loads it instead of building; when the
content changed since, it loads the newest one of the database and updates it. The file holds
data only (snapshot.py), and a folder that anyone else may write is not used at all: they could
choose our results.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import stat
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Insert, Row, Select, Table, Text, select, text, type_coerce
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from bot.search.errors import match_error
from bot.search.index import MEANING_BATCH, Doc, SearchIndex, SearchResult
from bot.search.meaning import RECIPE, meanings, model
from bot.search.snapshot import FORMAT, read_snapshot, write_snapshot
from bot.search.update import updated

if TYPE_CHECKING:
    from bot.models import Entry

log = logging.getLogger(__name__)

TEXT_FIELDS = (
    "answer",
    "deep_dive",
    "real_world",
    "common_mistakes",
    "production_scenario",
    "root_cause",
    "fix",
    "description",
    "summary",
    "body",
    "code",
)
SEARCH_CODE = Path(__file__).resolve().parent
EPOCH, MICROSECOND = datetime(1970, 1, 1), timedelta(microseconds=1)
# Smaller indexes build in well under a second: not worth a file.
CACHE_MIN_DOCS = 2000
# A bigger index is rebuilt in a background thread while searches use the previous one.
BACKGROUND_MIN_DOCS = 2000
BATCH = 2000
# A bigger index reads the texts of its hits from the store instead of holding them all.
KEEP_TEXTS_MAX_DOCS = 20_000


DOC_COLUMNS = (
    "id",
    "kind",
    "topic",
    "level",
    "title",
    "tags",
    "variants",
    "asked_as",
    "updated_at",
    *TEXT_FIELDS,
)
TEXTS_AT = DOC_COLUMNS.index(TEXT_FIELDS[0])
STAMP_AT = DOC_COLUMNS.index("updated_at")
# After DOC_COLUMNS, a row of the store holds the entry's kept meaning, if it has one.
MEANING_AT = len(DOC_COLUMNS)
# An entry's kept meaning, made the current way from its current content.
KEPT_MEANING = (
    "entrymeaning.entry_id = entry.id AND entrymeaning.updated_at = entry.updated_at"
    " AND entrymeaning.recipe = '{}'".format(RECIPE.replace("'", "''"))
)
# The live entries' searched columns and meaning, by id, as a build reads them (`doc_batches`).
LIVE_DOCS = (
    f"SELECT {', '.join(f'entry.{name}' for name in DOC_COLUMNS)}, entrymeaning.bits"
    f" FROM entry LEFT JOIN entrymeaning ON {KEPT_MEANING}"
    " WHERE NOT entry.retired ORDER BY entry.id"
)


def entry_doc(row: Entry | Row[Any]) -> Doc:
    return row_doc(tuple(getattr(row, name) for name in DOC_COLUMNS))


def row_doc(row: tuple[Any, ...]) -> Doc:
    """A Doc from the values of DOC_COLUMNS, in order, and the kept meaning when the row has
    one (a row of `doc_columns`)."""
    return row_docs([row])[0]


def row_docs(rows: Sequence[tuple[Any, ...]]) -> list[Doc]:
    """Docs from rows of the values of DOC_COLUMNS, in order (and the meaning's, see row_doc)."""
    # An error's reproduction script is not searched; its variants count as its title does.
    return [
        Doc(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            "\n".join(filter(None, row[TEXTS_AT:MEANING_AT])),
            json_list(row[5]),
            json_list(row[6]),
            json_list(row[7]),
            stamp,
            bytes(row[MEANING_AT] or b"") if len(row) > MEANING_AT else b"",
        )
        for row, stamp in zip(rows, stamps_of([row[STAMP_AT] for row in rows]), strict=True)
    ]


def json_list(value: str | list[str] | None) -> tuple[str, ...]:
    """A JSON list column, read as text where the driver leaves it so. As `json.dumps` writes a
    list of strings without escapes (`["a b", "c"]`), it is split, eight times faster than
    parsed: a build reads three of them an entry."""
    if isinstance(value, str):
        if value == "[]":
            return ()
        if value.startswith('["') and value.endswith('"]') and "\\" not in value:
            inner = value[2:-2]
            if '","' not in inner:
                return tuple(inner.split('", "'))
        return tuple(json.loads(value))
    return tuple(value or ())


def doc_columns() -> Select[Any]:
    """The searched columns of the entry table, its kept meaning, and `retired`, to filter on;
    the JSON lists and the time as text, decoded by `row_doc` (lists only when not empty)."""
    from bot.models import Entry, EntryMeaning

    table = Entry.__table__  # type: ignore[attr-defined]
    kept = EntryMeaning.__table__  # type: ignore[attr-defined]
    return select(
        *(
            type_coerce(table.c[name], Text).label(name)
            if name in ("tags", "variants", "asked_as", "updated_at")
            else table.c[name]
            for name in DOC_COLUMNS
        ),
        kept.c.bits.label("meaning"),
        table.c.retired,
    ).outerjoin(kept, text(KEPT_MEANING))


def doc_batches(engine: Engine) -> Iterator[list[Doc]]:
    """The live entries, by id, a batch at a time: read with the driver's own cursor (a
    server-side one on PostgreSQL), as SQLAlchemy's rows cost more than the reading."""
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        if conn.dialect.name == "postgresql":
            cursor = driver.cursor(name="search_build")
        else:
            cursor = driver.cursor()
        try:
            cursor.execute(LIVE_DOCS)
            while rows := cursor.fetchmany(BATCH):
                yield row_docs(rows)
        finally:
            cursor.close()


def stamp_of(changed: datetime | str) -> int:
    """An entry's updated_at as a number: microseconds since 1970 (its time zone left out).
    Read as text where the driver leaves it so (SQLite): parsing it here is many times faster."""
    if isinstance(changed, str):
        changed = datetime.fromisoformat(changed)
    return (changed.replace(tzinfo=None) - EPOCH) // MICROSECOND


def stamps_of(changed: list[datetime] | list[str]) -> list[int]:
    """`stamp_of` each; many times as text without a time zone (SQLite's) are read by numpy at
    once (which costs more than `stamp_of` for a few: a search reads its hits' texts)."""
    if len(changed) >= 100 and all(isinstance(c, str) for c in changed):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # numpy warns of a time zone, then applies it
                found = np.array(changed, "datetime64[us]")
            return found.astype(np.int64).tolist()  # type: ignore[no-any-return]
        except (ValueError, Warning):
            pass
    return [stamp_of(c) for c in changed]


def live_stamps(engine: Engine) -> list[tuple[str, int]]:
    """Each live entry's id and when it last changed, in the order a build reads them."""
    columns = doc_columns().selected_columns
    query = (
        select(columns.id, columns.updated_at)
        .where(columns.retired.is_(False))
        .order_by(columns.id)
    )
    with engine.connect() as conn:
        return [(entry_id, stamp_of(changed)) for entry_id, changed in conn.execute(query)]


def read_docs(engine: Engine, entry_ids: list[str]) -> list[Doc]:
    """The live entries of these ids, in this order (those gone are left out)."""
    query = doc_columns()
    columns = query.selected_columns
    found: dict[str, Doc] = {}
    with engine.connect() as conn:
        for start in range(0, len(entry_ids), BATCH):
            batch = entry_ids[start : start + BATCH]
            rows = conn.execute(query.where(columns.id.in_(batch), columns.retired.is_(False)))
            found.update((row.id, row_doc(row)) for row in rows)
    return [found[i] for i in entry_ids if i in found]


def keep_meanings(engine: Engine) -> bool:
    """Makes and keeps the meaning of every live entry the store keeps none for (new, changed,
    or made another way), a batch at a time, before a build reads them: the build and the model
    at work never hold memory at once. Two processes doing it at once write the same meanings
    twice. False when the store cannot take them (read-only): the build makes them itself."""
    from bot.models import Entry, EntryMeaning

    entry = Entry.__table__  # type: ignore[attr-defined]
    table = EntryMeaning.__table__  # type: ignore[attr-defined]
    query = (
        select(entry.c.id, entry.c.updated_at)
        .select_from(entry.outerjoin(table, text(KEPT_MEANING)))
        .where(entry.c.retired.is_(False), table.c.entry_id.is_(None))
        .order_by(entry.c.id)
    )
    made, after = 0, ""
    while True:
        with engine.connect() as conn:
            batch = conn.execute(query.where(entry.c.id > after).limit(MEANING_BATCH)).all()
        if not batch:
            break
        after = batch[-1][0]
        changed: dict[str, datetime] = dict(tuple(row) for row in batch)
        docs = read_docs(engine, list(changed))
        rows = [
            {"entry_id": doc.id, "updated_at": changed[doc.id], "recipe": RECIPE, "bits": bits}
            for doc, bits in zip(docs, (b.tobytes() for b in meanings(docs)), strict=True)
        ]
        try:
            with engine.begin() as conn:
                if rows:
                    conn.execute(upsert(conn, table, "entry_id"), rows)
        except DBAPIError as exc:
            log.warning("could not keep the entries' meanings: %s", exc.orig)
            return False
        made += len(rows)
    if made:
        log.info("search: made the meanings of %d entries", made)
        model.cache_clear()  # the build comes next: a query loads the model again (0.07 s)
    return True


def upsert(conn: Connection, table: Table, key: str) -> Insert:
    """An insert that replaces the row of the same `key`."""
    if conn.dialect.name == "postgresql":
        statement: Any = postgresql.insert(table)
    else:
        statement = sqlite.insert(table)
    replaced = {c.name: statement.excluded[c.name] for c in table.columns if c.name != key}
    upserted: Insert = statement.on_conflict_do_update(index_elements=[key], set_=replaced)
    return upserted


def stored_entries(engine: Engine) -> int:
    """The entries in the store, retired ones included: counted from an index, where counting
    the live ones reads the whole table (0.05-0.15 s at 100k on SQLite)."""
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM entry")).scalar_one())


def iter_docs(engine: Engine) -> Iterator[Doc]:
    return itertools.chain.from_iterable(doc_batches(engine))


def load_docs(engine: Engine) -> list[Doc]:
    return list(iter_docs(engine))


def content_state(engine: Engine) -> str | None:
    """The content's version and when it changed (different whenever the content differs);
    None when nothing was ever imported or the store has no tables yet."""
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT version, changed_at FROM contentversion WHERE id = 1")
            ).first()
    except DBAPIError:
        return None
    return f"{row[0]}-{row[1]}" if row else None


def code_fingerprint() -> str:
    digest = hashlib.sha256(RECIPE.encode())
    for file in sorted(SEARCH_CODE.glob("*.py")) + sorted(SEARCH_CODE.glob("*.yml")):
        digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def not_ours_alone(info: os.stat_result) -> str | None:
    """Why a cache folder or file may have been written by someone else, or None."""
    ours = info.st_uid == os.getuid()
    if info.st_mode & stat.S_IWOTH:
        return "anyone may write it"
    if info.st_mode & stat.S_IWGRP and not ours:
        return "its group may write it and it is not ours"
    if not ours and info.st_uid != 0:
        return "another user owns it"
    return None


class IndexCache:
    """Built indexes on disk, one file per database, newest content version only."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.folder = folder
        self.prefix = hashlib.sha256(database_url.encode()).hexdigest()[:16]
        self.warned = False

    def file(self, state: str) -> Path:
        version = hashlib.sha256(state.encode()).hexdigest()[:16]
        return self.folder / f"{self.prefix}-{version}-{code_fingerprint()}.v{FORMAT}.npz"

    def latest(self) -> SearchIndex | None:
        """The newest index of this database by this code, whatever its content version."""
        if not self.usable(self.folder):
            return None
        found = sorted(
            self.folder.glob(f"{self.prefix}-*-{code_fingerprint()}.v{FORMAT}.npz"),
            key=lambda f: f.stat().st_mtime if f.exists() else 0.0,
        )
        return self._read(found[-1]) if found else None

    def usable(self, path: Path) -> bool:
        """Whether `path` (the folder, a file in it) is ours alone; warns once when it is not."""
        try:
            problem = not_ours_alone(path.stat())
        except FileNotFoundError:
            return True
        except OSError as exc:
            problem = exc.strerror or str(exc)
        if problem and not self.warned:
            log.warning("search cache %s is not used: %s", path, problem)
            self.warned = True
        return problem is None

    def load(self, state: str) -> SearchIndex | None:
        return self._read(self.file(state))

    def _read(self, file: Path) -> SearchIndex | None:
        if not self.usable(self.folder) or not self.usable(file):
            return None
        try:
            return read_snapshot(file)
        except FileNotFoundError:
            return None
        except Exception as exc:  # damaged, foreign or older: rebuilt and overwritten
            log.warning("search cache %s unreadable (%s); rebuilding", file, exc)
            return None

    def save(self, state: str, index: SearchIndex) -> None:
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not self.usable(self.folder):
                return
            target = self.file(state)
            with tempfile.NamedTemporaryFile(dir=self.folder, delete=False) as handle:
                write_snapshot(index, handle)
            os.replace(handle.name, target)
            for old in self.folder.glob(f"{self.prefix}-*"):
                if old != target:
                    old.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not write the search cache in %s: %s", self.folder, exc)


class Searcher:
    def __init__(
        self,
        engine: Engine,
        freshness_interval: float = 2.0,
        cache_dir: Path | None = None,
        cache_min_docs: int = CACHE_MIN_DOCS,
        background_min_docs: int = BACKGROUND_MIN_DOCS,
    ) -> None:
        self.engine = engine
        self.freshness_interval = freshness_interval
        url = engine.url.render_as_string(hide_password=False)
        self.cache = IndexCache(cache_dir, url) if cache_dir else None
        self.cache_min_docs = cache_min_docs
        self.background_min_docs = background_min_docs
        self._pending: str | None = None
        self._lock = threading.Lock()
        self._index: SearchIndex | None = None
        self._state = ""
        self._checked = 0.0
        self._keeps_meanings = True

    def index(self) -> SearchIndex:
        now = time.monotonic()
        if self._index is not None and now - self._checked < self.freshness_interval:
            return self._index
        with self._lock:
            if self._index is not None and now - self._checked < self.freshness_interval:
                return self._index
            state = content_state(self.engine) or "0"
            if self._index is None:
                self._index, self._state = self._load(state, None), state
            elif state != self._state and state != self._pending:
                if self._index.size < self.background_min_docs:
                    self._index, self._state = self._load(state, self._index), state
                else:
                    self._pending = state
                    threading.Thread(
                        target=self._replace,
                        args=(state, self._index),
                        name="search-update",
                        daemon=True,
                    ).start()
            self._checked = time.monotonic()
            return self._index

    def warm(self) -> None:
        """Builds the index in a background thread, so that the first search of a bot that has
        just started (or of a big import: the entries' meanings are made then) does not wait."""

        def build() -> None:
            try:
                self.index()
            except Exception:
                log.exception("building the search index failed; the first search will retry")

        threading.Thread(target=build, name="search-warm", daemon=True).start()

    def _replace(self, state: str, previous: SearchIndex) -> None:
        try:
            index = self._load(state, previous)
        except Exception:
            log.exception("updating the search index failed; keeping the previous one")
            with self._lock:
                self._pending = None
            return
        with self._lock:
            self._index, self._state, self._pending = index, state, None

    def _load(self, state: str, previous: SearchIndex | None) -> SearchIndex:
        """The index of `state`: from the cache, else `previous` (or the newest cached index)
        updated, else built."""
        index = self.cache.load(state) if self.cache else None
        if index is None:
            # A store that could not keep them once (read-only) is not asked again.
            self._keeps_meanings = self._keeps_meanings and keep_meanings(self.engine)
            base = previous or (self.cache.latest() if self.cache else None)
            index = self._update(base) if base is not None else None
            if index is None:
                keep = stored_entries(self.engine) < KEEP_TEXTS_MAX_DOCS
                index = SearchIndex(iter_docs(self.engine), keep_texts=keep)
                log.info("search index built: %d entries", index.size)
            if self.cache and index.size >= self.cache_min_docs:
                self.cache.save(state, index)
        index.fetch_texts = self._entry_texts
        return index

    def _update(self, base: SearchIndex) -> SearchIndex | None:
        live = live_stamps(self.engine)
        index = updated(base, live, lambda ids: read_docs(self.engine, ids))
        if index is not None and index is not base and len(live) >= KEEP_TEXTS_MAX_DOCS:
            index.texts = None
        return index

    def _entry_texts(self, entry_ids: list[str]) -> dict[str, str]:
        query = doc_columns()
        with self.engine.connect() as conn:
            rows = conn.execute(query.where(query.selected_columns.id.in_(entry_ids)))
            return {row.id: row_doc(row).text for row in rows}

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
        return match_error(self.index(), paste, limit=limit)
