"""What a mock session looks like in the chat: intro, question, reveal, the interviewer's brief."""

from __future__ import annotations

import re
from datetime import datetime

from bot.cards import grading_card
from bot.mock.models import MockSession, Mode, State
from bot.mock.session import RATINGS, left_bucket
from bot.models import Entry, utcnow
from bot.replies import Button, Card, Reply, Section, Style, Visibility

STRONG_POINTS = 4


def left_text(seconds: int) -> str:
    if seconds >= 120:
        return f"{seconds // 60} min left"
    if seconds >= 60:
        return "1 min left"
    return f"under {seconds} s left"


def duration_text(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


def name_of(people: dict[str, str], user_id: str | None) -> str:
    return (people.get(user_id or "") or user_id or "someone")[:80]


def intro_reply(
    ms: MockSession, people: dict[str, str], candidates: list[str], topics: list[str]
) -> Reply:
    about = ", ".join(topics) if topics else "mixed topics"
    lines = [
        f"*Mock interview* started by {name_of(people, ms.starter_id)}: {ms.total} question"
        f"{'s' if ms.total != 1 else ''} on {about}, {duration_text(ms.seconds_per_question)} "
        "each."
    ]
    if ms.mode == Mode.pair:
        lines.append(
            f"Interviewer: {name_of(people, ms.interviewer_id)}; candidate: "
            f"{', '.join(name_of(people, c) for c in candidates)}. "
            "The interviewer sees the model answer privately, asks here and grades; "
            "everyone sees the answer at the reveal."
        )
    else:
        lines.append(
            "Answer in this thread. When time is up or someone presses Reveal, the model answer "
            "is posted and everyone grades themselves."
        )
    return Reply(text="\n".join(lines), visibility=Visibility.channel)


def question_reply(
    ms: MockSession,
    entry: Entry,
    index: int,
    now: datetime | None = None,
    closed: str | None = None,
) -> Reply:
    """The question message: its timer and buttons while open, else the `closed` line."""
    ref = f"{ms.id}:{index}"
    buttons: tuple[Button, ...] = ()
    if closed is not None:
        status = closed
    elif ms.state == State.paused:
        status = f"Paused with {left_text(left_bucket(ms.remaining or 0))}."
    else:
        left = (ms.deadline - (now or utcnow())).total_seconds() if ms.deadline else 0.0
        status = f"⏱ {left_text(ms.shown_left or left_bucket(left))}. Answer in this thread."
    if closed is None:
        paused = ms.state == State.paused
        buttons = (
            Button("Reveal", "mock_reveal", ref, Style.primary),
            Button("Skip", "mock_skip", ref),
            Button("Resume", "mock_resume", ref) if paused else Button("Pause", "mock_pause", ref),
            Button("End", "mock_end", str(ms.id), Style.danger),
        )
    return Reply(
        cards=(
            Card(
                title=entry.title,
                subtitle=" · ".join(
                    p
                    for p in (f"Question {index + 1} of {ms.total}", entry.topic, entry.level)
                    if p
                ),
                text=status,
                buttons=buttons,
                footer=f"mock session {ms.id}",
            ),
        ),
        visibility=Visibility.channel,
    )


def reveal_reply(ms: MockSession, entry: Entry, index: int) -> Reply:
    sections = []
    if entry.common_mistakes:
        sections.append(Section("Common mistakes", entry.common_mistakes))
    buttons: list[Button] = []
    footer = f"mock session {ms.id}"
    if ms.mode == Mode.group:
        buttons = [
            Button(label, "mock_grade", f"{ms.id}:{index}:{rating}")
            for rating, label in RATINGS.items()
        ]
        footer = "Grade yourself · " + footer
    else:
        footer = "The interviewer grades privately · " + footer
    last = index + 1 >= ms.total
    buttons.append(Button("Finish" if last else "Next", "mock_next", f"{ms.id}:{index}"))
    buttons.append(Button("End", "mock_end", str(ms.id), Style.danger))
    return Reply(
        cards=(
            Card(
                title=f"Answer {index + 1} of {ms.total}: {entry.title}",
                subtitle=" · ".join(p for p in (entry.topic, entry.level) if p),
                text=entry.answer or "",
                sections=tuple(sections),
                buttons=tuple(buttons),
                footer=footer,
                entry_id=entry.id,
            ),
        ),
        visibility=Visibility.channel,
    )


def strong_answer(entry: Entry) -> str:
    """What a strong answer covers: the model answer's points, then practice and trade-offs."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", entry.answer or "") if s.strip()]
    points = sentences[:STRONG_POINTS]
    for label, text in (("In practice", entry.real_world), ("Trade-offs", entry.deep_dive)):
        if text:
            first = re.split(r"(?<=[.!?])\s+", text.strip())[0]
            points.append(f"{label}: {first}")
    return "\n".join(f"• {p}" for p in points)


def brief_reply(ms: MockSession, entry: Entry, index: int, candidates: dict[str, str]) -> Reply:
    """Only for the interviewer: the answer, the deep dive, and grade buttons per candidate."""
    sections = [Section("A strong answer covers", strong_answer(entry))]
    if entry.deep_dive:
        sections.append(Section("Deep dive", entry.deep_dive))
    if entry.common_mistakes:
        sections.append(Section("Common mistakes", entry.common_mistakes))
    buttons = tuple(
        Button(
            f"{name[:20]}: {label}" if len(candidates) > 1 else label,
            "mock_mark",
            f"{ms.id}:{index}:{rating}:{user_id}",
        )
        for user_id, name in list(candidates.items())[:5]
        for rating, label in RATINGS.items()
    )
    return Reply(
        text=f"For the interviewer only — question {index + 1} of {ms.total}. "
        "Ask it in the thread; grade the answer here.",
        cards=(grading_card(entry, sections, buttons, f"mock session {ms.id}"),),
        visibility=Visibility.private,
    )
