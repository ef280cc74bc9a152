"""The mock-session state machine.

Every transition reads the session, checks it may happen, and writes it with one compare-and-set
on `step` (`UPDATE … WHERE id = ? AND step = ?`). Whoever's update changes the row owns the step
and delivers it; a second click, a second process or a late timer finds the row changed and does
nothing. The functions here are synchronous database work; delivery to the chat is in
`bot.mock.delivery`, which the runtime runs after the transition has committed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.db import session_scope
from bot.mock.models import MockGrade, MockParticipant, MockSession, Mode, State
from bot.models import Entry, utcnow
from bot.review.schedule import Conflict, record_rating

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def left_bucket(seconds: float) -> int:
    """The time-left figure a question shows, in seconds: whole minutes, then 30 s and 10 s."""
    if seconds > 60:
        return math.ceil(seconds / 60) * 60
    if seconds > 30:
        return 60
    return 30 if seconds > 10 else 10


class Refusal(Exception):
    """A short, clear answer for the person whose request cannot happen; nothing changed."""


class Kind(StrEnum):
    started = "started"  # open the thread, then ask the first question
    asked = "asked"  # the next question is up (after Next or Skip)
    revealed = "revealed"
    paused = "paused"
    resumed = "resumed"
    ticked = "ticked"  # the time-left figure changed
    ended = "ended"


@dataclass(frozen=True)
class Step:
    """A transition that committed: what the runtime must now say in the chat."""

    kind: Kind
    session: MockSession
    # The state before the transition (to know whether the question message is still open).
    before: str = State.asking
    # The question index whose message the step closes (skip, reveal, end), if any.
    closed: int | None = None


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str = ""


@dataclass
class Options:
    topics: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    questions: int = 5
    seconds: int = 180
    candidates: list[Person] = field(default_factory=list)
    interviewer: Person | None = None


@dataclass(frozen=True)
class Actor:
    platform: str
    workspace_id: str
    user_id: str
    user_name: str = ""


def load(engine: Engine, session_id: int) -> MockSession | None:
    with Session(engine, expire_on_commit=False) as db:
        return db.get(MockSession, session_id)


def mine(ms: MockSession | None, actor: Actor) -> MockSession:
    """The session, if the button or command comes from its own platform and workspace."""
    if ms is None or (ms.platform, ms.workspace_id) != (actor.platform, actor.workspace_id):
        raise Refusal("That mock session is no longer available.")
    return ms


def may_steer(ms: MockSession, actor: Actor) -> bool:
    """Pair mode: only the starter and the interviewer move the session on."""
    return ms.mode == Mode.group or actor.user_id in (ms.starter_id, ms.interviewer_id)


def may_end(ms: MockSession, actor: Actor) -> bool:
    return actor.user_id in (ms.starter_id, ms.interviewer_id)


# --- starting ---------------------------------------------------------------------------------


def pick_questions(engine: Engine, options: Options, rng: random.Random | None = None) -> list[str]:
    query = select(Entry.id).where(Entry.kind == "question", col(Entry.retired).is_(False))
    if options.topics:
        query = query.where(col(Entry.topic).in_(options.topics))
    if options.levels:
        query = query.where(col(Entry.level).in_(options.levels))
    with Session(engine) as db:
        ids = sorted(db.exec(query).all())
    chooser = rng or random.Random()
    return chooser.sample(ids, min(options.questions, len(ids)))


def start(
    engine: Engine, actor: Actor, channel_id: str, options: Options, now: datetime | None = None
) -> Step:
    now = now or utcnow()
    entry_ids = pick_questions(engine, options)
    if not entry_ids:
        raise Refusal("No questions match those topics and levels.")
    pair = bool(options.candidates) or options.interviewer is not None
    interviewer = options.interviewer or (Person(actor.user_id, actor.user_name) if pair else None)
    candidates = options.candidates or (
        [Person(actor.user_id, actor.user_name)] if pair and interviewer else []
    )
    if interviewer and any(c.user_id == interviewer.user_id for c in candidates):
        raise Refusal("The interviewer can't also be a candidate.")
    ms = MockSession(
        platform=actor.platform,
        workspace_id=actor.workspace_id,
        channel_id=channel_id,
        starter_id=actor.user_id,
        interviewer_id=interviewer.user_id if interviewer else None,
        mode=Mode.pair if pair else Mode.group,
        entry_ids=entry_ids,
        seconds_per_question=options.seconds,
        deadline=now + timedelta(seconds=options.seconds),
        shown_left=left_bucket(options.seconds),
        last_activity=now,
        created_at=now,
    )
    with session_scope(engine) as db:
        db.add(ms)
        db.flush()
        assert ms.id is not None
        people: dict[str, MockParticipant] = {}
        for person, role in [
            (Person(actor.user_id, actor.user_name), "member"),
            *[(c, "candidate") for c in candidates],
            *([(interviewer, "interviewer")] if interviewer else []),
        ]:
            people[person.user_id] = MockParticipant(
                session_id=ms.id, user_id=person.user_id, user_name=person.name, role=role
            )
        db.add_all(people.values())
    return Step(Kind.started, ms)


# --- moving on --------------------------------------------------------------------------------


def _claim(db: Session, ms: MockSession, values: dict[str, Any]) -> MockSession | None:
    """The compare-and-set: apply `values` only if nobody moved the session since we read it."""
    assert ms.id is not None
    result = db.execute(
        update(MockSession)
        .where(col(MockSession.id) == ms.id, col(MockSession.step) == ms.step)
        .values(step=ms.step + 1, **values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.get(MockSession, ms.id, populate_existing=True)


def _transition(
    engine: Engine,
    session_id: int,
    decide: Any,
    actor: Actor | None,
    now: datetime,
    expect_step: int | None = None,
) -> Step | None:
    """Read, decide and compare-and-set in one transaction; None when someone got there first
    (or, with `expect_step`, when the session is no longer at that step)."""
    with session_scope(engine) as db:
        ms = db.get(MockSession, session_id)
        if actor is not None:
            ms = mine(ms, actor)
        if ms is None or ms.ended or (expect_step is not None and ms.step != expect_step):
            return None
        decided: tuple[Kind, dict[str, Any], int | None] = decide(ms)
        kind, values, closed = decided
        if actor is not None:
            values["last_activity"] = now
        before = ms.state
        after = _claim(db, ms, values)
        if after is None:
            return None
        return Step(kind, after, before, closed)


def _ending(ms: MockSession, now: datetime, reason: str) -> tuple[Kind, dict[str, Any], int | None]:
    closed = ms.index if ms.state in (State.asking, State.paused) else None
    values = {"state": State.ended, "deadline": None, "ended_at": now, "end_reason": reason}
    return Kind.ended, values, closed


def _expect(ms: MockSession, index: int | None, *states: State) -> None:
    if index is not None and index != ms.index:
        raise Refusal("That question is over; the session has moved on.")
    if ms.state not in states:
        raise Refusal(
            {
                State.asking: "The question is still open: reveal it or skip it first.",
                State.revealed: "The answer is already out: press Next.",
                State.paused: "The session is paused: resume it first.",
            }.get(State(ms.state), "The session has moved on.")
        )


def act(
    engine: Engine,
    session_id: int,
    verb: str,
    actor: Actor | None,
    index: int | None = None,
    now: datetime | None = None,
    reason: str = "idle",
    expect_step: int | None = None,
) -> Step | None:
    """Reveal, next, skip, pause, resume or end, by a person (`actor`) or by a timer (None,
    ending with `reason`).

    Raises Refusal with a short reason when the person may not, or the session is not in a state
    for it; returns None when a concurrent click or process made the same step first.
    """
    at = now or utcnow()
    if actor is not None:
        ms = mine(load(engine, session_id), actor)
        if ms.ended:
            raise Refusal("That mock session has ended.")
        allowed = may_end(ms, actor) if verb == "end" else may_steer(ms, actor)
        if not allowed:
            raise Refusal(
                "Only the starter or the interviewer can end this session."
                if verb == "end"
                else "Only the interviewer or the starter can move this session on."
            )

    def decide(ms: MockSession) -> tuple[Kind, dict[str, Any], int | None]:
        secs = timedelta(seconds=ms.seconds_per_question)
        if verb == "end":
            by = f"ended by {actor.user_name or actor.user_id}" if actor else reason
            return _ending(ms, at, by)
        if verb == "reveal":
            _expect(ms, index, State.asking, State.paused)
            return Kind.revealed, {"state": State.revealed, "deadline": None}, ms.index
        if verb in ("next", "skip"):
            if verb == "next":
                _expect(ms, index, State.revealed)
            else:
                _expect(ms, index, State.asking, State.paused)
            skipped = [*ms.skipped, ms.index] if verb == "skip" else ms.skipped
            if ms.index + 1 >= ms.total:
                kind, values, closed = _ending(ms, at, "finished")
                return kind, {**values, "skipped": skipped}, closed
            values = {
                "index": ms.index + 1,
                "state": State.asking,
                "deadline": at + secs,
                "remaining": None,
                "shown_left": left_bucket(ms.seconds_per_question),
                "skipped": skipped,
            }
            return Kind.asked, values, ms.index if verb == "skip" else None
        if verb == "pause":
            _expect(ms, index, State.asking)
            kept = max((ms.deadline - at).total_seconds(), 0.0) if ms.deadline else 0.0
            return Kind.paused, {"state": State.paused, "deadline": None, "remaining": kept}, None
        if verb == "resume":
            _expect(ms, index, State.paused)
            values = {
                "state": State.asking,
                "deadline": at + timedelta(seconds=ms.remaining or 0.0),
                "remaining": None,
                "shown_left": left_bucket(ms.remaining or 0.0),
            }
            return Kind.resumed, values, None
        raise Refusal(f"Unknown mock action `{verb[:20]}`.")

    return _transition(engine, session_id, decide, actor, at, expect_step)


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
        result = db.execute(
            update(MockSession)
            .where(
                col(MockSession.id) == ms.id,
                col(MockSession.step) == ms.step,
                col(MockSession.state) == State.asking,
                (col(MockSession.shown_left).is_(None)) | (col(MockSession.shown_left) != shown),
            )
            .values(shown_left=shown)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        after = db.get(MockSession, ms.id, populate_existing=True)
    assert after is not None
    return Step(Kind.ticked, after, after.state)


def set_refs(engine: Engine, session_id: int, **refs: str | None) -> None:
    """Remember where the thread and the current question message are (not a step)."""
    with session_scope(engine) as db:
        db.execute(update(MockSession).where(col(MockSession.id) == session_id).values(**refs))


# --- grading ----------------------------------------------------------------------------------


def grade(
    engine: Engine,
    session_id: int,
    index: int,
    rating: int,
    actor: Actor,
    candidate: str | None = None,
    now: datetime | None = None,
) -> str:
    """Record one grade (once: the row is unique) and feed it to the person's review schedule.

    Group mode: everyone grades themselves after the reveal. Pair mode: the interviewer grades a
    candidate of the session. Returns what to tell the grader.
    """
    at = now or utcnow()
    if rating not in RATINGS:
        raise Refusal("A grade is one of Again, Hard, Good or Easy.")
    ms = mine(load(engine, session_id), actor)
    if ms.ended:
        raise Refusal("That mock session has ended.")
    if not 0 <= index <= ms.index or index >= ms.total:
        raise Refusal("That question hasn't been asked in this session.")
    if ms.mode == Mode.pair:
        if actor.user_id != ms.interviewer_id:
            raise Refusal("Only the interviewer grades in this session.")
        target = candidate or ""
    else:
        if index == ms.index and ms.state != State.revealed:
            raise Refusal("Grade yourself after the answer is revealed.")
        target = actor.user_id
    for _attempt in range(3):
        try:
            return _record_grade(engine, ms, index, rating, actor, target, at)
        except (IntegrityError, Conflict):
            if _graded(engine, session_id, index, target) is not None:
                raise Refusal("That grade is already recorded.") from None
    raise Refusal("Too many people at once; try again.")


def _graded(engine: Engine, session_id: int, index: int, user_id: str) -> int | None:
    with Session(engine) as db:
        return db.exec(
            select(MockGrade.rating).where(
                MockGrade.session_id == session_id,
                MockGrade.question == index,
                MockGrade.user_id == user_id,
            )
        ).first()


def _record_grade(
    engine: Engine,
    ms: MockSession,
    index: int,
    rating: int,
    actor: Actor,
    target: str,
    at: datetime,
) -> str:
    assert ms.id is not None
    entry_id = ms.entry_ids[index]
    with session_scope(engine) as db:
        person = db.get(MockParticipant, (ms.id, target))
        if ms.mode == Mode.pair and (person is None or person.role != "candidate"):
            raise Refusal("That person isn't a candidate in this session.")
        if person is None:
            db.add(MockParticipant(session_id=ms.id, user_id=target, user_name=actor.user_name))
        elif not person.user_name and target == actor.user_id and actor.user_name:
            person.user_name = actor.user_name
        db.add(
            MockGrade(
                session_id=ms.id,
                question=index,
                entry_id=entry_id,
                user_id=target,
                rating=rating,
                graded_by=actor.user_id,
                at=at,
            )
        )
        db.flush()
        record_rating(db, ms.platform, ms.workspace_id, target, entry_id, rating, at)
        db.execute(update(MockSession).where(col(MockSession.id) == ms.id).values(last_activity=at))
        name = (person.user_name if person else "") or target
    who = "" if target == actor.user_id else f" for {name}"
    return f"Recorded{who}: {RATINGS[rating]} on question {index + 1}."


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


def active(engine: Engine) -> list[MockSession]:
    with Session(engine, expire_on_commit=False) as db:
        return list(db.exec(select(MockSession).where(MockSession.state != State.ended)).all())
