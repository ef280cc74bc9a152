"""Every file in content/ loads, meets the bar of the starter content, and its code runs."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.config import SHIPPED_CONTENT
from bot.content import EntryData, content_stats, load_paths
from bot.content.quality import CodeBlock, code_blocks, near_duplicate_titles, shared_runs
from bot.models import QUESTION_SECTIONS

from .conftest import Store

FOUND = load_paths([SHIPPED_CONTENT])
ENTRIES = [entry for entry, _ in FOUND.entries]
SNIPPETS = [e for e in ENTRIES if e.kind == "snippet"]


def by_language(*languages: str) -> list[EntryData]:
    return [e for e in SNIPPETS if e.language in languages]


def test_every_file_loads_without_problems() -> None:
    assert [str(p) for p in FOUND.problems] == []


def test_counts_meet_the_starter_bar() -> None:
    stats = content_stats(FOUND)
    assert stats["kinds"].get("question", 0) >= 90
    assert stats["kinds"].get("error", 0) >= 40
    assert stats["kinds"].get("snippet", 0) >= 24
    assert stats["kinds"].get("article", 0) >= 8
    assert stats["paths"] >= 4
    assert len({e.topic for e in ENTRIES if e.kind == "question"}) >= 18
    assert set(stats["levels"]) == {"junior", "mid", "senior", "architect"}


def test_questions_have_every_section_as_a_real_paragraph() -> None:
    for entry in (e for e in ENTRIES if e.kind == "question"):
        assert entry.level is not None, entry.id
        assert entry.answer and len(entry.answer) >= 80, entry.id
        for name in QUESTION_SECTIONS:
            value = getattr(entry, name)
            assert value and len(value.split()) >= 40, f"{entry.id}: {name} is too thin"


def test_no_two_questions_of_a_topic_ask_the_same_thing() -> None:
    assert near_duplicate_titles(ENTRIES) == []


def test_no_two_questions_share_a_run_of_twelve_words() -> None:
    assert shared_runs(ENTRIES) == []


def test_most_topics_cover_several_levels() -> None:
    levels: dict[str, set[str]] = {}
    for entry in ENTRIES:
        if entry.kind == "question" and entry.level:
            levels.setdefault(entry.topic, set()).add(entry.level.value)
    assert sum(len(found) >= 3 for found in levels.values()) >= len(levels) * 0.8


def test_no_two_entries_share_a_title() -> None:
    titles = Counter(" ".join(e.title.lower().split()) for e in ENTRIES)
    assert [t for t, n in titles.items() if n > 1] == []


MIN_PATH_STEPS = 12
MIN_PATH_MILESTONES = 3


def test_paths_link_to_shipped_entries_in_order() -> None:
    ids = {e.id for e in ENTRIES}
    for path, _ in FOUND.paths:
        assert len(path.steps) >= MIN_PATH_STEPS, path.id
        for step in path.steps:
            assert step.entries and set(step.entries) <= ids, (path.id, step.title)


def test_every_path_is_a_full_track_without_repeats() -> None:
    """At least 12 steps and 3 milestones; each step links 2-5 shipped entries; no id twice."""
    ids = {e.id for e in ENTRIES}
    problems: list[str] = []
    for path, _ in FOUND.paths:
        if len(path.steps) < MIN_PATH_STEPS:
            problems.append(f"{path.id}: {len(path.steps)} steps, needs {MIN_PATH_STEPS}")
        if len(path.milestones) < MIN_PATH_MILESTONES:
            problems.append(
                f"{path.id}: {len(path.milestones)} milestones, needs {MIN_PATH_MILESTONES}"
            )
        linked = Counter(i for step in path.steps for i in step.entries)
        problems += [f"{path.id}: links {i} {n} times" for i, n in linked.items() if n > 1]
        problems += [f"{path.id}: links unknown entry {i}" for i in linked if i not in ids]
        for number, step in enumerate(path.steps, start=1):
            if not 2 <= len(step.entries) <= 5:
                problems.append(f"{path.id}: step {number} links {len(step.entries)} entries")
    assert problems == []


@pytest.mark.parametrize("entry", by_language("python"), ids=lambda e: e.id)
def test_python_snippets_run(entry: EntryData, tmp_path: Path) -> None:
    script = tmp_path / "snippet.py"
    script.write_text(entry.code or "")
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=30, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr[-2000:]


@pytest.mark.parametrize(
    "entry", [e for e in by_language("sql") if e.dialect != "postgresql"], ids=lambda e: e.id
)
def test_sqlite_snippets_run(entry: EntryData) -> None:
    connection = sqlite3.connect(":memory:")
    try:
        connection.executescript(entry.code or "")
    finally:
        connection.close()


@pytest.mark.parametrize(
    "entry", [e for e in by_language("sql") if e.dialect == "postgresql"], ids=lambda e: e.id
)
def test_postgresql_snippets_run(entry: EntryData, pg_store: Store) -> None:
    raw = pg_store.engine.raw_connection()
    try:
        raw.cursor().execute(entry.code or "")
    finally:
        raw.rollback()
        raw.close()


NODE = shutil.which("node")
PHP = shutil.which("php")


@pytest.mark.parametrize("entry", by_language("javascript"), ids=lambda e: e.id)
def test_javascript_snippets_parse(entry: EntryData, tmp_path: Path) -> None:
    if NODE is None:
        if os.environ.get("CI"):
            pytest.fail("node is needed in CI to check JavaScript snippets")
        pytest.skip("node is not installed")
    script = tmp_path / "snippet.mjs"
    script.write_text(entry.code or "")
    out = subprocess.run([NODE, "--check", str(script)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr[-2000:]


@pytest.mark.parametrize("entry", by_language("php"), ids=lambda e: e.id)
def test_php_snippets_parse(entry: EntryData, tmp_path: Path) -> None:
    if PHP is None:
        if os.environ.get("CI"):
            pytest.fail("php is needed in CI to check PHP snippets (scripts/test installs it)")
        pytest.skip("php is not installed on this machine; PHP snippets are not linted")
    script = tmp_path / "snippet.php"
    script.write_text(entry.code or "")
    out = subprocess.run([PHP, "-l", str(script)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stdout[-2000:]


BLOCKS = list(code_blocks(ENTRIES))
GOFMT = shutil.which("gofmt")
# Fenced code in answers is checked by the toolchain of its language: it must at least parse.
CHECKERS: dict[str, tuple[str | None, list[str], str]] = {
    "javascript": (NODE, ["--check"], ".mjs"),
    "js": (NODE, ["--check"], ".mjs"),
    "php": (PHP, ["-l"], ".php"),
    "go": (GOFMT, ["-e"], ".go"),
}


def test_every_code_block_names_its_language() -> None:
    assert [b.entry_id for b in BLOCKS if not b.language] == []


@pytest.mark.parametrize(
    "block", [b for b in BLOCKS if b.language == "python"], ids=lambda b: b.entry_id
)
def test_python_blocks_in_answers_compile(block: CodeBlock) -> None:
    compile(block.code, block.entry_id, "exec")


@pytest.mark.parametrize(
    "block", [b for b in BLOCKS if b.language in CHECKERS], ids=lambda b: b.entry_id
)
def test_code_blocks_in_answers_parse(block: CodeBlock, tmp_path: Path) -> None:
    tool, args, suffix = CHECKERS[block.language]
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail(
                f"a checker for {block.language} is needed in CI (scripts/test installs it)"
            )
        pytest.skip(f"no checker for {block.language} on this machine")
    source = tmp_path / f"block{suffix}"
    source.write_text(block.code)
    out = subprocess.run([tool, *args, str(source)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, (out.stdout + out.stderr)[-2000:]
