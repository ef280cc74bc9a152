"""`/hub review`: your due questions, privately, one at a time: think, reveal, grade yourself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from bot import library
from bot.cards import grading_card
from bot.commands import Arg, ArgKind, ChatContext, action, command
from bot.member import Member
from bot.mock.session import RATINGS
from bot.replies import Button, Card, Reply, Section, Style, usage
from bot.review.remind import set_reminder
from bot.review.store import Conflict, card_for, due_cards, grade

if TYPE_CHECKING:
    from bot.hub import Hub

REVIEW_USAGE = "/hub review [remind on|off]"
# A review button names a card by its question: only the clicker's own card (same platform,
# workspace and person) is ever shown or graded.
NOT_YOURS = Reply(text="That review question is no longer available.", error=True)


@command(
    "review",
    REVIEW_USAGE,
    "your questions due for spaced-repetition review",
    args=(
        Arg(
            "remind",
            "Turn the daily reminder by direct message on or off",
            ArgKind.choice,
            choices=("on", "off"),
            prefix="remind ",
        ),
    ),
)
def review_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    words = args.lower().split()
    if not words:
        return next_due(hub, ctx)
    if words[0] == "remind" and len(words) == 2 and words[1] in ("on", "off"):
        set_reminder(hub.engine, Member.of(ctx), words[1] == "on")
        if words[1] == "on":
            return Reply(text="I'll DM you once a day when questions are due for review.")
        return Reply(text="Daily review reminders are off.")
    return usage("Try `/hub review`, or turn the daily DM on or off.", REVIEW_USAGE)


def next_due(hub: Hub, ctx: ChatContext, done: str = "", replace: bool = False) -> Reply:
    due = due_cards(hub.engine, Member.of(ctx))
    card, entry = next(
        ((c, e) for c in due if (e := library.entry(hub.engine, c.entry_id)) is not None),
        (None, None),
    )  # the most overdue card whose question still exists
    if card is None or entry is None:
        text = "Nothing due for review. Grades from mock interviews schedule questions here."
        return Reply(text=(done + " " + text).strip(), replace=replace)
    return Reply(
        text=(done + f" {len(due)} due.").strip(),
        cards=(
            Card(
                title=entry.title,
                subtitle=" · ".join(p for p in (entry.topic, entry.level) if p),
                text="Answer it in your head (or out loud), then reveal.",
                buttons=(
                    Button("Reveal", "review_reveal", f"{entry.id}:{card.reps}", Style.primary),
                ),
                entry_id=entry.id,
            ),
        ),
        replace=replace,
    )


def _split(value: str, parts: int) -> list[str] | None:
    pieces = value.rsplit(":", parts - 1)
    if len(pieces) != parts or not all(p.isdigit() for p in pieces[1:]):
        return None
    return pieces


@action("review_reveal")
def reveal_button(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    pieces = _split(value, 2)
    if pieces is None:
        return Reply(text="That button is broken.", error=True)
    entry_id, reps = pieces[0][:64], int(pieces[1])
    card = card_for(hub.engine, Member.of(ctx), entry_id)
    entry = library.entry(hub.engine, entry_id)
    if card is None or entry is None:
        return NOT_YOURS
    if card.reps != reps:
        return Reply(text="You've already graded that one.", error=True)
    sections = [Section("Common mistakes", entry.common_mistakes)] if entry.common_mistakes else []
    buttons = tuple(
        Button(label, "review_grade", f"{entry.id}:{reps}:{rating}")
        for rating, label in RATINGS.items()
    )
    return Reply(
        cards=(grading_card(entry, sections, buttons, "How did you do?"),),
        replace=True,
    )


@action("review_grade")
def grade_button(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    pieces = _split(value, 3)
    if pieces is None or int(pieces[2]) not in RATINGS:
        return Reply(text="That button is broken.", error=True)
    entry_id, reps, rating = pieces[0][:64], int(pieces[1]), int(pieces[2])
    who = Member.of(ctx)
    if card_for(hub.engine, who, entry_id) is None:
        return NOT_YOURS
    try:
        grade(hub.engine, who, entry_id, rating, expected_reps=reps)
    except (Conflict, IntegrityError):
        return Reply(text="You've already graded that one.", error=True)
    return next_due(hub, ctx, done=f"Recorded: {RATINGS[rating]}.", replace=True)
