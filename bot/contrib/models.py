"""The contribution tables: proposals, the moderators of a workspace, its moderators' channel."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from bot.models import utcnow


class State(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"


class Notice(StrEnum):
    """What a proposal still has to tell someone (sent by bot/contrib/notify.py)."""

    none = ""
    card = "card"  # the card in the moderators' channel
    outcome = "outcome"  # the author's DM with the decision


class Proposal(SQLModel, table=True):
    """A new entry (or an edit of `target_id`) proposed by a member; `version` is its
    compare-and-set counter: every change (an edit, a decision) moves it on by one."""

    __table_args__ = (
        Index("uq_proposal_pending_slot", "platform", "workspace_id", "user_id", "pending_slot",
              unique=True),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    workspace_id: str = Field(default="", max_length=64, index=True)
    user_id: str = Field(max_length=64, index=True)
    author_name: str = Field(default="", max_length=80)
    kind: str = Field(max_length=16)
    target_id: str | None = Field(default=None, max_length=64)
    # The proposed entry as EntryData JSON, and for an edit the entry's text when it was proposed.
    entry: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    base_text: str | None = Field(default=None, sa_column=Column(Text))
    state: str = Field(default=State.pending, max_length=16, index=True)
    version: int = 1
    # Who submitted what, while pending: a form sent twice finds the first (NULL once decided).
    dedupe_key: str | None = Field(default=None, max_length=64, unique=True)
    # Which of the author's MAX_PENDING places it holds, while pending (NULL once decided): the
    # limit is this unique index, so two submissions at once cannot both take the last place.
    pending_slot: int | None = None
    reason: str | None = Field(default=None, sa_column=Column(Text))
    decided_by: str | None = Field(default=None, max_length=80)
    decided_by_id: str | None = Field(default=None, max_length=64)  # the moderator's user id
    entry_id: str | None = Field(default=None, max_length=64)  # the entry approving wrote
    notice: str = Field(default=Notice.none, max_length=16, index=True)
    notice_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Moderator(SQLModel, table=True):
    platform: str = Field(primary_key=True, max_length=16)
    workspace_id: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(primary_key=True, max_length=64)
    added_by: str = Field(default="", max_length=64)
    added_at: datetime = Field(default_factory=utcnow)


class ModerationChannel(SQLModel, table=True):
    __tablename__ = "moderation_channel"

    platform: str = Field(primary_key=True, max_length=16)
    workspace_id: str = Field(primary_key=True, max_length=64)
    channel_id: str = Field(max_length=64)
    set_by: str = Field(default="", max_length=64)
    set_at: datetime = Field(default_factory=utcnow)
