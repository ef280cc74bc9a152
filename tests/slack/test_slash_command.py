"""`/hub` end to end: signed requests in, Block Kit through the response_url out."""

from __future__ import annotations

import time

from tests.slack.conftest import Slack


async def test_search_answers_privately_with_cards(slack: Slack) -> None:
    assert await slack.command("search render twice") == 200
    [answer] = await slack.fake.wait_for("response_url")
    body = answer.body
    assert body["response_type"] == "ephemeral"
    assert any(b["type"] == "header" for b in body["blocks"])
    texts = str(body["blocks"])
    assert "Why does my React component render twice" in texts
    assert "hub:show:" in texts


async def test_bad_signature_is_refused(slack: Slack) -> None:
    body = "command=/hub&text=help"
    status, _ = await slack.post(
        body, "application/x-www-form-urlencoded", headers={"X-Slack-Signature": "v0=bad"}
    )
    assert status == 401
    assert slack.fake.calls_to("response_url") == []


async def test_six_minute_old_request_is_refused(slack: Slack) -> None:
    from tests.slack.fake_slack import slash_command

    body = slash_command("help", slack.fake.response_url())
    status, _ = await slack.post(
        body, "application/x-www-form-urlencoded", timestamp=time.time() - 360
    )
    assert status == 401
    assert slack.fake.calls_to("response_url") == []


async def test_channel_settings_need_a_channel_manager(slack: Slack) -> None:
    await slack.command("daily on <#C0DEV|dev> at 09:30 Europe/Berlin", user="U0ALICE")
    [refused] = await slack.fake.wait_for("response_url")
    slack.fake.users["U0ADMIN"] = {"id": "U0ADMIN", "is_admin": True}
    await slack.command("daily on <#C0DEV|dev> at 09:30 Europe/Berlin", user="U0ADMIN")
    [_, allowed] = await slack.fake.wait_for("response_url", 2)
    assert "Only people who can manage this channel" in str(refused.body["blocks"])
    assert "Daily question on: <#C0DEV> at 09:30" in str(allowed.body["blocks"])
