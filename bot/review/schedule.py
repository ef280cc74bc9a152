"""Each person's spaced-repetition schedule, kept by the fsrs package (one card per question)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fsrs import Card, Rating, Scheduler
from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.models import utcnow
from bot.review.models import ReviewCard

SCHEDULER = Scheduler(enable_fuzzing=False)


class Conflict(Exception):
    """The card changed under us (a concurrent grade); the caller's transaction retries."""


@dataclass(frozen=True)
class Learner:
    platform: str
    workspace_id: str
    user_id: str


def _card(db: Session, who: Learner, entry_id: str) -> ReviewCard | None:
    return db.exec(
        select(ReviewCard).where(
            ReviewCard.platform == who.platform,
            ReviewCard.workspace_id == who.workspace_id,
            ReviewCard.user_id == who.user_id,
            ReviewCard.entry_id == entry_id,
        )
    ).first()


def record_rating(
    db: Session,
    platform: str,
    workspace_id: str,
    user_id: str,
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
    who = Learner(platform, workspace_id, user_id)
    row = _card(db, who, entry_id)
    if expected_reps is not None and (row.reps if row else 0) != expected_reps:
        raise Conflict("already graded")
    fsrs_card = Card.from_dict(row.fsrs) if row else Card(card_id=0, due=at)  # type: ignore[arg-type]
    updated, _log = SCHEDULER.review_card(fsrs_card, Rating(rating), review_datetime=at)
    values: dict[str, Any] = {
        "fsrs": updated.to_dict(),
        "due": updated.due,
        "last_rating": rating,
        "updated_at": at,
    }
    if row is None:
        row = ReviewCard(
            platform=platform,
            workspace_id=workspace_id,
            user_id=user_id,
            entry_id=entry_id,
            reps=1,
            **values,
        )
        db.add(row)
        db.flush()
        return row
    result = db.execute(
        update(ReviewCard)
        .where(col(ReviewCard.id) == row.id, col(ReviewCard.reps) == row.reps)
        .values(reps=row.reps + 1, **values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("card changed")
    refreshed = db.get(ReviewCard, row.id, populate_existing=True)
    assert refreshed is not None
    return refreshed


def due_cards(engine: Engine, who: Learner, now: datetime | None = None) -> list[ReviewCard]:
    """The person's due cards, most overdue first."""
    with Session(engine, expire_on_commit=False) as db:
        return list(
            db.exec(
                select(ReviewCard)
                .where(
                    ReviewCard.platform == who.platform,
                    ReviewCard.workspace_id == who.workspace_id,
                    ReviewCard.user_id == who.user_id,
                    col(ReviewCard.due) <= (now or utcnow()),
                )
                .order_by(col(ReviewCard.due), col(ReviewCard.id))
            ).all()
        )


def card_for(engine: Engine, who: Learner, entry_id: str) -> ReviewCard | None:
    with Session(engine, expire_on_commit=False) as db:
        return _card(db, who, entry_id)


def due_count(db: Session, who: Learner, now: datetime) -> int:
    return db.exec(
        select(func.count())
        .select_from(ReviewCard)
        .where(
            ReviewCard.platform == who.platform,
            ReviewCard.workspace_id == who.workspace_id,
            ReviewCard.user_id == who.user_id,
            col(ReviewCard.due) <= now,
        )
    ).one()
