"""The question bank's bar beyond the schema: floors, near-duplicate titles, copied runs, code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.content import EntryData, content_stats, load_paths
from bot.content.quality import (
    LEVEL_FLOORS,
    ROLES,
    code_blocks,
    floor_shortfalls,
    near_duplicate_titles,
    question_counts,
    shared_runs,
)
from bot.models import QUESTION_SECTIONS, Level
from bot.topics import TOPICS

from .conftest import FIXTURES
from .test_cli import run


def question(entry_id: str, title: str, answer: str, topic: str = "python") -> EntryData:
    sections = {
        name: " ".join(f"{entry_id}{name}{n}" for n in range(40)) for name in QUESTION_SECTIONS
    }
    return EntryData.model_validate(
        {
            "id": entry_id,
            "kind": "question",
            "title": title,
            "topic": topic,
            "level": "mid",
            "role": "backend",
            "answer": answer,
            **sections,
        }
    )


def test_near_duplicate_titles_are_found_within_a_topic_only() -> None:
    first = question("q-a", "How does the GIL affect threads in Python?", "a " * 50)
    second = question("q-b", "How does the GIL affect threads?", "b " * 50)
    elsewhere = question("q-c", "How does the GIL affect threads?", "c " * 50, topic="ai")
    other = question("q-d", "What is a metaclass?", "d " * 50)
    assert [(a, b) for a, b, _ in near_duplicate_titles([first, second, elsewhere, other])] == [
        ("q-a", "q-b")
    ]


def test_a_shared_run_of_twelve_words_is_found_and_eleven_is_not() -> None:
    run12 = "one two three four five six seven eight nine ten eleven twelve"
    first = question("q-a", "First?", f"Alpha beta. {run12} gamma.")
    second = question("q-b", "Second?", f"Delta {run12.upper()} epsilon.")
    third = question("q-c", "Third?", "Omega " + " ".join(run12.split()[:11]) + " zeta.")
    found = shared_runs([first, second, third])
    assert len(found) == 1 and found[0].startswith("q-a and q-b: one two")


def test_code_blocks_carry_their_language() -> None:
    answer = "Like this:\n\n```python\nprint('hi')\n```\n\nand\n\n~~~\nplain\n~~~\n"
    blocks = list(code_blocks([question("q-a", "Code?", answer)]))
    assert [(b.language, b.code) for b in blocks] == [("python", "print('hi')\n"), ("", "plain\n")]


def test_floors_name_every_shortfall() -> None:
    full = {t: {"junior": 10, "mid": 10, "senior": 10, "architect": 18} for t in TOPICS}
    roles = dict.fromkeys(ROLES, 200)
    counts: dict[str, Any] = {"questions": 48 * len(TOPICS), "topic_levels": full, "roles": roles}
    assert floor_shortfalls(counts) == []
    full["go"] = {**full["go"], "architect": LEVEL_FLOORS[Level.architect] - 1}
    roles["data"] = 59
    assert floor_shortfalls(counts) == [
        "go: 33 questions of 40", "go: 3 architect questions of 4", "role data: 59 questions of 60"
    ]  # fmt: skip


def test_counts_are_by_topic_level_and_role() -> None:
    found = load_paths([FIXTURES / "content"])
    counts = question_counts(e for e, _ in found.entries)
    assert counts["questions"] == sum(sum(v.values()) for v in counts["topic_levels"].values())
    assert counts == {k: content_stats(found)[k] for k in ("questions", "topic_levels", "roles")}


def test_stats_floors_fail_the_command_with_each_shortfall(tmp_path: Path) -> None:
    out = run(tmp_path, "content", "stats", str(FIXTURES / "content"), "--floors")
    assert out.returncode == 1
    assert "under the floor: questions:" in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "questions" in out.stdout and "architect" in out.stdout
