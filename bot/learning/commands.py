"""`/hub path`: list and show the learning paths, follow them, mark steps done, see progress."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import library
from bot.commands import Arg, ArgKind, ChatContext, Suggest, action, command
from bot.learning import store
from bot.learning.catalog import find_path
from bot.learning.models import PathProgress
from bot.learning.nudge import this_week
from bot.learning.render import milestones_after, next_step_reply, progress_bar, step_title
from bot.member import Member
from bot.models import LearningPath
from bot.replies import Button, Card, Field, Reply, Section, Style, usage

if TYPE_CHECKING:
    from bot.hub import Hub

PATH_USAGE = "/hub path [show|start|next|done|progress] [NAME] · /hub path remind on|off"
VERBS = ("list", "show", "start", "next", "done", "progress")
NO_PATH = "You follow no learning path yet: `/hub path` lists them, `/hub path start NAME` enrols."


@command(
    "path",
    PATH_USAGE,
    "learning paths: follow one, step by step, with your progress",
    aliases=("paths",),
    args=(
        Arg(
            "action",
            "What to do (without one: list, or show the path named)",
            ArgKind.choice,
            choices=VERBS,
        ),
        Arg("id", "A path: its id or the start of its name", ArgKind.word, suggest=Suggest.path),
        Arg(
            "remind",
            "Turn the weekly direct message with your next step on or off",
            ArgKind.choice,
            choices=("on", "off"),
            prefix="remind ",
        ),
    ),
)
def path_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    verb, _, rest = args.strip().partition(" ")
    verb, name = verb.lower(), rest.strip()
    if verb in ("", "list"):
        return list_paths(hub)
    if verb == "progress":
        return show_progress(hub, Member.of(ctx))
    if verb == "remind":
        return remind(hub, Member.of(ctx), name.lower())
    if verb in ("next", "done"):
        row = followed(hub, Member.of(ctx), name)
        if isinstance(row, Reply):
            return row
        path, progress = row
        if verb == "next":
            store.touch(hub.engine, Member.of(ctx), path.id)
            return next_step_reply(hub.engine, path, progress)
        return mark_done(hub, Member.of(ctx), path, progress.done)
    if verb in ("show", "start") and not name:
        return usage("Which path?", PATH_USAGE)
    named = resolve(hub, name if verb in ("show", "start") else args.strip())
    if isinstance(named, Reply):
        return named
    if verb == "start":
        return start(hub, Member.of(ctx), named)
    return show_path(hub, named)  # `/hub path NAME` shows it too


def resolve(hub: Hub, name: str) -> LearningPath | Reply:
    found = find_path(library.learning_paths(hub.engine), name)
    return usage(found, PATH_USAGE) if isinstance(found, str) else found


def followed(hub: Hub, who: Member, name: str) -> tuple[LearningPath, PathProgress] | Reply:
    """The path `next`/`done` act on: the one named, else the most recently active one."""
    rows = store.progress(hub.engine, who)
    if name:
        path = resolve(hub, name)
        if isinstance(path, Reply):
            return path
        row = next((r for r in rows if r.path_id == path.id), None)
        if row is None:
            return not_following(path)
        return path, row
    for row in rows:
        found = library.learning_path(hub.engine, row.path_id)
        if found is not None:
            return found, row
    return Reply(text=NO_PATH)


def not_following(path: LearningPath) -> Reply:
    return Reply(text=f"You don't follow *{path.title}*: `/hub path start {path.id}`.", error=True)


def list_paths(hub: Hub) -> Reply:
    paths = library.learning_paths(hub.engine)
    if not paths:
        return Reply(text="No learning paths yet.")
    cards = tuple(
        Card(
            title=p.title,
            subtitle=f"{p.level} · {len(p.steps)} steps",
            text=p.description,
            buttons=(Button("Open path", "path", p.id), Button("Start", "path_start", p.id)),
            footer=f"id: {p.id}",
        )
        for p in paths
    )
    return Reply(text="Learning paths:", cards=cards)


def show_path(hub: Hub, path: LearningPath) -> Reply:
    titles = library.titles(hub.engine, {i for step in path.steps for i in step.get("entries", [])})
    sections = []
    for number, step in enumerate(path.steps, start=1):
        links = "\n".join(f"• {titles.get(i, i)} (`{i}`)" for i in step.get("entries", []))
        text = "\n".join(p for p in (step.get("goal", ""), links) if p)
        for title in milestones_after(path, number):
            text += f"\n🏁 Milestone: {title}"
        sections.append(Section(f"{number}. {step['title']}", text))
    card = Card(
        title=path.title,
        subtitle=f"learning path · {path.level}",
        text=path.description,
        sections=tuple(sections),
        fields=(Field("Steps", str(len(path.steps))),),
        buttons=(Button("Start this path", "path_start", path.id, Style.primary),),
        footer=f"id: {path.id}",
    )
    return Reply(cards=(card,))


def start(hub: Hub, who: Member, path: LearningPath) -> Reply:
    row, new = store.enrol(hub.engine, who, path.id)
    if new:
        lead = (
            f"You're on *{path.title}*. `/hub path done` marks a step done, "
            "`/hub path progress` shows where you are."
        )
    else:
        lead = f"You already follow *{path.title}*; it is your current path again."
    return next_step_reply(hub.engine, path, row, lead)


def mark_done(hub: Hub, who: Member, path: LearningPath, step: int, replace: bool = False) -> Reply:
    total = len(path.steps)
    if step >= total:
        return Reply(text=f"You've already finished *{path.title}*.", error=True)
    if not store.mark_done(hub.engine, who, path.id, step, total):
        return Reply(text="That step is already marked done.", error=True)
    lines = [f"✅ Step {step + 1} of {total} done: {step_title(path, step)}."]
    lines += [f"🏁 Milestone reached: {title}" for title in milestones_after(path, step + 1)]
    row = store.progress_on(hub.engine, who, path.id)
    assert row is not None
    return next_step_reply(hub.engine, path, row, "\n".join(lines), replace)


def show_progress(hub: Hub, who: Member) -> Reply:
    cards = []
    for row in store.progress(hub.engine, who):
        path = library.learning_path(hub.engine, row.path_id)
        if path is None:  # taken out of the content since
            continue
        total = len(path.steps)
        following = "Finished" if row.done >= total else step_title(path, row.done)
        cards.append(
            Card(
                title=path.title,
                text=progress_bar(min(row.done, total), total),
                fields=(Field("Next" if row.done < total else "Status", following),),
                buttons=() if row.done >= total else (Button("Next step", "path_next", path.id),),
                footer=f"id: {path.id}",
            )
        )
    if not cards:
        return Reply(text=NO_PATH)
    return Reply(text="Your learning paths:", cards=tuple(cards))


def remind(hub: Hub, who: Member, switch: str) -> Reply:
    if switch not in ("on", "off"):
        return usage("Turn the weekly nudge `on` or `off`.", "/hub path remind on|off")
    store.set_nudge(hub.engine, who, switch == "on", this_week())
    hub.changed("paths")
    if switch == "on":
        return Reply(text="I'll DM you your next step once a week, on Mondays.")
    return Reply(text="Weekly path nudges are off.")


def _path_of(hub: Hub, path_id: str) -> LearningPath | Reply:
    path = library.learning_path(hub.engine, path_id[:64])
    return path if path is not None else Reply(text="That path no longer exists.", error=True)


@action("path")
def path_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    path = _path_of(hub, value)
    return path if isinstance(path, Reply) else show_path(hub, path)


@action("path_start")
def start_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    path = _path_of(hub, value)
    return path if isinstance(path, Reply) else start(hub, Member.of(ctx), path)


@action("path_next")
def next_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    found = followed(hub, Member.of(ctx), value)
    if isinstance(found, Reply):
        return found
    store.touch(hub.engine, Member.of(ctx), found[0].id)
    return next_step_reply(hub.engine, *found)


@action("path_done")
def done_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    path_id, _, step = value.rpartition(":")
    if not step.isdigit():
        return Reply(text="That button is broken.", error=True)
    path = _path_of(hub, path_id)
    if isinstance(path, Reply):
        return path
    if store.progress_on(hub.engine, Member.of(ctx), path.id) is None:
        return not_following(path)
    return mark_done(hub, Member.of(ctx), path, int(step), replace=True)
