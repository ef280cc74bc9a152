"""`/hub review`: your due questions, privately, one at a time: think, reveal, grade yourself."""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from bot import library
from bot.cards import grading_card
from bot.commands import Arg, ArgKind, ChatContext, Suggest, action, command
from bot.lookup import find_entry, no_entry
from bot.member import Member
from bot.mock.session import RATINGS
from bot.models import Kind, utcnow
from bot.replies import Button, Card, Reply, Section, Style, usage
from bot.review.models import ReviewCard
from bot.review.remind import set_reminder
from bot.review.store import Conflict, add, card_for, due_cards, grade

if TYPE_CHECKING:
    from bot.hub import Hub

REVIEW_USAGE = "/hub review [add <id> | remind on|off]"
# A review button names a card by its question: only the clicker's own card (same platform,
# workspace and person) is ever shown or graded.
NOT_YOURS = Reply(text="That review question is no longer available.", error=True)


@command(
    "review",
    REVIEW_USAGE,
    "your questions due for spaced-repetition review",
    args=(
        Arg(
            "add",
            "Put a question into your review (start typing its title)",
            ArgKind.word,
            suggest=Suggest.question,
            prefix="add ",
        ),
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
    if words[0] == "add" and len(words) == 2:
        return add_to_review(hub, ctx, words[1])
    if words[0] == "add":
        return usage("Which question? Give one id.", REVIEW_USAGE)
    return usage("Try `/hub review`, or turn the daily DM on or off.", REVIEW_USAGE)


def add_to_review(hub: Hub, ctx: ChatContext, entry_id: str) -> Reply:
    """Put a question into the person's review, due now (`/hub review add`, *Add to my review*)."""
    wanted = entry_id.strip().lower()[:64]
    entry = find_entry(hub, wanted)
    if entry is None:
        return Reply(text=no_entry(hub, wanted), error=True)
    if entry.kind != Kind.question:
        return Reply(
            text=f"`{entry.id}` is not a question: only questions are reviewed.", error=True
        )
    if entry.retired:
        return Reply(text=f"`{entry.id}` is retired: it is no longer asked.", error=True)
    who = Member.of(ctx)
    if add(hub.engine, who, entry.id):
        return Reply(text=f"Added *{entry.title}* to your review: due now, `/hub review` shows it.")
    card = card_for(hub.engine, who, entry.id)
    return Reply(text=f"*{entry.title}* is already in your review, due {when(card)}.")


def when(card: ReviewCard | None) -> str:
    """When a card is due, as a person reads it (a card gone meanwhile was forgotten: now)."""
    due = card.due.replace(tzinfo=card.due.tzinfo or UTC) if card else utcnow()
    return "now" if due <= utcnow() else f"{due:%Y-%m-%d %H:%M} UTC"


def next_due(hub: Hub, ctx: ChatContext, done: str = "", replace: bool = False) -> Reply:
    due = due_cards(hub.engine, Member.of(ctx))
    card, entry = next(
        ((c, e) for c in due if (e := library.entry(hub.engine, c.entry_id)) is not None),
        (None, None),
    )  # the most overdue card whose question still exists
    if card is None or entry is None:
        text = (
            "Nothing due for review. Grades from mock interviews schedule questions here, "
            "and so does `/hub review add ID`."
        )
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


@action("review_add")
def add_button(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    return add_to_review(hub, ctx, value)


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
