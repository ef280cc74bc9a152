"""Forms as modals, through slack-bolt against the fake, on SQLite and PostgreSQL: `/hub suggest`
and *Suggest an edit* open a modal within Slack's limits (views.open); a submit with a problem is
answered on the box that has it and stores nothing; a good one is one proposal however often it
arrives; *Save to hub* drafts a thread; a thread of another workspace is refused."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from adapters.slack.app import NO_FORM, THREAD_ELSEWHERE, THREAD_GONE, THREAD_NOT_JOINED
from bot.content.store import entry_data
from bot.contrib.models import Proposal
from bot.contrib.notify import send_notices
from bot.hub import Hub
from bot.library import entry as stored_entry
from tests.slack.conftest import FORM, Slack, add_content, running_slack
from tests.slack.fake_slack import (
    TEAM,
    FakeSlack,
    block_actions,
    interaction,
    message_shortcut,
    view_problems,
    view_submission,
)
from tests.slack.test_buttons import buttons, shown

CONTENT = Path(__file__).resolve().parents[2] / "content"
EVERYONE = "<!channel>"


@pytest.fixture
async def slack(store_hub: Hub, fake: FakeSlack) -> AsyncIterator[Slack]:
    """HubBot on each store: what these tests check is kept there (proposals)."""
    async with running_slack(store_hub, fake) as running:
        yield running


async def opened(slack: Slack, count: int = 1) -> dict[str, Any]:
    """The view of the `count`th views.open call, checked against Slack's limits."""
    view = (await slack.fake.wait_for("views.open", count))[count - 1].body["view"]
    assert view_problems(view) == []
    return view  # type: ignore[no-any-return]


def prefilled(view: dict[str, Any]) -> dict[str, str]:
    """block_id → what its box holds when the modal opens."""
    return {
        block["block_id"]: block["element"].get("initial_value", "") for block in view["blocks"]
    }


async def submit(slack: Slack, view: dict[str, Any], typed: dict[str, str]) -> dict[str, Any]:
    """Submit the modal with `typed` in its boxes; Slack's ack body (empty: close the modal)."""
    status, body = await slack.post(interaction(view_submission(view, typed)), FORM)
    assert status == 200
    return json.loads(body) if body else {}


def proposals(hub: Hub) -> list[Proposal]:
    with Session(hub.engine) as session:
        return list(session.exec(select(Proposal)).all())


def error_entry(**fields: str) -> dict[str, str]:
    return {
        "title": "TypeError: Cannot read properties of undefined (reading 'map')",
        "topic": "javascript",
        "root_cause.1": "The list is undefined until the request resolves.",
        "fix.1": "Start the state as an empty array: `useState([])`.",
    } | fields


async def test_suggest_opens_a_modal_within_slack_limits(slack: Slack) -> None:
    assert await slack.command("suggest error") == 200
    view = await opened(slack)
    assert view["title"]["text"] == "Suggest an error"
    ids = [block["block_id"] for block in view["blocks"]]
    assert ids[:2] == ["title", "topic"] and {"root_cause.1", "fix.1"} <= set(ids)
    # 4,000 characters of a section are two boxes, of 3,000 and 1,000.
    [fix_2] = [block for block in view["blocks"] if block["block_id"] == "fix.2"]
    assert fix_2["label"]["text"] == "Fix (2/2)" and fix_2["element"]["max_length"] == 1000
    metadata = json.loads(view["private_metadata"])
    assert metadata == {"action": "suggest", "value": "new:error", "channel": "C0GENERAL",
                        "thread": None}  # fmt: skip
    assert await slack.bot.hub.lifecycle.finish()
    assert slack.fake.calls_to("response_url") == []  # the form, not its text fallback


@pytest.mark.parametrize("kind", ["question", "error", "snippet", "article"])
async def test_every_kind_fits_a_modal(slack: Slack, kind: str) -> None:
    assert await slack.command(f"suggest {kind}") == 200
    view = await opened(slack)
    assert all(block["type"] == "input" for block in view["blocks"])


async def test_a_missing_field_comes_back_on_its_box_and_nothing_is_stored(
    slack: Slack, store_hub: Hub
) -> None:
    assert await slack.command("suggest error") == 200
    view = await opened(slack)
    ack = await submit(slack, view, error_entry(topic=""))
    assert ack["response_action"] == "errors"
    assert list(ack["errors"]) == ["topic"]
    assert proposals(store_hub) == []


async def test_a_submitted_modal_is_one_proposal_however_often_it_arrives(
    slack: Slack, store_hub: Hub
) -> None:
    assert await slack.command("suggest error") == 200
    view = await opened(slack)
    assert await submit(slack, view, error_entry()) == {}
    [thanks] = await slack.fake.wait_for("chat.postEphemeral")
    assert thanks.body["channel"] == "C0GENERAL" and thanks.body["user"] == "U0ALICE"
    assert "Proposal #1 is waiting" in str(thanks.body)

    assert await submit(slack, view, error_entry()) == {}
    again = (await slack.fake.wait_for("chat.postEphemeral", 2))[1]
    assert "You already sent this: it is proposal #1" in str(again.body)
    assert len(proposals(store_hub)) == 1


async def test_the_outcome_goes_by_dm_when_the_channel_is_not_the_workspaces(
    slack: Slack, store_hub: Hub
) -> None:
    slack.fake.channels["C0ELSEWHERE"] = ["T0OTHER"]
    assert await slack.command("suggest error", channel="C0ELSEWHERE") == 200
    view = await opened(slack)
    assert await submit(slack, view, error_entry()) == {}
    [dm] = await slack.fake.wait_for("chat.postMessage")
    assert dm.body["channel"] == "D0ALICE" and "Proposal #1" in str(dm.body)
    assert slack.fake.calls_to("chat.postEphemeral") == []


async def test_a_form_the_core_no_longer_knows_changes_nothing(
    slack: Slack, store_hub: Hub
) -> None:
    assert await slack.command("suggest error") == 200
    view = await opened(slack)
    stale = view | {"private_metadata": json.dumps({"action": "gone", "value": "new:error"})}
    ack = await submit(slack, stale, error_entry())
    assert ack == {"response_action": "errors", "errors": {"title": ack["errors"]["title"]}}
    assert "out of date" in ack["errors"]["title"]
    forged = view | {"private_metadata": "not json"}
    assert (await submit(slack, forged, error_entry()))["response_action"] == "errors"
    assert proposals(store_hub) == []


def largest_shipped_entry() -> Path:
    """The shipped article or snippet with the most text (its body or code is the longest)."""
    files = [*(CONTENT / "articles").rglob("*.md"), *(CONTENT / "snippets").rglob("*.md")]
    return max(files, key=lambda path: len(path.read_text()))


async def test_suggest_an_edit_of_the_largest_entry_round_trips_exactly(
    slack: Slack, store_hub: Hub, tmp_path: Path
) -> None:
    source = largest_shipped_entry()
    add_content(store_hub, tmp_path / "content", {source.name: source.read_text()})
    entry_id = source.stem
    before = entry_data(stored_entry(store_hub.engine, entry_id))  # type: ignore[arg-type]
    longest = max(len(before.body or ""), len(before.code or ""))
    assert longest > 10_000

    card = await shown(slack, f"show {entry_id}")
    edit = buttons(card["blocks"])["Suggest an edit"]
    assert await slack.interact(block_actions(*edit, slack.fake.response_url("edit"))) == 200
    view = await opened(slack)
    assert view["title"]["text"] == "Suggest an edit"
    assert sum(block["block_id"].startswith(("body", "code")) for block in view["blocks"]) >= 4

    assert await submit(slack, view, prefilled(view)) == {}
    await slack.fake.wait_for("chat.postEphemeral")
    [proposal] = proposals(store_hub)
    assert proposal.target_id == entry_id
    assert proposal.entry == before.model_dump(mode="json") | {"id": entry_id}


async def test_channel_pings_typed_in_every_field_are_defused_for_the_moderators(
    slack: Slack, store_hub: Hub
) -> None:
    await shown(slack, "moderation channel #C0DEV", user="U0BOSS")
    assert await slack.command("suggest error") == 200
    view = await opened(slack)
    # In every field of prose (topic, stack and tags are names: such text is refused there).
    typed = {box: f"{text} {EVERYONE}" for box, text in error_entry().items() if box != "topic"}
    typed |= {"topic": "javascript", "description.1": f"In a list {EVERYONE}"}
    assert await submit(slack, view, typed) == {}
    await slack.fake.wait_for("chat.postEphemeral")
    assert await send_notices(store_hub) == 1
    [card] = [c for c in slack.fake.calls_to("chat.postMessage") if c.body["channel"] == "C0DEV"]
    assert "Proposal #1" in str(card.body)
    # Slack reads mentions in mrkdwn (and the notification text), never in plain_text.
    read_for_mentions = [card.body["text"], *mrkdwn_texts(card.body["blocks"])]
    escaped = [text.count("&lt;!channel&gt;") for text in read_for_mentions]
    assert escaped[0] == 1 and sum(escaped) == 5  # the title in the notification; 4 fields
    assert not [text for text in read_for_mentions if EVERYONE in text]


def mrkdwn_texts(value: Any) -> list[str]:
    """The text of every mrkdwn object in blocks."""
    if isinstance(value, list):
        return [text for item in value for text in mrkdwn_texts(item)]
    if not isinstance(value, dict):
        return []
    own = [value["text"]] if value.get("type") == "mrkdwn" else []
    return own + [text for item in value.values() for text in mrkdwn_texts(item)]


def solved_thread() -> list[dict[str, Any]]:
    return [
        {
            "type": "message",
            "user": "U0BOB",
            "ts": "1700000000.000300",
            "text": "Deploy fails:\n```Error: listen EADDRINUSE: address already in use :::3000```",
        },
        {
            "type": "message",
            "user": "U0CAROL",
            "ts": "1700000000.000310",
            "thread_ts": "1700000000.000300",
            "text": "Something else holds the port: `lsof -i :3000`, then kill it.",
        },
        {
            "type": "message",
            "user": "U0BOB",
            "ts": "1700000000.000320",
            "thread_ts": "1700000000.000300",
            "text": "That was it &lt;3 <@U0CAROL>",
        },
    ]


async def save_to_hub(
    slack: Slack, channel: str = "C0GENERAL", team: str = TEAM, thread: str | None = None
) -> None:
    payload = message_shortcut(
        "That was it",
        slack.fake.response_url("save"),
        thread_ts=thread or "1700000000.000300",
        callback_id="save_to_hub",
        channel=channel,
        team=team,
    )
    assert await slack.interact(payload) == 200


async def test_save_to_hub_drafts_the_thread_in_a_modal(slack: Slack, store_hub: Hub) -> None:
    slack.fake.threads["C0GENERAL", "1700000000.000300"] = solved_thread()
    slack.fake.users["U0BOB"] = {"id": "U0BOB", "name": "bob", "profile": {"display_name": ""}}
    slack.fake.users["U0CAROL"] = {"id": "U0CAROL", "profile": {"display_name": "Carol  D."}}
    await save_to_hub(slack)
    [read] = await slack.fake.wait_for("conversations.replies")
    assert read.body["channel"] == "C0GENERAL" and read.body["ts"] == "1700000000.000300"
    view = await opened(slack)
    assert view["title"]["text"] == "Save to hub"
    draft = prefilled(view)
    assert (
        draft["title"] == "Error: listen EADDRINUSE: address already in use :::<port>"
    )  # the port written as a placeholder
    assert "lsof -i :3000" in draft["fix.1"] and "That was it <3 @Carol D." in draft["fix.1"]
    # People by the names Slack shows (each asked once, mentioned or writing), not by their ids.
    assert draft["credit"] == "solved in a thread by bob, Carol D."
    assert sorted(c.body["user"] for c in slack.fake.calls if c.method == "users.info") == [
        "U0BOB",
        "U0CAROL",
    ]

    typed = draft | {"topic": "node", "root_cause.1": "Another process listens on the port."}
    assert await submit(slack, view, typed) == {}
    await slack.fake.wait_for("chat.postEphemeral")
    [proposal] = proposals(store_hub)
    assert proposal.entry["source"] == "solved in a thread by bob, Carol D."


async def test_people_slack_does_not_name_in_time_are_credited_by_id(slack: Slack) -> None:
    slack.fake.threads["C0GENERAL", "1700000000.000300"] = solved_thread()
    slack.fake.stall("users.info")  # one never answers, the other has no name to give
    await save_to_hub(slack)  # the form opens once NAMES_TIMEOUT is out, not when Slack answers
    draft = prefilled(await opened(slack))
    assert draft["credit"] == "solved in a thread by U0BOB, U0CAROL"
    assert "That was it <3 @U0CAROL" in draft["fix.1"]


@pytest.mark.parametrize(
    ("channel", "team", "thread", "error", "answer"),
    [
        ("C0OTHER", TEAM, None, None, THREAD_ELSEWHERE),  # another workspace's channel
        ("C0GENERAL", "T0OTHER", None, None, THREAD_ELSEWHERE),  # asked from another workspace
        ("C0GENERAL", TEAM, "1700000000.999999", None, THREAD_GONE),
        ("C0GENERAL", TEAM, None, "not_in_channel", THREAD_NOT_JOINED),
    ],
)
async def test_a_thread_that_cannot_be_read_is_a_short_answer(
    slack: Slack,
    store_hub: Hub,
    channel: str,
    team: str,
    thread: str | None,
    error: str | None,
    answer: str,
) -> None:
    slack.fake.channels["C0OTHER"] = ["T0OTHER"]
    for where in ("C0GENERAL", "C0OTHER"):
        slack.fake.threads[where, "1700000000.000300"] = solved_thread()
    if error:
        slack.fake.fail("conversations.replies", error)
    await save_to_hub(slack, channel, team, thread)
    [said] = await slack.fake.wait_for("response_url")
    assert answer in str(said.body["blocks"]) and said.body["response_type"] == "ephemeral"
    assert slack.fake.calls_to("views.open") == []
    assert proposals(store_hub) == []


async def test_a_form_slack_will_not_open_falls_back_to_the_template(slack: Slack) -> None:
    slack.fake.fail("views.open", "expired_trigger_id")
    said = await shown(slack, "suggest error")
    assert NO_FORM in said["text"] and "/hub suggest error" in str(said["blocks"])


async def test_suggest_an_entry_on_the_stats_card_opens_the_form_titled_with_the_search(
    slack: Slack,
) -> None:
    await shown(slack, "search quantum flux capacitor")
    card = await shown(slack, "stats", user="U0BOSS")
    suggest = buttons(card["blocks"])["Suggest an entry: quantum flux capacitor"]
    payload = block_actions(*suggest, slack.fake.response_url("stats"), user="U0BOSS")
    assert await slack.interact(payload) == 200
    view = await opened(slack)
    assert prefilled(view)["title"] == "quantum flux capacitor"
