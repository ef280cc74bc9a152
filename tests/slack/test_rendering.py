"""Block Kit within Slack's limits, mrkdwn from our Markdown, and text that can never ping."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from adapters.slack.blocks import MAX_BLOCKS, MAX_MESSAGE_CHARS, render
from adapters.slack.mrkdwn import SECTION_LIMIT, from_slack, to_mrkdwn
from bot.cards import entry_card
from bot.chat_text import split_markdown
from bot.config import SHIPPED_CONTENT
from bot.content import load_paths
from bot.hub import Hub
from bot.models import QUESTION_SECTIONS, Entry
from bot.replies import Button, Card, Reply, Section
from tests.slack.conftest import Slack, add_content, question

WORD = re.compile(r"[A-Za-z0-9]+")
FENCE_LANGUAGE = re.compile(r"```[\w+-]+")
PINGS = re.compile(r"<!(channel|here|everyone)|<@[UW]|@(?!\u2060)(channel|here|everyone)\b")


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    found = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        for element in block.get("elements", []) + block.get("fields", []):
            if "text" in element:
                text = element["text"]
                found.append(text if isinstance(text, str) else text["text"])
    return found


def assert_within_limits(reply: Reply) -> str:
    """Check every message of the rendered reply; return all of its text."""
    out = []
    for message in render(reply):
        assert 1 <= len(message.blocks) <= MAX_BLOCKS
        chars = 0
        for block in message.blocks:
            if block["type"] == "section" and "text" in block:
                assert len(block["text"]["text"]) <= SECTION_LIMIT
                chars += len(block["text"]["text"])
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= 150
        assert chars <= MAX_MESSAGE_CHARS
        out.extend(texts(message.blocks))
    return "\n".join(out)


def words(text: str) -> Counter[str]:
    return Counter(WORD.findall(text))


def test_every_shipped_entry_renders_in_full_within_limits() -> None:
    found = load_paths([SHIPPED_CONTENT])
    assert found.entries, "no shipped content"
    longest = 0
    for data, _ in found.entries:
        entry = Entry(**data.model_dump(exclude_none=True))
        card = entry_card(entry, expanded=QUESTION_SECTIONS)
        rendered = assert_within_limits(Reply(cards=(card,)))
        source = "\n".join(
            [card.text, *(s.text for s in card.sections), card.code.text if card.code else ""]
        )
        longest = max(longest, len(source))
        source = FENCE_LANGUAGE.sub("```", source)  # Slack has no syntax highlighting
        missing = words(source) - words(rendered)
        assert not missing, f"{entry.id}: lost {list(missing)[:5]}"
    assert longest > SECTION_LIMIT  # the longest entry really needs splitting


async def test_a_5000_character_answer_shows_in_full(
    slack: Slack, hub: Hub, tmp_path: Path
) -> None:
    paragraph = "Connection pools keep sockets warm so requests skip the handshake. " * 8
    answer = "\n\n".join(f"{n}. {paragraph}" for n in range(10))[:5000]
    assert len(answer) == 5000
    add_content(
        hub,
        tmp_path,
        {"questions/python/q-python-long.md": question("q-python-long", "Pools?", answer)},
    )
    assert await slack.command("show q-python-long") == 200
    calls = await slack.fake.wait_for("response_url")
    blocks = [b for call in calls for b in call.body["blocks"]]
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(sections) >= 2
    assert all(len(s) <= SECTION_LIMIT for s in sections)
    assert words(answer) == words("\n".join(sections)) - words("Pools?")


def test_long_code_is_split_with_balanced_fences() -> None:
    code = "\n".join(f"line_{n} = compute({n})  # keep going" for n in range(300))
    pieces = split_markdown(to_mrkdwn(f"```python\n{code}\n```"), SECTION_LIMIT)
    assert len(pieces) >= 3
    for piece in pieces:
        assert len(piece) <= SECTION_LIMIT
        assert piece.startswith("```\n") and piece.endswith("```")
    assert "".join(pieces).count("line_") == 300


def test_markdown_becomes_mrkdwn() -> None:
    text = to_mrkdwn(
        "## Fix\n**Bold** and *italic*, `a < b`, [docs](https://example.com/a?b=1&c=2)\n"
        "- one\n```python\nif a < b and c > d: pass\n```"
    )
    assert text.startswith("*Fix*\n*Bold* and _italic_, `a &lt; b`")
    assert "<https://example.com/a?b=1&amp;c=2|docs>" in text
    assert "• one" in text
    assert "```\nif a &lt; b and c &gt; d: pass\n```" in text


@pytest.mark.parametrize(
    "hostile", ["<!channel>", "<!here>", "<!everyone>", "<@U0ALICE>", "@here", "@channel"]
)
def test_content_text_cannot_ping(hostile: str) -> None:
    card = Card(
        title=f"Title {hostile}",
        subtitle=hostile,
        text=f"Answer {hostile} **{hostile}**",
        sections=(Section(hostile, f"[{hostile}](https://example.com) {hostile}"),),
        footer=hostile,
    )
    for message in render(Reply(text=hostile, cards=(card,))):
        assert not PINGS.search(message.text)
        for block in message.blocks:
            for text in texts([block]):
                if block["type"] != "header":  # plain_text is never parsed for mentions
                    assert not PINGS.search(text), text


async def test_what_users_type_cannot_ping(slack: Slack) -> None:
    assert await slack.command("search <!channel> <!here|here> <@U0BOB>") == 200
    [answer] = await slack.fake.wait_for("response_url")
    for text in [answer.body["text"], *texts(answer.body["blocks"])]:
        assert not PINGS.search(text), text


def test_slack_markup_becomes_plain_text() -> None:
    typed = "see <https://x.io|x.io> <http://a.b> &lt;module&gt; &amp;lt; <!here> <!subteam^S1>"
    assert from_slack(typed) == "see x.io http://a.b <module> &lt; @here @subteam"
    assert from_slack("daily on <#C0DEV|dev> for <@U1|alice>") == (
        "daily on <#C0DEV|dev> for <@U1|alice>"
    )


async def test_unknown_subcommand_gets_a_short_usage(slack: Slack) -> None:
    assert await slack.command("frobnicate now") == 200
    [answer] = await slack.fake.wait_for("response_url")
    text = str(answer.body["blocks"])
    assert "I don't know `frobnicate`" in text and "Traceback" not in text
    assert answer.body["response_type"] == "ephemeral"


def test_a_long_title_and_many_buttons_stay_valid() -> None:
    buttons = tuple(Button(f"Option {n} " + "x" * 80, "show", f"id-{n}") for n in range(30))
    card = Card(title="E" * 400, buttons=buttons)
    [message] = render(Reply(cards=(card,)))
    title, *actions = message.blocks
    assert title["type"] == "section" and "E" * 400 in title["text"]["text"]
    elements = [e for block in actions for e in block["elements"]]
    assert [len(block["elements"]) for block in actions] == [25, 5]
    assert all(len(e["text"]["text"]) <= 75 for e in elements)
    assert len({e["action_id"] for e in elements}) == 30
