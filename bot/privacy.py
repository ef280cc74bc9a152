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
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel

from bot import searchlog
from bot.commands import Arg, ArgKind, ChatContext, command
from bot.content import revisions
from bot.content.store import bump_version
from bot.contrib import store as contrib_store
from bot.daily import store as daily_store
from bot.db import session_scope
from bot.learning import store as learning_store
from bot.member import Member
from bot.mock import store as mock_store
from bot.models import utcnow
from bot.replies import Reply, usage
from bot.review import store as review_store

if TYPE_CHECKING:
    from bot.hub import Hub

SEARCH_LOG_KEY = "search-log"
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


def person_hash(hub: Hub, who: Member) -> str:
    """The search log's name for a person: keyed, so it cannot be recomputed from the id. The
    same person on the same platform has one hash, whichever workspace they search from."""
    key = secret_key(hub.engine, hub.settings.secret_key)
    return hmac.new(key, f"{who.platform}:{who.user_id}".encode(), hashlib.sha256).hexdigest()


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
    path_progress: int = 0
    path_nudges: int = 0
    searches: int = 0
    proposals: int = 0  # your name removed; pending ones withdrawn
    credits: int = 0  # entries your proposals wrote: "contributed by a former member"

    def lines(self) -> list[str]:
        labels = {
            "daily_answers": "daily answers",
            "daily_setups": "daily questions you set up (your name removed)",
            "mock_sessions": "mock interviews",
            "shared_sessions": "mock interviews shared with others (your part removed)",
            "grades": "grades",
            "review_cards": "review cards",
            "reminders": "review reminders",
            "path_progress": "learning paths you followed",
            "path_nudges": "weekly path nudges",
            "searches": "searches",
            "proposals": "proposals (your name removed; pending ones withdrawn)",
            "credits": "entries you contributed (now credited to a former member)",
        }
        counts = {f.name: getattr(self, f.name) for f in fields(self)}
        return [f"{labels[name]}: {n}" for name, n in counts.items() if n]

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))


def forget(hub: Hub, who: Member) -> Forgotten:
    """Delete what the store holds about one person on their platform (every workspace);
    anonymise the rows others share. One transaction: all of it, or nothing."""
    done = Forgotten()
    searcher = person_hash(hub, who)  # before the transaction: it may store the key first
    with session_scope(hub.engine) as db:
        done.daily_answers, done.daily_setups = daily_store.forget(db, who)
        sessions = mock_store.forget(db, who)
        done.mock_sessions, done.shared_sessions = sessions.sessions, sessions.shared
        done.grades = sessions.grades
        done.review_cards, done.reminders = review_store.forget(db, who)
        done.path_progress, done.path_nudges = learning_store.forget(db, who)
        done.searches = searchlog.forget(db, searcher)
        done.credits = revisions.forget(db, who)  # first: it finds them by their proposals
        if done.credits:
            bump_version(db)
        done.proposals = contrib_store.forget(db, who)
    return done


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
            "review cards, reminders, learning-path progress and searches, and removes your name "
            "from your proposals and from the credit of the entries they wrote.",
            FORGET_USAGE,
        )
    done = forget(hub, Member.of(ctx))
    if done.total == 0:
        return Reply(text="The hub holds nothing about you.")
    removed = "\n".join(f"• {line}" for line in done.lines())
    return Reply(
        text=f"Done. Removed:\n{removed}\nMessages already posted in chat stay on the platform."
    )
