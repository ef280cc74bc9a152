"""Personal review on fsrs: grades from sessions come back when due, privately, one at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlmodel import Session, select

from bot.hub import Hub
from bot.mock.runtime import MockRuntime
from bot.ports import DeliveryError
from bot.review.models import ReviewCard
from bot.review.remind import send_reminders
from tests.mock.conftest import Transcript, person
from tests.mock.test_sessions import current

ADA, BOB = person("ada"), person("bob")


async def graded_session(hub: Hub, chat: Transcript, runtime: MockRuntime) -> list[str]:
    """Ada runs a two-question group session and grades herself Again, then Good."""
    assert not hub.handle(ADA, "/hub mock start questions 2").error
    await runtime.drain()
    ms = current(hub)
    for index, rating in ((0, 1), (1, 3)):
        hub.handle_action(ADA, "mock_reveal", f"{ms.id}:{index}")
        assert hub.handle_action(ADA, "mock_grade", f"{ms.id}:{index}:{rating}").text
        hub.handle_action(ADA, "mock_next", f"{ms.id}:{index}")
    await runtime.drain()
    return ms.entry_ids


async def test_review_flow(hub: Hub, chat: Transcript, runtime: MockRuntime) -> None:
    entry_ids = await graded_session(hub, chat, runtime)
    assert "Nothing due" in hub.handle(ADA, "/hub review").text  # Again is due in a minute
    assert "Nothing due" in hub.handle(BOB, "/hub review").text  # Bob never graded
    with time_machine.travel(datetime.now(UTC) + timedelta(days=1), tick=False):
        first = hub.handle(ADA, "/hub review")
        assert first.private and "2 due" in first.text
        card = first.cards[0]
        assert card.entry_id == entry_ids[0]  # the Again one, most overdue first
        reveal = card.buttons[0]
        # Someone else can't open or grade Ada's card.
        assert hub.handle_action(BOB, "review_reveal", reveal.value).error
        shown = hub.handle_action(ADA, "review_reveal", reveal.value)
        assert shown.replace and shown.private and shown.cards[0].text
        labels = [b.label for b in shown.cards[0].buttons]
        assert labels == ["Again", "Hard", "Good", "Easy"]
        good = shown.cards[0].buttons[2].value
        assert hub.handle_action(BOB, "review_grade", good).error
        after = hub.handle_action(ADA, "review_grade", good)
        assert after.replace and after.text.startswith("Recorded: Good. 1 due.")
        assert after.cards[0].entry_id == entry_ids[1]
        stale = hub.handle_action(ADA, "review_grade", good)  # a double click
        assert stale.error and "already" in stale.text
        assert hub.handle_action(ADA, "review_reveal", reveal.value).error
    with Session(hub.engine) as db:
        cards = {c.entry_id: c for c in db.exec(select(ReviewCard))}
    assert cards[entry_ids[0]].reps == 2 and cards[entry_ids[0]].last_rating == 3
    assert cards[entry_ids[0]].due > datetime.now(UTC) + timedelta(days=1)


async def test_daily_reminder_is_opt_in_and_once_a_day(
    hub: Hub, chat: Transcript, runtime: MockRuntime
) -> None:
    await graded_session(hub, chat, runtime)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=10, minute=0)
    assert await send_reminders(hub, tomorrow) == 0  # not opted in
    assert "once a day" in hub.handle(ADA, "/hub review remind on").text
    assert await send_reminders(hub, tomorrow.replace(hour=8)) == 0  # before the hour
    assert await send_reminders(hub, tomorrow) == 1
    assert await send_reminders(hub, tomorrow + timedelta(hours=3)) == 0  # already sent today
    [dm] = [s for s in chat.of("private", "ada") if "due for review" in s.text()]
    assert "2 interview questions due" in dm.text()
    assert "off" in hub.handle(ADA, "/hub review remind off").text
    assert await send_reminders(hub, tomorrow + timedelta(days=1)) == 0


async def test_a_process_that_does_not_serve_the_platform_leaves_the_reminder(
    hub: Hub, chat: Transcript, runtime: MockRuntime
) -> None:
    await graded_session(hub, chat, runtime)
    hub.handle(ADA, "/hub review remind on")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=10, minute=0)
    elsewhere = Hub(hub.settings, hub.engine)  # serves no platform: another replica's job
    assert await send_reminders(elsewhere, tomorrow) == 0
    assert await send_reminders(hub, tomorrow) == 1


async def test_a_reminder_waits_out_a_429(hub: Hub, chat: Transcript, runtime: MockRuntime) -> None:
    await graded_session(hub, chat, runtime)
    hub.handle(ADA, "/hub review remind on")
    chat.refusals["private"] = [DeliveryError("ratelimited", retry_after=0.05)]
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=10, minute=0)
    assert await send_reminders(hub, tomorrow) == 1
    assert [s for s in chat.of("private", "ada") if "due for review" in s.text()]
