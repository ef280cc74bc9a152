"""The one schema every entry and learning path is validated against, whatever file it came from."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from bot.models import Kind, Level
from bot.topics import TOPICS, canonical_topic, closest_topic

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9+#.-]*$"
MAX_TEXT = 100_000

EntryId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=40)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=300)]
# How people ask for an entry in their own words: searched, at a lower weight than the title.
MAX_ASKED_AS, MAX_ASKED_CHARS = 8, 120
AskedAs = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ASKED_CHARS)]
# What an error's `## Reproduce` block may run with: its fence's info string. `node` runs an ES
# module, `node-cjs` a CommonJS script; `sqlite` SQL through Python's sqlite3; `git` a bash script;
# `tsc` type-checks a TypeScript file; `react` a CommonJS script with React at hand; `csharp` is
# compiled by Mono's mcs and run by mono.
RUNTIMES = (
    "python", "node", "node-cjs", "sqlite", "postgresql", "mysql", "php", "go", "java", "csharp",
    "git", "bash", "tsc", "react",
)  # fmt: skip
REPRODUCE_BLOCK = re.compile(r"\A(`{3,}|~{3,})[ \t]*([\w+#.-]*)[ \t]*\n(.*)\n\1[ \t]*\Z", re.S)

# The text fields each kind needs, and the ones it may have.
REQUIRED_TEXT: dict[Kind, tuple[str, ...]] = {
    Kind.question: (),
    Kind.error: ("root_cause", "fix"),
    Kind.snippet: ("code", "language"),
    Kind.article: ("body",),
}
ALLOWED_TEXT: dict[Kind, tuple[str, ...]] = {
    Kind.question: ("answer", "deep_dive", "real_world", "common_mistakes", "production_scenario"),
    Kind.error: ("description", "root_cause", "fix", "stack", "reproduce"),
    Kind.snippet: ("description", "language", "dialect", "code"),
    Kind.article: ("summary", "body"),
}
TEXT_FIELDS = tuple(dict.fromkeys(f for fields in ALLOWED_TEXT.values() for f in fields))


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("contains a NUL byte")
    return value


class EntryData(BaseModel):
    """A validated entry, as it stands in a content file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: EntryId
    kind: Kind
    title: Title
    topic: Slug
    tags: tuple[Annotated[str, StringConstraints(min_length=1, max_length=40)], ...] = ()
    level: Level | None = None
    role: Annotated[str, StringConstraints(max_length=40)] | None = None
    source: Annotated[str, StringConstraints(max_length=200)] = "hubbot"
    answer: Text | None = None
    deep_dive: Text | None = None
    real_world: Text | None = None
    common_mistakes: Text | None = None
    production_scenario: Text | None = None
    root_cause: Text | None = None
    fix: Text | None = None
    stack: Slug | None = None
    description: Text | None = None
    language: Slug | None = None
    dialect: Slug | None = None
    code: Text | None = None
    summary: Text | None = None
    body: Text | None = None
    # error: one fenced block whose info string names the runtime, and the other forms the
    # message takes in other versions (placeholders as in the title)
    reproduce: Text | None = None
    variants: tuple[Title, ...] = ()
    asked_as: Annotated[tuple[AskedAs, ...], Field(max_length=MAX_ASKED_AS)] = ()

    @field_validator("title", "role", "source", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = " ".join(value.split())
        return value

    @field_validator("variants", "asked_as", mode="before")
    @classmethod
    def _lines(cls, value: Any) -> Any:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(dict.fromkeys(" ".join(v.split()) for v in value if v.strip()))
        return value

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> Any:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [t for t in re.split(r"[,\s]+", value) if t]
        if isinstance(value, list | tuple):
            return tuple(dict.fromkeys(str(t).strip().lower() for t in value if str(t).strip()))
        return value

    @field_validator("stack", "language", "dialect", "level", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("topic", mode="before")
    @classmethod
    def _topic(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        topic = canonical_topic(value)
        if topic not in TOPICS:
            close = closest_topic(topic)
            hint = f"did you mean {close!r}? " if close else ""
            raise ValueError(
                f"unknown topic {topic[:40]!r}: {hint}the topics are {', '.join(TOPICS)}"
            )
        return topic

    @field_validator(*TEXT_FIELDS, mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()
            return value or None
        return value

    @model_validator(mode="after")
    def _kind_fields(self) -> EntryData:
        for field in (
            self.title,
            self.answer,
            self.code,
            self.body,
            self.fix,
            self.root_cause,
            self.reproduce,
        ):
            if field is not None:
                _no_nul(field)
        missing = [f for f in REQUIRED_TEXT[self.kind] if not getattr(self, f)]
        if missing:
            raise ValueError(f"{self._article()} {self.kind.value} needs {', '.join(missing)}")
        foreign = [f for f in TEXT_FIELDS if f not in ALLOWED_TEXT[self.kind] and getattr(self, f)]
        if self.variants and self.kind is not Kind.error:
            foreign.append("variants")
        if foreign:
            raise ValueError(
                f"{self._article()} {self.kind.value} cannot have {', '.join(foreign)}"
            )
        if self.reproduce is not None:
            reproduction(self.reproduce)
        return self

    def _article(self) -> str:
        return "an" if self.kind in (Kind.error, Kind.article) else "a"


def reproduction(block: str) -> tuple[str, str]:
    """The runtime and the script of a `## Reproduce` block; ValueError when it is not one
    fenced block of a known runtime."""
    found = REPRODUCE_BLOCK.match(block)
    if found is None or any(
        line.strip().startswith(found.group(1)) for line in found.group(3).split("\n")
    ):
        raise ValueError("## Reproduce must hold exactly one fenced code block")
    runtime = found.group(2)
    if runtime not in RUNTIMES:
        raise ValueError(
            f"## Reproduce runs with {runtime or 'no runtime'!r}: name one of {', '.join(RUNTIMES)}"
            " after the opening fence"
        )
    return runtime, found.group(3)


class PathStep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    goal: Annotated[str, StringConstraints(max_length=1000)] = ""
    entries: tuple[EntryId, ...] = ()


class Milestone(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    after_step: int = Field(ge=1)
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]


class PathData(BaseModel):
    """A validated learning path: ordered steps that link to entries, and milestones."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: EntryId
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    level: Level
    # The subjects the path teaches: when given, every linked entry's topic is one of them.
    topics: tuple[Slug, ...] = ()
    description: Annotated[str, StringConstraints(max_length=5000)] = ""
    steps: tuple[PathStep, ...] = Field(min_length=1)
    milestones: tuple[Milestone, ...] = ()

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> Any:
        """One vocabulary with entries; the words paths used before are still read."""
        if isinstance(value, str):
            value = value.strip().lower()
            return {"beginner": "junior", "advanced": "senior"}.get(value, value)
        return value

    @field_validator("topics", mode="before")
    @classmethod
    def _topics(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            unknown = [t for t in value if canonical_topic(str(t)) not in TOPICS]
            if unknown:
                raise ValueError(f"unknown topic {str(unknown[0])[:40]!r}")
            return tuple(canonical_topic(str(t)) for t in value)
        return value

    @model_validator(mode="after")
    def _milestones_in_range(self) -> PathData:
        for milestone in self.milestones:
            if milestone.after_step > len(self.steps):
                raise ValueError(
                    f"milestone {milestone.title!r} comes after step {milestone.after_step},"
                    f" but the path has {len(self.steps)} steps"
                )
        return self
