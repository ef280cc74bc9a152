"""Rendering replies within Discord's limits; custom_ids; mention defusing."""

from __future__ import annotations

import discord

from adapters.discord.embeds import (
    DESCRIPTION_CHARS,
    EMBED_TOTAL_CHARS,
    MESSAGE_CHARS,
    defused,
    render_reply,
)
from adapters.discord.views import HubButton, build_view, custom_id
from bot.cards import entry_card
from bot.chat_text import split_markdown
from bot.config import SHIPPED_CONTENT
from bot.content import load_paths
from bot.content.schema import EntryData
from bot.models import QUESTION_SECTIONS, Entry
from bot.replies import Button, Card, Code, Reply, Section


def descriptions(reply: Reply) -> list[str]:
    return [e.description or "" for m in render_reply(reply) for e in m.embeds]


def test_split_text_keeps_code_fences_balanced() -> None:
    code = "\n".join(f"line_{n} = {n}" for n in range(900))
    pieces = split_markdown(f"Intro\n\n```python\n{code}\n```\nAfter", 2000)
    assert len(pieces) > 3
    for piece in pieces:
        assert len(piece) <= 2000
        assert piece.count("```") % 2 == 0
    assert all(f"line_{n} = {n}" in "\n".join(pieces) for n in range(900))


def test_a_long_line_without_spaces_is_cut_hard() -> None:
    pieces = split_markdown("x" * 5000, 2000)
    assert "".join(pieces) == "x" * 5000
    assert all(len(p) <= 2000 for p in pieces)


def test_long_text_content_splits_into_messages() -> None:
    messages = render_reply(Reply(text="word " * 1000))
    assert len(messages) == 3
    assert all(len(m.content) <= MESSAGE_CHARS for m in messages)


def test_spoiler_sections_hide_every_piece() -> None:
    secret = "The answer is 42. " * 400  # longer than one embed
    card = Card(title="Quiz", sections=(Section("Answer", secret, spoiler=True),))
    hidden = [d for d in descriptions(Reply(cards=(card,))) if "||" in d]
    assert len(hidden) >= 2
    for text in hidden:
        body = text.split("**Answer**")[-1].strip()
        assert body.startswith("||") and body.endswith("||")


def test_every_message_stays_within_embed_limits() -> None:
    cards = tuple(
        Card(
            title=f"Card {n}",
            text="text " * 900,
            code=Code("python", "print('hi')\n" * 300),
            buttons=(Button("Open", "show", f"q-{n}"),),
        )
        for n in range(8)
    )
    messages = render_reply(Reply(text="Results", cards=cards))
    for message in messages:
        assert sum(len(e) for e in message.embeds) <= EMBED_TOTAL_CHARS
        assert len(message.embeds) <= 10
        assert all(len(e.description or "") <= DESCRIPTION_CHARS for e in message.embeds)
    assert [b.value for b in messages[-1].buttons] == [f"q-{n}" for n in range(8)]
    assert all(not m.buttons for m in messages[:-1])


def test_at_most_25_buttons_and_only_valid_custom_ids() -> None:
    buttons = [Button(f"B{n}", "show", f"q-{n}") for n in range(30)]
    view = build_view([Button("Bad", "show", "x" * 120), *buttons])
    assert view is not None
    items = [item for item in view.children if isinstance(item, HubButton)]
    assert len(items) == 25
    assert all(len(item.custom_id) <= 100 for item in items)
    assert items[0].custom_id == "hub:show:q-0"
    assert view.timeout is None
    assert custom_id(Button("x", "section", "q-react-render-twice:deep_dive")) is not None
    assert custom_id(Button("x", "show", "has space")) is None


def test_mentions_are_defused_and_titles_fit() -> None:
    card = Card(title="@here " + "t" * 300, text="ping <@123>, <@&7> and @everyone in <#42>")
    [message] = render_reply(Reply(text="hi @everyone", cards=(card,)))
    assert "@everyone" not in message.content
    embed: discord.Embed = message.embeds[0]
    assert embed.title is not None and len(embed.title) <= 256
    assert "@here" not in embed.title
    assert "<@123>" not in (embed.description or "")
    assert "<@&7>" not in (embed.description or "")
    assert "<#42>" in (embed.description or ""), "a channel link pings no one and stays a link"


def test_the_longest_shipped_entry_renders_in_full() -> None:
    found = load_paths([SHIPPED_CONTENT])
    assert found.entries

    def size(data: EntryData) -> int:
        return sum(len(v) for v in data.model_dump().values() if isinstance(v, str))

    longest = max((data for data, _ in found.entries), key=size)
    entry = Entry(**longest.model_dump())
    card = entry_card(entry, expanded=QUESTION_SECTIONS)
    messages = render_reply(Reply(cards=(card,)))
    shown = "\n".join(e.description or "" for m in messages for e in m.embeds)
    for message in messages:
        assert sum(len(e) for e in message.embeds) <= EMBED_TOTAL_CHARS
        assert all(len(e.description or "") <= DESCRIPTION_CHARS for e in message.embeds)
    texts = [card.text, *(s.text for s in card.sections), card.code.text if card.code else ""]
    for text in texts:
        for line in defused(text).splitlines():
            assert line.strip() in shown, line
