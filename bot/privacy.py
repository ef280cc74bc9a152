"""What the hub keeps about people: a keyed hash in the search log, and `/hub forget me`.

The search log stores HMAC-SHA256(key, "platform:user id"), never the id. The key is
HUB_SECRET_KEY, or one generated into the store (`hub_secret`) the first time it is needed, so
every process sharing the store hashes alike and nobody can recompute a hash from a guessed id.
`/hub forget me` deletes the caller's rows, and anonymises the rows other people share.
See docs/operations.md, "What is stored about people".
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from sqlalchemy import delete, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from bot.commands import Arg, ArgKind, ChatContext, command
from bot.daily.models import DailyAnswer, DailyPost, DailySubscription
from bot.db import session_scope
from bot.mock.models import MockGrade, MockParticipant, MockSession
from bot.models import SearchLog, utcnow
from bot.replies import Reply, usage
from bot.review.models import ReviewCard, ReviewReminder

if TYPE_CHECKING:
    from bot.hub import Hub

SEARCH_LOG_KEY = "search-log"
FORGOTTEN = "(forgotten)"  # stands in for a forgotten person in rows shared with others
FORGET_USAGE = "/hub forget me"

_generated: WeakKeyDictionary[Engine, bytes] = WeakKeyDictionary()


class HubSecret(SQLModel, table=True):
    """Secrets the hub generates for itself, by name."""

    __tablename__ = "hub_secret"

    name: str = Field(primary_key=True, max_length=32)
    value: str = Field(max_length=128)
    created_at: datetime = Field(default_factory=utcnow)


def secret_key(engine: Engine, configured: str | None) -> bytes:
    """HUB_SECRET_KEY, else the store's generated key (made once, whichever process is first)."""
    if configured:
        return configured.encode()
    key = _generated.get(engine)
    if key is None:
        key = _generated[engine] = _stored_key(engine).encode()
    return key


def _stored_key(engine: Engine) -> str:
    with Session(engine) as db:
        row = db.get(HubSecret, SEARCH_LOG_KEY)
        if row is not None:
            return row.value
    try:
        with session_scope(engine) as db:
            db.add(HubSecret(name=SEARCH_LOG_KEY, value=secrets.token_hex(32)))
    except IntegrityError:
        pass  # another process stored its key first: use that one
    with Session(engine) as db:
        row = db.get(HubSecret, SEARCH_LOG_KEY)
        assert row is not None
        return row.value


def person_hash(hub: Hub, platform: str, user_id: str) -> str:
    """The search log's name for a person: keyed, so it cannot be recomputed from the id."""
    key = secret_key(hub.engine, hub.settings.secret_key)
    return hmac.new(key, f"{platform}:{user_id}".encode(), hashlib.sha256).hexdigest()


@dataclass
class Forgotten:
    """How many rows `/hub forget me` deleted (or, for shared rows, anonymised)."""

    daily_answers: int = 0
    daily_setups: int = 0  # channels whose daily question this person set up: anonymised
    mock_sessions: int = 0  # sessions only this person took part in: deleted
    shared_sessions: int = 0  # sessions with others: this person's part removed, the rest kept
    grades: int = 0
    review_cards: int = 0
    reminders: int = 0
    searches: int = 0

    def lines(self) -> list[str]:
        labels = {
            "daily_answers": "daily answers",
            "daily_setups": "daily questions you set up (your name removed)",
            "mock_sessions": "mock interviews",
            "shared_sessions": "mock interviews shared with others (your part removed)",
            "grades": "grades",
            "review_cards": "review cards",
            "reminders": "review reminders",
            "searches": "searches",
        }
        counts = {f.name: getattr(self, f.name) for f in fields(self)}
        return [f"{labels[name]}: {n}" for name, n in counts.items() if n]

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))


def forget(hub: Hub, platform: str, user_id: str) -> Forgotten:
    """Delete what the store holds about one person; anonymise the rows others share."""
    done = Forgotten()
    with session_scope(hub.engine) as db:
        posts = select(DailyPost.id).where(DailyPost.platform == platform)
        done.daily_answers = _count(
            db.execute(
                delete(DailyAnswer).where(
                    col(DailyAnswer.user_id) == user_id, col(DailyAnswer.post_id).in_(posts)
                )
            )
        )
        done.daily_setups = _count(
            db.execute(
                update(DailySubscription)
                .where(
                    col(DailySubscription.platform) == platform,
                    col(DailySubscription.created_by) == user_id,
                )
                .values(created_by="", created_by_name="")
            )
        )
        _forget_mock(db, platform, user_id, done)
        done.review_cards = _count(
            db.execute(
                delete(ReviewCard).where(
                    col(ReviewCard.platform) == platform, col(ReviewCard.user_id) == user_id
                )
            )
        )
        done.reminders = _count(
            db.execute(
                delete(ReviewReminder).where(
                    col(ReviewReminder.platform) == platform,
                    col(ReviewReminder.user_id) == user_id,
                )
            )
        )
        done.searches = _count(
            db.execute(
                delete(SearchLog).where(
                    col(SearchLog.user_hash) == person_hash(hub, platform, user_id)
                )
            )
        )
    return done


def _forget_mock(db: Session, platform: str, user_id: str, done: Forgotten) -> None:
    took_part = select(MockParticipant.session_id).where(MockParticipant.user_id == user_id)
    graded = select(MockGrade.session_id).where(
        or_(col(MockGrade.user_id) == user_id, col(MockGrade.graded_by) == user_id)
    )
    sessions = db.exec(
        select(MockSession).where(
            col(MockSession.platform) == platform,
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
        done.grades += _count(
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
            done.mock_sessions += 1
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
        done.shared_sessions += 1


def _names(db: Session, session_id: int | None, user_id: str) -> list[str]:
    return list(
        db.exec(
            select(MockParticipant.user_name).where(
                col(MockParticipant.session_id) == session_id,
                col(MockParticipant.user_id) == user_id,
            )
        ).all()
    )


def _count(result: Any) -> int:
    return int(result.rowcount or 0)


@command(
    "forget",
    FORGET_USAGE,
    "delete everything the hub holds about you",
    args=(Arg("who", "Whose data: yours (me)", ArgKind.choice, required=True, choices=("me",)),),
)
def forget_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    if args.strip().lower() != "me":
        return usage(
            "`/hub forget me` deletes your daily answers and streaks, mock interviews, grades, "
            "review cards, reminders and searches.",
            FORGET_USAGE,
        )
    done = forget(hub, ctx.platform, ctx.user_id)
    if done.total == 0:
        return Reply(text="The hub holds nothing about you.")
    removed = "\n".join(f"• {line}" for line in done.lines())
    return Reply(
        text=f"Done. Removed:\n{removed}\nMessages already posted in chat stay on the platform."
    )
