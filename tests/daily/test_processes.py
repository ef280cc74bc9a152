"""Several real bot processes: two replicas on PostgreSQL, and a crash in the middle of a fan-out.

Each process is `tests.daily.scheduler_process`: the real scheduler and SlackOutbound posting to
the fake chat API on loopback.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.config import REPO_ROOT
from bot.daily.models import DailyPost, DailySubscription
from bot.db import make_engine, session_scope, upgrade
from tests.conftest import POSTGRES_URL, Store
from tests.daily.conftest import add_questions
from tests.daily.fake_chat import FakeChat
from tests.hub_process import wait_until
from tests.slack.fake_slack import FakeSlack


def due_now(engine: Engine, count: int) -> list[str]:
    """`count` channels whose daily question was due this minute (set up yesterday)."""
    now = datetime.now(UTC)
    channels = [f"C{i:04d}" for i in range(count)]
    with session_scope(engine) as session:
        for channel in channels:
            session.add(
                DailySubscription(
                    platform="slack",
                    channel_id=channel,
                    post_time=f"{now:%H:%M}",
                    created_by="U1",
                    updated_at=now - timedelta(days=1),
                )
            )
    return channels


def spawn(db: str, api: str, log: Path, *options: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "tests.daily.scheduler_process", db, api, *options]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=REPO_ROOT, stdout=out, stderr=out)


def stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        process.wait(10)


def settled(log: Path, *processes: subprocess.Popen[bytes]) -> None:
    """Wait until each process has rebuilt its jobs from the store as it is now and run all that
    was due: a duplicate post would have been made by then."""
    before = log.read_text().count("settled")
    for process in processes:
        process.send_signal(signal.SIGUSR1)
    wait_until(lambda: log.read_text().count("settled") == before + len(processes), 40, "settled")


def statuses(engine: Engine) -> dict[str, str]:
    with Session(engine) as session:
        return {p.channel_id: p.status for p in session.exec(select(DailyPost)).all()}


def test_two_processes_on_postgresql_never_double_post(
    pg_store: Store, fake: FakeChat, tmp_path: Path
) -> None:
    schema, engine = pg_store.schema, pg_store.engine
    add_questions(engine, "python", 50)
    options = ("--schema", schema, "--rate", "10")
    log = tmp_path / "procs.log"
    first = spawn(POSTGRES_URL, fake.api_url, log, *options)
    second = spawn(POSTGRES_URL, fake.api_url, log, *options)
    try:
        wait_until(lambda: log.read_text().count("started") == 2, 30, "both processes")
        channels = due_now(engine, 30)  # both see them at their next resync (every second)
        wait_until(lambda: len(fake.by_channel()) == len(channels), 40, "every channel posted")
        settled(log, first, second)
    finally:
        stop(first, second)
    assert fake.by_channel() == {channel: 1 for channel in channels}, log.read_text()[-2000:]
    assert set(statuses(engine).values()) == {"posted"}
    with Session(engine) as session:
        owners = {p.owner for p in session.exec(select(DailyPost)).all()}
    assert len(owners) == 2, owners  # both processes did part of the fan-out


def test_a_crash_in_the_middle_of_a_fan_out_loses_and_repeats_nothing(
    fake: FakeChat, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    engine = make_engine(db)
    upgrade(engine)
    add_questions(engine, "python", 50)
    channels = due_now(engine, 30)
    log = tmp_path / "procs.log"
    options = ("--rate", "10", "--lease", "2")
    first = spawn(db, fake.api_url, log, *options)
    try:
        wait_until(lambda: sum(fake.by_channel().values()) >= 8, 30, "the fan-out to start")
        first.kill()  # SIGKILL: no clean-up at all
        first.wait(10)
    finally:
        stop(first)
    at_crash = sum(fake.by_channel().values())
    assert at_crash < len(channels)
    second = spawn(db, fake.api_url, log, *options)
    try:

        def fanned_out() -> bool:
            found = statuses(engine)
            return sum(1 for s in found.values() if s in ("posted", "sending")) == len(channels)

        wait_until(fanned_out, 40, "the restarted process to finish the fan-out")
        settled(log, second)
    finally:
        stop(second)
    counts = fake.by_channel()
    assert max(counts.values()) == 1, log.read_text()[-2000:]  # nothing posted twice
    found = statuses(engine)
    in_flight = [c for c, s in found.items() if s == "sending"]  # the crash hit mid-request
    assert len(in_flight) <= 1
    assert set(counts) | set(in_flight) == set(channels)  # nothing lost but an unknown send
    engine.dispose()


def test_a_sigkill_while_a_429_is_waited_out_leaves_the_post_to_the_other_process(
    store: Store, tmp_path: Path
) -> None:
    """The real slack_sdk client gets a 429: the row is `failed` during Retry-After, so when its
    process is killed in that wait the other replica posts it (it used to stay `sending`)."""
    engine = store.engine
    add_questions(engine, "python", 5)
    slack = FakeSlack()
    slack.fail("chat.postMessage", status=429, headers={"Retry-After": "15"})
    options = ("--schema", store.schema) if store.schema else ()
    log = tmp_path / "procs.log"
    first = spawn(store.url, slack.api_url, log, *options)
    second: subprocess.Popen[bytes] | None = None
    try:
        wait_until(lambda: "started" in log.read_text(), 30, "the first process")
        [channel] = due_now(engine, 1)
        slack.wait_for_blocking("chat.postMessage", 1, timeout=30)  # the 429
        wait_until(lambda: statuses(engine) == {channel: "failed"}, 10, "the post to be failed")
        second = spawn(store.url, slack.api_url, log, *options)
        wait_until(lambda: log.read_text().count("started") == 2, 30, "the second process")
        first.kill()  # SIGKILL inside the Retry-After wait
        first.wait(10)
        wait_until(lambda: statuses(engine) == {channel: "posted"}, 30, "the post")
    finally:
        stop(first, *([second] if second else []))
        slack.close()
    assert [c.body["channel"] for c in slack.calls_to("chat.postMessage")] == [channel] * 2
    started = [line for line in log.read_text().splitlines() if line.startswith("started ")]
    with Session(engine) as session:
        assert f"started {session.exec(select(DailyPost.owner)).one()}" == started[1]
