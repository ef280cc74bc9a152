"""Each person's spaced-repetition schedule, kept by the fsrs package (one card per question)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fsrs import Card, Rating, Scheduler

SCHEDULER = Scheduler(enable_fuzzing=False)


def new_card(at: datetime) -> Card:
    """A card never rated, due at `at`."""
    return Card(card_id=0, due=at)


def review(fsrs: dict[str, Any] | None, rating: int, at: datetime) -> Card:
    """A card after one rating (`fsrs`: its stored state; None for a new card)."""
    card = Card.from_dict(fsrs) if fsrs is not None else new_card(at)  # type: ignore[arg-type]
    return SCHEDULER.review_card(card, Rating(rating), review_datetime=at)[0]
