"""The content tables. Feature modules (daily, mock, review) keep their own tables beside them."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, Text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Kind(StrEnum):
    question = "question"
    error = "error"
    snippet = "snippet"
    article = "article"


class Level(StrEnum):
    junior = "junior"
    mid = "mid"
    senior = "senior"
    architect = "architect"


QUESTION_SECTIONS = ("deep_dive", "real_world", "common_mistakes", "production_scenario")
SECTION_TITLES = {
    "answer": "Answer",
    "deep_dive": "Deep dive",
    "real_world": "Real-world",
    "common_mistakes": "Common mistakes",
    "production_scenario": "Production scenario",
    "root_cause": "Root cause",
    "fix": "Fix",
    "description": "Description",
    "code": "Code",
    "summary": "Summary",
    "body": "Article",
}


class Entry(SQLModel, table=True):
    """One piece of content: a question, an error, a snippet or an article."""

    id: str = Field(primary_key=True, max_length=64)
    kind: str = Field(index=True, max_length=16)
    title: str = Field(sa_column=Column(Text, nullable=False))
    topic: str = Field(index=True, max_length=40)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    level: str | None = Field(default=None, max_length=16)
    role: str | None = Field(default=None, max_length=40)
    source: str = Field(default="hubbot", max_length=200)
    # question
    answer: str | None = Field(default=None, sa_column=Column(Text))
    deep_dive: str | None = Field(default=None, sa_column=Column(Text))
    real_world: str | None = Field(default=None, sa_column=Column(Text))
    common_mistakes: str | None = Field(default=None, sa_column=Column(Text))
    production_scenario: str | None = Field(default=None, sa_column=Column(Text))
    # error (the title is the message as printed)
    root_cause: str | None = Field(default=None, sa_column=Column(Text))
    fix: str | None = Field(default=None, sa_column=Column(Text))
    stack: str | None = Field(default=None, max_length=40)
    # The `## Reproduce` block (its fence names the runtime) and the message's other forms.
    reproduce: str | None = Field(default=None, sa_column=Column(Text))
    variants: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    # how people ask for it in their own words (any kind)
    asked_as: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    # snippet
    description: str | None = Field(default=None, sa_column=Column(Text))
    language: str | None = Field(default=None, max_length=40)
    dialect: str | None = Field(default=None, max_length=40)
    code: str | None = Field(default=None, sa_column=Column(Text))
    # article
    summary: str | None = Field(default=None, sa_column=Column(Text))
    body: str | None = Field(default=None, sa_column=Column(Text))

    retired: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    def section(self, name: str) -> str | None:
        value: Any = getattr(self, name, None)
        return value if isinstance(value, str) and value else None


class LearningPath(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    title: str = Field(max_length=300)
    level: str = Field(max_length=16)
    topics: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    # [{"title": str, "goal": str, "entries": [id, ...]}, ...]
    steps: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # [{"after_step": int, "title": str}, ...]
    milestones: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ContentVersion(SQLModel, table=True):
    """A single row whose counter goes up on every content change, so other processes notice."""

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=0)
    changed_at: datetime = Field(default_factory=utcnow)


class EntryMeaning(SQLModel, table=True):
    """What an entry is about (bot/search/meaning.py), kept so that a search index build need
    not make it again: valid while `updated_at` is the entry's and `recipe` the code's."""

    entry_id: str = Field(primary_key=True, max_length=64)
    updated_at: datetime
    recipe: str = Field(max_length=100)
    bits: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class SearchLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    command: str = Field(max_length=16)  # search | error
    query: str = Field(sa_column=Column(Text, nullable=False))
    result_count: int
    top_score: float = 0.0
    good: bool = True  # False when nothing plausible was found: a content gap
    user_hash: str | None = Field(default=None, max_length=64)
    platform: str | None = Field(default=None, max_length=16)
    workspace: str | None = Field(default=None, max_length=64)
