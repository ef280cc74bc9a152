"""Trust nothing from outside, on Slack: a `#channel` a command names must be a channel of the
asker's workspace (conversations.info says so), and each workspace keeps its own settings."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.daily.models import DailySubscription
from bot.hub import Hub
from tests.slack.conftest import Slack
from tests.slack.fake_slack import TEAM


async def said(slack: Slack, text: str, team: str = TEAM) -> str:
    """The answer to `/hub <text>` typed by U0BOSS (a channel manager in every workspace)."""
    before = len(slack.fake.calls_to("response_url"))
    assert await slack.command(text, user="U0BOSS", team=team) == 200
    return str((await slack.fake.wait_for("response_url", before + 1))[-1].body["blocks"])


def subs(hub: Hub) -> list[tuple[str, str, bool]]:
    with Session(hub.engine) as session:
        rows = session.exec(select(DailySubscription).order_by(col(DailySubscription.id))).all()
        return [(s.workspace_id, s.channel_id, s.active) for s in rows]


async def test_a_channel_of_another_workspace_is_refused(slack: Slack, hub: Hub) -> None:
    slack.fake.channels["C0THEIRS"] = ["T0OTHER"]
    for text in ("daily on <#C0THEIRS|theirs> at 09:00", "daily on <#C0GONE|gone> at 09:00"):
        assert "can't find that channel" in await said(slack, text), text
    assert subs(hub) == []
    assert "Daily question on: <#C0DEV>" in await said(slack, "daily on <#C0DEV|dev> at 09:00")
    assert [c.body["channel"] for c in slack.fake.calls_to("conversations.info")] == [
        "C0THEIRS", "C0GONE", "C0DEV",
    ]  # fmt: skip


async def test_a_shared_channel_keeps_a_setting_per_workspace(slack: Slack, hub: Hub) -> None:
    slack.fake.channels["C0SHARED"] = [TEAM, "T0OTHER"]  # a Slack Connect channel
    ours = await said(slack, "daily on <#C0SHARED|shared> at 09:00")
    theirs = await said(slack, "daily on <#C0SHARED|shared> at 17:00", team="T0OTHER")
    assert "at 09:00" in ours and "at 17:00" in theirs
    assert "off in <#C0SHARED>" in await said(slack, "daily off <#C0SHARED|shared>", "T0OTHER")
    assert subs(hub) == [(TEAM, "C0SHARED", True), ("T0OTHER", "C0SHARED", False)]
    assert "at 09:00" in await said(slack, "daily status <#C0SHARED|shared>")
