"""Replies as terminal text; buttons become numbered choices."""

from __future__ import annotations

import itertools
import re
import textwrap
from collections.abc import Callable

from bot.replies import Button, Card, Reply

# Gives a button shown the number the user types to press it.
Numbering = Callable[[Button], int]

# The core writes channel references as <#id> (or <#id|name>), the way Slack and Discord do.
CHANNEL_REFERENCE = re.compile(r"<#([^>|]+)(?:\|([^>]*))?>")


def from_one() -> Numbering:
    """Numbers from 1, for a reply rendered on its own."""
    count = itertools.count(1)
    return lambda _button: next(count)


def render_card(card: Card, number: Numbering) -> list[str]:
    lines = [f"== {card.title} =="]
    if card.subtitle:
        lines.append(f"   {card.subtitle}")
    if card.text:
        lines.append(card.text)
    for field in card.fields:
        lines.append(f"{field.name}: {field.value}")
    for section in card.sections:
        lines.append(f"-- {section.heading} --")
        lines.append(section.text)
    if card.code:
        lines.append(f"```{card.code.language}")
        lines.append(card.code.text)
        lines.append("```")
    if card.footer:
        lines.append(f"   ({card.footer})")
    lines.extend(_choices(card.buttons, number))
    return lines


def _choices(buttons: tuple[Button, ...], number: Numbering) -> list[str]:
    if not buttons:
        return []
    return ["   " + "  ".join(f"[{number(button)}] {button.label}" for button in buttons)]


def render_reply(reply: Reply, number: Numbering | None = None) -> str:
    """Render a reply; `number` numbers the buttons it shows (from 1 when not given)."""
    number = number or from_one()
    lines: list[str] = []
    if reply.text:
        lines.append(reply.text)
    for card in reply.cards:
        if lines:
            lines.append("")
        lines.extend(render_card(card, number))
    lines.extend(_choices(reply.buttons, number))
    text = "\n".join(textwrap.dedent(line) for line in lines)
    return CHANNEL_REFERENCE.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
