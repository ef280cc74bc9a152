"""The core's Reply as Block Kit messages, within Slack's limits.

A reply becomes one message, or several when it would pass 50 blocks or about 12,000 characters
of text (Slack answers `msg_blocks_too_long` near 13,200, an undocumented limit). Long text is split
over several section blocks of at most 3,000 characters, so the longest entry shows in full.
Buttons carry `hub:<action>:<n>` as action_id (n keeps ids unique) and the core's value as value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.slack.mrkdwn import SECTION_LIMIT, code_block, plain, to_mrkdwn
from bot.chat_text import split_markdown
from bot.replies import Button, Card, Reply, Style

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_HOME_BLOCKS = 100
MAX_MESSAGE_CHARS = 12_000
MAX_FALLBACK_CHARS = 300
HEADER_LIMIT = 150
FIELD_LIMIT = 2000
BUTTON_LABEL_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
BUTTONS_PER_BLOCK = 25
ACTION_PREFIX = "hub:"


@dataclass(frozen=True)
class SlackMessage:
    text: str  # the notification fallback
    blocks: list[Block]


def mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack must not turn `@here` or channel names in our text into mentions.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def sections(markdown: str, heading: str = "") -> list[Block]:
    text = to_mrkdwn(markdown)
    if heading:
        text = f"*{plain(heading)}*\n{text}"
    return [
        {"type": "section", "text": mrkdwn(piece)} for piece in split_markdown(text, SECTION_LIMIT)
    ]


def context(markdown: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(to_mrkdwn(markdown)[:FIELD_LIMIT])]}


def title_block(title: str) -> Block:
    title = title.strip() or "HubBot"  # Slack refuses an empty header
    if len(title) <= HEADER_LIMIT:
        return {"type": "header", "text": {"type": "plain_text", "text": title, "emoji": False}}
    return {"type": "section", "text": mrkdwn(f"*{plain(title)[: 3000 - 2]}*")}


def action_id(button: Button, number: int) -> str:
    return f"{ACTION_PREFIX}{button.action}:{number}"


def parse_action_id(value: str) -> str | None:
    """The core action name of one of our buttons, or None when the id is not ours."""
    if not value.startswith(ACTION_PREFIX):
        return None
    name = value[len(ACTION_PREFIX) :].rsplit(":", 1)[0]
    return name or None


class Numbering:
    """Hands out the button numbers of one reply, so every action_id in it is unique."""

    def __init__(self) -> None:
        self.next = 0

    def take(self) -> int:
        self.next += 1
        return self.next


def actions(buttons: tuple[Button, ...], numbers: Numbering) -> list[Block]:
    elements: list[dict[str, Any]] = []
    for button in buttons:
        element: dict[str, Any] = {
            "type": "button",
            "text": {"type": "plain_text", "text": button.label[:BUTTON_LABEL_LIMIT]},
            "action_id": action_id(button, numbers.take()),
            "value": button.value[:BUTTON_VALUE_LIMIT],
        }
        if button.style is not Style.default:
            element["style"] = button.style.value
        elements.append(element)
    return [
        {"type": "actions", "elements": elements[i : i + BUTTONS_PER_BLOCK]}
        for i in range(0, len(elements), BUTTONS_PER_BLOCK)
    ]


def card_blocks(card: Card, numbers: Numbering) -> list[Block]:
    blocks = [title_block(card.title)]
    if card.subtitle:
        blocks.append(context(card.subtitle))
    if card.text:
        blocks.extend(sections(card.text))
    if card.fields:
        fields = [
            mrkdwn(f"*{plain(f.name)}*\n{to_mrkdwn(f.value)}"[:FIELD_LIMIT]) for f in card.fields
        ]
        blocks.extend(
            {"type": "section", "fields": fields[i : i + 10]} for i in range(0, len(fields), 10)
        )
    for section in card.sections:
        blocks.extend(sections(section.text, section.heading))
    if card.code:
        pieces = split_markdown(code_block(card.code.text), SECTION_LIMIT)
        blocks.extend({"type": "section", "text": mrkdwn(piece)} for piece in pieces)
    if card.footer:
        blocks.append(context(card.footer))
    blocks.extend(actions(card.buttons, numbers))
    return blocks


def reply_blocks(reply: Reply) -> list[Block]:
    """Every block of a reply, in order, before it is cut into messages."""
    numbers = Numbering()
    blocks: list[Block] = sections(reply.text) if reply.text else []
    for card in reply.cards:
        if blocks:
            blocks.append({"type": "divider"})
        blocks.extend(card_blocks(card, numbers))
    blocks.extend(actions(reply.buttons, numbers))
    return blocks


def fallback_text(reply: Reply) -> str:
    source = reply.text or (reply.cards[0].title if reply.cards else "HubBot")
    source = source.replace("**", "").replace("`", "")
    if len(source) > MAX_FALLBACK_CHARS:
        source = source[: MAX_FALLBACK_CHARS - 1] + "…"
    return plain(source)


def block_chars(block: Block) -> int:
    text = block.get("text")
    size = len(text["text"]) if isinstance(text, dict) else 0
    for element in [*block.get("elements", ()), *block.get("fields", ())]:
        inner = element.get("text")
        size += len(inner if isinstance(inner, str) else inner["text"]) if inner else 0
    return size


def render(reply: Reply, max_blocks: int = MAX_BLOCKS) -> list[SlackMessage]:
    """The reply as one or more messages, each within Slack's block and size limits."""
    text = fallback_text(reply)
    messages: list[list[Block]] = [[]]
    chars = 0
    for block in reply_blocks(reply):
        size = block_chars(block)
        current = messages[-1]
        if current and (len(current) >= max_blocks or chars + size > MAX_MESSAGE_CHARS):
            messages.append([])
            chars = 0
            if block["type"] == "divider":
                continue
        messages[-1].append(block)
        chars += size
    return [SlackMessage(text, blocks) for blocks in messages if blocks] or [SlackMessage(text, [])]
