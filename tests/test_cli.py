"""The `hub` command line, run as a user runs it: a real process on a real SQLite file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES
from .hub_process import hub_env, spawn_hub, wait_until

HUB = [sys.executable, "-c", "from bot.cli import main; main()"]


def run(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "HUB_CONTENT_DIR": str(FIXTURES / "content"),
    }
    for key in ("SLACK_BOT_TOKEN", "DISCORD_TOKEN"):
        env.pop(key, None)
    return subprocess.run(
        [*HUB, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )


def test_search_json_and_show(tmp_path: Path) -> None:
    out = run(tmp_path, "search", "optimize django orm queries n+1", "--json")
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert hits[0]["id"] == "q-django-n-plus-one"
    assert {"id", "kind", "title", "topic", "score"} <= set(hits[0])
    shown = json.loads(run(tmp_path, "show", "q-django-n-plus-one", "--json").stdout)
    assert shown[0]["deep_dive"].startswith("Test deep dive")


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


def test_import_problem_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "kind": "question", "topic": "x", "title": "t"}\n{"id": \n')
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
    out = run(tmp_path, "serve", stdin="/hub search n+1 django\n1\n1\n/hub nonsense\n")
    assert out.returncode == 0, out.stderr
    assert "How do you find and fix N+1 queries" in out.stdout
    assert "-- Deep dive --" in out.stdout
    assert "I don't know `nonsense`" in out.stdout
    assert "starting the console chat" in out.stderr


def test_sigterm_stops_the_console_cleanly(tmp_path: Path) -> None:
    env = hub_env(f"sqlite:///{tmp_path / 'cli.db'}", tmp_path)
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
