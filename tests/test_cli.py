"""The `hub` command line, run as a user runs it: a real process on a real SQLite file."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import FIXTURES
from .hub_process import hub_env, spawn_hub, wait_until

HUB = [sys.executable, "-c", "from bot.cli import main; main()"]


def cli_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    return hub_env(f"sqlite:///{tmp_path / 'cli.db'}", tmp_path, **settings)


def run(
    tmp_path: Path, *args: str, stdin: str | None = None, **settings: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HUB, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=cli_env(tmp_path, **settings),
        cwd=tmp_path,
        timeout=60,
    )


def run_in_terminal(tmp_path: Path, *args: str, stdin: str = "") -> str:
    """What `hub ARGS` prints on a terminal (a pseudo-terminal: nothing is stripped for us)."""
    parent, child = pty.openpty()
    process = subprocess.Popen(
        [*HUB, *args], stdin=subprocess.PIPE, stdout=child, stderr=child,
        env=cli_env(tmp_path), cwd=tmp_path,
    )  # fmt: skip
    os.close(child)
    assert process.stdin is not None
    process.stdin.write(stdin.encode())
    process.stdin.close()
    out = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not select.select([parent], [], [], 1)[0]:
            continue
        try:
            chunk = os.read(parent, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(parent)
    assert process.wait(timeout=60) == 0, out
    return out.decode()


def test_search_json_and_show(tmp_path: Path) -> None:
    out = run(tmp_path, "search", "optimize django orm queries n+1", "--json")
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert hits[0]["id"] == "q-django-n-plus-one"
    assert {"id", "kind", "title", "topic", "score"} <= set(hits[0])
    shown = json.loads(run(tmp_path, "show", "q-django-n-plus-one", "--json").stdout)
    assert shown["deep_dive"].startswith("Test deep dive")  # the object, not a list of one


def test_show_history_lists_the_revisions_newest_first(tmp_path: Path) -> None:
    entry = json.loads(run(tmp_path, "show", "q-django-n-plus-one", "--json").stdout)
    entry["answer"] += " Prefetch the related rows."
    (tmp_path / "changed.jsonl").write_text(json.dumps(entry) + "\n")
    assert run(tmp_path, "import", "changed.jsonl").returncode == 0
    out = run(tmp_path, "show", "q-django-n-plus-one", "--history")
    assert out.returncode == 0, out.stderr
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"
    assert re.fullmatch(
        rf"   2  {stamp}  import\n      changed answer\n   1  {stamp}  import\n      created\n",
        out.stdout,
    ), out.stdout
    revisions = json.loads(
        run(tmp_path, "show", "q-django-n-plus-one", "--history", "--json").stdout
    )
    assert [(r["number"], r["who"], r["changed"]) for r in revisions] == [
        (2, "import", ["answer"]),
        (1, "import", revisions[1]["changed"]),
    ]
    assert "title" in revisions[1]["changed"] and revisions[0]["at"] >= revisions[1]["at"]


def test_an_empty_query_with_a_filter_lists_what_it_holds(tmp_path: Path) -> None:
    out = run(tmp_path, "search", "", "--topic", "security", "--json")
    assert out.returncode == 0, out.stderr
    assert [hit["id"] for hit in json.loads(out.stdout)] == ["art-security-owasp"]
    listed = run(tmp_path, "search", "", "--kind", "article")
    assert listed.returncode == 0 and "art-security-owasp" in listed.stdout, listed.stderr


def test_error_reads_stdin(tmp_path: Path) -> None:
    paste = "Error: listen EADDRINUSE: address already in use :::8080\n    at Server.listen\n"
    out = run(tmp_path, "error", "--json", stdin=paste)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0]["id"] == "err-node-eaddrinuse"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["search", ""], None, "the query is empty"),
        (["error"], "", "the query is empty"),
        (["show", "nope"], None, "no entry with id 'nope'"),
        (["show", "q-django-n-plus-on"], None, "did you mean q-django-n-plus-one?"),
        (["show", "q-django-n-plus-on", "--history"], None, "did you mean q-django-n-plus-one?"),
        (
            ["search", "x", "--topic", "pyhton"],
            None,
            "unknown topic 'pyhton'; did you mean python?",
        ),
        (["import", "does-not-exist"], None, "no such file or directory"),
        (["serve", "irc"], None, "unknown platform 'irc'"),
    ],
)
def test_bad_input_is_one_line(
    tmp_path: Path, args: list[str], stdin: str | None, message: str
) -> None:
    out = run(tmp_path, *args, stdin=stdin)
    assert out.returncode != 0
    assert message in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


def test_hub_log_level_sets_the_level_of_the_log(tmp_path: Path) -> None:
    def upgrade(name: str, **settings: str) -> subprocess.CompletedProcess[str]:
        """A new store: alembic logs each migration at INFO."""
        return run(tmp_path, "db", "upgrade", HUB_DATABASE_URL=f"sqlite:///{tmp_path / name}",
                   **settings)  # fmt: skip

    quiet = upgrade("quiet.db")  # a command at a terminal: warnings and errors only
    assert quiet.returncode == 0 and "INFO" not in quiet.stderr, quiet.stderr
    loud = upgrade("loud.db", HUB_LOG_LEVEL="info")
    assert "INFO alembic.runtime.migration: Running upgrade" in loud.stderr
    wrong = upgrade("wrong.db", HUB_LOG_LEVEL="loud")
    assert wrong.returncode == 1
    assert wrong.stderr == "error: HUB_LOG_LEVEL: use DEBUG, INFO, WARNING, ERROR\n"


def test_import_problem_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "kind": "question", "topic": "python", "title": "t"}\n{"id": \n')
    out = run(tmp_path, "import", str(bad))
    assert out.returncode == 1
    assert f"{bad}:2: invalid JSON" in out.stderr
    assert "nothing imported" in out.stderr
    stats = run(tmp_path, "search", "t", "--json")
    assert all(hit["id"] != "a" for hit in json.loads(stats.stdout))


def test_content_check_and_stats(tmp_path: Path) -> None:
    out = run(tmp_path, "content", "check", str(FIXTURES / "content"))
    assert out.returncode == 0 and out.stdout.startswith("ok: 5 entries, 1 paths")
    stats = json.loads(
        run(tmp_path, "content", "stats", str(FIXTURES / "content"), "--json").stdout
    )
    assert stats["kinds"] == {"article": 1, "error": 1, "question": 2, "snippet": 1}
    assert stats["paths"] == 1 and stats["levels"] == {"junior": 1, "mid": 1}
    broken = tmp_path / "broken" / "questions" / "x"
    broken.mkdir(parents=True)
    (broken / "q.md").write_text("---\nid: q\nkind: question\ntitle: [\n---\n")
    out = run(tmp_path, "content", "check", str(tmp_path / "broken"))
    assert out.returncode == 1
    assert out.stdout.startswith(f"{broken / 'q.md'}:")


def test_console_answers_piped_commands(tmp_path: Path) -> None:
    out = run(tmp_path, "serve", stdin="/hub search n+1 django\n1\n2\n/hub nonsense\n")
    assert out.returncode == 0, out.stderr
    assert "How do you find and fix N+1 queries" in out.stdout
    assert "-- Deep dive --" in out.stdout
    assert "I don't know `nonsense`" in out.stdout
    assert "starting the console chat" in out.stderr


def test_content_check_refuses_a_billion_laughs_quickly(tmp_path: Path) -> None:
    from .test_content_files import billion_laughs

    folder = tmp_path / "bomb" / "questions" / "python"
    folder.mkdir(parents=True)
    bomb = folder / "q-x.md"
    bomb.write_text(
        f"---\nid: q-x\nkind: question\ntopic: python\ntitle: {billion_laughs()}\n---\n"
    )
    out = run(tmp_path, "content", "check", str(tmp_path / "bomb"))  # times out before the fix
    assert out.returncode == 1
    assert out.stdout == f"{bomb}:5: invalid YAML: aliases (*name) are not allowed\n"


SNEAKY = {
    "id": "q-sneaky",
    "kind": "question",
    "topic": "python",
    "title": "Sneaky \u001b]0;pwned\u0007title",
    "answer": "Clear\u001b[2J\u001b[H screen, \u009b31m8-bit CSI\u009b0m, bell\u0007 and\ttab.",
}
TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_control_sequences_from_content_never_reach_the_terminal(tmp_path: Path) -> None:
    (tmp_path / "sneaky.jsonl").write_text(json.dumps(SNEAKY) + "\n")
    assert run(tmp_path, "import", str(FIXTURES / "content"), "sneaky.jsonl").returncode == 0
    shown = run_in_terminal(tmp_path, "show", "q-sneaky")
    found = run_in_terminal(tmp_path, "search", "sneaky title")
    as_json = run_in_terminal(tmp_path, "search", "sneaky title", "--json")
    console = run_in_terminal(tmp_path, "console", stdin="/hub show q-sneaky\n")
    for out in (shown, found, as_json, console):
        assert not TERMINAL_CONTROLS.search(out.replace("\r\n", "\n")), repr(out)
    for out in (shown, found, console):
        assert "Sneaky title" in out
    assert json.loads(as_json)[0]["title"] == SNEAKY["title"]  # JSON keeps them, escaped
    for out in (shown, console):
        assert "Clear screen, 8-bit CSI, bell and\ttab." in out


def test_export_on_a_full_disk_leaves_the_previous_export_intact(tmp_path: Path) -> None:
    text = "x" * 60_000
    big = {"id": "q-big", "kind": "question", "topic": "python", "title": "Big", "answer": text,
           "deep_dive": text}  # fmt: skip
    (tmp_path / "big.jsonl").write_text(json.dumps(big) + "\n")
    target = tmp_path / "exports" / "hub"
    assert run(tmp_path, "export", str(target)).returncode == 0
    before = sorted((p.relative_to(target), p.read_bytes()) for p in target.rglob("*.*"))
    assert run(tmp_path, "import", "big.jsonl").returncode == 0
    # Files may not grow past 64 KB: the big entry's 120 KB cannot be written (EFBIG, like ENOSPC).
    limited = [
        sys.executable, "-c",
        "import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
        " resource.setrlimit(resource.RLIMIT_FSIZE, (65_536, 65_536));"
        " from bot.cli import main; main()",
    ]  # fmt: skip
    out = subprocess.run(
        [*limited, "export", str(target)],
        capture_output=True, text=True, env=cli_env(tmp_path), cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert out.returncode == 1
    assert out.stderr == f"error: could not write {target}: File too large\n"
    after = sorted((p.relative_to(target), p.read_bytes()) for p in target.rglob("*.*"))
    assert after == before
    assert [p.name for p in target.parent.iterdir()] == ["hub"], "no temporary folder left"


def test_export_into_a_folder_of_other_files_needs_force(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    out = run(tmp_path, "export", str(tmp_path))
    assert out.returncode == 1
    assert out.stderr == (
        f"error: {tmp_path} is not empty and not a previous export: use --force to replace it\n"
    )
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_sigterm_stops_the_console_cleanly(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    log = tmp_path / "console.log"
    process = spawn_hub(["serve", "console"], env, log, stdin=subprocess.PIPE)
    try:
        assert process.stdin is not None
        process.stdin.write(b"/hub help\n")
        process.stdin.flush()
        wait_until(lambda: "HubBot" in log.read_text(), 60, "the answer")
        process.send_signal(signal.SIGTERM)  # waiting for the next command
        assert process.wait(30) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        assert process.stdin is not None
        process.stdin.close()
