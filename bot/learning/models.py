"""Each person's place on the learning paths they follow, and their weekly-nudge opt-in."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from bot.models import utcnow


class PathProgress(SQLModel, table=True):
    """One person (in one workspace) on one path. `done` counts the steps marked done, in
    order, and is the compare-and-set version: a step is marked once however often it is
    clicked. `active_at` names the path `next`/`done` act on when none is named."""

    __tablename__ = "path_progress"

    platform: str = Field(primary_key=True, max_length=16)
    workspace_id: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(primary_key=True, max_length=64)
    path_id: str = Field(primary_key=True, max_length=64)
    done: int = 0
    started_at: datetime = Field(default_factory=utcnow)
    active_at: datetime = Field(default_factory=utcnow, index=True)
    finished_at: datetime | None = None


class PathNudge(SQLModel, table=True):
    """An opt-in weekly DM with the next step; `nudged_week` (the Monday of the week last
    sent) is claimed by compare-and-set, so each week's DM goes out once."""

    __tablename__ = "path_nudge"

    platform: str = Field(primary_key=True, max_length=16)
    workspace_id: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(primary_key=True, max_length=64)
    enabled: bool = True
    nudged_week: date | None = None
