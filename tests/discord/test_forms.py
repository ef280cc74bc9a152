"""Forms on Discord, through the real discord.py client against the fake: `/hub suggest` and
*Suggest an edit* open modals within Discord's limits, a long form goes across pages and is sent
once, a problem comes back with *Fix it* and nothing typed is lost, *Save to hub* drafts a
thread, and a form is only ever continued by the person who opened it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from adapters.discord import HubClient
from adapters.discord.forms import form_table
from bot.config import SHIPPED_CONTENT
from bot.content import import_content, load_paths
from bot.contrib import store as proposals
from bot.contrib.models import Proposal, State
from bot.hub import Hub
from tests.discord.conftest import StartClient
from tests.discord.fake import (
    ASKER,
    BOT_ID,
    CHANNEL_ID,
    GUILD_ID,
    MOD,
    FakeDiscord,
    asker,
    user,
)
from tests.discord.test_interactions import EPHEMERAL, answer_of, custom_ids, text_of

PAGE = "hub:form-page:"
GRACE = user("900000000000000014", "grace")
TRACEBACK = (
    'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n'
    "KeyError: 'user_id'"
)
QUESTION = {
    "title": "What does a Python generator's send() do?",
    "topic": "python",
    "level": "mid",
    "answer": "It resumes the generator and makes the paused yield evaluate to the value.",
    "deep_dive": "The first send must be None: the generator has not reached a yield yet.",
}
ERROR = {
    "title": "KeyError: 'user_id' in a Flask session",
    "topic": "python",
    "root_cause": "The session cookie was signed with another SECRET_KEY.",
    "fix": "Set the same SECRET_KEY on every worker, from the environment.",
    "stack": "flask",
}


@pytest.fixture
def adapter_hub(hub: Hub) -> Hub:
    """Forms write proposals: SQLite and PostgreSQL."""
    return hub


def inputs_of(modal: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in modal["components"] for c in row["components"]]


def values_in(modal: dict[str, Any]) -> dict[str, str]:
    return {c["custom_id"]: c.get("value", "") for c in inputs_of(modal)}


async def modal_of(fake: FakeDiscord, interaction_id: str) -> dict[str, Any]:
    """The modal the bot answered with, checked against Discord's limits."""
    body = await answer_of(fake, interaction_id)
    assert body["type"] == 9, body
    modal: dict[str, Any] = body["data"]
    assert len(modal["title"]) <= 45 and len(modal["custom_id"]) <= 100
    inputs = inputs_of(modal)
    assert 1 <= len(inputs) <= 5 and all(row["type"] == 1 for row in modal["components"])
    for box in inputs:
        assert box["type"] == 4 and len(box["custom_id"]) <= 100
        assert 1 <= len(box["label"]) <= 45 and len(box.get("placeholder", "")) <= 100
        assert box["max_length"] <= 4000
        assert len(box.get("value", "")) <= box["max_length"]
    return modal


async def submitted(
    fake: FakeDiscord,
    modal: dict[str, Any],
    typed: Mapping[str, str] | None = None,
    by: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Submit the modal with what it holds and `typed` over it; the bot's ephemeral answer."""
    typed = typed or {}
    values = {key: typed.get(key, value) for key, value in values_in(modal).items()}
    answer = await answer_of(fake, await fake.submit_modal(modal, values, by=by))
    assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL, answer
    return answer


async def pressed(fake: FakeDiscord) -> str:
    """Press the *Continue* or *Fix it* button under the latest answer; the click's id."""
    message = [m for m in fake.sent_messages() if any(c.startswith(PAGE) for c in custom_ids(m))][
        -1
    ]
    [button] = custom_ids(message)
    return await fake.click(message, button)


async def fill_in(
    fake: FakeDiscord, first: dict[str, Any], typed: dict[str, str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Every page of a form from its first modal, typing `typed`: the last answer and the modals."""
    modals, modal = [first], first
    while True:
        answer = await submitted(fake, modal, typed)
        if not text_of(answer["data"]).startswith("Part "):
            return answer, modals
        modal = await modal_of(fake, await pressed(fake))
        assert modal["custom_id"] == first["custom_id"]  # the token, and nothing else
        modals.append(modal)


def pending(hub: Hub) -> list[Proposal]:
    return proposals.listing(hub.engine, State.pending, "discord", GUILD_ID)


async def test_suggest_error_opens_a_modal_within_discords_limits(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    modal = await modal_of(fake, await fake.slash("suggest", kind="error"))
    assert modal["title"] == "Suggest an error (1/2)"
    labels = [box["label"] for box in inputs_of(modal)]
    assert labels[0] == "The error message" and "Topic" in labels
    assert modal["custom_id"].startswith("form:")


async def test_the_question_form_goes_across_pages_and_sends_one_proposal(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub
) -> None:
    await start_client()
    first = await modal_of(fake, await fake.slash("suggest", kind="question"))
    answer, modals = await fill_in(fake, first, QUESTION)
    assert [len(inputs_of(m)) for m in modals] == [5, 5]  # ten inputs
    assert "Proposal #1 is waiting" in text_of(answer["data"]), answer
    [row] = pending(adapter_hub)
    assert (
        row.entry["title"] == QUESTION["title"] and row.entry["deep_dive"] == QUESTION["deep_dive"]
    )
    # The last page again (a retried submit): the form is done, nothing more is sent.
    again = await submitted(fake, modals[-1])
    assert "no longer open" in text_of(again["data"])
    assert len(pending(adapter_hub)) == 1


async def test_a_missing_field_comes_back_with_fix_it_and_everything_typed(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub
) -> None:
    await start_client()
    first = await modal_of(fake, await fake.slash("suggest", kind="error"))
    answer, _ = await fill_in(fake, first, {**ERROR, "fix": ""})
    shown = text_of(answer["data"])
    assert shown.startswith("Not sent yet:") and "Needed." in shown, shown
    assert pending(adapter_hub) == []

    fix_it = await modal_of(fake, await pressed(fake))
    assert fix_it["title"] == "Suggest an error (1/2)"  # the page holding the problem
    kept = values_in(fix_it)
    assert kept["title"] == ERROR["title"] and kept["root_cause"] == ERROR["root_cause"]
    [fix] = [box for box in inputs_of(fix_it) if box["custom_id"] == "fix"]
    assert fix["placeholder"] == "Needed."
    await submitted(fake, fix_it, {"fix": ERROR["fix"]})
    page_two = await modal_of(fake, await pressed(fake))
    assert values_in(page_two)["stack"] == ERROR["stack"]  # typed before the problem, kept
    done = await submitted(fake, page_two)
    assert "Proposal #1 is waiting" in text_of(done["data"]), done
    [row] = pending(adapter_hub)
    assert row.entry["fix"] == ERROR["fix"] and row.entry["stack"] == ERROR["stack"]


async def test_suggest_an_edit_of_the_largest_entry_lays_out_and_round_trips(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub
) -> None:
    entry, where = max(
        load_paths([SHIPPED_CONTENT]).entries,
        key=lambda found: max(len(found[0].body or ""), len(found[0].code or "")),
    )
    assert len(entry.body or entry.code or "") > 10_000
    loaded = import_content(adapter_hub.engine, [Path(where.rpartition(":")[0])])
    assert loaded.ok, loaded.problems
    await start_client()
    await answer_of(fake, await fake.slash("show", id=entry.id))
    edit = f"hub:suggest-edit:{entry.id}"
    # A long entry is several messages; the buttons are under the last one.
    card = await fake.wait_for(
        lambda: next((m for m in fake.sent_messages() if edit in custom_ids(m)), None)
    )
    first = await modal_of(fake, await fake.click(card, edit))
    answer, modals = await fill_in(fake, first, {})
    typed = {key: value for modal in modals for key, value in values_in(modal).items()}
    assert "".join(typed[key] for key in sorted(typed) if key.startswith("body.")) == entry.body
    assert "Proposal #1 is waiting" in text_of(answer["data"]), answer
    [row] = pending(adapter_hub)
    assert row.target_id == entry.id
    assert row.entry["body"] == entry.body and row.entry["summary"] == entry.summary


@pytest.mark.parametrize("used_on", ["a reply in the thread", "the message that started it"])
async def test_save_to_hub_drafts_the_thread_in_a_modal(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub, used_on: str
) -> None:
    await start_client()
    starter = fake.posted(CHANNEL_ID, TRACEBACK)
    thread = fake.thread_from(
        starter,
        [
            (GRACE, "The workers had different SECRET_KEYs."),
            (
                ASKER,
                "Setting it from <@900000000000000014>'s env var fixed it, <@900000000000000099>.",
            ),
        ],
    )
    if used_on == "a reply in the thread":
        target = fake.history(thread["id"], {})[0]
        where = {**asker(), "channel_id": thread["id"], "channel": thread}
    else:
        target, where = starter, asker()
    first = await modal_of(fake, await fake.message_menu("Save to hub", target, by=where))
    drafted = values_in(first)
    assert first["title"] == "Save to hub (1/2)"
    assert drafted["title"] == "KeyError: 'user_id'"
    assert "SECRET_KEYs" in drafted["fix"]
    # People mentioned by the names Discord shows; one it does not know stays an id.
    assert "from @grace's env var fixed it, @900000000000000099." in drafted["fix"]
    await submitted(fake, first, {"topic": "python", "root_cause": "Different SECRET_KEYs."})
    page_two = await modal_of(fake, await pressed(fake))
    assert values_in(page_two)["credit"] == "solved in a thread by ada, grace"
    done = await submitted(fake, page_two)
    assert "Proposal #1 is waiting" in text_of(done["data"]), done
    [row] = pending(adapter_hub)
    assert row.entry["source"] == "solved in a thread by ada, grace"


async def test_save_to_hub_on_an_empty_message_says_so(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    answer = await answer_of(
        fake, await fake.message_menu("Save to hub", fake.posted(CHANNEL_ID, ""))
    )
    assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
    assert "nothing in that thread" in text_of(answer["data"])


async def first_page_kept(
    fake: FakeDiscord, start_client: StartClient
) -> tuple[HubClient, dict[str, Any]]:
    """A client started, the question form opened and its first page submitted: the client and
    that page."""
    client = await start_client()
    first = await modal_of(fake, await fake.slash("suggest", kind="question"))
    saved = await submitted(fake, first, QUESTION)
    assert text_of(saved["data"]) == "Part 1 of 2 saved."
    return client, first


async def test_only_the_person_who_opened_a_form_continues_it(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub
) -> None:
    client, first = await first_page_kept(fake, start_client)
    message = next(m for m in fake.sent_messages() if "Part 1 of 2 saved" in text_of(m))
    [button] = custom_ids(message)
    refused = await answer_of(fake, await fake.click(message, button, by=MOD))
    assert refused["type"] == 4 and refused["data"]["flags"] & EPHEMERAL
    assert "belongs to someone else" in text_of(refused["data"])
    theirs = await submitted(fake, first, by=MOD)
    assert "belongs to someone else" in text_of(theirs["data"])

    await client.close()  # after a restart, read back from the store: still theirs alone
    await start_client()
    refused = await answer_of(fake, await fake.click(message, button, by=MOD))
    assert "belongs to someone else" in text_of(refused["data"])
    assert pending(adapter_hub) == []


def open_forms(hub: Hub) -> list[str]:
    with hub.engine.connect() as conn:
        return list(conn.execute(select(form_table.c.token)).scalars())


async def test_a_restart_between_pages_loses_nothing_typed(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub
) -> None:
    client, first = await first_page_kept(fake, start_client)
    await client.close()
    await start_client()
    second = await modal_of(fake, await pressed(fake))
    assert second["title"] == "Suggest a question (2/2)"
    assert second["custom_id"] == first["custom_id"]
    done = await submitted(fake, second, QUESTION)
    assert "Proposal #1 is waiting" in text_of(done["data"]), done
    [row] = pending(adapter_hub)
    assert row.entry["title"] == QUESTION["title"]  # typed on the first page, before the restart
    assert row.entry["deep_dive"] == QUESTION["deep_dive"]
    assert open_forms(adapter_hub) == []  # sent: a retried submit finds nothing to send again
    again = await submitted(fake, second)
    assert "no longer open" in text_of(again["data"]) and len(pending(adapter_hub)) == 1


@pytest.mark.parametrize("kept", ["past its hour", "unreadable"])
async def test_a_restart_does_not_revive_a_form_past_its_hour_or_unreadable(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub, kept: str
) -> None:
    client, _ = await first_page_kept(fake, start_client)
    await client.close()
    restarted = await start_client()
    if kept == "past its hour":
        restarted.forms.keep = 0.0
    else:
        with adapter_hub.engine.begin() as conn:
            conn.execute(update(form_table).values(filling='{"user": "not a form"}'))
    gone = await answer_of(fake, await pressed(fake))
    assert "no longer open" in text_of(gone["data"])
    assert pending(adapter_hub) == []


async def test_a_form_older_than_its_hour_is_closed(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub
) -> None:
    client = await start_client()
    client.forms.keep = 0.0  # every form is past its hour as soon as it is opened
    first = await modal_of(fake, await fake.slash("suggest", kind="error"))
    closed = await submitted(fake, first, ERROR)
    assert "no longer open" in text_of(closed["data"])
    assert pending(adapter_hub) == []


async def test_a_person_keeps_at_most_five_forms_open(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub
) -> None:
    await start_client()
    opened = [await modal_of(fake, await fake.slash("suggest", kind="error")) for _ in range(6)]
    oldest = await submitted(fake, opened[0], ERROR)
    assert "no longer open" in text_of(oldest["data"])  # the sixth closed it
    newest, _pages = await fill_in(fake, opened[-1], ERROR)
    assert text_of(newest["data"]).startswith("Thanks! Proposal #")
    assert len(pending(adapter_hub)) == 1


async def test_a_thread_hubbot_may_not_read_gets_a_short_answer(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    starter = fake.posted(CHANNEL_ID, TRACEBACK)
    thread = fake.thread_from(starter, [(GRACE, "The workers had different SECRET_KEYs.")])
    fake.fail("GET", rf"/channels/{thread['id']}/messages", 403, {"message": "Missing Access"})
    where = {**asker(), "channel_id": thread["id"], "channel": thread}
    target = fake.history(thread["id"], {})[0]
    answer = await answer_of(fake, await fake.message_menu("Save to hub", target, by=where))
    assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
    assert text_of(answer["data"]).startswith("I could not read that thread")


async def test_a_slow_core_shows_the_forms_text_instead(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client(ack_after=0.0)  # deferred at once: a modal can no longer be opened
    interaction = await fake.slash("suggest", kind="error")
    deferred = await answer_of(fake, interaction)
    assert deferred["type"] == 5
    original = await fake.wait_for(
        lambda: fake.calls_to("PATCH", rf"/webhooks/{BOT_ID}/tok\d+/messages/@original")
    )
    assert "/hub suggest error" in text_of(original[-1].body)
