"""How a path, a person's next step and their progress look, in every surface."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from bot import library
from bot.cards import subtitle
from bot.learning.models import PathProgress
from bot.models import LearningPath
from bot.replies import Button, Card, Field, Reply, Style

BAR_WIDTH = 10


def progress_bar(done: int, total: int) -> str:
    """`[███░░░░░░░] 3 of 10 steps`"""
    filled = round(BAR_WIDTH * done / total) if total else BAR_WIDTH
    return f"[{'█' * filled}{'░' * (BAR_WIDTH - filled)}] {done} of {total} steps"


def milestones_after(path: LearningPath, number: int) -> list[str]:
    """The milestones reached once step `number` (1-based) is done."""
    return [str(m["title"]) for m in path.milestones if int(m["after_step"]) == number]


def step_title(path: LearningPath, index: int) -> str:
    return str(path.steps[index].get("title", f"Step {index + 1}"))


def next_step_reply(
    engine: Engine, path: LearningPath, row: PathProgress, lead: str = "", replace: bool = False
) -> Reply:
    """The person's next step on the path with its linked entries (each with an Open button),
    or that they finished it."""
    total = len(path.steps)
    if row.done >= total:
        text = f"You've finished *{path.title}* ({total} steps). 🎉"
        return Reply(text=f"{lead}\n{text}".strip(), replace=replace)
    step: dict[str, Any] = path.steps[row.done]
    ids = [str(i) for i in step.get("entries", [])]
    found = library.entries(engine, ids)
    card = Card(
        title=f"Step {row.done + 1} of {total}: {step_title(path, row.done)}",
        subtitle=path.title,
        text=str(step.get("goal", "")),
        fields=(Field("Progress", progress_bar(row.done, total)),),
        buttons=(Button("Mark done", "path_done", f"{path.id}:{row.done}", Style.primary),),
        footer=f"id: {path.id}",
    )
    linked = tuple(
        Card(
            title=found[i].title,
            subtitle=subtitle(found[i]),
            buttons=(Button("Open", "show", i),),
            entry_id=i,
        )
        for i in ids
        if i in found
    )
    return Reply(text=lead, cards=(card, *linked), replace=replace)
