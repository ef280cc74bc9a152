"""Replies as terminal text; buttons become numbered choices."""

from __future__ import annotations

import re
import textwrap

from bot.replies import Button, Card, Reply

# The core writes channel references as <#id> (or <#id|name>), the way Slack and Discord do.
CHANNEL_REFERENCE = re.compile(r"<#([^>|]+)(?:\|([^>]*))?>")


def render_card(card: Card, buttons: list[Button]) -> list[str]:
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
    lines.extend(_choices(card.buttons, buttons))
    return lines


def _choices(new: tuple[Button, ...], buttons: list[Button]) -> list[str]:
    if not new:
        return []
    labels = []
    for button in new:
        buttons.append(button)
        labels.append(f"[{len(buttons)}] {button.label}")
    return ["   " + "  ".join(labels)]


def render_reply(reply: Reply, buttons: list[Button] | None = None) -> str:
    """Render a reply; the buttons it shows are appended to `buttons`, numbered from 1."""
    shown = buttons if buttons is not None else []
    lines: list[str] = []
    if reply.text:
        lines.append(reply.text)
    for card in reply.cards:
        if lines:
            lines.append("")
        lines.extend(render_card(card, shown))
    lines.extend(_choices(reply.buttons, shown))
    text = "\n".join(textwrap.dedent(line) for line in lines)
    return CHANNEL_REFERENCE.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
