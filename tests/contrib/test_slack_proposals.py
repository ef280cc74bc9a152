"""Contributions on Slack, through slack-bolt against the fake: a suggestion's card reaches the
moderators' channel with its buttons, a non-moderator's Approve changes nothing, the admin's
applies, and the author's DM says so."""

from __future__ import annotations

from bot.contrib.notify import send_notices
from bot.hub import Hub
from tests.slack.conftest import Slack
from tests.slack.test_buttons import buttons, click, shown

from .test_proposals import QUESTION


async def test_suggest_and_approve_on_slack(slack: Slack, hub: Hub) -> None:
    set_up = await shown(slack, "moderation channel #C0GENERAL", user="U0BOSS")
    assert "Proposals will be posted in" in str(set_up)
    thanks = await shown(slack, QUESTION.removeprefix("/hub "))
    assert "Proposal #1 is waiting" in str(thanks)

    assert await send_notices(hub) == 1
    [card] = [c for c in slack.fake.calls_to("chat.postMessage") if "Proposal #1" in str(c.body)]
    assert card.body["channel"] == "C0GENERAL"
    actions = buttons(card.body["blocks"])

    refused = await click(slack, actions["Approve"], user="U0EVE")
    assert "Only this workspace's moderators" in str(refused)
    approved = await click(slack, actions["Approve"], user="U0BOSS")
    assert "Approved #1" in str(approved)
    again = await click(slack, actions["Approve"], user="U0BOSS")
    assert "already approved" in str(again)

    assert await send_notices(hub) == 1
    dms = [c for c in slack.fake.calls_to("chat.postMessage") if "was approved" in str(c.body)]
    assert len(dms) == 1
    found = await shown(slack, "search generator send yield")
    assert "What does a Python generator" in str(found)
