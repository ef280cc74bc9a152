"""Cards for entries, shared by search, show, daily questions and mock sessions."""

from __future__ import annotations

from bot.models import QUESTION_SECTIONS, SECTION_TITLES, Entry
from bot.replies import Button, Card, Code, Section, Style


def subtitle(entry: Entry) -> str:
    return " · ".join(p for p in (entry.topic, entry.level, entry.kind) if p)


def section_buttons(entry: Entry, expanded: tuple[str, ...] = ()) -> tuple[Button, ...]:
    return tuple(
        Button(SECTION_TITLES[name], "section", f"{entry.id}:{name}")
        for name in QUESTION_SECTIONS
        if entry.section(name) and name not in expanded
    )


def entry_card(entry: Entry, expanded: tuple[str, ...] = (), share: bool = True) -> Card:
    """The full card: the short answer, with the deeper sections one click away."""
    sections: list[Section] = []
    text = ""
    code = None
    buttons: list[Button] = []
    if entry.kind == "question":
        text = entry.answer or ""
        sections = [
            Section(SECTION_TITLES[n], entry.section(n) or "") for n in expanded if entry.section(n)
        ]
        buttons = list(section_buttons(entry, expanded))
    elif entry.kind == "error":
        text = entry.description or ""
        sections = [Section("Root cause", entry.root_cause or ""), Section("Fix", entry.fix or "")]
    elif entry.kind == "snippet":
        text = entry.description or ""
        code = Code(entry.language or "", entry.code or "")
    else:
        text = entry.summary or ""
        sections = [Section("Article", entry.body or "")]
    if share:
        buttons.append(Button("Share to channel", "share", entry.id, Style.primary))
        buttons.append(Button("Suggest an edit", "suggest-edit", entry.id))
    if entry.kind == "question":
        buttons.append(Button("Add to my review", "review_add", entry.id))
    return Card(
        title=entry.title,
        subtitle=subtitle(entry),
        text=text,
        sections=tuple(sections),
        code=code,
        buttons=tuple(buttons),
        footer=f"id: {entry.id}",
        entry_id=entry.id,
    )


def grading_card(
    entry: Entry, sections: list[Section], buttons: tuple[Button, ...], footer: str
) -> Card:
    """A question's model answer, with buttons to grade how the answer went (a mock
    interviewer's brief, a review)."""
    return Card(
        title=entry.title,
        subtitle=" · ".join(p for p in (entry.topic, entry.level) if p),
        text=entry.answer or "",
        sections=tuple(sections),
        buttons=buttons,
        footer=footer,
        entry_id=entry.id,
    )
