"""Replies as Discord messages: text content, embeds and buttons within Discord's limits.

A long entry is never cut: its text is split at paragraph, line or word boundaries into several
embeds, and the embeds into several messages (10 embeds and 6,000 characters a message).
Code fences are closed and reopened across a split; spoiler sections keep their `||` markers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import discord

from bot.chat_text import defuse_mentions, split_markdown
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

MENTION_MARK = "\u200b"  # after the `@` of a mention, so it cannot ping


@dataclass
class Message:
    """One Discord message to send: content, embeds and the buttons under it."""

    content: str = ""
    embeds: list[discord.Embed] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)

    def size(self) -> int:
        return sum(len(embed) for embed in self.embeds)


def defused(text: str) -> str:
    """Make @everyone, @here and <@id> inert even where allowed_mentions cannot reach."""
    return defuse_mentions(text, MENTION_MARK)


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
            hidden = split_markdown(section.text, DESCRIPTION_CHARS - 64)
            parts.append(f"**{section.heading}**")
            parts.extend(f"||{piece}||" for piece in hidden)
        else:
            parts.append(f"**{section.heading}**\n{section.text}")
    if card.code is not None and card.code.text:
        parts.append(f"```{card.code.language}\n{card.code.text}\n```")
    blocks: list[str] = []
    for part in parts:
        text = defused(part)
        if text.startswith("||") and len(text) <= DESCRIPTION_CHARS:
            blocks.append(text)
        else:
            blocks.extend(split_markdown(text, DESCRIPTION_CHARS))
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
    embeds[0].title = _truncate(defused(card.title), TITLE_CHARS)
    for item in card.fields[:EMBED_FIELDS]:
        embeds[0].add_field(
            name=_truncate(defused(item.name), FIELD_NAME_CHARS) or "\u200b",
            value=_truncate(defused(item.value), FIELD_VALUE_CHARS) or "\u200b",
            inline=True,
        )
    if card.footer:
        embeds[-1].set_footer(text=_truncate(defused(card.footer), FOOTER_CHARS))
    return embeds


def render_reply(reply: Reply) -> list[Message]:
    """The messages that show `reply`, in order; the buttons go under the last one."""
    messages: list[Message] = []
    contents = split_markdown(defused(reply.text), MESSAGE_CHARS) if reply.text else []
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
