"""The bar the question bank is held to beyond the schema: floors, near-duplicates, copied runs."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, utils

from bot.content.schema import EntryData
from bot.models import QUESTION_SECTIONS, Kind, Level
from bot.topics import TOPICS

ROLES = ("backend", "frontend", "fullstack", "devops", "data", "security", "architect")
TOPIC_FLOOR = 40
LEVEL_FLOORS = {Level.junior: 8, Level.mid: 10, Level.senior: 10, Level.architect: 4}
ROLE_FLOOR = 60
QUESTION_FLOOR = 1000
NEAR_DUPLICATE_TITLE = 85
SHARED_RUN_WORDS = 12
ANSWER_FIELDS = ("answer", *QUESTION_SECTIONS)

_WORD = re.compile(r"\w+")
FENCED_BLOCK = re.compile(r"^(```+|~~~+)[ \t]*([\w+#.-]*)[ \t]*\n(.*?)^\1[ \t]*$", re.S | re.M)


@dataclass(frozen=True)
class CodeBlock:
    entry_id: str
    language: str
    code: str


def question_counts(entries: Iterable[EntryData]) -> dict[str, Any]:
    """Questions by topic × level and by role."""
    by_topic: dict[str, Counter[str]] = defaultdict(Counter)
    roles: Counter[str] = Counter()
    for entry in entries:
        if entry.kind is Kind.question:
            by_topic[entry.topic][entry.level.value if entry.level else "none"] += 1
            roles[entry.role or "none"] += 1
    return {
        "questions": sum(sum(levels.values()) for levels in by_topic.values()),
        "topic_levels": {t: dict(sorted(by_topic[t].items())) for t in sorted(by_topic)},
        "roles": dict(sorted(roles.items())),
    }


def floor_shortfalls(counts: dict[str, Any]) -> list[str]:
    """Every floor of the question bank that `question_counts` falls short of, in words."""
    short = []
    if counts["questions"] < QUESTION_FLOOR:
        short.append(f"questions: {counts['questions']} of {QUESTION_FLOOR}")
    for topic in TOPICS:
        levels = counts["topic_levels"].get(topic, {})
        if (total := sum(levels.values())) < TOPIC_FLOOR:
            short.append(f"{topic}: {total} questions of {TOPIC_FLOOR}")
        for level, floor in LEVEL_FLOORS.items():
            if (have := levels.get(level.value, 0)) < floor:
                short.append(f"{topic}: {have} {level.value} questions of {floor}")
    for role in ROLES:
        if (have := counts["roles"].get(role, 0)) < ROLE_FLOOR:
            short.append(f"role {role}: {have} questions of {ROLE_FLOOR}")
    return short


def near_duplicate_titles(entries: Iterable[EntryData]) -> list[tuple[str, str, float]]:
    """Pairs of question titles in one topic that read as the same question."""
    by_topic: dict[str, list[EntryData]] = defaultdict(list)
    for entry in entries:
        if entry.kind is Kind.question:
            by_topic[entry.topic].append(entry)
    pairs = []
    for questions in by_topic.values():
        for i, first in enumerate(questions):
            for second in questions[i + 1 :]:
                score = fuzz.token_set_ratio(
                    first.title, second.title, processor=utils.default_process
                )
                if score >= NEAR_DUPLICATE_TITLE:
                    pairs.append((first.id, second.id, score))
    return pairs


def shared_runs(entries: Iterable[EntryData], words: int = SHARED_RUN_WORDS) -> list[str]:
    """Runs of `words` words that appear in the answers of two different questions."""
    owner: dict[tuple[str, ...], str] = {}
    found = []
    for entry in entries:
        if entry.kind is not Kind.question:
            continue
        tokens = _WORD.findall(answer_text(entry).lower())
        for run in {tuple(tokens[i : i + words]) for i in range(len(tokens) - words + 1)}:
            first = owner.setdefault(run, entry.id)
            if first != entry.id:
                found.append(f"{first} and {entry.id}: {' '.join(run)}")
    return found


def answer_text(entry: EntryData) -> str:
    return "\n\n".join(text for name in ANSWER_FIELDS if (text := getattr(entry, name)))


def code_blocks(entries: Iterable[EntryData]) -> Iterator[CodeBlock]:
    """The fenced code blocks in the answers of questions, with their language."""
    for entry in entries:
        if entry.kind is Kind.question:
            for match in FENCED_BLOCK.finditer(answer_text(entry)):
                yield CodeBlock(entry.id, match.group(2).lower(), match.group(3))
