"""The mock sessions in the store. Every transition is one compare-and-set on `step`
(`UPDATE … WHERE id = ? AND step = ?`): whoever's update changes the row owns the step and
delivers it; a second click, a second process or a late timer finds the row changed and does
nothing. What each transition does is decided in bot.mock.session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.db import compare_and_set, rowcount, session_scope
from bot.member import FORGOTTEN, Member
from bot.mock.models import MockGrade, MockParticipant, MockSession, Mode, State
from bot.mock.steps import Kind, Refusal, Step
from bot.models import utcnow
from bot.review.store import record_rating

# What a transition does to a session: its kind, the values it writes, the question it closes.
Decision = tuple[Kind, dict[str, Any], int | None]


def load(engine: Engine, session_id: int) -> MockSession | None:
    with Session(engine, expire_on_commit=False) as db:
        return db.get(MockSession, session_id)


def active(engine: Engine) -> list[MockSession]:
    with Session(engine, expire_on_commit=False) as db:
        return list(db.exec(select(MockSession).where(MockSession.state != State.ended)).all())


def live_count(engine: Engine, platform: str | None = None, workspace_id: str | None = None) -> int:
    """How many sessions are not over (of one workspace when given)."""
    query = select(func.count()).select_from(MockSession).where(MockSession.state != State.ended)
    if platform is not None:
        query = query.where(MockSession.platform == platform)
    if workspace_id is not None:
        query = query.where(MockSession.workspace_id == workspace_id)
    with Session(engine) as db:
        return int(db.exec(query).one())


def find_live(
    engine: Engine, who: Member, channel_id: str, thread_id: str | None, number: int | None
) -> MockSession | None:
    """A live session of the asker's workspace: by its number, else the newest one in this
    thread or channel."""
    query = select(MockSession).where(
        MockSession.platform == who.platform,
        MockSession.workspace_id == who.workspace_id,
        MockSession.state != State.ended,
    )
    if number is not None:
        query = query.where(MockSession.id == number)
    else:
        places = [p for p in (thread_id, channel_id) if p]
        query = query.where(
            col(MockSession.thread_id).in_(places) | (MockSession.channel_id == channel_id)
        )
    with Session(engine) as db:
        return db.exec(query.order_by(col(MockSession.id).desc())).first()


def people(engine: Engine, session_id: int | None, role: str | None = None) -> dict[str, str]:
    """The session's people (of one role), by user id, with the name to show."""
    query = select(MockParticipant).where(MockParticipant.session_id == session_id)
    if role:
        query = query.where(MockParticipant.role == role)
    with Session(engine) as db:
        return {p.user_id: p.user_name or p.user_id for p in db.exec(query).all()}


def insert(engine: Engine, ms: MockSession, roles: list[tuple[Member, str]]) -> None:
    """Store a new session and its people (one role each: the last given wins)."""
    with session_scope(engine) as db:
        db.add(ms)
        db.flush()
        assert ms.id is not None
        rows = {
            who.user_id: MockParticipant(
                session_id=ms.id, user_id=who.user_id, user_name=who.name, role=role
            )
            for who, role in roles
        }
        db.add_all(rows.values())


def transition(
    engine: Engine,
    session_id: int,
    decide: Callable[[MockSession], Decision],
    activity: datetime | None = None,
    expect_step: int | None = None,
) -> Step | None:
    """Read, `decide` and compare-and-set in one transaction (`decide` may raise Refusal:
    nothing changes). None when the session is gone or over, when someone got there first, or
    (with `expect_step`) when it is no longer at that step. `activity`: a person acted then."""
    with session_scope(engine) as db:
        ms = db.get(MockSession, session_id)
        if ms is None or ms.ended or (expect_step is not None and ms.step != expect_step):
            return None
        kind, values, closed = decide(ms)
        if activity is not None:
            values["last_activity"] = activity
        before = ms.state
        won = compare_and_set(
            db,
            update(MockSession)
            .where(col(MockSession.id) == ms.id, col(MockSession.step) == ms.step)
            .values(step=ms.step + 1, **values),
        )
        if not won:
            return None
        after = db.get(MockSession, ms.id, populate_existing=True)
        assert after is not None
        return Step(kind, after, before, closed)


def time_up(engine: Engine, now: datetime | None = None) -> list[Step]:
    """Reveal every question whose time is up, all in one statement.

    Each row goes to the process whose UPDATE changed it (the `WHERE` re-checks state and
    deadline under the row lock), so a burst of timers costs one write, and two processes, or a
    timer and a Reveal button, never reveal the same question twice. The deadline stays on the
    row: it says how late the reveal was.
    """
    at = now or utcnow()
    with session_scope(engine) as db:
        claimed = (
            db.execute(
                update(MockSession)
                .where(col(MockSession.state) == State.asking, col(MockSession.deadline) <= at)
                .values(state=State.revealed, step=col(MockSession.step) + 1)
                .returning(col(MockSession.id))
            )
            .scalars()
            .all()
        )
        if not claimed:
            return []
        revealed = db.exec(select(MockSession).where(col(MockSession.id).in_(claimed))).all()
    return [Step(Kind.revealed, ms, State.asking, ms.index) for ms in revealed]


def tick(engine: Engine, ms: MockSession, shown: int) -> Step | None:
    """Record that the question message now shows `shown` (seconds-left bucket), once.

    Doesn't bump `step`, so a button pressed at the same moment is not turned away.
    """
    with session_scope(engine) as db:
        won = compare_and_set(
            db,
            update(MockSession)
            .where(
                col(MockSession.id) == ms.id,
                col(MockSession.step) == ms.step,
                col(MockSession.state) == State.asking,
                (col(MockSession.shown_left).is_(None)) | (col(MockSession.shown_left) != shown),
            )
            .values(shown_left=shown),
        )
        if not won:
            return None
        after = db.get(MockSession, ms.id, populate_existing=True)
    assert after is not None
    return Step(Kind.ticked, after, after.state)


def set_refs(engine: Engine, session_id: int, **refs: str | None) -> None:
    """Remember where the thread and the current question message are (not a step)."""
    with session_scope(engine) as db:
        db.execute(update(MockSession).where(col(MockSession.id) == session_id).values(**refs))


# --- grades -----------------------------------------------------------------------------------


def grade_of(engine: Engine, session_id: int, index: int, user_id: str) -> int | None:
    with Session(engine) as db:
        return db.exec(
            select(MockGrade.rating).where(
                MockGrade.session_id == session_id,
                MockGrade.question == index,
                MockGrade.user_id == user_id,
            )
        ).first()


def record_grade(
    engine: Engine, ms: MockSession, index: int, rating: int, by: Member, target: str,
    at: datetime,
) -> str:  # fmt: skip
    """Store one grade of `target` by `by` (a racing duplicate fails on the unique row) and feed
    it to the target's review schedule, in one transaction; the target's name to show."""
    assert ms.id is not None
    entry_id = ms.entry_ids[index]
    with session_scope(engine) as db:
        person = db.get(MockParticipant, (ms.id, target))
        if ms.mode == Mode.pair and (person is None or person.role != "candidate"):
            raise Refusal("That person isn't a candidate in this session.")
        if person is None:
            db.add(MockParticipant(session_id=ms.id, user_id=target, user_name=by.name))
        elif not person.user_name and target == by.user_id and by.name:
            person.user_name = by.name
        db.add(
            MockGrade(
                session_id=ms.id,
                question=index,
                entry_id=entry_id,
                user_id=target,
                rating=rating,
                graded_by=by.user_id,
                at=at,
            )
        )
        db.flush()
        record_rating(db, Member(ms.platform, ms.workspace_id, target), entry_id, rating, at)
        db.execute(update(MockSession).where(col(MockSession.id) == ms.id).values(last_activity=at))
        return (person.user_name if person else "") or target


def grades(engine: Engine, ms: MockSession) -> tuple[list[MockGrade], dict[str, MockParticipant]]:
    """The session's grades (by person, then question) and its people, for the summary."""
    with Session(engine) as db:
        found = db.exec(
            select(MockGrade)
            .where(MockGrade.session_id == ms.id)
            .order_by(col(MockGrade.user_id), col(MockGrade.question))
        ).all()
        who = db.exec(select(MockParticipant).where(MockParticipant.session_id == ms.id)).all()
    return list(found), {p.user_id: p for p in who}


# --- what the timers look for -----------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """What a live session's timer depends on (a light row for rebuilding the jobs)."""

    id: int
    platform: str
    state: str
    deadline: datetime | None
    shown_left: int | None
    last_activity: datetime


def clocks(engine: Engine, platforms: set[str]) -> list[Clock]:
    with Session(engine) as db:
        rows = db.execute(
            sa_select(
                col(MockSession.id),
                col(MockSession.platform),
                col(MockSession.state),
                col(MockSession.deadline),
                col(MockSession.shown_left),
                col(MockSession.last_activity),
            ).where(col(MockSession.state) != State.ended, col(MockSession.platform).in_(platforms))
        ).all()
    return [Clock(*row) for row in rows]


# --- forgetting a person ----------------------------------------------------------------------


@dataclass
class ForgottenSessions:
    sessions: int = 0  # sessions only this person took part in: deleted
    shared: int = 0  # sessions with others: this person's part removed, the rest kept
    grades: int = 0


def forget(db: Session, who: Member) -> ForgottenSessions:
    """Remove a person from the sessions of their platform, inside the caller's transaction:
    a session nobody else took part in goes; in one shared with others, their grades and place
    go and their id and name are replaced (FORGOTTEN, a neutral end reason)."""
    done = ForgottenSessions()
    user_id = who.user_id
    took_part = select(MockParticipant.session_id).where(MockParticipant.user_id == user_id)
    graded = select(MockGrade.session_id).where(
        or_(col(MockGrade.user_id) == user_id, col(MockGrade.graded_by) == user_id)
    )
    sessions = db.exec(
        select(MockSession).where(
            col(MockSession.platform) == who.platform,
            or_(
                col(MockSession.starter_id) == user_id,
                col(MockSession.interviewer_id) == user_id,
                col(MockSession.id).in_(took_part),
                col(MockSession.id).in_(graded),
            ),
        )
    ).all()
    for ms in sessions:
        others = db.exec(
            select(MockParticipant.user_id).where(
                col(MockParticipant.session_id) == ms.id, col(MockParticipant.user_id) != user_id
            )
        ).first()
        names = [user_id, *_names(db, ms.id, user_id)]
        done.grades += rowcount(
            db.execute(
                delete(MockGrade).where(
                    col(MockGrade.session_id) == ms.id, col(MockGrade.user_id) == user_id
                )
            )
        )
        db.execute(
            delete(MockParticipant).where(
                col(MockParticipant.session_id) == ms.id, col(MockParticipant.user_id) == user_id
            )
        )
        if others is None:  # nobody else took part: the session goes
            db.execute(delete(MockGrade).where(col(MockGrade.session_id) == ms.id))
            db.delete(ms)
            done.sessions += 1
            continue
        db.execute(
            update(MockGrade)
            .where(col(MockGrade.session_id) == ms.id, col(MockGrade.graded_by) == user_id)
            .values(graded_by=FORGOTTEN)
        )
        if ms.starter_id == user_id:
            ms.starter_id = FORGOTTEN
        if ms.interviewer_id == user_id:
            ms.interviewer_id = FORGOTTEN
        if ms.end_reason and any(name and name in ms.end_reason for name in names):
            ms.end_reason = "ended"
        db.add(ms)
        done.shared += 1
    return done


def _names(db: Session, session_id: int | None, user_id: str) -> list[str]:
    return list(
        db.exec(
            select(MockParticipant.user_name).where(
                col(MockParticipant.session_id) == session_id,
                col(MockParticipant.user_id) == user_id,
            )
        ).all()
    )
