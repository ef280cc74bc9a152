"""Every error with a `## Reproduce` block is proven: the real tool, run on the block, prints the
entry's message (its title or a variant), compared the way the error lookup normalises pastes."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.config import SHIPPED_CONTENT
from bot.content import EntryData, load_paths
from bot.content.schema import reproduction
from bot.search.paste import PLACEHOLDER, normalise

from .conftest import POSTGRES_URL
from .content_runs import checkout_untouched, clean_env  # noqa: F401 (an autouse fixture)

# Generous: compiling (tsc, go, javac, mcs) takes seconds, several times that on a loaded 2-core CI
# machine; no reproduction waits for the timeout to end it.
TIMEOUT = 120
ERRORS = [e for e, _ in load_paths([SHIPPED_CONTENT]).entries if e.reproduce]
# A run of placeholders joined by punctuation (`<file>:<line>`) stands for one run of text:
# normalising the real output may drop the punctuation with the parts it joins.
PLACEHOLDERS = re.compile(rf"{PLACEHOLDER.pattern}(?:[^\s\w<>]*{PLACEHOLDER.pattern})*")
ANY = "\ue000"  # a private-use character: normalise keeps it, and it is never in real output
QUOTES = "'\"`’"
PG = urlsplit(POSTGRES_URL.replace("+psycopg", ""))
MYSQL = ["-h", "127.0.0.1", "-P", "3306", "-u", "root"]
SQLITE = "import sqlite3, sys; sqlite3.connect('repro.db').executescript(open(sys.argv[1]).read())"
# Pinned npm packages (TypeScript, React) that scripts/test installs into the venv.
NODE_MODULES = Path(__file__).resolve().parents[1] / ".venv" / "snippet-node" / "node_modules"
# A project's usual settings: strict, modern target, Node's module resolution; no @types at hand.
TSC = ("--strict", "--noEmit", "--target", "es2022", "--module", "nodenext", "{file}")
CSHARP = '{tool} -out:main.exe "$1" && exec mono main.exe'  # Mono's compiler, then its runtime


def message_pattern(message: str) -> re.Pattern[str]:
    """A message as a pattern over normalised text without spaces; a placeholder matches any run
    of text, and the quotes around it are optional: normalising drops a quoted name, but keeps
    a quoted text with spaces."""
    marked = "".join(normalise(PLACEHOLDERS.sub(f" {ANY} ", message)).split())
    parts = [re.escape(part) for part in marked.split(ANY)]
    for number in range(len(parts) - 1):
        for quote in QUOTES:
            if parts[number].endswith(quote) and parts[number + 1].startswith(quote):
                parts[number] += "?"
                parts[number + 1] = f"(?:{re.escape(quote)})?" + parts[number + 1][1:]
    return re.compile(".*?".join(parts), re.S)


def shows_message(output: str, messages: list[str]) -> bool:
    text = "".join(normalise(output).split())
    return any(message_pattern(message).search(text) for message in messages)


@dataclass(frozen=True)
class Runtime:
    file: str  # the name the block is saved under
    tools: tuple[str, ...]  # needs one of these on PATH
    command: tuple[str, ...]  # `{tool}`, `{file}` and `{modules}` are filled in
    packages: tuple[str, ...] = ()  # the pinned npm packages it needs, found through NODE_PATH


RUNTIMES = {
    "python": Runtime("repro.py", (), (sys.executable, "{file}")),
    "node": Runtime("repro.mjs", ("node",), ("{tool}", "{file}")),
    "node-cjs": Runtime("repro.cjs", ("node",), ("{tool}", "{file}")),
    "sqlite": Runtime("repro.sql", (), (sys.executable, "-c", SQLITE, "{file}")),
    "postgresql": Runtime("repro.sql", ("psql",), ("{tool}", "-X", "-q", "-f", "{file}")),
    "mysql": Runtime("repro.sql", ("mariadb", "mysql"), ("{tool}", *MYSQL)),
    "php": Runtime("repro.php", ("php",), ("{tool}", "{file}")),
    "go": Runtime("main.go", ("go",), ("{tool}", "run", "{file}")),
    "java": Runtime("Main.java", ("java",), ("{tool}", "{file}")),
    "csharp": Runtime("Main.cs", ("mcs",), ("bash", "-c", CSHARP, "csharp", "{file}")),
    "git": Runtime("repro.sh", ("git",), ("bash", "{file}")),
    "bash": Runtime("repro.sh", ("bash",), ("bash", "{file}")),
    "tsc": Runtime(
        "repro.ts", ("node",), ("{tool}", "{modules}/typescript/bin/tsc", *TSC), ("typescript",)
    ),
    "react": Runtime(
        "repro.cjs", ("node",), ("{tool}", "{file}"), ("react", "react-test-renderer")
    ),
}


def missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is needed in CI to run the error reproductions")
    pytest.skip(f"{what} is not available on this machine")


def run(command: list[str], cwd: Path, env: dict[str, str], stdin: str | None = None) -> str:
    """stdout and stderr together; the whole process group is killed at the timeout."""
    with subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    ) as process:
        try:
            out, _ = process.communicate(stdin.encode() if stdin else None, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, _ = process.communicate()
            out += f"\n(killed after {TIMEOUT} s)".encode()
        return out.decode(errors="replace")


def base_env(folder: Path) -> dict[str, str]:
    """The machine's environment (less git's hook variables) with a git configuration of its own
    and libpq pointed at the test database, for scripts that open sessions themselves."""
    config = folder / "gitconfig"
    config.write_text(
        "[user]\n\tname = Repro\n\temail = repro@example.com\n[init]\n\tdefaultBranch = main\n"
    )
    return clean_env() | {
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": str(config),
        "PGHOST": PG.hostname or "127.0.0.1",
        "PGPORT": str(PG.port or 5432),
        "PGUSER": PG.username or "postgres",
        "PGDATABASE": PG.path.lstrip("/") or "test",
    }


@contextmanager
def scratch_database(runtime: str, tool: str, env: dict[str, str]) -> Iterator[list[str]]:
    """A fresh PostgreSQL schema or MariaDB database for the run, dropped afterwards; the
    arguments that point the client at it."""
    name = f"repro_{uuid.uuid4().hex[:12]}"
    if runtime == "postgresql":
        create = [tool, "-X", "-q", "-c", f'CREATE SCHEMA "{name}"']
        drop = [tool, "-X", "-q", "-c", f'DROP SCHEMA IF EXISTS "{name}" CASCADE']
        env["PGOPTIONS"] = f"-c search_path={name}"
        use: list[str] = []
    else:
        create = [tool, *MYSQL, "-e", f"CREATE DATABASE `{name}`"]
        drop = [tool, *MYSQL, "-e", f"DROP DATABASE IF EXISTS `{name}`"]
        use = [name]
    made = subprocess.run(create, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    if made.returncode != 0:
        missing(f"the {runtime} server ({made.stderr.strip()[:200]})")
    try:
        yield use
    finally:
        subprocess.run(drop, env=env, capture_output=True, timeout=TIMEOUT)


def reproduce(entry: EntryData, folder: Path) -> str:
    runtime_name, script = reproduction(entry.reproduce or "")
    runtime = RUNTIMES[runtime_name]
    tool = next((found for name in runtime.tools if (found := shutil.which(name))), "")
    if runtime.tools and not tool:
        missing(" or ".join(runtime.tools))
    if absent := [name for name in runtime.packages if not (NODE_MODULES / name).is_dir()]:
        missing(f"the npm packages {', '.join(absent)} (scripts/test installs them)")
    work = folder / "work"  # the script runs in an empty folder of its own
    work.mkdir()
    source = (folder if runtime_name in ("git", "bash") else work) / runtime.file
    source.write_text(script + "\n")
    command = [
        part.format(tool=tool, file=source, modules=NODE_MODULES) for part in runtime.command
    ]
    env = base_env(folder)
    if runtime.packages:
        env["NODE_PATH"] = str(NODE_MODULES)
    if runtime_name in ("postgresql", "mysql"):
        with scratch_database(runtime_name, tool, env) as use:
            stdin = script + "\n" if runtime_name == "mysql" else None
            return run(command + use, work, env, stdin)
    return run(command, work, env)


@pytest.mark.parametrize("entry", ERRORS, ids=lambda e: e.id)
def test_the_real_tool_prints_the_message(entry: EntryData, tmp_path: Path) -> None:
    output = reproduce(entry, tmp_path)
    messages = [entry.title, *entry.variants]
    assert shows_message(output, messages), f"none of {messages} in:\n{output[-3000:]}"


def test_the_archive_has_reproductions() -> None:
    assert len(ERRORS) >= 90


def test_a_missing_tool_skips_here_and_fails_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = next(e for e in ERRORS if reproduction(e.reproduce or "")[0] == "node")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="node is not available"):
        reproduce(entry, tmp_path)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="node is needed in CI"):
        reproduce(entry, tmp_path)


def test_missing_npm_packages_skip_here_and_fail_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = next(e for e in ERRORS if reproduction(e.reproduce or "")[0] == "react")
    monkeypatch.setattr(f"{__name__}.NODE_MODULES", tmp_path)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="npm packages react, react-test-renderer"):
        reproduce(entry, tmp_path)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="npm packages react, react-test-renderer"):
        reproduce(entry, tmp_path)


MATCHES = [
    ("KeyError: '<key>'", "Traceback (most recent call last):\n  ...\nKeyError: 'user_id'\n"),
    (
        "Warning: Cannot modify header information - headers already sent by (output started at"
        " <file>:<line>) in <file> on line <line>",
        "PHP Warning:  Cannot modify header information - headers already sent by (output started"
        " at /tmp/x/repro.php:2) in /tmp/x/repro.php on line 3",
    ),
    (
        'ERROR:  relation "<name>" does not exist',
        'psql:/tmp/a/repro.sql:4: ERROR:  relation "orders" does not exist\nLINE 1: ...',
    ),
    ("<name> declared but not used", "./main.go:10:2: total declared but not used"),
]
MISSES = [
    ("fatal error: all goroutines are asleep - deadlock!", "fatal error: all goroutines are"),
    ("ValueError: invalid literal for int() with base 10: '<v>'", "ValueError: invalid literal"),
    ('ERROR:  relation "<name>" does not exist', 'ERROR:  column "total" does not exist'),
]


@pytest.mark.parametrize(("message", "output"), MATCHES)
def test_placeholders_match_any_text_and_noise_is_normalised(message: str, output: str) -> None:
    assert shows_message(output, [message])


@pytest.mark.parametrize(("message", "output"), MISSES)
def test_the_rest_of_the_message_must_be_there(message: str, output: str) -> None:
    assert not shows_message(output, [message])
