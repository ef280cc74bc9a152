"""Replies as Discord messages: text content, embeds and buttons within Discord's limits.

A long entry is never cut: its text is split at paragraph, line or word boundaries into several
embeds, and the embeds into several messages (10 embeds and 6,000 characters a message).
Code fences are closed and reopened across a split; spoiler sections keep their `||` markers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import discord

from bot.replies import Button, Card, Reply

MESSAGE_CHARS = 2000
DESCRIPTION_CHARS = 4096
TITLE_CHARS = 256
FIELD_NAME_CHARS = 256
FIELD_VALUE_CHARS = 1024
FOOTER_CHARS = 2048
EMBED_FIELDS = 25
EMBED_TOTAL_CHARS = 6000
MESSAGE_EMBEDS = 10
MESSAGE_BUTTONS = 25  # 5 rows of 5
BLURPLE = 0x5865F2
ERROR_RED = 0xED4245

FENCE = re.compile(r"^\s*```")
# Channel links (<#id>) notify no one and the core uses them, so they stay links.
MENTION = re.compile(r"@(everyone|here)|<(@[!&]?)(\d+)>")


@dataclass
class Message:
    """One Discord message to send: content, embeds and the buttons under it."""

    content: str = ""
    embeds: list[discord.Embed] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)

    def size(self) -> int:
        return sum(len(embed) for embed in self.embeds)


def defuse_mentions(text: str) -> str:
    """Make @everyone, @here and <@id> inert even where allowed_mentions cannot reach."""
    return MENTION.sub(lambda m: m.group(0).replace("@", "@\u200b"), text)


def split_text(text: str, limit: int) -> list[str]:
    """Split Markdown into pieces of at most `limit` characters, keeping code fences balanced."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    fence: str | None = None  # the opening line of the fence we are inside, if any

    def flush() -> None:
        nonlocal current, size
        if current:
            body = "\n".join(current)
            if fence is not None:
                body += "\n```"
            pieces.append(body)
        current = [fence] if fence is not None else []
        size = len(fence) if fence is not None else 0

    for line in _short_lines(text, limit - 8):
        reserve = 4 if fence is not None or FENCE.match(line) else 0
        if current and size + 1 + len(line) + reserve > limit:
            flush()
        current.append(line)
        size += len(line) + (1 if len(current) > 1 else 0)
        if FENCE.match(line):
            fence = None if fence is not None else line.strip()
    if any(part.strip() for part in current):
        pieces.append("\n".join(current))
    return [p.strip("\n") for p in pieces if p.strip()]


def _short_lines(text: str, width: int) -> list[str]:
    """The lines of `text`, with any line longer than `width` broken at spaces (or hard)."""
    out: list[str] = []
    for line in text.split("\n"):
        while len(line) > width:
            cut = line.rfind(" ", 0, width)
            cut = cut if cut > width // 2 else width
            out.append(line[:cut])
            line = line[cut:].lstrip(" ")
        out.append(line)
    return out


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def card_blocks(card: Card) -> list[str]:
    """The card's body as Markdown blocks, each short enough for one embed description."""
    parts: list[str] = []
    if card.subtitle:
        parts.append(f"*{card.subtitle}*")
    if card.text:
        parts.append(card.text)
    for section in card.sections:
        if not section.text:
            continue
        if section.spoiler:
            hidden = split_text(section.text, DESCRIPTION_CHARS - 64)
            parts.append(f"**{section.heading}**")
            parts.extend(f"||{piece}||" for piece in hidden)
        else:
            parts.append(f"**{section.heading}**\n{section.text}")
    if card.code is not None and card.code.text:
        parts.append(f"```{card.code.language}\n{card.code.text}\n```")
    blocks: list[str] = []
    for part in parts:
        text = defuse_mentions(part)
        if text.startswith("||") and len(text) <= DESCRIPTION_CHARS:
            blocks.append(text)
        else:
            blocks.extend(split_text(text, DESCRIPTION_CHARS))
    return blocks


def _pack(blocks: list[str], limit: int) -> list[str]:
    """Join consecutive blocks with blank lines while they fit in `limit`."""
    packed: list[str] = []
    for block in blocks:
        if packed and len(packed[-1]) + 2 + len(block) <= limit:
            packed[-1] += "\n\n" + block
        else:
            packed.append(block)
    return packed


def card_embeds(card: Card, error: bool = False) -> list[discord.Embed]:
    """One embed for a short card; several for a long one (title first, footer last)."""
    colour = ERROR_RED if error else BLURPLE
    descriptions = _pack(card_blocks(card), DESCRIPTION_CHARS) or [""]
    embeds = [discord.Embed(description=text or None, colour=colour) for text in descriptions]
    embeds[0].title = _truncate(defuse_mentions(card.title), TITLE_CHARS)
    for item in card.fields[:EMBED_FIELDS]:
        embeds[0].add_field(
            name=_truncate(defuse_mentions(item.name), FIELD_NAME_CHARS) or "\u200b",
            value=_truncate(defuse_mentions(item.value), FIELD_VALUE_CHARS) or "\u200b",
            inline=True,
        )
    if card.footer:
        embeds[-1].set_footer(text=_truncate(defuse_mentions(card.footer), FOOTER_CHARS))
    return embeds


def render_reply(reply: Reply) -> list[Message]:
    """The messages that show `reply`, in order; the buttons go under the last one."""
    messages: list[Message] = []
    contents = split_text(defuse_mentions(reply.text), MESSAGE_CHARS) if reply.text else []
    for content in contents:
        messages.append(Message(content=content))
    if not messages:
        messages.append(Message())
    for card in reply.cards:
        for embed in card_embeds(card, reply.error):
            last = messages[-1]
            if len(last.embeds) >= MESSAGE_EMBEDS or last.size() + len(embed) > EMBED_TOTAL_CHARS:
                messages.append(Message())
                last = messages[-1]
            last.embeds.append(embed)
    buttons = [b for card in reply.cards for b in card.buttons] + list(reply.buttons)
    messages[-1].buttons = buttons[:MESSAGE_BUTTONS]
    if not messages[0].content and not messages[0].embeds:
        messages[0].content = "Done."
    return messages
