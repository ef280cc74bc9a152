"""Mock interviews end to end on Discord: the real discord.py client against the fake Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.hub import Hub
from bot.mock.runtime import MockRuntime
from tests.discord.conftest import StartClient
from tests.discord.fake import CHANNEL_ID, FakeDiscord
from tests.discord.test_interactions import EPHEMERAL, answer_of, custom_ids, text_of
from tests.mock.conftest import serving


@pytest.fixture
async def runtime(sqlite_hub: Hub) -> AsyncIterator[MockRuntime]:
    async with serving(sqlite_hub) as rt:
        yield rt


def in_thread(fake: FakeDiscord) -> list[dict[str, Any]]:
    return [m for m in fake.sent_messages() if m["channel_id"] != CHANNEL_ID]


def button(message: dict[str, Any], action: str) -> str:
    return next(c for c in custom_ids(message) if c.startswith(f"hub:{action}:"))


async def press(
    fake: FakeDiscord, runtime: MockRuntime, message: dict[str, Any], custom_id: str
) -> dict[str, Any]:
    answer = await answer_of(fake, await fake.click(message, custom_id))
    await runtime.drain()
    return answer


async def test_group_session_on_discord(
    fake: FakeDiscord, start_client: StartClient, runtime: MockRuntime
) -> None:
    await start_client()
    ack = await answer_of(fake, await fake.slash("mock", action="start", options="questions 1"))
    assert ack["data"]["flags"] & EPHEMERAL and "new thread" in text_of(ack["data"])
    await runtime.drain()
    threads = fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages/\d+/threads")
    assert len(threads) == 1 and threads[0].body["name"].startswith("Mock interview")
    [question] = in_thread(fake)
    assert "Question 1 of 1" in text_of(question)
    await press(fake, runtime, question, button(question, "mock_reveal"))
    answer = in_thread(fake)[-1]
    assert "Answer 1 of 1" in text_of(answer)
    closed = fake.messages[question["id"]]
    assert closed["edited_timestamp"] and not closed["components"]
    graded = await press(fake, runtime, answer, "hub:" + "mock_grade:" + f"{answer_id(answer)}:2")
    assert graded["data"]["flags"] & EPHEMERAL and "Recorded" in text_of(graded["data"])
    await press(fake, runtime, answer, button(answer, "mock_next"))
    summary = text_of(in_thread(fake)[-1])
    assert "Mock interview finished" in summary and "Hard" in summary
    thread_id = question["channel_id"]
    posted = fake.calls_to("POST", rf"/channels/{thread_id}/messages")
    assert len(posted) == 3 and all(c.body["allowed_mentions"] == {"parse": []} for c in posted)


def answer_id(message: dict[str, Any]) -> str:
    """`session:question` of a reveal message's grade buttons."""
    grade = button(message, "mock_grade")
    return ":".join(grade.split(":")[2:4])


async def test_review_on_discord(
    fake: FakeDiscord, start_client: StartClient, runtime: MockRuntime
) -> None:
    await start_client()
    body = await answer_of(fake, await fake.slash("review", remind="on"))
    assert body["data"]["flags"] & EPHEMERAL and "once a day" in text_of(body["data"])
    body = await answer_of(fake, await fake.slash("review"))
    assert "Nothing due" in text_of(body["data"])


async def test_pair_session_on_discord(
    fake: FakeDiscord, start_client: StartClient, runtime: MockRuntime
) -> None:
    await start_client()
    candidate = "900000000000000099"
    options = f"questions 1 <@{candidate}>"
    ack = await answer_of(fake, await fake.slash("mock", action="start", options=options))
    assert "pair mode" in text_of(ack["data"])
    await runtime.drain()
    # The interviewer (the starter) gets the brief as a direct message, with grade buttons.
    assert fake.calls_to("POST", r"/users/@me/channels")
    [brief] = [m for m in in_thread(fake) if "A strong answer covers" in text_of(m)]
    question = next(m for m in in_thread(fake) if "Question 1 of 1" in text_of(m))
    assert "A strong answer covers" not in text_of(question)
    marked = await press(fake, runtime, brief, f"hub:mock_mark:{answer_of_brief(brief)}")
    assert f"Recorded for {candidate}: Good" in text_of(marked["data"])
    ended = await press(fake, runtime, question, button(question, "mock_end"))
    assert "Ended" in text_of(ended["data"])
    summary = text_of(in_thread(fake)[-1])
    assert "ended by" in summary and "Good" in summary


def answer_of_brief(message: dict[str, Any]) -> str:
    """The value of the brief's Good button: `session:question:3:candidate`."""
    good = next(c for c in custom_ids(message) if c.split(":")[4:5] == ["3"])
    return ":".join(good.split(":")[2:])
