"""Import content files into the store: one transaction, upsert by id."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.content import revisions
from bot.content.files import ContentProblem, ContentSet, load_paths
from bot.content.quality import question_counts
from bot.content.schema import TEXT_FIELDS, EntryData
from bot.db import session_scope
from bot.models import SECTION_TITLES, ContentVersion, Entry, LearningPath, utcnow

CHUNK = 500
Progress = Callable[[int], None]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[ContentProblem] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> int:
        return self.created + self.updated


def entry_values(entry: EntryData) -> dict[str, Any]:
    values = entry.model_dump(mode="json")
    values["tags"] = list(entry.tags)
    values["variants"] = list(entry.variants)
    values["asked_as"] = list(entry.asked_as)
    return values


def entry_data(row: Entry) -> EntryData:
    return EntryData.model_validate({f: getattr(row, f) for f in EntryData.model_fields})


def entries_by_id(engine: Engine, ids: Sequence[str]) -> dict[str, Entry]:
    if not ids:
        return {}
    with Session(engine) as session:
        rows = session.exec(select(Entry).where(col(Entry.id).in_(ids))).all()
    return {row.id: row for row in rows}


def similar_ids(engine: Engine, entry_id: str, limit: int = 3) -> list[str]:
    """The ids closest to a mistyped one, for a "did you mean"."""
    from rapidfuzz import fuzz, process

    with Session(engine) as session:
        ids = session.exec(select(Entry.id)).all()
    found = process.extract(entry_id, ids, scorer=fuzz.ratio, limit=limit, score_cutoff=80)
    return [match for match, _score, _index in found]


def count_entries(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Entry)).one())


def import_content(
    engine: Engine,
    paths: Sequence[Path],
    progress: Progress | None = None,
    on_loaded: Callable[[int], None] | None = None,
    replace: bool = False,
) -> ImportResult:
    """Validate everything first; write nothing unless every file is sound. An entry that would
    replace a more complete one of the same id is a problem unless `replace` is given."""
    with Session(engine) as session:
        known = set(session.exec(select(Entry.id)).all())
    found = load_paths(paths, known_ids=known)
    if not found.problems and not replace:
        found.problems.extend(losses(engine, found))
    if found.problems:
        return ImportResult(problems=sorted(found.problems))
    if on_loaded:
        on_loaded(len(found.entries) + len(found.paths))
    return write_content(engine, found, progress)


def losses(engine: Engine, found: ContentSet) -> list[ContentProblem]:
    """The entries whose new version drops a section the stored one has, or is shorter."""
    problems = []
    for start in range(0, len(found.entries), CHUNK):
        chunk = found.entries[start : start + CHUNK]
        stored = entries_by_id(engine, [entry.id for entry, _ in chunk])
        for entry, location in chunk:
            old = stored.get(entry.id)
            if old is not None and (loss := what_is_lost(old, entry)):
                message = f"{entry.id} would replace a more complete entry: {loss} (--replace)"
                problems.append(ContentProblem(location, 1, message))
    return problems


def what_is_lost(old: Entry, new: EntryData) -> str | None:
    dropped = [name for name in TEXT_FIELDS if old.section(name) and not getattr(new, name)]
    if dropped:
        return "it has no " + ", ".join(SECTION_TITLES.get(n, n) for n in dropped)
    before = sum(len(old.section(name) or "") for name in TEXT_FIELDS)
    after = sum(len(getattr(new, name) or "") for name in TEXT_FIELDS)
    if after < before:
        return f"it is shorter ({after:,} characters against {before:,})"
    return None


def write_content(
    engine: Engine, found: ContentSet, progress: Progress | None = None
) -> ImportResult:
    result = ImportResult()
    now = utcnow()
    written: list[dict[str, Any]] = []  # the new revisions
    with session_scope(engine) as session:
        entries = [entry for entry, _ in found.entries]
        for start in range(0, len(entries), CHUNK):
            chunk = entries[start : start + CHUNK]
            ids = [e.id for e in chunk]
            # Locked (PostgreSQL): an approval of one of these entries waits for the import.
            locked = select(Entry).where(col(Entry.id).in_(ids)).with_for_update()
            existing = {row.id: row for row in session.exec(locked)}
            numbers = revisions.latest_numbers(session, ids)
            for entry in chunk:
                values, row = entry_values(entry), existing.get(entry.id)
                revision = revisions.next_revision(
                    numbers.get(entry.id, 0), row, values, revisions.IMPORTED, now
                )
                if revision is not None:
                    written.append(revision)
                _upsert(session, Entry, row, values, now, result)
            session.flush()
            if progress:
                progress(len(chunk))
        for path, _ in found.paths:
            values = path.model_dump(mode="json")
            _upsert(session, LearningPath, session.get(LearningPath, path.id), values, now, result)
            if progress:
                progress(1)
        revisions.add(session, written)
        if result.changed:
            bump_version(session)
    return result


def _upsert(
    session: Session,
    model: type[Entry] | type[LearningPath],
    row: Any,
    values: dict[str, Any],
    now: Any,
    result: ImportResult,
) -> None:
    if row is None:
        session.add(model(**values, created_at=now, updated_at=now))
        result.created += 1
    elif any(getattr(row, key) != value for key, value in values.items()):
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = now
        session.add(row)
        result.updated += 1
        result.updated_ids.append(values["id"])
    else:
        result.unchanged += 1


def save_entry(
    session: Session, entry: EntryData, author: revisions.Author = revisions.IMPORTED
) -> bool:
    """Write one entry (new, or a new version of the stored one) and its revision inside the
    caller's transaction, and bump the content version so every process's search sees it; True
    when it was new."""
    result = ImportResult()
    values, now = entry_values(entry), utcnow()
    # Locked (PostgreSQL): a concurrent writer of this entry commits first, and we read it.
    row = session.get(Entry, entry.id, with_for_update=True, populate_existing=True)
    number = revisions.latest_numbers(session, [entry.id]).get(entry.id, 0)
    revision = revisions.next_revision(number, row, values, author, now)
    _upsert(session, Entry, row, values, now, result)
    if result.changed:
        bump_version(session)
    revisions.add(session, [revision] if revision else [])
    return result.created == 1


def bump_version(session: Session) -> None:
    state = session.get(ContentVersion, 1)
    if state is None:
        state = ContentVersion(id=1, version=0)
    state.version += 1
    state.changed_at = utcnow()
    session.add(state)


def content_version(engine: Engine) -> int:
    with Session(engine) as session:
        state = session.get(ContentVersion, 1)
        return state.version if state else 0


def store_stats(engine: Engine) -> dict[str, Any]:
    """What the store holds (shipped content, imports and contributions), counted as files are."""
    with Session(engine) as session:
        rows = session.exec(select(Entry).where(col(Entry.retired).is_(False))).all()
        paths = int(session.exec(select(func.count()).select_from(LearningPath)).one())
    return entry_stats([entry_data(row) for row in rows], paths)


def content_stats(found: ContentSet) -> dict[str, Any]:
    return entry_stats([entry for entry, _ in found.entries], len(found.paths))


def entry_stats(entries: list[EntryData], paths: int) -> dict[str, Any]:
    return {
        "kinds": dict(sorted(Counter(e.kind.value for e in entries).items())),
        "topics": dict(sorted(Counter(e.topic for e in entries).items())),
        "levels": dict(sorted(Counter(e.level.value for e in entries if e.level).items())),
        "paths": paths,
        "errors_reproduced": sum(1 for e in entries if e.reproduce),
        **question_counts(entries),
    }
