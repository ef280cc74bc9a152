"""SIGTERM to a real `hub serve slack --http` process talking to the fake Slack.

What was acknowledged is still answered and the process exits 0; a daily post whose job is
still waiting when the grace runs out is handed back, ready for another process at once.
"""

from __future__ import annotations

import signal
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from adapters.slack.server import EVENTS_PATH
from bot.daily.models import DailyPost, DailySubscription
from bot.db import session_scope
from tests.conftest import Store
from tests.daily.conftest import add_questions
from tests.daily.test_processes import due_now
from tests.hub_process import free_port, hub_env, listening, spawn_hub, store_url, wait_until
from tests.slack.fake_slack import BOT_TOKEN, SIGNING_SECRET, TEAM, FakeSlack, signed_headers
from tests.slack.fake_slack import slash_command as slash_command_body

FORM = "application/x-www-form-urlencoded"


@contextmanager
def serving(
    url: str, fake: FakeSlack, folder: Path, **settings: str
) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    port = free_port()
    env = hub_env(
        url,
        folder,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        **settings,
    )
    log = folder / "hub.log"
    process = spawn_hub(["serve", "slack", "--http", "--port", str(port)], env, log)
    try:
        wait_until(lambda: listening(port) or process.poll() is not None, 60, "hub serve")
        assert process.poll() is None, log.read_text()
        yield process, port, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def slash_command(port: int, text: str, response_url: str, channel: str = "C0GENERAL") -> int:
    body = slash_command_body(text, response_url, channel=channel)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{EVENTS_PATH}",
        data=body.encode(),
        headers=signed_headers(body, FORM),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def sigterm(process: subprocess.Popen[bytes], log: Path) -> None:
    """SIGTERM, and wait until the process says it is stopping (it must not just die)."""
    process.send_signal(signal.SIGTERM)
    wait_until(lambda: "SIGTERM" in log.read_text() or process.poll() is not None, 30, "SIGTERM")
    assert process.poll() is None, f"exited with {process.returncode}:\n{log.read_text()}"


def test_an_acknowledged_command_is_answered_after_sigterm_and_the_exit_is_0(
    fake: FakeSlack, tmp_path: Path
) -> None:
    with serving(f"sqlite:///{tmp_path / 'hub.db'}", fake, tmp_path) as (process, port, log):
        gate = fake.hold("response_url")  # Slack is slow: the answer is on its way
        assert slash_command(port, "search django orm", fake.response_url("answer")) == 200
        fake.wait_for_blocking("response_url", 1, timeout=30)
        sigterm(process, log)
        gate.set()
        [answer] = fake.wait_for_blocking("response_url", 1, timeout=30)
        assert process.wait(30) == 0, log.read_text()
    assert "N+1" in str(answer.body)


def claims(store: Store) -> dict[str, DailyPost]:
    with Session(store.engine) as session:
        return {p.channel_id: p for p in session.exec(select(DailyPost)).all()}


def test_a_waiting_daily_post_is_handed_back_when_the_grace_runs_out(
    store: Store, fake: FakeSlack, tmp_path: Path
) -> None:
    engine = store.engine
    add_questions(engine, "python", 5)
    [due] = due_now(engine, 1)
    later = datetime.now(UTC) + timedelta(hours=3)
    with session_scope(engine) as session:
        session.add(DailySubscription(platform="slack", workspace_id=TEAM, channel_id="C0LATER",
                                      post_time=f"{later:%H:%M}"))  # fmt: skip
    fake.fail("chat.postMessage", status=429, headers={"Retry-After": "120"})
    settings = {"HUB_SHUTDOWN_GRACE": "1", "SLACK_ADMINS": "U0ALICE"}
    with serving(store_url(store), fake, tmp_path, **settings) as (process, port, log):
        # The due post gets the 429: it is `failed`, and Slack is paused for two minutes.
        wait_until(
            lambda: due in claims(store) and claims(store)[due].status == "failed", 30, "a 429"
        )
        # `/hub daily now` elsewhere is claimed and waits for the pause to end.
        now = slash_command(port, "daily now", fake.response_url("now"), channel="C0LATER")
        assert now == 200
        wait_until(lambda: bool(claims(store).get("C0LATER") and claims(store)["C0LATER"].owner),
                   30, "the claim")  # fmt: skip
        sigterm(process, log)
        assert process.wait(30) == 0, log.read_text()
    found = claims(store)
    waiting = found["C0LATER"]
    assert (waiting.status, waiting.owner, waiting.lease_until) == ("claimed", None, None)
    assert (found[due].status, found[due].owner) == ("failed", None)
    assert len(fake.calls_to("chat.postMessage")) == 1  # only the refused one reached Slack
    assert "handing them back" in log.read_text()
