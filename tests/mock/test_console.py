"""`hub console` end to end: a whole mock session typed into the terminal chat, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
TYPED = [
    "/hub mock start django questions 1",
    "/hub mock reveal",
    "/hub mock grade hard",
    "/hub mock next",
    "/hub review",
]


def test_a_session_in_the_console(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'hub.db'}",
        "HUB_CONTENT_DIR": str(FIXTURES / "content"),
    }
    done = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "console"],
        input="\n".join(TYPED) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert "is starting in a new thread" in out and "new thread: Mock interview 1" in out
    assert "Question 1 of 1" in out and "Answer 1 of 1" in out
    assert "Recorded: Hard on question 1." in out
    # The summary is delivered before the console exits, with what to study next.
    assert "Mock interview finished" in out and "Learning path:" in out
    assert "Nothing due for review" in out  # Hard comes back in minutes, not now
    assert "Traceback" not in out + done.stderr
