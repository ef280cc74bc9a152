"""The platform-neutral reply model. Adapters render it as Block Kit, embeds or terminal text.

Text is Markdown (bold, italics, inline code, fenced code, links); adapters translate it.
Buttons carry an action name and an opaque value (ids only), never state to be trusted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Style(StrEnum):
    default = "default"
    primary = "primary"
    danger = "danger"


@dataclass(frozen=True)
class Button:
    label: str
    action: str
    value: str = ""
    style: Style = Style.default


@dataclass(frozen=True)
class Field:
    name: str
    value: str


@dataclass(frozen=True)
class Section:
    heading: str
    text: str
    # Text to hide until clicked (Discord spoilers) — answers to quiz questions.
    spoiler: bool = False


@dataclass(frozen=True)
class Code:
    language: str
    text: str


@dataclass(frozen=True)
class Card:
    title: str
    subtitle: str = ""
    text: str = ""
    fields: tuple[Field, ...] = ()
    sections: tuple[Section, ...] = ()
    code: Code | None = None
    buttons: tuple[Button, ...] = ()
    footer: str = ""
    entry_id: str | None = None


class Visibility(StrEnum):
    private = "private"  # only the person who asked (Slack ephemeral, Discord ephemeral)
    channel = "channel"  # everyone in the channel or thread


@dataclass(frozen=True)
class Reply:
    text: str = ""
    cards: tuple[Card, ...] = ()
    buttons: tuple[Button, ...] = ()
    visibility: Visibility = Visibility.private
    # True when the reply should replace the message whose button was clicked.
    replace: bool = False
    # True when the reply is an error or usage message.
    error: bool = False
    hints: tuple[str, ...] = field(default=())

    @property
    def private(self) -> bool:
        return self.visibility is Visibility.private


def usage(message: str, usage_line: str = "") -> Reply:
    text = message if not usage_line else f"{message}\nUsage: `{usage_line}`"
    return Reply(text=text, error=True)
