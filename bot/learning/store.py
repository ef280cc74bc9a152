"""Path progress and nudge opt-ins: enrol, mark a step done once, read, forget."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.db import compare_and_set, delete_person, session_scope
from bot.learning.models import PathNudge, PathProgress
from bot.member import Member
from bot.models import utcnow


def _of(model: Any, who: Member) -> list[ColumnElement[bool]]:
    return [
        col(model.platform) == who.platform,
        col(model.workspace_id) == who.workspace_id,
        col(model.user_id) == who.user_id,
    ]


def enrol(engine: Engine, who: Member, path_id: str) -> tuple[PathProgress, bool]:
    """The person's progress on the path, made the active one; True when newly enrolled."""
    try:
        with session_scope(engine) as db:
            row = PathProgress(
                platform=who.platform,
                workspace_id=who.workspace_id,
                user_id=who.user_id,
                path_id=path_id,
            )
            db.add(row)
        return row, True
    except IntegrityError:  # already enrolled (maybe a moment ago, by a second click)
        touch(engine, who, path_id)
        found = progress_on(engine, who, path_id)
        assert found is not None
        return found, False


def touch(engine: Engine, who: Member, path_id: str) -> None:
    """Make the path the person's active one."""
    with engine.begin() as conn:
        conn.execute(
            update(PathProgress)
            .where(*_of(PathProgress, who), col(PathProgress.path_id) == path_id)
            .values(active_at=utcnow())
        )


def progress_on(engine: Engine, who: Member, path_id: str) -> PathProgress | None:
    with Session(engine, expire_on_commit=False) as db:
        return db.get(PathProgress, (who.platform, who.workspace_id, who.user_id, path_id))


def progress(engine: Engine, who: Member) -> list[PathProgress]:
    """Every path the person follows in this workspace, the most recently active first."""
    with Session(engine, expire_on_commit=False) as db:
        return list(
            db.exec(
                select(PathProgress)
                .where(*_of(PathProgress, who))
                .order_by(col(PathProgress.active_at).desc(), col(PathProgress.path_id))
            ).all()
        )


def mark_done(engine: Engine, who: Member, path_id: str, step: int, steps: int) -> bool:
    """Mark step `step` (0-based) done, if it is the person's next one: True for the one call
    that did it; a second click, or a racing process, changes nothing."""
    now = utcnow()
    return compare_and_set(
        engine,
        update(PathProgress)
        .where(
            *_of(PathProgress, who),
            col(PathProgress.path_id) == path_id,
            col(PathProgress.done) == step,
        )
        .values(done=step + 1, active_at=now, finished_at=now if step + 1 >= steps else None),
    )


def set_nudge(engine: Engine, who: Member, enabled: bool, week: date) -> None:
    """Turn the weekly nudge on or off; turning it on counts as this week's (the next step was
    just shown), so the first DM comes next week."""
    with session_scope(engine) as db:
        row = db.get(PathNudge, (who.platform, who.workspace_id, who.user_id))
        was_on = row is not None and row.enabled
        if row is None:
            row = PathNudge(
                platform=who.platform, workspace_id=who.workspace_id, user_id=who.user_id
            )
            db.add(row)
        if enabled and not was_on:
            row.nudged_week = week
        row.enabled = enabled


def nudges_enabled(engine: Engine) -> bool:
    with Session(engine) as db:
        return db.exec(select(PathNudge.user_id).where(col(PathNudge.enabled))).first() is not None


def _not_nudged(week: date) -> ColumnElement[bool]:
    return or_(col(PathNudge.nudged_week).is_(None), col(PathNudge.nudged_week) < week)


def due_nudges(engine: Engine, week: date) -> list[Member]:
    """People with the nudge on who have not had this week's."""
    with Session(engine) as db:
        rows = db.exec(
            select(PathNudge).where(col(PathNudge.enabled).is_(True), _not_nudged(week))
        ).all()
    return [Member(r.platform, r.workspace_id, r.user_id) for r in rows]


def claim_nudge(engine: Engine, who: Member, week: date) -> bool:
    """Claim the person's nudge for `week`: True for the one process that will send it."""
    return compare_and_set(
        engine,
        update(PathNudge)
        .where(*_of(PathNudge, who), col(PathNudge.enabled).is_(True), _not_nudged(week))
        .values(nudged_week=week),
    )


def forget(db: Session, who: Member) -> tuple[int, int]:
    """Delete the person's progress and nudge settings on their platform (every workspace),
    inside the caller's transaction; how many of each."""
    first, second = delete_person(db, who.platform, who.user_id, PathProgress, PathNudge)
    return first, second
