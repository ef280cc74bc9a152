"""The review cards: one per person and question, graded by compare-and-set on `reps`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.db import compare_and_set, delete_person, session_scope
from bot.member import Member
from bot.models import utcnow
from bot.review.models import ReviewCard, ReviewReminder
from bot.review.schedule import new_card, review


class Conflict(Exception):
    """The card changed under us (a concurrent grade); the caller's transaction retries."""


def _of(who: Member) -> list[ColumnElement[bool]]:
    return [
        col(ReviewCard.platform) == who.platform,
        col(ReviewCard.workspace_id) == who.workspace_id,
        col(ReviewCard.user_id) == who.user_id,
    ]


def _card(db: Session, who: Member, entry_id: str) -> ReviewCard | None:
    return db.exec(select(ReviewCard).where(*_of(who), ReviewCard.entry_id == entry_id)).first()


def record_rating(
    db: Session,
    who: Member,
    entry_id: str,
    rating: int,
    at: datetime | None = None,
    expected_reps: int | None = None,
) -> ReviewCard:
    """Apply one rating to the person's card for `entry_id`, inside the caller's transaction.

    A first rating creates the card (a racing insert fails on the unique key); later ones update
    it by compare-and-set on `reps` (a racing update raises Conflict). `expected_reps` makes a
    stale review button fail the same way.
    """
    at = at or utcnow()
    row = _card(db, who, entry_id)
    if expected_reps is not None and (row.reps if row else 0) != expected_reps:
        raise Conflict("already graded")
    card = review(row.fsrs if row else None, rating, at)
    values: dict[str, Any] = {
        "fsrs": card.to_dict(),
        "due": card.due,
        "last_rating": rating,
        "updated_at": at,
    }
    if row is None:
        row = ReviewCard(
            platform=who.platform,
            workspace_id=who.workspace_id,
            user_id=who.user_id,
            entry_id=entry_id,
            reps=1,
            **values,
        )
        db.add(row)
        db.flush()
        return row
    won = compare_and_set(
        db,
        update(ReviewCard)
        .where(col(ReviewCard.id) == row.id, col(ReviewCard.reps) == row.reps)
        .values(reps=row.reps + 1, **values),
    )
    if not won:
        raise Conflict("card changed")
    refreshed = db.get(ReviewCard, row.id, populate_existing=True)
    assert refreshed is not None
    return refreshed


def grade(engine: Engine, who: Member, entry_id: str, rating: int, expected_reps: int) -> None:
    """A review button's grade, in a transaction of its own (see record_rating)."""
    with session_scope(engine) as db:
        record_rating(db, who, entry_id, rating, utcnow(), expected_reps=expected_reps)


def add(engine: Engine, who: Member, entry_id: str) -> bool:
    """Put a question into the person's review, due now; False when it is there already (that
    card is kept as it is)."""
    at = utcnow()
    try:
        with session_scope(engine) as db:
            if _card(db, who, entry_id) is not None:
                return False
            db.add(
                ReviewCard(
                    platform=who.platform,
                    workspace_id=who.workspace_id,
                    user_id=who.user_id,
                    entry_id=entry_id,
                    due=at,
                    fsrs=dict(new_card(at).to_dict()),
                    updated_at=at,
                )
            )
        return True
    except IntegrityError:  # a racing click added it first
        return False


def due_cards(engine: Engine, who: Member, now: datetime | None = None) -> list[ReviewCard]:
    """The person's due cards, most overdue first."""
    with Session(engine, expire_on_commit=False) as db:
        return list(
            db.exec(
                select(ReviewCard)
                .where(*_of(who), col(ReviewCard.due) <= (now or utcnow()))
                .order_by(col(ReviewCard.due), col(ReviewCard.id))
            ).all()
        )


def card_for(engine: Engine, who: Member, entry_id: str) -> ReviewCard | None:
    with Session(engine, expire_on_commit=False) as db:
        return _card(db, who, entry_id)


def due_count(db: Session, who: Member, now: datetime) -> int:
    return db.exec(
        select(func.count()).select_from(ReviewCard).where(*_of(who), col(ReviewCard.due) <= now)
    ).one()


def forget(db: Session, who: Member) -> tuple[int, int]:
    """Delete the person's cards and reminders on their platform (every workspace), inside the
    caller's transaction; how many of each."""
    first, second = delete_person(db, who.platform, who.user_id, ReviewCard, ReviewReminder)
    return first, second
