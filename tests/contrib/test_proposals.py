"""Contributions through the core and the console, on SQLite and PostgreSQL: suggest, moderate,
approve (searchable from a second hub on the same store), reject with a reason, edit an entry."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic import command

from adapters.console import ConsoleChat
from bot import library
from bot.commands import ChatContext
from bot.config import SHIPPED_CONTENT
from bot.content import import_content, load_paths
from bot.content.store import entry_data
from bot.contrib import store as proposals
from bot.contrib.draft import draft_text, parse_draft
from bot.contrib.models import Proposal, State
from bot.contrib.notify import send_notices
from bot.db import alembic_config, upgrade
from bot.hub import Hub
from bot.replies import Reply

ADA = ChatContext("console", "ada", "ada", "general", workspace_id="T1")
MOD = ChatContext("console", "mo", "mo", "mods", workspace_id="T1", can_manage_channel=True)
EVE = ChatContext("console", "eve", "eve", "general", workspace_id="T1")
RIVAL = ChatContext("console", "ri", "ri", "x", workspace_id="T2", can_manage_channel=True)

QUESTION = """/hub suggest question
title: What does a Python generator's send() do?
topic: python
level: mid

It resumes the generator and makes the paused yield expression evaluate to the value.

## Deep dive

The first send must be None: the generator has not reached a yield yet.
"""


def run(hub: Hub, ctx: ChatContext, text: str) -> Reply:
    return hub.handle(ctx, text)


def proposal_id(reply: Reply) -> str:
    assert "Proposal #" in reply.text, reply.text
    return reply.text.split("#", 1)[1].split(" ", 1)[0]


def moderated(hub: Hub) -> io.StringIO:
    """The console as the platform: the moderators' channel set, what it prints kept."""
    out = io.StringIO()
    ConsoleChat(hub, io.StringIO(), out)
    assert not run(hub, MOD, "/hub moderation channel #mods").error
    return out


async def test_suggest_approve_and_a_second_hub_finds_it(hub: Hub) -> None:
    out = moderated(hub)
    number = proposal_id(run(hub, ADA, QUESTION))
    assert await send_notices(hub) == 1
    assert "Proposal #" in out.getvalue() and "Approve" in out.getvalue()

    approved = run(hub, MOD, f"/hub proposals approve {number}")
    assert "Approved" in approved.text, approved.text
    assert await send_notices(hub) == 1
    assert "was approved" in out.getvalue()

    second = Hub(hub.settings, hub.engine)
    found = second.handle(ADA, "/hub search generator send yield")
    assert found.cards and found.cards[0].title == "What does a Python generator's send() do?"
    entry = second.handle(ADA, f"/hub show {found.cards[0].entry_id}").cards[0]
    assert entry.entry_id is not None
    row = store_row(hub, number)
    assert row.state == State.approved and row.entry_id == entry.entry_id


def store_row(hub: Hub, number: str) -> Proposal:
    row = proposals.get(hub.engine, int(number))
    assert row is not None
    return row


async def test_reject_with_a_reason_reaches_the_author(hub: Hub) -> None:
    out = moderated(hub)
    number = proposal_id(run(hub, ADA, QUESTION))
    asked = run(hub, MOD, f"/hub proposals reject {number}")
    assert asked.error and f"/hub proposals reject {number} <reason>" in asked.text
    assert "Rejected" in run(hub, MOD, f"/hub proposals reject {number} Duplicate of q-gen").text
    await send_notices(hub)
    assert "Duplicate of q-gen" in out.getvalue()


def test_a_form_sent_twice_makes_one_proposal(hub: Hub) -> None:
    first = proposal_id(run(hub, ADA, QUESTION))
    again = run(hub, ADA, QUESTION)
    assert f"already sent this: it is proposal #{first}" in again.text
    assert len(proposals.listing(hub.engine)) == 1


def test_bad_input_names_the_field_and_stores_nothing(hub: Hub) -> None:
    long = QUESTION.replace("It resumes", "x" * 5000 + " It resumes")
    reply = run(hub, ADA, long)
    assert reply.error and "Answer: 5,0" in reply.text and "at most 4,000" in reply.text
    reply = run(hub, ADA, QUESTION.replace("topic: python", "topic: pyhton"))
    assert reply.error and "topic" in reply.text
    template = run(hub, ADA, "/hub suggest error")
    assert template.cards and template.cards[0].code is not None
    assert "## Root cause" in template.cards[0].code.text
    assert proposals.listing(hub.engine) == []


def test_only_moderators_of_the_workspace_decide(hub: Hub) -> None:
    number = proposal_id(run(hub, ADA, QUESTION))
    assert run(hub, EVE, f"/hub proposals approve {number}").text.startswith("Only")
    other = hub.handle_action(RIVAL, "proposal-approve", number)
    assert "no longer available" in other.text
    assert store_row(hub, number).state == State.pending
    assert "is now a moderator" in run(hub, MOD, "/hub moderators add @eve").text
    assert "Approved" in hub.handle_action(EVE, "proposal-approve", number).text


def test_two_moderators_approve_at_once_applied_once(hub: Hub) -> None:
    number = proposal_id(run(hub, ADA, QUESTION))
    second = Hub(hub.settings, hub.engine)
    with ThreadPoolExecutor(2) as pool:
        replies = list(
            pool.map(lambda h: h.handle_action(MOD, "proposal-approve", number), [hub, second, hub])
        )
    assert sum("Approved" in r.text for r in replies) == 1, [r.text for r in replies]
    search = hub.searcher.search("generator send", limit=10)
    assert sum(h.title.startswith("What does a Python generator") for h in search.hits) == 1


async def test_suggest_an_edit_shows_a_diff_and_approving_updates_the_entry(hub: Hub) -> None:
    out = moderated(hub)
    template = hub.handle_action(ADA, "suggest-edit", "q-react-render-twice")
    assert template.cards and template.cards[0].code is not None
    text = template.cards[0].code.text
    assert text.startswith("/hub suggest edit q-react-render-twice\ntitle:")
    edited = text.replace("React calls the render function twice", "React renders twice", 1)
    assert edited != text
    number = proposal_id(run(hub, ADA, edited))
    await send_notices(hub)
    assert "-React calls the render function twice" in out.getvalue()
    assert "+React renders twice" in out.getvalue()
    assert "Approved" in run(hub, MOD, f"/hub proposals approve {number}").text
    entry = library.entry(hub.engine, "q-react-render-twice")
    assert entry is not None and entry.source == "contributed by ada (console)"
    assert "React renders twice" in entry_data(entry).model_dump_json()


async def test_mentions_are_defused_in_every_field(hub: Hub) -> None:
    out = moderated(hub)
    loud = QUESTION.replace("What does", "<!channel> @everyone <@U1> What does").replace(
        "The first send", "@here <@&9> The first send"
    )
    name = ChatContext("console", "ada", "@everyone", "general", workspace_id="T1")
    proposal_id(run(hub, name, loud))
    await send_notices(hub)
    printed = out.getvalue()
    for ping in ("@everyone", "@here", "<@U1>", "<@&9>", "@channel"):
        assert ping not in printed, ping


def test_forget_me_anonymises_proposals(hub: Hub) -> None:
    proposal_id(run(hub, ADA, QUESTION))
    assert "proposals" in run(hub, ADA, "/hub forget me").text
    [row] = proposals.listing(hub.engine, None)
    assert (row.user_id, row.author_name, row.state) == ("(forgotten)", "(forgotten)", "withdrawn")


ASKED_ERROR = """---
id: err-node-port-taken
kind: error
title: "Error: listen EADDRINUSE: address already in use <host>:<port>"
variants: ["EADDRINUSE <port>"]
topic: nodejs
role: backend
asked_as:
- npm start says the port is already taken
- another server still holds port 3000
stack: node
---
## Root cause

Another process listens on the port.

## Fix

Stop it, or listen on another port.
"""


def port_taken_text(hub: Hub, tmp_path: Path) -> str:
    """ASKED_ERROR imported, moderated, and its text as *Suggest an edit* gives it to ADA."""
    folder = tmp_path / "errors" / "nodejs"
    folder.mkdir(parents=True)
    (folder / "err-node-port-taken.md").write_text(ASKED_ERROR, encoding="utf-8")
    assert import_content(hub.engine, [tmp_path]).ok
    moderated(hub)
    template = hub.handle_action(ADA, "suggest-edit", "err-node-port-taken")
    assert template.cards and template.cards[0].code is not None
    return template.cards[0].code.text


def test_an_edit_sent_as_text_keeps_what_the_text_does_not_show(hub: Hub, tmp_path: Path) -> None:
    text = port_taken_text(hub, tmp_path)
    number = proposal_id(run(hub, ADA, text.replace("Stop it, or", "Stop the other process, or")))
    assert "Approved" in run(hub, MOD, f"/hub proposals approve {number}").text
    row = library.entry(hub.engine, "err-node-port-taken")
    assert row is not None and "Stop the other process" in (row.fix or "")
    assert row.variants == ["EADDRINUSE <port>"]
    assert row.asked_as == [
        "npm start says the port is already taken",
        "another server still holds port 3000",
    ]
    assert row.role == "backend"


def test_the_text_of_an_entry_changes_how_it_is_asked_for(hub: Hub, tmp_path: Path) -> None:
    text = port_taken_text(hub, tmp_path)
    assert "\nasked: another server still holds port 3000\n" in text
    edited = text.replace(
        "asked: another server still holds port 3000", "asked: node app cannot bind its port"
    )
    number = proposal_id(run(hub, ADA, edited))
    card = run(hub, MOD, f"/hub proposals show {number}").cards[0]
    assert card.code is not None and "+asked: node app cannot bind its port" in card.code.text
    assert "Approved" in run(hub, MOD, f"/hub proposals approve {number}").text
    row = library.entry(hub.engine, "err-node-port-taken")
    assert row is not None and row.asked_as == [
        "npm start says the port is already taken",
        "node app cannot bind its port",
    ]
    assert hub.searcher.search("cannot bind its port").hits[0].id == "err-node-port-taken"
    # A phrasing over its limit is refused, naming the field; nothing is proposed.
    refused = run(hub, ADA, edited.replace("node app", "node app " + "x" * 120))
    assert refused.error and "asked_as" in refused.text
    assert len(proposals.listing(hub.engine, None)) == 1


def test_a_pending_edit_made_before_the_upgrade_stays_approvable(hub: Hub, tmp_path: Path) -> None:
    text = port_taken_text(hub, tmp_path)
    number = proposal_id(run(hub, ADA, text.replace("Stop it, or", "Stop the server, or")))
    # Down to the schema before texts showed `asked:` lines: the base text is as it was then.
    command.downgrade(alembic_config(hub.engine), "0021_entry_asked_as")
    [legacy] = proposals.listing(hub.engine, None)
    assert legacy.base_text is not None and "asked:" not in legacy.base_text
    upgrade(hub.engine)
    assert "Approved" in run(hub, MOD, f"/hub proposals approve {number}").text
    row = library.entry(hub.engine, "err-node-port-taken")
    assert row is not None and "Stop the server" in (row.fix or "")
    assert len(row.asked_as) == 2


def test_every_shipped_entry_comes_back_whole_from_its_text() -> None:
    for entry, _ in load_paths([SHIPPED_CONTENT]).entries:
        assert parse_draft(entry.kind, draft_text(entry), entry) == entry, entry.id
