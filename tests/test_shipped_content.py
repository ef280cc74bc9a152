"""Every file in content/ loads, meets the bar of the starter content, and its code runs."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pglast
import pytest
import yaml
from sqlalchemy.engine import make_url

from bot.config import SHIPPED_CONTENT
from bot.content import EntryData, content_stats, load_paths
from bot.content.quality import CodeBlock, code_blocks, near_duplicate_titles, shared_runs
from bot.models import QUESTION_SECTIONS

from .conftest import POSTGRES_URL, Store, require_postgres
from .content_runs import ROOT, checkout_untouched, clean_env  # noqa: F401 (an autouse fixture)

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


# Snippets run their own self-check: the code ends with a check of its behaviour that exits
# non-zero on failure and prints SELF_CHECK as its last line. Every snippet is started with the
# argument --self-test: library-style code ignores it and checks itself when run directly, while an
# entry point (a server, a git hook) needs it to run its check instead of doing its real job.
SELF_CHECK = "self-check passed"
NODE = shutil.which("node")
PHP = shutil.which("php")
GO = shutil.which("go")
JAVA = shutil.which("java")
BASH = shutil.which("bash")
MCS = shutil.which("mcs")  # Debian's mono-mcs: the Mono C# compiler and the mono runtime
MONO = shutil.which("mono")
# Pinned npm packages (TypeScript, @types/node, React) that scripts/test installs into the venv.
NODE_MODULES = ROOT / ".venv" / "snippet-node" / "node_modules"
TSC = NODE_MODULES / "typescript" / "bin" / "tsc"
JDBC_DRIVER = Path("/usr/share/java/postgresql.jar")  # Debian's libpostgresql-jdbc-java
# What cannot run or be checked here, and why.
UNCHECKED = {
    "vbnet": "no VB.NET compiler is packaged in Debian 12 (mono-vbnc was dropped, the .NET SDK "
    "is not in Debian) and CI reaches no other registry that has one",
    "dockerfile": "a build needs base images from a container registry that CI cannot reach",
}
SQL_SELF_CHECK = "SELECT count(*) FROM self_check"
JAVA_TYPE = re.compile(
    r"^(public\s+)?(?:(?:final|abstract)\s+)*(?:class|interface|record|enum)\s+(\w+)", re.M
)
BARE_IMPORT = re.compile(r"""^import\s[^'"]*['"](?!node:|\.)[^'"]+['"]""", re.M)


def need(tool: str | Path | None, what: str) -> str:
    """The tool's path; outside CI a missing toolchain skips the test, in CI it fails it."""
    if tool is not None and Path(tool).exists():
        return str(tool)
    if os.environ.get("CI"):
        pytest.fail(f"{what} is needed in CI to run these snippets (scripts/test installs it)")
    pytest.skip(f"{what} is not installed on this machine")


def java_class(code: str) -> str:
    """Single-file launch runs the first top-level type, so it is the one public class with main,
    and the file is named after it (as javac would require too)."""
    types: list[tuple[str, str]] = JAVA_TYPE.findall(code)
    assert types, "no top-level class"
    public = [name for is_public, name in types if is_public]
    assert public == [types[0][1]], "the first top-level type must be the only public one"
    assert "public static void main(String[] args)" in code, "the public class needs main"
    return types[0][1]


def snippet_command(entry: EntryData, folder: Path) -> tuple[list[str], dict[str, str]]:
    """Write the snippet into `folder` and return how to run it, with extra environment."""
    code = entry.code or ""
    language = entry.language or ""
    if language in ("javascript", "typescript") and (
        language == "typescript" or BARE_IMPORT.search(code)
    ):
        (folder / "node_modules").symlink_to(need(NODE_MODULES, "the snippet npm packages"))
    if language == "python":
        (folder / "snippet.py").write_text(code)
        return [sys.executable, "snippet.py"], {}
    if language == "javascript":
        (folder / "snippet.mjs").write_text(code)
        return [need(NODE, "node"), "snippet.mjs"], {}
    if language == "typescript":
        (folder / "snippet.mts").write_text(code)
        tsc = [
            need(NODE, "node"),
            need(TSC, "tsc"),
            "--strict",
            "--skipLibCheck",
            "--target",
            "es2022",
        ]
        tsc += ["--module", "nodenext", "--types", "node", "--outDir", "out", "snippet.mts"]
        out = subprocess.run(tsc, capture_output=True, text=True, timeout=180, cwd=folder)
        assert out.returncode == 0, out.stdout[-3000:]
        return [need(NODE, "node"), "out/snippet.mjs"], {}
    if language == "php":
        (folder / "snippet.php").write_text(code)
        return [need(PHP, "php"), "snippet.php"], {}
    if language == "go":
        (folder / "main.go").write_text(code)
        return [need(GO, "go"), "run", "main.go"], {"GOTOOLCHAIN": "local"}
    if language == "java":
        name = java_class(code)
        assert f"{name}.java" in (entry.description or ""), f"say how to run it: java {name}.java"
        (folder / f"{name}.java").write_text(code)
        command = [need(JAVA, "java")]
        if "jdbc:postgresql" in code:
            command += ["-cp", need(JDBC_DRIVER, "the PostgreSQL JDBC driver")]
        return [*command, f"{name}.java"], {"JDBC_URL": jdbc_url()}
    if language == "bash":
        (folder / "snippet.sh").write_text(code)
        return [need(BASH, "bash"), "snippet.sh"], {}
    if language == "csharp":
        (folder / "snippet.cs").write_text(code)
        mcs = [need(MCS, "mcs (mono-mcs)"), "-warnaserror+", "-out:snippet.exe", "snippet.cs"]
        out = subprocess.run(mcs, capture_output=True, text=True, timeout=180, cwd=folder)
        assert out.returncode == 0, (out.stdout + out.stderr)[-3000:]
        return [need(MONO, "mono (mono-mcs)"), "snippet.exe"], {}
    raise AssertionError(f"no runner for {language}")


def jdbc_url() -> str:
    url = make_url(POSTGRES_URL)
    auth = f"?user={url.username}" + (f"&password={url.password}" if url.password else "")
    return f"jdbc:postgresql://{url.host}:{url.port or 5432}/{url.database}{auth}"


RUNNABLE = ("python", "javascript", "typescript", "php", "go", "java", "bash", "csharp")


def test_every_snippet_language_is_run_or_explained() -> None:
    known = {*RUNNABLE, "sql", *UNCHECKED}
    assert sorted({e.language or "" for e in SNIPPETS} - known) == []


@pytest.mark.parametrize("entry", by_language(*RUNNABLE), ids=lambda e: e.id)
def test_snippets_run_their_self_check(
    entry: EntryData, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if "jdbc:postgresql" in (entry.code or ""):
        require_postgres(request)
    command, env = snippet_command(entry, tmp_path)
    out = subprocess.run(
        [*command, "--self-test"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
        env=clean_env() | env,
    )
    assert out.returncode == 0, (out.stdout + out.stderr)[-3000:]
    lines = out.stdout.strip().splitlines()
    assert lines and lines[-1] == SELF_CHECK, f"the self-check did not finish: {out.stdout[-500:]}"


@pytest.mark.parametrize(
    "entry", [e for e in by_language("sql") if e.dialect != "postgresql"], ids=lambda e: e.id
)
def test_sqlite_snippets_run_their_self_check(entry: EntryData) -> None:
    """SQL self-checks insert rows into a temp table `self_check (label, ok)` whose CHECK refuses
    anything but true, so a wrong result fails the script."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.executescript(entry.code or "")
        assert connection.execute(SQL_SELF_CHECK).fetchone()[0] > 0
    finally:
        connection.close()


@pytest.mark.parametrize(
    "entry", [e for e in by_language("sql") if e.dialect == "postgresql"], ids=lambda e: e.id
)
def test_postgresql_snippets_run_their_self_check(entry: EntryData, pg_store: Store) -> None:
    raw = pg_store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(entry.code or "")
        cursor.execute(SQL_SELF_CHECK)
        row = cursor.fetchone()
        assert row is not None and row[0] > 0
    finally:
        raw.rollback()
        raw.close()


BLOCKS = list(code_blocks(ENTRIES))
GOFMT = shutil.which("gofmt")
# Fenced code in answers is checked by the toolchain of its language: it must at least parse.
CHECKERS: dict[str, tuple[str | Path | None, list[str], str]] = {
    "javascript": (NODE, ["--check"], ".mjs"),
    "js": (NODE, ["--check"], ".mjs"),
    "php": (PHP, ["-l"], ".php"),
    "go": (GOFMT, ["-e"], ".go"),
    "bash": (BASH, ["-n"], ".sh"),
    "typescript": (TSC, ["--noEmit", "--strict", "--target", "es2022",
                                     "--lib", "es2022,dom", "--skipLibCheck"], ".ts"),
}  # fmt: skip
# Blocks in a language nothing here can parse, and why. SQL is `sql` when PostgreSQL's own parser
# accepts it (pglast is libpg_query); SQL Server's dialect is fenced `tsql`.
UNPARSED = {
    "tsql": "no T-SQL parser is packaged for Debian or PyPI that checks the grammar",
    "dockerfile": "a Dockerfile is only checked by building it, which needs a registry",
}


def test_every_code_block_names_a_language_that_is_checked_or_explained() -> None:
    checked = {"python", "sql", "yaml", *CHECKERS, *UNPARSED}
    assert [(b.entry_id, b.language) for b in BLOCKS if b.language not in checked] == []


@pytest.mark.parametrize(
    "block", [b for b in BLOCKS if b.language == "python"], ids=lambda b: b.entry_id
)
def test_python_blocks_in_answers_compile(block: CodeBlock) -> None:
    compile(block.code, block.entry_id, "exec")


@pytest.mark.parametrize(
    "block", [b for b in BLOCKS if b.language == "sql"], ids=lambda b: b.entry_id
)
def test_sql_blocks_in_answers_parse_as_postgresql(block: CodeBlock) -> None:
    pglast.parse_sql(block.code)


@pytest.mark.parametrize(
    "block", [b for b in BLOCKS if b.language == "yaml"], ids=lambda b: b.entry_id
)
def test_yaml_blocks_in_answers_load(block: CodeBlock) -> None:
    list(yaml.safe_load_all(block.code))


@pytest.mark.parametrize(
    "block", [b for b in BLOCKS if b.language in CHECKERS], ids=lambda b: b.entry_id
)
def test_code_blocks_in_answers_parse(block: CodeBlock, tmp_path: Path) -> None:
    tool, args, suffix = CHECKERS[block.language]
    source = tmp_path / f"block{suffix}"
    source.write_text(block.code)
    command = [need(tool, f"a checker for {block.language}"), *args, str(source)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 0, (out.stdout + out.stderr)[-2000:]


def test_every_path_names_the_topics_it_teaches() -> None:
    """With topics named, the loader refuses a step that links an entry off the path's subject."""
    assert all(path.topics for path, _ in FOUND.paths)
