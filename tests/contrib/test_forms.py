"""The entry form in the core: each kind's inputs, a problem on the input that has it with what
was typed kept, a submitted form becoming a proposal once, and a thread drafted as an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.commands import ChatContext, ThreadMessage
from bot.content import import_content
from bot.contrib import store as proposals
from bot.contrib.models import State
from bot.hub import Hub
from bot.models import Kind
from bot.replies import Form

ADA = ChatContext("console", "ada", "ada", "general", workspace_id="T1")
ERROR = {
    "title": "KeyError: 'user_id' in a Flask session",
    "topic": "python",
    "root_cause": "The session cookie was signed with another SECRET_KEY, so it came back empty.",
    "fix": "Set the same SECRET_KEY on every worker, from the environment.",
}
NEEDED = {
    Kind.question: {"answer", "level"},
    Kind.error: {"root_cause", "fix"},
    Kind.snippet: {"code", "language"},
    Kind.article: {"body"},
}


def opened(reply_form: Form | None) -> Form:
    assert reply_form is not None
    return reply_form


@pytest.mark.parametrize("kind", list(Kind))
def test_suggest_opens_a_form_with_the_kinds_fields(hub: Hub, kind: Kind) -> None:
    form = opened(hub.handle(ADA, f"/hub suggest {kind.value}").form)
    names = [field.name for field in form.inputs]
    assert names[:2] == ["title", "topic"] and form.action == "suggest"
    required = {field.name for field in form.inputs if field.required}
    assert NEEDED[kind] <= required
    assert len(form.title) <= 24 and all(len(field.label) <= 45 for field in form.inputs)


def test_a_problem_comes_back_on_its_field_with_everything_typed(hub: Hub) -> None:
    typed = {**ERROR, "topic": "pyhton", "fix": ""}
    reply = hub.submit_form(ADA, "suggest", "new:error", typed)
    form = opened(reply.form)
    errors = {field.name: field.error for field in form.inputs if field.error}
    assert set(errors) == {"fix"}  # a missing field first; the topic is checked once all are there
    assert {field.name: field.value for field in form.inputs}["title"] == ERROR["title"]
    typed["fix"] = ERROR["fix"]
    form = opened(hub.submit_form(ADA, "suggest", "new:error", typed).form)
    topic = next(field for field in form.inputs if field.name == "topic")
    assert "python" in topic.error and topic.value == "pyhton"
    assert proposals.listing(hub.engine, State.pending, "console", "T1") == []


def test_a_field_over_its_limit_is_refused_there(hub: Hub) -> None:
    reply = hub.submit_form(ADA, "suggest", "new:error", {**ERROR, "fix": "x" * 5_000})
    fix = next(field for field in opened(reply.form).inputs if field.name == "fix")
    assert "5,000 characters" in fix.error and fix.value == "x" * 5_000  # nothing typed is lost
    assert fix.max_length >= len(fix.value)  # a platform's box can hold it to be shortened there


def test_how_an_entry_is_asked_for_is_a_line_each(hub: Hub) -> None:
    asked = "flask forgets who is logged in after a deploy\n\n  session empty on one worker  \n"
    too_long = hub.submit_form(
        ADA, "suggest", "new:error", {**ERROR, "asked_as": "x\n" + "y" * 121}
    )
    field = next(field for field in opened(too_long.form).inputs if field.name == "asked_as")
    assert field.error.startswith("line 2: ") and "120 characters" in field.error
    too_many = "\n".join(f"way {n}" for n in range(9))
    refused = hub.submit_form(ADA, "suggest", "new:error", {**ERROR, "asked_as": too_many})
    assert refused.error and "8" in next(f.error for f in opened(refused.form).inputs if f.error)
    assert proposals.listing(hub.engine, State.pending, "console", "T1") == []
    sent = hub.submit_form(ADA, "suggest", "new:error", {**ERROR, "asked_as": asked})
    assert "Proposal #" in sent.text, sent.text
    [row] = proposals.listing(hub.engine, State.pending, "console", "T1")
    assert row.entry["asked_as"] == [
        "flask forgets who is logged in after a deploy",
        "session empty on one worker",
    ]


def test_an_edit_keeps_an_entry_title_longer_than_a_new_one_may_be(hub: Hub) -> None:
    entry_id = "err-react-duplicate-keys"  # its title is 277 characters; a new one may have 200
    shipped = Path(__file__).parents[2] / "content/errors/react" / f"{entry_id}.md"
    assert import_content(hub.engine, [shipped]).ok
    form = opened(hub.handle_action(ADA, "suggest-edit", entry_id).form)
    values = {field.name: field.value for field in form.inputs}
    title = next(field for field in form.inputs if field.name == "title")
    assert len(values["title"]) > 200 and title.max_length >= len(values["title"])
    reply = hub.submit_form(ADA, "suggest", form.value, {**values, "fix": values["fix"] + " ."})
    assert "Proposal #" in reply.text, reply.text
    row = proposals.listing(hub.engine, State.pending, "console", "T1")[0]
    assert row.entry["title"] == values["title"]
    longer = {**values, "title": values["title"] + " x" * 10}
    again = opened(hub.submit_form(ADA, "suggest", form.value, longer).form)
    assert "characters" in next(f.error for f in again.inputs if f.name == "title")


def test_a_submitted_form_is_one_proposal_however_often_it_arrives(hub: Hub) -> None:
    first = hub.submit_form(ADA, "suggest", "new:error", ERROR)
    again = hub.submit_form(ADA, "suggest", "new:error", ERROR)
    assert "Proposal #" in first.text and "already sent" in again.text
    assert len(proposals.listing(hub.engine, State.pending, "console", "T1")) == 1


@pytest.mark.parametrize("value", ["edit:no-such-entry", "new:poem", "", "proposal:1"])
def test_a_form_naming_nothing_known_sends_nothing(hub: Hub, value: str) -> None:
    reply = hub.submit_form(ADA, "suggest", value, ERROR)
    assert reply.error and reply.form is None
    assert proposals.listing(hub.engine, State.pending, "console", "T1") == []


def test_an_unknown_form_sends_nothing(hub: Hub) -> None:
    reply = hub.submit_form(ADA, "no-such-form", "new:error", ERROR)
    assert reply.error and "out of date" in reply.text


def test_suggest_an_edit_opens_the_form_filled_with_the_entry(hub: Hub) -> None:
    entry_id = "q-django-n-plus-one"
    form = opened(hub.handle_action(ADA, "suggest-edit", entry_id).form)
    values = {field.name: field.value for field in form.inputs}
    assert (
        form.value.startswith(f"edit:{entry_id}:")
        and values["topic"] == "django"
        and values["answer"]
    )
    assert len(f"edit:{'x' * 64}:{form.value.rpartition(':')[2]}") <= 80  # Form.value's limit
    edited = {**values, "answer": values["answer"] + " select_related joins."}
    reply = hub.submit_form(ADA, "suggest", form.value, edited)
    assert "Proposal #" in reply.text
    row = proposals.listing(hub.engine, State.pending, "console", "T1")[0]
    assert row.target_id == entry_id and row.base_text
    assert row.entry["role"] == "backend"  # not on the form, kept from the entry


def test_a_thread_is_drafted_as_an_error_entry_crediting_its_people(hub: Hub) -> None:
    thread = [
        ThreadMessage("U1", "ada", 'Traceback (most recent call last):\n  File "app.py", line 3, '
                      "in <module>\nKeyError: 'user_id'"),
        ThreadMessage("U2", "grace", "The workers had different SECRET_KEYs."),
        ThreadMessage("U1", "ada", "Setting it from the environment fixed it."),
    ]  # fmt: skip
    reply = hub.save_thread(ADA, thread)
    form = opened(reply.form)
    fallback = reply.cards[0].code  # where no form can be opened: the draft as text to send
    assert fallback is not None and "SECRET_KEYs" in fallback.text
    values = {field.name: field.value for field in form.inputs}
    assert values["title"] == "KeyError: 'user_id'" and form.value == "thread:error"
    assert "SECRET_KEYs" in values["fix"] and "environment" in values["fix"]
    assert "ada" in values["credit"] and "grace" in values["credit"]


def test_an_empty_thread_saves_nothing(hub: Hub) -> None:
    reply = hub.save_thread(ADA, [ThreadMessage("U1", "ada", "  ")])
    assert reply.error and reply.form is None


def test_control_characters_are_stripped_from_every_field(hub: Hub) -> None:
    # DEL, C1 controls (CSI \x9b, NEL \x85) and the right-to-left override that makes a card
    # read backwards: none is text a person means.
    dirty = "\x7f\x9b31m\x85\u202e"
    typed = {name: (text + dirty if name != "topic" else text) for name, text in ERROR.items()}
    assert "Proposal #" in hub.submit_form(ADA, "suggest", "new:error", typed).text
    [row] = proposals.listing(hub.engine, State.pending, "console", "T1")
    for name in ("title", "root_cause", "fix"):
        stored = row.entry[name]
        assert not any(ch in stored for ch in "\x7f\x9b\x85\u202e"), (name, stored)


def test_an_article_sent_as_text_has_the_forms_limit_for_its_body(hub: Hub) -> None:
    body = ("CSRF tricks a signed-in browser into sending a request it did not mean. " * 80)[:6_000]
    sent = hub.handle(
        ADA, f"/hub suggest article\ntitle: CSRF in one page\ntopic: security\n\n{body}"
    )
    assert "Proposal #" in sent.text, sent.text
    too_long = hub.handle(
        ADA, f"/hub suggest article\ntitle: CSRF\ntopic: security\n\n{'x' * 12_001}"
    )
    assert too_long.error and "12,000" in too_long.text


def test_an_edit_sent_as_text_keeps_an_entry_title_longer_than_a_new_one_may_be(hub: Hub) -> None:
    entry_id = "err-react-duplicate-keys"  # its title is 277 characters
    shipped = Path(__file__).parents[2] / "content/errors/react" / f"{entry_id}.md"
    assert import_content(hub.engine, [shipped]).ok
    template = hub.handle_action(ADA, "suggest-edit", entry_id).cards[0].code
    assert template is not None
    edited = template.text.replace("## Fix\n\n", "## Fix\n\nGive each child a stable key. ", 1)
    assert edited != template.text
    reply = hub.handle(ADA, edited)
    assert "Proposal #" in reply.text, reply.text


def test_a_credit_the_form_never_showed_is_not_taken(hub: Hub) -> None:
    forged = {**ERROR, "credit": "written by the CTO"}  # a new entry's form has no Credit input
    assert "Proposal #" in hub.submit_form(ADA, "suggest", "new:error", forged).text
    [row] = proposals.listing(hub.engine, State.pending, "console", "T1")
    assert "source" not in row.entry or row.entry["source"] == "hubbot", row.entry
