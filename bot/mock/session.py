"""The mock-session state machine: who may do what, and what each transition writes.

Every transition is decided here and committed by bot.mock.store with one compare-and-set, so
it happens once however many clicks, processes or timers race for it. Delivery to the chat is in
bot.mock.delivery, which the runtime runs after the transition has committed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot import library
from bot.member import Member
from bot.mock import store
from bot.mock.models import MockSession, Mode, State
from bot.mock.steps import Kind, Refusal, Step
from bot.mock.store import Decision
from bot.models import utcnow
from bot.review.store import Conflict

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def left_bucket(seconds: float) -> int:
    """The time-left figure a question shows, in seconds: whole minutes, then 30 s and 10 s."""
    if seconds > 60:
        return math.ceil(seconds / 60) * 60
    if seconds > 30:
        return 60
    return 30 if seconds > 10 else 10


@dataclass
class Options:
    topics: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    questions: int = 5
    seconds: int = 180
    candidates: list[Member] = field(default_factory=list)
    interviewer: Member | None = None


def mine(ms: MockSession | None, actor: Member) -> MockSession:
    """The session, if the button or command comes from its own platform and workspace."""
    if ms is None or not actor.same_workspace(ms.platform, ms.workspace_id):
        raise Refusal("That mock session is no longer available.")
    return ms


def may_steer(ms: MockSession, actor: Member) -> bool:
    """Pair mode: only the starter and the interviewer move the session on."""
    return ms.mode == Mode.group or actor.user_id in (ms.starter_id, ms.interviewer_id)


def may_end(ms: MockSession, actor: Member) -> bool:
    return actor.user_id in (ms.starter_id, ms.interviewer_id)


# --- starting ---------------------------------------------------------------------------------


def pick_questions(engine: Engine, options: Options, rng: random.Random | None = None) -> list[str]:
    ids = library.questions(engine, options.topics, options.levels)
    chooser = rng or random.Random()
    return chooser.sample(ids, min(options.questions, len(ids)))


def start(
    engine: Engine, actor: Member, channel_id: str, options: Options, now: datetime | None = None
) -> Step:
    now = now or utcnow()
    entry_ids = pick_questions(engine, options)
    if not entry_ids:
        raise Refusal("No questions match those topics and levels.")
    pair = bool(options.candidates) or options.interviewer is not None
    interviewer = options.interviewer or (actor if pair else None)
    candidates = options.candidates or ([actor] if pair and interviewer else [])
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
    store.insert(
        engine,
        ms,
        [
            (actor, "member"),
            *[(c, "candidate") for c in candidates],
            *([(interviewer, "interviewer")] if interviewer else []),
        ],
    )
    return Step(Kind.started, ms)


# --- moving on --------------------------------------------------------------------------------


def _ending(ms: MockSession, now: datetime, reason: str) -> Decision:
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
    actor: Member | None,
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
        ms = mine(store.load(engine, session_id), actor)
        if ms.ended:
            raise Refusal("That mock session has ended.")
        allowed = may_end(ms, actor) if verb == "end" else may_steer(ms, actor)
        if not allowed:
            raise Refusal(
                "Only the starter or the interviewer can end this session."
                if verb == "end"
                else "Only the interviewer or the starter can move this session on."
            )

    def decide(ms: MockSession) -> Decision:
        if actor is not None:
            mine(ms, actor)
        secs = timedelta(seconds=ms.seconds_per_question)
        if verb == "end":
            by = f"ended by {actor.label}" if actor else reason
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

    return store.transition(engine, session_id, decide, at if actor else None, expect_step)


# --- grading ----------------------------------------------------------------------------------


def grade(
    engine: Engine,
    session_id: int,
    index: int,
    rating: int,
    actor: Member,
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
    ms = mine(store.load(engine, session_id), actor)
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
            name = store.record_grade(engine, ms, index, rating, actor, target, at)
        except (IntegrityError, Conflict):
            if store.grade_of(engine, session_id, index, target) is not None:
                raise Refusal("That grade is already recorded.") from None
            continue
        who = "" if target == actor.user_id else f" for {name}"
        return f"Recorded{who}: {RATINGS[rating]} on question {index + 1}."
    raise Refusal("Too many people at once; try again.")
