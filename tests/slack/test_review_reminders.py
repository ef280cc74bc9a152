"""The review reminder goes out at 09:00 in the person's own time zone, which Slack tells
(users.info `tz`) and the store keeps; without one, at 09:00 UTC. The clock is a time machine."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import Session, select

from adapters.slack.outbound import port_outbound
from bot.commands import ChatContext
from bot.db import session_scope
from bot.hub import Hub
from bot.review.models import ReviewCard, ReviewReminder
from bot.review.remind import send_reminders
from jobs.periodic import REMIND, review_reminders
from tests.slack.fake_slack import BOT_TOKEN, TEAM, FakeSlack

# A winter day: Berlin is UTC+1, so its 09:00 is 08:00 UTC.
DAY = datetime(2026, 1, 15, tzinfo=UTC)
ALICE, BOB = "U0ALICE", "U0BOB"  # Alice is in Berlin; Slack gives Bob no time zone


def person(user_id: str) -> ChatContext:
    return ChatContext("slack", user_id, workspace_id=TEAM)


@pytest.fixture
def reminders(hub: Hub, fake: FakeSlack) -> Iterator[None]:
    """Alice and Bob each have a question due, on the Slack fake."""
    hub.outbound.register(port_outbound(BOT_TOKEN, fake.api_url))
    fake.users[ALICE] = {"id": ALICE, "tz": "Europe/Berlin", "tz_offset": 3600}
    with session_scope(hub.engine) as db:
        for user in (ALICE, BOB):
            db.add(
                ReviewCard(
                    platform="slack",
                    workspace_id=TEAM,
                    user_id=user,
                    entry_id="q-react-render-twice",
                    due=DAY - timedelta(days=1),
                )
            )
    yield


async def reminded_at(hub: Hub, fake: FakeSlack, hour: int, minute: int = 0) -> set[str]:
    """Who got their reminder DM when the job ran at this time of DAY."""
    before = len(fake.calls_to("conversations.open"))
    with time_machine.travel(DAY.replace(hour=hour, minute=minute), tick=False):
        await send_reminders(hub)
    return {call.body["users"] for call in fake.calls_to("conversations.open")[before:]}


def time_zones(hub: Hub) -> dict[str, str | None]:
    with Session(hub.engine) as db:
        return {r.user_id: r.time_zone for r in db.exec(select(ReviewReminder))}


async def test_at_nine_in_the_persons_own_time_zone(
    hub: Hub, fake: FakeSlack, reminders: None
) -> None:
    for user in (ALICE, BOB):
        assert "once a day" in hub.handle(person(user), "/hub review remind on").text
    assert await reminded_at(hub, fake, 7, 45) == set()  # 08:45 in Berlin
    assert time_zones(hub) == {ALICE: "Europe/Berlin", BOB: "UTC"}  # learned, and kept
    assert await reminded_at(hub, fake, 8) == {ALICE}
    assert await reminded_at(hub, fake, 8, 45) == set()  # once a day
    assert await reminded_at(hub, fake, 9) == {BOB}
    assert await reminded_at(hub, fake, 23) == set()  # past midnight in Berlin: tomorrow
    assert len(fake.calls_to("users.info")) == 2  # Slack was asked once per person
    [dm, _] = fake.calls_to("chat.postMessage")
    assert dm.body["channel"] == "D0ALICE" and "1 interview question due" in dm.body["text"]


async def test_turning_the_reminder_on_again_learns_the_time_zone_again(
    hub: Hub, fake: FakeSlack, reminders: None
) -> None:
    hub.handle(person(ALICE), "/hub review remind on")
    assert await reminded_at(hub, fake, 7) == set()
    fake.users[ALICE] = {"id": ALICE, "tz": "Asia/Tokyo"}  # she moved: 09:00 there is 00:00 UTC
    hub.handle(person(ALICE), "/hub review remind on")
    assert time_zones(hub) == {ALICE: None}
    assert await reminded_at(hub, fake, 0, 15) == {ALICE}
    assert time_zones(hub) == {ALICE: "Asia/Tokyo"}


async def test_slack_not_answering_leaves_the_time_zone_to_ask_again(
    hub: Hub, fake: FakeSlack, reminders: None
) -> None:
    hub.handle(person(ALICE), "/hub review remind on")
    fake.fail("users.info", "ratelimited", status=429)
    assert await reminded_at(hub, fake, 7) == set()
    assert time_zones(hub) == {ALICE: None}
    assert await reminded_at(hub, fake, 8) == {ALICE}  # asked again, then on time


async def test_the_job_runs_every_quarter_of_an_hour(hub: Hub, reminders: None) -> None:
    hub.handle(person(ALICE), "/hub review remind on")
    jobs = review_reminders(hub)
    [spec] = [s for s in jobs.specs(DAY.replace(hour=7, minute=31)) if s.id == REMIND]
    assert spec.run_at == DAY.replace(hour=7, minute=45)  # India's 09:00 is 03:30 UTC
