"""Learning paths: `/hub path list` and `/hub path show <id>`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import library
from bot.commands import Arg, ArgKind, ChatContext, Suggest, action, command
from bot.replies import Button, Card, Field, Reply, Section, usage

if TYPE_CHECKING:
    from bot.hub import Hub

PATH_USAGE = "/hub path [list | show <id>]"


@command(
    "path",
    PATH_USAGE,
    "learning paths, junior to architect",
    aliases=("paths",),
    args=(
        Arg(
            "id",
            "A path to open; leave empty to list them",
            ArgKind.word,
            suggest=Suggest.path,
            prefix="show ",
        ),
    ),
)
def path_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    verb, _, rest = args.strip().partition(" ")
    verb = verb.lower()
    if verb in ("", "list"):
        return list_paths(hub)
    if verb == "show" and rest.strip():
        return show_path(hub, rest.strip().split()[0])
    if verb != "show":
        # `/hub path <id>` works too.
        return show_path(hub, verb)
    return usage("Which path?", PATH_USAGE)


def list_paths(hub: Hub) -> Reply:
    paths = library.learning_paths(hub.engine)
    if not paths:
        return Reply(text="No learning paths yet.")
    cards = tuple(
        Card(
            title=p.title,
            subtitle=f"{p.level} · {len(p.steps)} steps",
            text=p.description,
            buttons=(Button("Open path", "path", p.id),),
            footer=f"id: {p.id}",
        )
        for p in paths
    )
    return Reply(text="Learning paths:", cards=cards)


def show_path(hub: Hub, path_id: str) -> Reply:
    path = library.learning_path(hub.engine, path_id.lower()[:64])
    if path is None:
        return usage(f"No learning path `{path_id[:64]}`.", PATH_USAGE)
    titles = library.titles(hub.engine, {i for step in path.steps for i in step.get("entries", [])})
    milestones: dict[int, list[str]] = {}
    for milestone in path.milestones:
        milestones.setdefault(int(milestone["after_step"]), []).append(milestone["title"])
    sections = []
    for number, step in enumerate(path.steps, start=1):
        links = "\n".join(f"• {titles.get(i, i)} (`{i}`)" for i in step.get("entries", []))
        text = "\n".join(p for p in (step.get("goal", ""), links) if p)
        for title in milestones.get(number, []):
            text += f"\n🏁 Milestone: {title}"
        sections.append(Section(f"{number}. {step['title']}", text))
    card = Card(
        title=path.title,
        subtitle=f"learning path · {path.level}",
        text=path.description,
        sections=tuple(sections),
        fields=(Field("Steps", str(len(path.steps))),),
        footer=f"id: {path.id}",
    )
    return Reply(cards=(card,))


@action("path")
def path_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    return show_path(hub, value)
