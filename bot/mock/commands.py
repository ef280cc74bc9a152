"""`/hub mock …` and the buttons of a mock session. Values carry ids only; who may press what is
decided from the database (bot.mock.session), never from the button."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot import library
from bot.commands import Arg, ArgKind, ChatContext, action, command
from bot.member import Member
from bot.mock import session as machine
from bot.mock import store
from bot.mock.models import MockSession, Mode
from bot.mock.session import RATINGS, Options
from bot.mock.steps import Kind, Refusal
from bot.models import Level
from bot.replies import Reply, usage
from bot.topics import canonical_topic, unknown_topic

if TYPE_CHECKING:
    from bot.hub import Hub
    from bot.mock.runtime import MockRuntime

MOCK_USAGE = (
    "/hub mock start [topic …] [level <level>] [questions N] [minutes M] [@candidate …] "
    "[interviewer @someone]  ·  /hub mock next|skip|reveal|pause|resume|end  ·  "
    "/hub mock grade again|hard|good|easy [@candidate]"
)
MAX_QUESTIONS = 20
MAX_CANDIDATES = 5
MINUTES = (0.5, 60.0)
MENTION = re.compile(r"^@([\w.-]+)$")  # adapters give people as @id
# The clicker's short private acknowledgement; what happened is posted in the thread.
DONE = {
    Kind.revealed: "Revealed.",
    Kind.asked: "Next question is up.",
    Kind.paused: "Paused.",
    Kind.resumed: "Resumed.",
    Kind.ended: "Ended: the summary is in the thread.",
}
KEYS = ("level", "questions", "minutes", "interviewer")
VERBS = ("next", "skip", "reveal", "pause", "resume", "end")
NOT_SERVING = "Mock interviews run while the bot is serving (`hub serve`)."


def refused(message: str) -> Reply:
    return Reply(text=message, error=True)


def live_runtime(hub: Hub) -> MockRuntime | None:
    """The runtime that delivers the steps, while the bot serves (not in one-shot commands)."""
    return hub.mock if hub.mock is not None and hub.mock.serving else None


def mention(ctx: ChatContext, token: str) -> Member | None:
    """The person an @mention names, in the asker's workspace."""
    match = MENTION.match(token)
    return None if match is None else Member(ctx.platform, ctx.workspace_id, match.group(1), "")


def parse_options(hub: Hub, ctx: ChatContext, args: list[str]) -> Options:
    """The words after `start`; raises Refusal with a short reason on anything it can't use."""
    options = Options()
    topics = library.question_topics(hub.engine)
    words = list(args)
    while words:
        word = words.pop(0)
        key, _, inline = word.partition(":")
        key = key.lower()
        if key in KEYS and not inline:
            if not words:
                raise Refusal(f"`{key}` needs a value.")
            inline = words.pop(0)
        if key == "level":
            for level in inline.lower().split(","):
                if level not in Level.__members__:
                    raise Refusal(f"Unknown level `{level[:20]}`: use {', '.join(Level)}.")
                options.levels.append(level)
        elif key == "questions":
            if not inline.isdigit() or not 1 <= int(inline) <= MAX_QUESTIONS:
                raise Refusal(f"`questions` is a whole number from 1 to {MAX_QUESTIONS}.")
            options.questions = int(inline)
        elif key == "minutes":
            try:
                minutes = float(inline)
            except ValueError:
                minutes = -1.0
            if not MINUTES[0] <= minutes <= MINUTES[1]:
                raise Refusal(f"`minutes` is a number from {MINUTES[0]} to {MINUTES[1]:.0f}.")
            options.seconds = round(minutes * 60)
        elif key == "interviewer":
            person = mention(ctx, inline)
            if person is None:
                raise Refusal("Name the interviewer with an @mention.")
            options.interviewer = person
        elif (person := mention(ctx, word)) is not None:
            if person.user_id not in {c.user_id for c in options.candidates}:
                options.candidates.append(person)
        elif (topic := canonical_topic(word)) in topics:
            options.topics.append(topic)
        else:
            raise Refusal(unknown_topic(word, topics, what="topic or option"))
    if len(options.candidates) > MAX_CANDIDATES:
        raise Refusal(f"At most {MAX_CANDIDATES} candidates in a pair session.")
    return options


@command(
    "mock",
    MOCK_USAGE,
    "run a mock interview in a thread",
    aliases=("interview",),
    args=(
        Arg(
            "action",
            "start one, or move the session of this channel on",
            ArgKind.choice,
            required=True,
            choices=("start", *VERBS),
        ),
        Arg(
            "options",
            "For start: topics, level <level>, questions N, minutes M, @candidates, "
            "interviewer @someone",
            max_length=500,
        ),
    ),
)
def mock_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    words = args.split()
    verb = words[0].lower() if words else ""
    if verb == "start":
        return start(hub, ctx, words[1:])
    if verb in VERBS:
        return by_command(hub, ctx, verb, words[1:])
    if verb == "grade":
        return grade_command(hub, ctx, words[1:])
    return usage("What should the mock session do?", MOCK_USAGE)


def grade_command(hub: Hub, ctx: ChatContext, args: list[str]) -> Reply:
    """`/hub mock grade [session] good` (yourself), or `… good [@bob]` (the interviewer, in
    pair mode: the candidate is named when there are several)."""
    number = args.pop(0) if args and args[0].isdigit() else ""
    ratings = {label.lower(): rating for rating, label in RATINGS.items()}
    rating = ratings.get(args[0].lower()) if args else None
    candidate = mention(ctx, args[1]) if len(args) > 1 else None
    if rating is None or (len(args) > 1 and candidate is None) or len(args) > 2:
        return usage("Grade with again, hard, good or easy.", MOCK_USAGE)
    found = find_session(hub, ctx, number)
    if found is None:
        return refused("No mock session running here. Start one with `/hub mock start`.")
    target = candidate.user_id if candidate else None
    if target is None and found.mode == Mode.pair and ctx.user_id == found.interviewer_id:
        candidates = store.people(hub.engine, found.id, "candidate")
        if len(candidates) > 1:
            named = ", ".join(sorted(candidates.values()))
            return usage(f"Whom are you grading: {named}? Add their @mention.", MOCK_USAGE)
        target = next(iter(candidates), None)
    try:
        text = machine.grade(hub.engine, found.id or 0, found.index, rating, Member.of(ctx), target)
    except Refusal as refusal:
        return refused(str(refusal))
    return Reply(text=text)


def start(hub: Hub, ctx: ChatContext, args: list[str]) -> Reply:
    runtime = live_runtime(hub)
    if runtime is None:
        return refused(NOT_SERVING)
    if ctx.thread_id:
        return refused("Start a mock interview from a channel, not inside a thread.")
    try:
        options = parse_options(hub, ctx, args)
        step = machine.start(hub.engine, Member.of(ctx), ctx.channel_id, options)
    except Refusal as refusal:
        return usage(str(refusal), MOCK_USAGE)
    runtime.submit(step)
    ms = step.session
    fewer = f" (only {ms.total} matched)" if ms.total < options.questions else ""
    return Reply(
        text=f"Mock interview {ms.id} is starting in a new thread: {ms.total} question"
        f"{'s' if ms.total != 1 else ''}{fewer}, {ms.mode} mode."
    )


def by_command(hub: Hub, ctx: ChatContext, verb: str, args: list[str]) -> Reply:
    """`/hub mock next` typed in the session's thread (or with the session's number)."""
    found = find_session(hub, ctx, args[0] if args else "")
    if found is None:
        return refused("No mock session running here. Start one with `/hub mock start`.")
    index = None if verb == "end" else found.index
    return steer(hub, ctx, verb, found.id or 0, index)


def find_session(hub: Hub, ctx: ChatContext, number: str) -> MockSession | None:
    """The session a command names by number, else the one running in this thread or channel."""
    return store.find_live(
        hub.engine,
        Member.of(ctx),
        ctx.channel_id,
        ctx.thread_id,
        int(number[:9]) if number.isdigit() else None,
    )


def steer(hub: Hub, ctx: ChatContext, verb: str, session_id: int, index: int | None) -> Reply:
    runtime = live_runtime(hub)
    if runtime is None:
        return refused(NOT_SERVING)
    try:
        step = machine.act(hub.engine, session_id, verb, Member.of(ctx), index)
    except Refusal as refusal:
        return refused(str(refusal))
    if step is None:
        return refused("Someone got there first: the session has moved on.")
    runtime.submit(step)
    return Reply(text=DONE.get(step.kind, "Done."))


def ids(value: str, count: int) -> list[int] | None:
    """`count` non-negative integers from a button value like `12:3`, or None."""
    parts = value.split(":")
    if len(parts) < count or not all(p.isdigit() and len(p) < 10 for p in parts[:count]):
        return None
    return [int(p) for p in parts[:count]]


def _button(verb: str) -> None:
    def handler(hub: Hub, ctx: ChatContext, value: str) -> Reply:
        numbers = ids(value, 1 if verb == "end" else 2)
        if numbers is None:
            return refused("That button is broken.")
        return steer(hub, ctx, verb, numbers[0], numbers[1] if len(numbers) > 1 else None)

    action(f"mock_{verb}")(handler)


for _verb in VERBS:
    _button(_verb)


@action("mock_grade")
def grade_button(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    """Group mode: grade yourself. Value: `session:question:rating`."""
    numbers = ids(value, 3)
    if numbers is None:
        return refused("That button is broken.")
    try:
        text = machine.grade(hub.engine, numbers[0], numbers[1], numbers[2], Member.of(ctx))
    except Refusal as refusal:
        return refused(str(refusal))
    return Reply(text=text)


@action("mock_mark")
def mark_button(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    """Pair mode: the interviewer grades a candidate. Value: `session:question:rating:user`."""
    numbers = ids(value, 3)
    candidate = value.split(":", 3)[3] if value.count(":") >= 3 else ""
    if numbers is None or not candidate:
        return refused("That button is broken.")
    try:
        text = machine.grade(
            hub.engine, numbers[0], numbers[1], numbers[2], Member.of(ctx), candidate[:64]
        )
    except Refusal as refusal:
        return refused(str(refusal))
    return Reply(text=text)
