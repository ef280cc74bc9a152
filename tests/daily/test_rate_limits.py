"""A 429 on a daily post: the real slack_sdk client against the fake Slack, on both stores.

A 429 means Slack did not post. The row goes back to `failed` before anyone waits (so a process
killed during the wait loses nothing), the pacer pauses the whole platform for Retry-After, and
the post goes out after it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from adapters.slack.outbound import port_outbound
from bot.commands import ChatContext
from bot.daily.models import DailyPost
from bot.delivery import Pacer
from bot.hub import Hub
from jobs.registry import JobRegistry
from jobs.scheduler import build_scheduler
from tests.daily.conftest import add_questions
from tests.daily.test_processes import due_now
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack

RETRY_AFTER = 2


@pytest.fixture
def slack_api() -> Iterator[FakeSlack]:
    server = FakeSlack()
    yield server
    server.close()


@pytest.fixture
def pacer() -> Pacer:
    return Pacer(per_channel=0)


@pytest.fixture
async def jobs(hub: Hub, slack_api: FakeSlack, pacer: Pacer) -> AsyncIterator[JobRegistry]:
    hub.outbound.register(port_outbound(BOT_TOKEN, slack_api.api_url))
    hub.pacer = pacer
    registry = build_scheduler(hub, resync_seconds=0.5, debounce_seconds=0.01)
    yield registry
    registry.stop()


def rows(hub: Hub) -> list[DailyPost]:
    with Session(hub.engine) as session:
        return list(session.exec(select(DailyPost).order_by(DailyPost.channel_id)).all())


async def poll(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def test_a_429_frees_the_post_before_the_wait_and_pauses_the_platform(
    hub: Hub, slack_api: FakeSlack, jobs: JobRegistry, pacer: Pacer
) -> None:
    add_questions(hub.engine, "python", 5)
    [channel] = due_now(hub.engine, 1)
    admin = ChatContext("slack", "U1", "Ada", channel_id="C0OTHER", can_manage_channel=True)
    later = datetime.now(UTC) + timedelta(hours=3)  # not due during the test
    assert not hub.handle(admin, f"/hub daily on at {later:%H:%M}").error
    slack_api.fail("chat.postMessage", status=429, headers={"Retry-After": str(RETRY_AFTER)})
    await jobs.start()
    [limited] = await slack_api.wait_for("chat.postMessage")
    assert limited.body["channel"] == channel

    # While Slack's Retry-After runs, the refused post is `failed` and nobody holds it.
    await poll(lambda: status(hub, channel) == "failed", 5, "the post to be failed")
    assert owner(hub, channel) is None and pacer.paused_for("slack") > 0
    # Another channel's post, asked for now, waits for the pause without reaching Slack.
    assert not hub.handle(admin, "/hub daily now").error
    await poll(lambda: owner(hub, "C0OTHER") is not None, 5, "the other post's claim")
    assert status(hub, "C0OTHER") == "claimed" and pacer.paused_for("slack") > 0
    assert len(slack_api.calls_to("chat.postMessage")) == 1

    # After the pause both channels get their question, once each, and none before it ended.
    await poll(lambda: {p.status for p in rows(hub)} == {"posted"}, 20, "both posts")
    calls = slack_api.calls_to("chat.postMessage")
    assert sorted(c.body["channel"] for c in calls[1:]) == sorted([channel, "C0OTHER"])
    assert all(c.at >= limited.at + RETRY_AFTER for c in calls[1:])
    assert pacer.retries == 1


def status(hub: Hub, channel: str) -> str | None:
    return next((p.status for p in rows(hub) if p.channel_id == channel), None)


def owner(hub: Hub, channel: str) -> str | None:
    return next((p.owner for p in rows(hub) if p.channel_id == channel), None)
