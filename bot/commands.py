"""The `/hub` command grammar, shared by every adapter, and the registry features add to."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.replies import Reply, usage

if TYPE_CHECKING:
    from bot.hub import Hub

MAX_COMMAND_CHARS = 20_000
# Control characters (C0 but tab and newline, DEL, C1), and the bidirectional embeddings,
# overrides and isolates that make text read backwards.
UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class ChannelAccess(StrEnum):
    """What the platform says about a channel a command names, for the person asking."""

    elsewhere = "elsewhere"  # not a channel of their workspace or guild (or not found)
    member = "member"  # in their workspace; they may not manage it
    manager = "manager"  # they may manage it (Manage Channels there; a workspace admin)


@dataclass(frozen=True)
class ChatContext:
    """Who is asking, and where. Ids are the platform's own, opaque to the core."""

    platform: str
    user_id: str
    user_name: str = ""
    channel_id: str = ""
    thread_id: str | None = None
    workspace_id: str = ""
    # Whether the platform says this person may manage the channel (admins, Manage Channels).
    can_manage_channel: bool = False
    # The adapter's answer for another channel a command names (`#channel`), asked from the
    # core's worker thread. Without one, only the current channel can be named.
    check_channel: Callable[[str], ChannelAccess] | None = field(
        default=None, compare=False, repr=False
    )
    # Where finding that out costs the platform a call (Slack's users.info): a function that asks,
    # called only by a command that needs the answer. Read the answer with `may_manage_channel()`.
    ask_can_manage: Callable[[], bool] | None = field(default=None, compare=False, repr=False)

    def channel_access(self, channel_id: str) -> ChannelAccess:
        if channel_id == self.channel_id:
            return ChannelAccess.manager if self.may_manage_channel() else ChannelAccess.member
        if self.check_channel is None:
            return ChannelAccess.elsewhere
        return self.check_channel(channel_id)

    def may_manage_channel(self) -> bool:
        if self.ask_can_manage is not None:
            return self.ask_can_manage()
        return self.can_manage_channel


Handler = Callable[["Hub", ChatContext, str], Reply]
# A submitted form: the form's opaque value, and the text of each input by name.
FormHandler = Callable[["Hub", ChatContext, str, Mapping[str, str]], Reply]


@dataclass(frozen=True)
class ThreadMessage:
    """One message of a chat thread, as an adapter read it (for *Save to hub*)."""

    user_id: str
    user_name: str
    text: str


class ArgKind(StrEnum):
    text = "text"  # words as typed
    word = "word"  # one token of the grammar (an id, a topic): spaces become hyphens
    choice = "choice"  # one of the argument's `choices`


class Suggest(StrEnum):
    """Where suggestions come from while a person types an argument (Discord autocomplete)."""

    topic = "topic"
    level = "level"
    entry = "entry"
    question = "question"  # a question's id (not an error's, a snippet's …)
    path = "path"


@dataclass(frozen=True)
class Arg:
    """One argument of a command, as a platform with typed options (Discord) offers it. The
    value goes into the command's text after `prefix` (`"topic:"` gives `topic:react`)."""

    name: str
    description: str
    kind: ArgKind = ArgKind.text
    required: bool = False
    choices: tuple[str, ...] = ()
    suggest: Suggest | None = None
    max_length: int | None = None
    prefix: str = ""

    def as_text(self, value: str | None) -> str:
        if self.kind is ArgKind.word:
            value = "-".join((value or "").split())[:64]
        return f"{self.prefix}{value}" if value else ""

    @property
    def usage(self) -> str:
        shown = "|".join(self.choices) if self.choices else self.name
        return f"<{shown}>" if self.required else f"[{self.prefix}{shown}]"


@dataclass(frozen=True)
class CommandSpec:
    name: str
    usage: str
    summary: str
    handler: Handler
    aliases: tuple[str, ...] = ()
    args: tuple[Arg, ...] = ()

    def text(self, values: Mapping[str, str | None]) -> str:
        """The command as typed, from its arguments' values (a slash command's options)."""
        given = (arg.as_text(values.get(arg.name)) for arg in self.args)
        return " ".join([self.name, *(text for text in given if text)])


COMMANDS: dict[str, CommandSpec] = {}
ACTIONS: dict[str, Handler] = {}
FORMS: dict[str, FormHandler] = {}


def command(
    name: str,
    usage: str,
    summary: str,
    aliases: tuple[str, ...] = (),
    args: tuple[Arg, ...] = (),
) -> Callable[[Handler], Handler]:
    """Register a command; its usage line is made from its arguments when `usage` is empty."""

    def register(handler: Handler) -> Handler:
        line = usage or " ".join([f"/hub {name}", *(arg.usage for arg in args)])
        spec = CommandSpec(name, line, summary, handler, aliases, args)
        for key in (name, *aliases):
            COMMANDS[key] = spec
        return handler

    return register


def command_specs() -> list[CommandSpec]:
    """Every command once (aliases share their command's spec), in the order registered."""
    return list({spec.name: spec for spec in COMMANDS.values()}.values())


def action(name: str) -> Callable[[Handler], Handler]:
    """Register the handler of a button; its value is an opaque id string."""

    def register(handler: Handler) -> Handler:
        ACTIONS[name] = handler
        return handler

    return register


def form(name: str) -> Callable[[FormHandler], FormHandler]:
    """Register the handler of a submitted form (`Form.action`)."""

    def register(handler: FormHandler) -> FormHandler:
        FORMS[name] = handler
        return handler

    return register


def clean_text(text: str) -> str:
    """Drop NUL and other control characters (but keep newlines and tabs) and bidirectional
    overrides; cap the length."""
    text = text[:MAX_COMMAND_CHARS]
    return UNWANTED.sub("", text)


def parse(text: str) -> tuple[CommandSpec, str] | Reply:
    """Split `/hub name rest…` into its command and the raw rest; a usage reply if unknown."""
    text = clean_text(text).strip()
    for prefix in ("/hub", "hub"):
        if text.lower() == prefix or text.lower().startswith(prefix + " "):
            text = text[len(prefix) :].strip()
            break
    if not text:
        return COMMANDS["help"], ""
    name, _, rest = text.partition(" ")
    if "\n" in name:
        name, _, more = name.partition("\n")
        rest = more + (" " + rest if rest else "")
    spec = COMMANDS.get(name.lower())
    if spec is None:
        known = ", ".join(sorted({s.name for s in COMMANDS.values()}))
        return usage(f"I don't know `{name[:40]}`. Try one of: {known}.", "/hub help")
    return spec, rest.strip()
