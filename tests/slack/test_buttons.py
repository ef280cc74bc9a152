"""Button clicks (`block_actions`): expand in place, share to the channel, page on; a button's
value only reaches rows of the clicker's workspace (and, where personal, the clicker's own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from bot.daily.models import DailyAnswer, DailyPost
from bot.hub import Hub
from tests.slack.conftest import Slack, add_content, question
from tests.slack.fake_slack import block_actions

GONE = "no longer available"


def buttons(blocks: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Label → (action_id, value) of every button in the blocks."""
    found = {}
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("type") == "button":
                found[element["text"]["text"]] = (element["action_id"], element["value"])
    return found


async def shown(slack: Slack, text: str, **kwargs: Any) -> dict[str, Any]:
    before = len(slack.fake.calls_to("response_url"))
    assert await slack.command(text, **kwargs) == 200
    return (await slack.fake.wait_for("response_url", before + 1))[-1].body


async def click(
    slack: Slack,
    action: tuple[str, str],
    ephemeral: bool = True,
    channel: str = "C0GENERAL",
    **who: str,
) -> dict[str, Any]:
    """Press a button; `who` is `user` and `team` of the clicker (Alice of T0HUB by default)."""
    before = len(slack.fake.calls_to("response_url"))
    url = slack.fake.response_url("click")
    payload = block_actions(*action, url, ephemeral=ephemeral, channel=channel, **who)
    assert await slack.interact(payload) == 200
    return (await slack.fake.wait_for("response_url", before + 1))[-1].body


async def test_deep_dive_expands_in_place(slack: Slack) -> None:
    card = await shown(slack, "show q-react-render-twice")
    labels = buttons(card["blocks"])
    assert {"Deep dive", "Real-world", "Common mistakes", "Production scenario"} <= set(labels)
    assert "discards one result" not in str(card["blocks"])

    expanded = await click(slack, labels["Deep dive"])
    assert expanded["replace_original"] is True
    assert expanded["response_type"] == "ephemeral"
    assert "React calls the render function twice and discards one result." in str(
        expanded["blocks"]
    )
    assert "Deep dive" not in buttons(expanded["blocks"])


async def test_expanding_a_shared_card_answers_only_the_clicker(slack: Slack) -> None:
    card = await shown(slack, "show q-react-render-twice")
    expanded = await click(slack, buttons(card["blocks"])["Real-world"], ephemeral=False)
    assert expanded["replace_original"] is False
    assert expanded["response_type"] == "ephemeral"
    assert "A counter incremented in render" in str(expanded["blocks"])


async def test_expanding_in_a_direct_message_replaces_it(slack: Slack) -> None:
    card = await shown(slack, "show q-react-render-twice")
    action = buttons(card["blocks"])["Deep dive"]
    expanded = await click(slack, action, ephemeral=False, channel="D0ALICE")
    assert expanded["replace_original"] is True


async def test_share_posts_publicly_with_who_shared(slack: Slack) -> None:
    card = await shown(slack, "show q-react-render-twice")
    shared = await click(slack, buttons(card["blocks"])["Share to channel"])
    assert shared["response_type"] == "in_channel"
    assert shared["replace_original"] is False
    assert "Shared by alice" in str(shared["blocks"])
    assert "Share to channel" not in buttons(shared["blocks"])


async def test_add_to_my_review_puts_the_question_in_the_clickers_review(slack: Slack) -> None:
    card = await shown(slack, "show q-react-render-twice")
    add = buttons(card["blocks"])["Add to my review"]
    added = await click(slack, add, ephemeral=False)  # on a card someone shared
    assert added["response_type"] == "ephemeral" and added["replace_original"] is False
    assert "to your review: due now" in str(added)
    again = await click(slack, add)
    assert "already in your review, due now" in str(again)
    due = await shown(slack, "review")
    assert "1 due." in str(due) and "Why does my React component render twice" in str(due)
    other = await shown(slack, "review", user="U0BOB")
    assert "Nothing due" in str(other)


async def test_more_results_pages_on(slack: Slack, hub: Hub, tmp_path: Path) -> None:
    add_content(
        hub,
        tmp_path,
        {
            f"questions/python/q-python-widget-{n}.md": question(
                f"q-python-widget-{n}", f"How do widget factories work, part {n}?", "Widgets."
            )
            for n in range(8)
        },
    )
    first = await shown(slack, "search widget factories")
    assert str(first["blocks"]).count("widget factories work") == 5
    second = await click(slack, buttons(first["blocks"])["More results"])
    assert second["response_type"] == "ephemeral"
    assert str(second["blocks"]).count("widget factories work") == 3
    assert "More results" not in buttons(second["blocks"])


async def test_more_results_are_only_for_who_searched(
    slack: Slack, hub: Hub, tmp_path: Path
) -> None:
    add_content(
        hub,
        tmp_path,
        {
            f"questions/python/q-python-migration-{n}.md": question(
                f"q-python-migration-{n}", f"How do schema migrations work, part {n}?", "Alembic."
            )
            for n in range(8)
        },
    )
    first = await shown(slack, "search secret migration")
    more = buttons(first["blocks"])["More results"]
    for user, team in (("U0EVE", "T0OTHER"), ("U0BOB", "T0HUB")):
        answer = await click(slack, more, user=user, team=team)
        assert GONE in str(answer["blocks"]) and "secret" not in str(answer), user
    assert "schema migrations work" in str((await click(slack, more))["blocks"])


async def test_daily_buttons_do_nothing_from_another_workspace(slack: Slack, hub: Hub) -> None:
    await shown(slack, "daily on at 09:00", user="U0BOSS")  # one of SLACK_ADMINS
    assert "Posting" in str((await shown(slack, "daily now", user="U0BOSS"))["blocks"])
    with Session(hub.engine) as session:
        post_id = str(session.exec(select(DailyPost.id)).one())
    for action in ("hub:daily-answered:0", "hub:daily-reveal:1"):
        answer = await click(slack, (action, post_id), user="U0EVE", team="T0OTHER")
        assert GONE in str(answer["blocks"]), action
        assert "Model answer" not in str(answer["blocks"])
    with Session(hub.engine) as session:
        assert session.exec(select(DailyAnswer)).all() == []
    counted = await click(slack, ("hub:daily-answered:0", post_id), user="U0BOB")
    assert "Counted" in str(counted["blocks"])


async def test_a_button_that_is_not_ours_answers_briefly(slack: Slack) -> None:
    answer = await click(slack, ("hub::1", "x"))
    assert "no longer does anything" in str(answer["blocks"])
    assert answer["replace_original"] is False


async def test_a_stale_section_button_changes_nothing(slack: Slack) -> None:
    answer = await click(slack, ("hub:section:1", "q-gone:deep_dive"))
    assert "no longer available" in str(answer["blocks"])
    assert answer["replace_original"] is False


async def test_a_home_tab_button_answers_in_a_direct_message(slack: Slack) -> None:
    payload = block_actions("hub:show:1", "q-react-render-twice", "")
    del payload["response_url"], payload["channel"]
    payload["container"] = {"type": "view", "view_id": "V0HOME"}
    assert await slack.interact(payload) == 200
    [dm] = await slack.fake.wait_for("chat.postMessage")
    assert [c.body["users"] for c in slack.fake.calls_to("conversations.open")] == ["U0ALICE"]
    assert dm.body["channel"] == "D0ALICE"
    assert "Why does my React component render twice" in str(dm.body["blocks"])
