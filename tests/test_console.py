"""Piped `hub console`: the process waits for the work its commands started before it exits."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.hub_process import HUB, hub_env


def test_a_daily_post_asked_for_is_printed_before_the_console_exits(tmp_path: Path) -> None:
    typed = "/hub daily on at 09:30\n/hub daily now\n"
    done = subprocess.run(
        [*HUB, "console"],
        input=typed,
        capture_output=True,
        text=True,
        env=hub_env(f"sqlite:///{tmp_path / 'hub.db'}", tmp_path),
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Posting a question in" in out
    posted = out.split("Posting a question in", 1)[1]
    assert "[#console new thread: Daily question" in posted, out
    assert "Answer in the thread" in posted
    assert "[1] I answered" in posted
    assert "Traceback" not in out + done.stderr
