"""A moderator's *Edit* on a pending proposal, and a thread's draft, through the core on SQLite
and PostgreSQL: the form filled with the proposed entry, the edit a compare-and-set on the
proposal's version (a form opened on an older version comes back with what was typed), and
nobody but a moderator of the proposal's workspace, while it is pending, changes anything."""

from __future__ import annotations

import pytest

from bot import library
from bot.commands import ThreadMessage
from bot.content.store import entry_data
from bot.contrib import store as proposals
from bot.contrib.models import Proposal, State
from bot.contrib.thread import error_title
from bot.hub import Hub
from bot.replies import Form, Reply

from .test_forms import ERROR, opened
from .test_proposals import ADA, EVE, MOD, RIVAL, proposal_id

NODE_PASTE = """node:events:497
      throw er; // Unhandled 'error' event
      ^

Error: listen EADDRINUSE: address already in use :::8080
    at Server.setupListenHandle [as _listen2] (node:net:1817:16)"""


def proposed(hub: Hub) -> str:
    return proposal_id(hub.submit_form(ADA, "suggest", "new:error", ERROR))


def row_of(hub: Hub, number: str) -> Proposal:
    row = proposals.get(hub.engine, int(number))
    assert row is not None
    return row


def values(form: Form) -> dict[str, str]:
    return {field.name: field.value for field in form.inputs}


def edit_form(hub: Hub, number: str) -> Form:
    return opened(hub.handle_action(MOD, "proposal-edit", number).form)


def save(hub: Hub, form: Form, **changed: str) -> Reply:
    return hub.submit_form(MOD, form.action, form.value, {**values(form), **changed})


def test_the_card_carries_edit_and_a_moderator_edits_the_pending_proposal(hub: Hub) -> None:
    number = proposed(hub)
    [card] = hub.handle(MOD, f"/hub proposals show {number}").cards
    assert [(b.label, b.action, b.value) for b in card.buttons] == [
        ("Approve", "proposal-approve", number),
        ("Edit", "proposal-edit", number),
        ("Reject", "proposal-reject", number),
    ]
    form = edit_form(hub, number)
    assert form.value == f"proposal:{number}:1" and values(form)["fix"] == ERROR["fix"]
    reply = save(hub, form, fix="Read SECRET_KEY from the environment on every worker.")
    assert reply.text == f"Edited proposal #{number}." and reply.form is None
    assert reply.cards and "Read SECRET_KEY from the environment" in str(reply.cards[0].code)
    row = row_of(hub, number)
    assert row.version == 2 and row.state == State.pending
    assert row.entry["fix"] == "Read SECRET_KEY from the environment on every worker."
    assert "Approved" in hub.handle_action(MOD, "proposal-approve", number).text


def test_a_problem_in_the_edit_comes_back_on_its_field(hub: Hub) -> None:
    number = proposed(hub)
    reply = save(hub, edit_form(hub, number), fix="x" * 5_000)
    fix = next(field for field in opened(reply.form).inputs if field.name == "fix")
    assert reply.error and "5,000 characters" in fix.error
    assert row_of(hub, number).version == 1


def test_nobody_else_edits_and_a_decided_proposal_is_not_edited(hub: Hub) -> None:
    number = proposed(hub)
    form = edit_form(hub, number)
    refused = [
        hub.handle_action(EVE, "proposal-edit", number),
        hub.submit_form(EVE, form.action, form.value, {**values(form), "fix": "Mine now."}),
        hub.handle_action(RIVAL, "proposal-edit", number),
        hub.submit_form(RIVAL, form.action, form.value, {**values(form), "fix": "Mine now."}),
        hub.handle_action(MOD, "proposal-edit", "999"),
        hub.submit_form(MOD, form.action, f"proposal:{number}", values(form)),
    ]
    assert [reply.form for reply in refused] == [None] * len(refused)
    assert refused[0].text.startswith("Only this workspace's moderators")
    assert "no longer available" in refused[2].text and "no longer available" in refused[3].text
    assert row_of(hub, number).version == 1
    assert "Approved" in hub.handle_action(MOD, "proposal-approve", number).text
    late = [hub.handle_action(MOD, "proposal-edit", number), save(hub, form, fix="Too late.")]
    assert [reply.text for reply in late] == [f"Proposal #{number} was already approved."] * 2
    assert row_of(hub, number).entry["fix"] == ERROR["fix"]


def test_of_two_edits_on_one_version_one_applies_and_the_other_keeps_its_text(
    hub: Hub,
) -> None:
    number = proposed(hub)
    first, second = edit_form(hub, number), edit_form(hub, number)
    assert "Edited" in save(hub, first, fix="The first moderator's fix.").text
    late = save(hub, second, fix="The second moderator's fix.")
    assert late.error and "changed meanwhile" in late.text
    again = opened(late.form)
    assert values(again)["fix"] == "The second moderator's fix."
    assert again.value == f"proposal:{number}:2"
    assert row_of(hub, number).entry["fix"] == "The first moderator's fix."
    assert "Edited" in save(hub, again).text  # knowingly, on the version now there
    row = row_of(hub, number)
    assert (row.version, row.entry["fix"]) == (3, "The second moderator's fix.")


def test_a_thread_draft_takes_the_readable_error_line_and_the_matching_topic(hub: Hub) -> None:
    thread = [
        ThreadMessage("U1", "ada", NODE_PASTE),
        ThreadMessage("U2", "grace", "Something else listened on 8080: `lsof -i :8080`."),
    ]
    form = opened(hub.save_thread(ADA, thread).form)
    drafted = values(form)
    assert drafted["title"] == "Error: listen EADDRINUSE: address already in use :::<port>"
    assert drafted["topic"] == "nodejs"  # the archive's entry for this error
    unknown = opened(hub.save_thread(ADA, [ThreadMessage("U1", "ada", "KeyError: 'x'")]).form)
    assert values(unknown)["topic"] == ""  # no plausible match: left for the person


@pytest.mark.parametrize(
    ("paste", "title"),
    [
        ('Traceback (most recent call last):\n  File "/srv/app.py", line 3, in <module>\n'
         "KeyError: 'user_id'", "KeyError: 'user_id'"),
        ("Error: connect ECONNREFUSED 127.0.0.1:5432", "Error: connect ECONNREFUSED <host>:<port>"),
        ("Error: ENOENT: no such file or directory, open '/home/ada/app/config.json'",
         "Error: ENOENT: no such file or directory, open '<path>'"),
        ("(node:48213) Warning: request 3f2a9c1e-1b2c-4d5e-8f90-123456789abc failed at 0x7ffd5e8c",
         "Warning: request <id> failed at <address>"),
        ("TypeError: can't concatenate str and int (main.py:12:4)",
         "TypeError: can't concatenate str and int (main.py:<line>)"),
        ("fatal: unable to access 'https://github.com/ada/x.git/': Could not resolve host",
         "fatal: unable to access '<url>': Could not resolve host"),
    ],
)  # fmt: skip
def test_an_error_title_drops_what_varies_and_keeps_what_it_says(paste: str, title: str) -> None:
    assert error_title(paste) == title


def test_a_saved_thread_credits_its_people_on_the_card_and_in_the_approved_entry(
    hub: Hub,
) -> None:
    thread = [
        ThreadMessage("U1", "ada", NODE_PASTE),
        ThreadMessage("U2", "grace", "Something else listened on 8080: `lsof -i :8080`."),
    ]
    form = opened(hub.save_thread(ADA, thread).form)
    typed = {**values(form), "root_cause": "Another process holds the port."}
    number = proposal_id(hub.submit_form(ADA, form.action, form.value, typed))
    [card] = hub.handle(MOD, f"/hub proposals show {number}").cards
    assert "solved in a thread by ada, grace" in card.subtitle  # the moderator sees the credit
    assert "Approved" in hub.handle_action(MOD, "proposal-approve", number).text
    written = row_of(hub, number).entry_id
    entry = library.entry(hub.engine, written or "")
    assert entry is not None and entry.source == "solved in a thread by ada, grace"


def test_an_edit_proposed_on_an_older_version_of_the_entry_does_not_undo_a_newer_one(
    hub: Hub,
) -> None:
    entry_id = "q-django-n-plus-one"
    form = opened(hub.handle_action(ADA, "suggest-edit", entry_id).form)
    before = values(form)
    first = hub.submit_form(ADA, "suggest", form.value, {**before, "answer": "Ada's answer."})
    second = hub.submit_form(EVE, "suggest", form.value, {**before, "level": "senior"})
    ada, eve = proposal_id(first), proposal_id(second)
    assert "Approved" in hub.handle_action(MOD, "proposal-approve", ada).text
    refused = hub.handle_action(MOD, "proposal-approve", eve)
    assert refused.error and "changed since" in refused.text
    entry = library.entry(hub.engine, entry_id)
    assert entry is not None and "Ada's answer." in entry_data(entry).model_dump_json()
    assert row_of(hub, eve).state == State.pending


def test_an_edit_form_opened_before_the_entry_changed_comes_back_with_what_was_typed(
    hub: Hub,
) -> None:
    entry_id = "q-django-n-plus-one"
    ada_form = opened(hub.handle_action(ADA, "suggest-edit", entry_id).form)
    eve_form = opened(hub.handle_action(EVE, "suggest-edit", entry_id).form)
    ada = hub.submit_form(ADA, "suggest", ada_form.value, {**values(ada_form), "answer": "New."})
    assert "Approved" in hub.handle_action(MOD, "proposal-approve", proposal_id(ada)).text
    typed = {**values(eve_form), "level": "senior"}  # still holds the old answer
    late = hub.submit_form(EVE, "suggest", eve_form.value, typed)
    assert late.error and "changed since" in late.text
    again = opened(late.form)
    assert values(again)["level"] == "senior" and again.value != eve_form.value
    assert proposals.listing(hub.engine, State.pending, "console", "T1") == []
    # Sent again knowingly, on the entry as it is now: a proposal, its diff against the new text.
    assert "Proposal #" in hub.submit_form(EVE, "suggest", again.value, values(again)).text
