"""The daily question's tables: a subscription per channel, a post per channel per day, answers."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models import utcnow


class PostStatus(StrEnum):
    claimed = "claimed"  # the row exists; nobody has started the send (or a lease ran out)
    failed = "failed"  # a send failed for a reason that may pass; retried until the grace ends
    sending = "sending"  # the send started; a crash here leaves the outcome unknown
    posted = "posted"  # the platform answered with a message id
    unknown = "unknown"  # a crash between send and mark: never re-sent (see docs/daily.md)
    skipped = "skipped"  # missed by more than the grace period
    dead = "dead"  # the channel refused for good; the subscription is paused


class RevealStatus(StrEnum):
    none = "none"  # no reveal planned
    pending = "pending"
    sending = "sending"
    done = "done"
    failed = "failed"


class DailySubscription(SQLModel, table=True):
    """One channel's daily question in one workspace: when, what, and who set it up.

    Keyed by workspace too: a channel shared between workspaces (Slack Connect) has one per
    workspace, and no workspace can find, change or take over another's.
    """

    __table_args__ = (
        UniqueConstraint(
            "platform", "workspace_id", "channel_id", name="uq_daily_workspace_channel"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    channel_id: str = Field(max_length=64)
    workspace_id: str = Field(default="", max_length=64)
    post_time: str = Field(max_length=5)  # local "HH:MM"
    timezone: str = Field(default="UTC", max_length=64)
    days: str = Field(default="0123456", max_length=7)  # ISO weekdays, Monday = 0
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    levels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reveal_after_minutes: int | None = None
    reveal_time: str | None = Field(default=None, max_length=5)  # local "HH:MM"
    active: bool = Field(default=True, index=True)
    paused_reason: str | None = Field(default=None, sa_column=Column(Text))
    created_by: str = Field(default="", max_length=64)
    created_by_name: str = Field(default="", max_length=120)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class DailyPost(SQLModel, table=True):
    """The claim of one post: unique per (subscription, local day, sequence).

    seq 0 is the scheduled question of that day; `/hub daily now` adds 1, 2, … after it.
    """

    __table_args__ = (
        UniqueConstraint("subscription_id", "day", "seq", name="uq_daily_subscription_post"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="dailysubscription.id", index=True)
    platform: str = Field(max_length=16)
    channel_id: str = Field(max_length=64)
    day: date
    seq: int = Field(default=0)
    cycle: int = Field(default=0)  # the round of the channel's pool this question belongs to
    entry_id: str | None = Field(default=None, max_length=64)
    status: str = Field(default=PostStatus.claimed, max_length=16, index=True)
    owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = None
    attempts: int = Field(default=0)
    scheduled_for: datetime
    message_id: str | None = Field(default=None, max_length=64)
    thread_id: str | None = Field(default=None, max_length=64)
    posted_at: datetime | None = None
    reveal_at: datetime | None = None
    reveal_status: str = Field(default=RevealStatus.none, max_length=16, index=True)
    error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow)


class DailyAnswer(SQLModel, table=True):
    """One person took part in one post (button or thread answer), counted once."""

    __table_args__ = (UniqueConstraint("post_id", "user_id", name="uq_daily_answer"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="dailypost.id", index=True)
    user_id: str = Field(max_length=64)
    user_name: str = Field(default="", max_length=120)
    via: str = Field(default="button", max_length=16)  # button | thread
    at: datetime = Field(default_factory=utcnow)
