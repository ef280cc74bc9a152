"""The hub's content as the features read it: entries by id, topics, learning paths.

(Writing content is bot/content/store.py's: the import.)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.models import Entry, Kind, LearningPath


def entry(engine: Engine, entry_id: str) -> Entry | None:
    with Session(engine) as session:
        return session.get(Entry, entry_id)


def entries(engine: Engine, ids: list[str]) -> dict[str, Entry]:
    """The entries of those ids that exist, by id."""
    with Session(engine) as session:
        return {e.id: e for e in session.exec(select(Entry).where(col(Entry.id).in_(ids))).all()}


def titles(engine: Engine, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    with Session(engine) as session:
        return dict(session.exec(select(Entry.id, Entry.title).where(col(Entry.id).in_(ids))).all())


def question_topics(engine: Engine) -> set[str]:
    """The topics of the questions that are asked (not retired)."""
    with Session(engine) as session:
        return set(
            session.exec(
                select(Entry.topic).where(
                    Entry.kind == Kind.question, col(Entry.retired).is_(False)
                )
            ).all()
        )


def topic_sizes(engine: Engine) -> Counter[str]:
    """How many live entries (of every kind) each topic holds."""
    with Session(engine) as session:
        topics = session.exec(select(Entry.topic).where(col(Entry.retired).is_(False))).all()
    return Counter(topics)


def questions_of(session: Session, topics: list[str], levels: list[str]) -> list[str]:
    """The ids of live questions of those topics and levels (any, when empty), sorted; inside
    the caller's transaction."""
    query = select(Entry.id).where(Entry.kind == Kind.question, col(Entry.retired).is_(False))
    if topics:
        query = query.where(col(Entry.topic).in_(topics))
    if levels:
        query = query.where(col(Entry.level).in_(levels))
    return sorted(session.exec(query).all())


def questions(engine: Engine, topics: list[str], levels: list[str]) -> list[str]:
    with Session(engine) as session:
        return questions_of(session, topics, levels)


def listing(
    engine: Engine, kind: str | None, topic: str | None, level: str | None, limit: int
) -> list[Entry]:
    """Live entries of a kind, topic and level (any, where None), by kind then title."""
    query = select(Entry).where(col(Entry.retired).is_(False))
    for column, value in ((Entry.kind, kind), (Entry.topic, topic), (Entry.level, level)):
        if value is not None:
            query = query.where(column == value)
    with Session(engine) as session:
        ordered = query.order_by(col(Entry.kind), col(Entry.title), col(Entry.id))
        return list(session.exec(ordered.limit(limit)).all())


def learning_paths(engine: Engine) -> list[LearningPath]:
    with Session(engine) as session:
        return list(session.exec(select(LearningPath).order_by(col(LearningPath.id))).all())


def learning_path(engine: Engine, path_id: str) -> LearningPath | None:
    with Session(engine) as session:
        return session.get(LearningPath, path_id)


@dataclass(frozen=True)
class PathStep:
    path_id: str
    path_title: str
    number: int
    title: str
    entry_ids: tuple[str, ...]
    path_topics: frozenset[str]  # what the path says it teaches
    topics: frozenset[str]  # the topics of the step's entries
    tags: frozenset[str]  # the tags of the step's entries

    def label(self) -> str:
        return f"{self.path_title}, step {self.number}: {self.title}"


@dataclass(frozen=True)
class PathSteps:
    """Every learning-path step, in path and step order, to find the one that covers an entry."""

    steps: tuple[PathStep, ...]

    def covering(self, found: Entry) -> PathStep | None:
        """The step that holds the entry, else a step holding entries of its topic. Among
        several: one on a path that teaches the entry's topic, then the one sharing the most
        tags with it, then the first."""
        held = [s for s in self.steps if found.id in s.entry_ids]
        candidates = held or [s for s in self.steps if found.topic in s.topics]
        if not candidates:
            return None
        tags = set(found.tags)
        # max() keeps the first of equals: the earliest step wins a tie.
        return max(candidates, key=lambda s: (found.topic in s.path_topics, len(tags & s.tags)))


def path_steps(engine: Engine) -> PathSteps:
    paths = learning_paths(engine)
    ids = {str(i) for path in paths for step in path.steps for i in step.get("entries", [])}
    with Session(engine) as session:
        about = {
            entry_id: (topic, tags)
            for entry_id, topic, tags in session.exec(
                select(Entry.id, Entry.topic, Entry.tags).where(col(Entry.id).in_(ids))
            ).all()
        }
    steps = []
    for path in paths:
        for number, step in enumerate(path.steps, 1):
            held = tuple(str(i) for i in step.get("entries", []))
            known = [about[i] for i in held if i in about]
            steps.append(
                PathStep(
                    path.id,
                    path.title,
                    number,
                    str(step.get("title", "")),
                    held,
                    frozenset(path.topics),
                    frozenset(topic for topic, _ in known),
                    frozenset(tag for _, tags in known for tag in tags),
                )
            )
    return PathSteps(tuple(steps))
