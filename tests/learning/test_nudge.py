"""The weekly nudge: opt-in, a DM with the next step once a week per person, even with two
processes, through the named job and the one delivery policy; the clock travels."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot.delivery import Pacer
from bot.hub import Hub
from bot.learning.nudge import send_nudges
from jobs.periodic import NUDGE
from jobs.scheduler import build_scheduler
from tests.learning.conftest import person
from tests.mock.conftest import Transcript

ADA, BOB = person("ada"), person("bob")
WEDNESDAY = datetime(2026, 10, 21, 12, 0, tzinfo=UTC)
MONDAY = datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # the next week starts


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(WEDNESDAY, tick=False) as traveller:
        yield traveller


def serving(hub: Hub) -> Transcript:
    transcript = Transcript()
    hub.outbound.register(transcript)
    hub.pacer = Pacer(per_channel=0)
    return transcript


def nudges(chat: Transcript, user: str = "ada") -> list[str]:
    return [s.text() for s in chat.of("private", user) if "this week" in s.text()]


async def test_once_a_week_per_person_even_with_two_processes(
    paths_hub: Hub, clock: time_machine.Traveller
) -> None:
    chat = serving(paths_hub)
    other = Hub(paths_hub.settings, paths_hub.engine)
    other_chat = serving(other)
    paths_hub.handle(ADA, "/hub path start django")
    paths_hub.handle(BOB, "/hub path start django")
    assert await send_nudges(paths_hub) == 0  # nobody opted in
    assert "once a week" in paths_hub.handle(ADA, "/hub path remind on").text
    assert await send_nudges(paths_hub) == 0  # this week's step was just shown
    clock.move_to(MONDAY - timedelta(minutes=1))
    assert await send_nudges(paths_hub) == 0
    clock.move_to(MONDAY)
    sent = await asyncio.gather(send_nudges(paths_hub), send_nudges(other))
    assert sorted(sent) == [0, 1]
    [dm] = nudges(chat) + nudges(other_chat)
    assert "Your next step on *Django in depth*" in dm and "Step 1 of 3: Cached views" in dm
    assert "remind off" in dm
    clock.move_to(MONDAY + timedelta(days=6, hours=23))  # still the same week
    assert await send_nudges(paths_hub) + await send_nudges(other) == 0
    paths_hub.handle(ADA, "/hub path done")
    clock.move_to(MONDAY + timedelta(days=7))
    assert await send_nudges(other) == 1
    assert "Step 2 of 3: ORM performance" in nudges(other_chat)[-1]
    assert nudges(chat, "bob") == nudges(other_chat, "bob") == []  # Bob never opted in
    assert "off" in paths_hub.handle(ADA, "/hub path remind off").text
    clock.move_to(MONDAY + timedelta(days=14))
    assert await send_nudges(paths_hub) == 0


async def test_nobody_is_nudged_without_a_step_left(
    paths_hub: Hub, clock: time_machine.Traveller
) -> None:
    chat = serving(paths_hub)
    paths_hub.handle(ADA, "/hub path remind on")
    clock.move_to(MONDAY)
    assert await send_nudges(paths_hub) == 0  # on no path yet: nothing claimed …
    paths_hub.handle(ADA, "/hub path start architecture")
    assert await send_nudges(paths_hub) == 1  # … so starting one still gets this week's
    assert "Architecture for tests" in nudges(chat)[0]


async def test_the_named_job_sends_it(paths_hub: Hub) -> None:
    with time_machine.travel(WEDNESDAY, tick=False) as clock:
        chat = serving(paths_hub)
        registry = build_scheduler(paths_hub, debounce_seconds=0.01)
        await registry.start()
        try:
            assert NUDGE not in registry.jobs()
            paths_hub.handle(ADA, "/hub path start django")
            paths_hub.handle(ADA, "/hub path remind on")
            await registry.idle()
            assert registry.jobs()[NUDGE] == WEDNESDAY + timedelta(hours=1)
            clock.move_to(registry.jobs()[NUDGE])  # Wednesday's run: nothing to send
            registry.scheduler.wakeup()
            await registry.idle()
            assert not nudges(chat)
            clock.move_to(MONDAY - timedelta(minutes=30))
            registry.sync()
            assert registry.jobs()[NUDGE] == MONDAY
            clock.move_to(MONDAY)
            registry.scheduler.wakeup()
            await registry.idle()
            [dm] = nudges(chat)
            assert "Step 1 of 3: Cached views" in dm
        finally:
            registry.stop()
