"""Personal review: one spaced-repetition card per person and question, and reminder opt-ins."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models import utcnow


class ReviewCard(SQLModel, table=True):
    """The fsrs card of one person for one question; `reps` is its compare-and-set version."""

    __tablename__ = "review_card"
    __table_args__ = (UniqueConstraint("platform", "workspace_id", "user_id", "entry_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    workspace_id: str = Field(default="", max_length=64)
    user_id: str = Field(max_length=64)
    entry_id: str = Field(max_length=64)
    due: datetime = Field(index=True)
    fsrs: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reps: int = 0
    last_rating: int | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class ReviewReminder(SQLModel, table=True):
    """An opt-in daily DM; `last_sent_on` is claimed by compare-and-set so it goes out once."""

    __tablename__ = "review_reminder"

    platform: str = Field(primary_key=True, max_length=16)
    workspace_id: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(primary_key=True, max_length=64)
    enabled: bool = True
    # The person's local day: the reminder goes out from 09:00 in `time_zone`.
    last_sent_on: date | None = None
    # As the platform told it (an IANA name; "UTC" when it could not); None: not asked yet.
    time_zone: str | None = Field(default=None, max_length=64)
