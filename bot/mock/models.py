"""The mock-interview tables: a session, its people, and one row per grade."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models import utcnow


class Mode(StrEnum):
    group = "group"  # everyone answers and grades themselves
    pair = "pair"  # an interviewer asks and grades the candidates


class State(StrEnum):
    asking = "asking"  # the question is up and its timer runs
    revealed = "revealed"  # the answer is out; people grade, someone presses Next
    paused = "paused"  # the timer is stopped; `remaining` holds what was left
    ended = "ended"


class MockSession(SQLModel, table=True):
    """One mock interview. `step` goes up on every transition: the compare-and-set that makes
    each step (reveal, next, end …) happen once however many processes or clicks race for it."""

    __tablename__ = "mock_session"

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    workspace_id: str = Field(default="", max_length=64)
    channel_id: str = Field(max_length=64)
    thread_id: str | None = Field(default=None, max_length=64)
    question_message_id: str | None = Field(default=None, max_length=64)
    starter_id: str = Field(max_length=64)
    interviewer_id: str | None = Field(default=None, max_length=64)
    mode: str = Field(max_length=8)
    entry_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    skipped: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    seconds_per_question: int
    index: int = 0
    state: str = Field(default=State.asking, max_length=12, index=True)
    deadline: datetime | None = Field(default=None, index=True)
    remaining: float | None = None
    step: int = 0
    # The minutes-left figure the question message shows, so each update is made once.
    shown_left: int | None = None
    last_activity: datetime = Field(default_factory=utcnow)
    created_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    end_reason: str | None = Field(default=None, sa_column=Column(Text))

    @property
    def total(self) -> int:
        return len(self.entry_ids)

    @property
    def ended(self) -> bool:
        return self.state == State.ended


class MockParticipant(SQLModel, table=True):
    __tablename__ = "mock_participant"

    session_id: int = Field(foreign_key="mock_session.id", primary_key=True)
    user_id: str = Field(primary_key=True, max_length=64)
    user_name: str = Field(default="", max_length=200)
    role: str = Field(default="member", max_length=12)  # member | candidate | interviewer


class MockGrade(SQLModel, table=True):
    """A grade, recorded once: (session, question, person) is unique."""

    __tablename__ = "mock_grade"
    __table_args__ = (UniqueConstraint("session_id", "question", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="mock_session.id", index=True)
    question: int
    entry_id: str = Field(max_length=64)
    user_id: str = Field(max_length=64)
    rating: int
    graded_by: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow)
