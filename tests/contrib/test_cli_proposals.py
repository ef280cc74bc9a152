"""`hub proposals list|show|approve|reject`, run as a moderator runs it: a real process on the
SQLite file the bot uses; what it approves, `hub search` (another process) finds."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from bot.hub import Hub
from tests.hub_process import HUB, hub_env

from .test_proposals import ADA, QUESTION, proposal_id, run

ERROR = """/hub suggest error
title: TypeError: cannot unpack non-iterable NoneType object
topic: python
level: junior

A function returned None where a tuple was unpacked.

## Root cause

The function has a path that ends without `return`.

## Fix

Return the tuple on every path, or check for None before unpacking.
"""


def hub_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = hub_env(f"sqlite:///{tmp_path / 'hub.db'}", tmp_path)
    return subprocess.run(
        [*HUB, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )


def test_list_show_approve_reject_from_the_command_line(sqlite_hub: Hub, tmp_path: Path) -> None:
    question = proposal_id(run(sqlite_hub, ADA, QUESTION))
    error = proposal_id(run(sqlite_hub, ADA, ERROR))

    listed = hub_cli(tmp_path, "proposals", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(str(r["id"]), r["kind"], r["state"], r["author_name"]) for r in rows] == [
        (question, "question", "pending", "ada"),
        (error, "error", "pending", "ada"),
    ]
    assert rows[0]["entry"]["title"] == "What does a Python generator's send() do?"

    shown = hub_cli(tmp_path, "proposals", "show", error)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"proposal {error} · pending · error · by ada\n")
    assert "title: TypeError: cannot unpack non-iterable NoneType object" in shown.stdout
    assert "## Root cause" in shown.stdout and "Return the tuple on every path" in shown.stdout

    before = hub_cli(tmp_path, "search", "generator send yield", "--json")
    assert "generator's send()" not in before.stdout
    approved = hub_cli(tmp_path, "proposals", "approve", question)
    assert approved.returncode == 0, approved.stderr
    assert approved.stdout.strip() == "approved: entry what-does-a-python-generator-s-send-do"
    found = hub_cli(tmp_path, "search", "generator send yield", "--json")
    assert found.returncode == 0, found.stderr
    first = json.loads(found.stdout)[0]
    assert (first["id"], first["title"]) == (
        "what-does-a-python-generator-s-send-do",
        "What does a Python generator's send() do?",
    )

    rejected = hub_cli(tmp_path, "proposals", "reject", error, "Already covered by e-unpack")
    assert rejected.returncode == 0, rejected.stderr
    assert rejected.stdout.strip() == f"rejected: proposal {error}"
    decided = json.loads(hub_cli(tmp_path, "proposals", "list", "--state", "all", "--json").stdout)
    assert [(r["state"], r["reason"], r["decided_by"]) for r in decided] == [
        ("approved", None, "hub cli"),
        ("rejected", "Already covered by e-unpack", "hub cli"),
    ]
    pending = hub_cli(tmp_path, "proposals", "list")
    assert pending.stdout.strip() == "no pending proposals"


def test_an_unknown_or_decided_proposal_is_one_line_and_exit_1(
    sqlite_hub: Hub, tmp_path: Path
) -> None:
    number = proposal_id(run(sqlite_hub, ADA, QUESTION))
    assert hub_cli(tmp_path, "proposals", "reject", number, "not needed").returncode == 0
    for args, message in [
        (("show", "999"), "error: no proposal 999\n"),
        (("approve", "999"), "error: no proposal 999\n"),
        (("reject", "999", "why"), "error: no proposal 999\n"),
        (("approve", number), f"error: proposal {number} is not pending\n"),
    ]:
        done = hub_cli(tmp_path, "proposals", *args)
        assert (done.returncode, done.stdout, done.stderr) == (1, "", message), args


def test_export_contributions_writes_what_approvals_wrote_and_imports_back(
    sqlite_hub: Hub, tmp_path: Path
) -> None:
    out = tmp_path / "contributed"
    nothing = hub_cli(tmp_path, "export", str(out), "--contributions")
    assert (nothing.returncode, nothing.stdout) == (
        0,
        "no approved contributions to export: nothing written\n",
    )
    assert not out.exists()

    question = proposal_id(run(sqlite_hub, ADA, QUESTION))
    assert hub_cli(tmp_path, "proposals", "approve", question).returncode == 0
    exported = hub_cli(tmp_path, "export", str(out), "--contributions")
    assert exported.stdout == f"exported 1 contributed entry to {out}\n", exported.stderr
    entry_id = "what-does-a-python-generator-s-send-do"
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*.md"))
    assert files == [f"questions/python/{entry_id}.md"]
    history = json.loads(hub_cli(tmp_path, "show", entry_id, "--history", "--json").stdout)
    assert [r["who"] for r in history] == [
        f"proposal #{question} by ada (console), approved by hub cli"
    ]

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    imported = hub_cli(fresh, "import", str(out))
    assert imported.stdout.startswith("imported: 1 new"), imported.stderr
    shown = json.loads(hub_cli(fresh, "show", entry_id, "--json").stdout)
    original = json.loads(hub_cli(tmp_path, "show", entry_id, "--json").stdout)
    assert shown == original and shown["source"] == "contributed by ada (console)"
    whole = hub_cli(tmp_path, "export", str(tmp_path / "all"))
    assert whole.stdout == f"exported 7 files to {tmp_path / 'all'}\n", whole.stderr
