"""Mock interviews end to end on Slack: the real adapter and WebClient against the fake Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.hub import Hub
from bot.mock.runtime import MockRuntime
from tests.mock.conftest import serving
from tests.slack.conftest import Slack
from tests.slack.fake_slack import block_actions
from tests.slack.test_buttons import buttons


@pytest.fixture
async def runtime(hub: Hub, slack: Slack) -> AsyncIterator[MockRuntime]:
    async with serving(hub) as rt:
        yield rt


async def press(
    slack: Slack, runtime: MockRuntime, action: tuple[str, str], user: str
) -> dict[str, Any]:
    """Click as `user`; the clicker's answer once the steps it caused are delivered."""
    before = len(slack.fake.calls_to("response_url"))
    url = slack.fake.response_url("click")
    assert await slack.interact(block_actions(*action, url, ephemeral=False, user=user)) == 200
    answer = (await slack.fake.wait_for("response_url", before + 1))[-1].body
    await runtime.drain()
    return answer


def posts(slack: Slack, thread: str | None = None) -> list[dict[str, Any]]:
    return [
        c.body
        for c in slack.fake.calls_to("chat.postMessage")
        if thread is None or c.body.get("thread_ts") == thread
    ]


async def test_group_session_on_slack(slack: Slack, runtime: MockRuntime) -> None:
    assert await slack.command("mock start questions 1") == 200
    ack = (await slack.fake.wait_for("response_url"))[-1].body
    assert "new thread" in ack["text"] and ack["response_type"] == "ephemeral"
    await runtime.drain()
    [parent, question] = posts(slack)
    thread = question["thread_ts"]
    assert "thread_ts" not in parent and "Mock interview" in parent["text"]
    reveal = buttons(question["blocks"])["Reveal"]
    await press(slack, runtime, reveal, "U0BOB")
    answer = posts(slack, thread)[-1]
    assert "Answer 1 of 1" in str(answer["blocks"])
    assert slack.fake.calls_to("chat.update")  # the question closed, its buttons gone
    grades = buttons(answer["blocks"])
    mine = await press(slack, runtime, grades["Hard"], "U0BOB")
    assert mine["response_type"] == "ephemeral" and "Recorded" in mine["text"]
    twice = await press(slack, runtime, grades["Easy"], "U0BOB")
    assert "already" in twice["text"]
    await press(slack, runtime, grades["Good"], "U0CAROL")
    await press(slack, runtime, grades["Finish"], "U0ALICE")
    summary = str(posts(slack, thread)[-1]["blocks"])
    assert "Mock interview finished" in summary and "Study next" in summary
    assert summary.count("Study next") == 2  # one card per person who graded
    assert "— Hard" in summary and "— Good" in summary


async def test_pair_session_on_slack(slack: Slack, runtime: MockRuntime) -> None:
    assert await slack.command("mock start questions 1 <@U0BOB>") == 200
    await slack.fake.wait_for("response_url")
    await runtime.drain()
    [brief] = [c.body for c in slack.fake.calls_to("chat.postEphemeral")]
    assert brief["user"] == "U0ALICE" and "A strong answer covers" in str(brief["blocks"])
    question = posts(slack)[-1]
    # The candidate may not reveal; the interviewer grades privately, then reveals.
    refused = await press(slack, runtime, buttons(question["blocks"])["Reveal"], "U0BOB")
    assert "interviewer" in refused["text"]
    marked = await press(slack, runtime, buttons(brief["blocks"])["Good"], "U0ALICE")
    assert "Recorded for U0BOB: Good" in marked["text"]
    await press(slack, runtime, buttons(question["blocks"])["Reveal"], "U0ALICE")
    assert "Answer 1 of 1" in str(posts(slack)[-1]["blocks"])
    assert await slack.command("mock end") == 200
    await slack.fake.wait_for("response_url", 5)
    await runtime.drain()
    summary = str(posts(slack)[-1]["blocks"])
    assert "ended by alice" in summary and "Good" in summary
