"""`/hub forget me` reaches Slack through the core's command registry."""

from __future__ import annotations

from tests.slack.conftest import Slack


async def test_forget_me_answers_privately_with_what_was_removed(slack: Slack) -> None:
    assert await slack.command("search render twice", slack.fake.response_url("search")) == 200
    await slack.fake.wait_for("response_url")
    assert await slack.command("forget me", slack.fake.response_url("forget")) == 200
    [_, answer] = await slack.fake.wait_for("response_url", 2)
    assert answer.body["response_type"] == "ephemeral"
    assert "searches: 1" in str(answer.body)
