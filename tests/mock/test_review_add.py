"""Putting a question into one's own review by hand: `/hub review add ID` and the *Add to my
review* button on every question card. The card is due at once; a second add keeps it."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import time_machine
from sqlmodel import Session, col, select

from adapters.console import ConsoleChat
from bot.hub import Hub
from bot.models import Entry
from bot.review.commands import REVIEW_USAGE
from bot.review.models import ReviewCard
from tests.mock.conftest import person

ADA, BOB = person("ada"), person("bob")
DJANGO, REACT = "q-django-n-plus-one", "q-react-render-twice"
DJANGO_TITLE = "How do you find and fix N+1 queries in the Django ORM?"


def cards(hub: Hub) -> list[ReviewCard]:
    with Session(hub.engine) as db:
        return list(db.exec(select(ReviewCard).order_by(col(ReviewCard.id))))


def add_button(hub: Hub, entry_id: str) -> tuple[str, str]:
    """The action and value of *Add to my review* on the entry's card from `/hub show`."""
    [card] = hub.handle(ADA, f"/hub show {entry_id}").cards
    [button] = [b for b in card.buttons if b.label == "Add to my review"]
    return button.action, button.value


def test_add_by_id_is_due_at_once_for_that_person_only(hub: Hub) -> None:
    added = hub.handle(ADA, f"/hub review add {DJANGO.upper()}")
    assert not added.error and added.private
    assert (
        added.text.startswith(f"Added *{DJANGO_TITLE}* to your review") and "due now" in added.text
    )
    due = hub.handle(ADA, "/hub review")
    assert due.text == "1 due." and [c.entry_id for c in due.cards] == [DJANGO]
    assert "Nothing due" in hub.handle(BOB, "/hub review").text
    # It is reviewed like a graded one: reveal, grade, and it goes away until due again.
    reveal = due.cards[0].buttons[0]
    shown = hub.handle_action(ADA, reveal.action, reveal.value)
    good = next(b for b in shown.cards[0].buttons if b.label == "Good")
    after = hub.handle_action(ADA, good.action, good.value)
    assert after.text.startswith("Recorded: Good. Nothing due")
    [card] = cards(hub)
    assert (card.user_id, card.reps, card.last_rating) == ("ada", 1, 3)


def test_add_by_button_then_review_shows_it(hub: Hub) -> None:
    action, value = add_button(hub, REACT)
    assert not hub.handle_action(ADA, action, value).error
    assert [c.entry_id for c in hub.handle(ADA, "/hub review").cards] == [REACT]
    # Anyone who sees the card adds it to their own review.
    assert not hub.handle_action(BOB, action, value).error
    assert sorted(c.user_id for c in cards(hub)) == ["ada", "bob"]


def test_adding_twice_keeps_one_card_and_says_when_it_is_due(hub: Hub) -> None:
    hub.handle(ADA, f"/hub review add {DJANGO}")
    again = hub.handle_action(ADA, *add_button(hub, DJANGO))
    assert not again.error
    assert again.text == f"*{DJANGO_TITLE}* is already in your review, due now."
    [card] = cards(hub)
    reveal = hub.handle(ADA, "/hub review").cards[0].buttons[0]
    shown = hub.handle_action(ADA, reveal.action, reveal.value)
    easy = next(b for b in shown.cards[0].buttons if b.label == "Easy")
    hub.handle_action(ADA, easy.action, easy.value)
    [graded] = cards(hub)
    due = graded.due.replace(tzinfo=graded.due.tzinfo or UTC)
    assert due > datetime.now(UTC) + timedelta(days=1)
    third = hub.handle(ADA, f"/hub review add {DJANGO}")
    assert third.text.endswith(f"is already in your review, due {due:%Y-%m-%d %H:%M} UTC.")
    [kept] = cards(hub)
    assert (kept.id, kept.reps, kept.due, kept.fsrs) == (card.id, 1, graded.due, graded.fsrs)
    assert "Nothing due" in hub.handle(ADA, "/hub review").text
    with time_machine.travel(due + timedelta(minutes=1), tick=False):
        assert hub.handle(ADA, f"/hub review add {DJANGO}").text.endswith("due now.")


def test_only_questions_that_are_asked_can_be_added(hub: Hub) -> None:
    with Session(hub.engine) as db:
        entry = db.get(Entry, REACT)
        assert entry is not None
        entry.retired = True
        db.add(entry)
        db.commit()
    said = {
        typed: hub.handle(ADA, typed)
        for typed in (
            "/hub review add q-django-n-plus-on",
            "/hub review add err-node-eaddrinuse",
            "/hub review add snip-python-retry",
            f"/hub review add {REACT}",
            "/hub review add",
            f"/hub review add {DJANGO} now",
        )
    }
    assert all(reply.error for reply in said.values()), said
    texts = [reply.text for reply in said.values()]
    assert texts[0] == f"No entry with id `q-django-n-plus-on`. Did you mean `{DJANGO}`?"
    assert texts[1] == "`err-node-eaddrinuse` is not a question: only questions are reviewed."
    assert texts[2] == "`snip-python-retry` is not a question: only questions are reviewed."
    assert texts[3] == f"`{REACT}` is retired: it is no longer asked."
    assert texts[4] == texts[5] == "Which question? Give one id.\nUsage: `" + REVIEW_USAGE + "`"
    # The button's value is checked as the typed id is: a forged or stale one changes nothing.
    for value in ("q-nope", "err-node-eaddrinuse", REACT, "", "x" * 500):
        assert hub.handle_action(ADA, "review_add", value).error
    assert cards(hub) == []
    assert "Nothing due" in hub.handle(ADA, "/hub review").text


def test_only_question_cards_have_the_button(hub: Hub) -> None:
    for entry_id in ("err-node-eaddrinuse", "snip-python-retry", "art-security-owasp"):
        [card] = hub.handle(ADA, f"/hub show {entry_id}").cards
        assert "review_add" not in [b.action for b in card.buttons], entry_id
    shared = hub.handle_action(ADA, "share", DJANGO)  # the card posted for everyone
    assert "Add to my review" in [b.label for b in shared.cards[0].buttons]


def test_the_button_in_the_console_by_its_number(hub: Hub) -> None:
    chat = ConsoleChat(hub, io.StringIO(), io.StringIO())
    shown = chat.handle_line(f"/hub show {DJANGO}") or ""
    found = re.search(r"\[(\d+)\] Add to my review", shown)
    assert found, shown
    assert (chat.handle_line(found[1]) or "").startswith(f"Added *{DJANGO_TITLE}*")
    assert "already in your review, due now" in (chat.handle_line(found[1]) or "")
    review = chat.handle_line("/hub review") or ""
    assert "1 due." in review and DJANGO_TITLE in review
