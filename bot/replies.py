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


@dataclass(frozen=True)
class Input:
    """One field of a form, with what it holds (prefilled, or as typed) and its problem."""

    name: str
    label: str  # at most 45 characters (Discord)
    value: str = ""
    max_length: int = 200
    multiline: bool = False
    required: bool = True
    hint: str = ""  # placeholder text, at most 100 characters
    error: str = ""  # what is wrong with `value`, shown on this field


@dataclass(frozen=True)
class Form:
    """A form to fill in: a Slack modal, Discord modals, prompts in the console. On submit the
    adapter calls `Hub.submit_form(ctx, action, value, {input name: text})`; the reply is the
    outcome, or this form again with what was typed and an error on the field that has it."""

    title: str  # at most 24 characters (Slack)
    action: str
    value: str = ""  # opaque ids (at most 80 characters), checked again on submit
    inputs: tuple[Input, ...] = ()
    submit_label: str = "Submit"

    @property
    def has_errors(self) -> bool:
        return any(field.error for field in self.inputs)


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
    # A form to open for the person (in answer to a command, a button or a shortcut); `text`
    # is what to say where a form cannot be opened.
    form: Form | None = None

    @property
    def private(self) -> bool:
        return self.visibility is Visibility.private


def usage(message: str, usage_line: str = "") -> Reply:
    text = message if not usage_line else f"{message}\nUsage: `{usage_line}`"
    return Reply(text=text, error=True)
