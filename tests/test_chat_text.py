"""The text logic chat adapters share (bot.chat_text), and references in the core's form."""

from __future__ import annotations

import pytest

from adapters.references import neutral_references
from bot.chat_text import defuse_mentions, split_markdown


def test_a_fence_cut_open_is_reopened_with_its_language() -> None:
    code = "\n".join(f"value_{n} = compute({n})" for n in range(200))
    pieces = split_markdown(f"Intro\n\n```python\n{code}\n```\nAfter", 1000)
    assert len(pieces) >= 4
    for piece in pieces:
        assert len(piece) <= 1000
        assert piece.count("```") % 2 == 0
    assert all(piece.startswith("```python\n") for piece in pieces[1:])
    assert "\n".join(pieces).count("value_") == 200


def test_a_fence_opened_at_a_cut_moves_to_the_next_piece() -> None:
    prose = "word " * 190  # 950 characters: the fence's first line does not fit after it
    pieces = split_markdown(f"{prose.strip()}\n```sql\nSELECT 1;\n```", 960)
    assert pieces == [prose.strip(), "```sql\nSELECT 1;\n```"]


def test_a_hard_cut_never_splits_an_entity() -> None:
    escaped = "x" * 995 + "&lt;" + "y" * 50
    pieces = split_markdown(escaped, 1000)
    assert "".join(pieces) == escaped
    assert pieces[1].startswith("&lt;")


@pytest.mark.parametrize("mark", ["\u2060", "\u200b"])
def test_mentions_are_defused_with_the_platforms_mark(mark: str) -> None:
    text = "@here @Channel @everyone <@123> <@!45> <@&7> <#9> mail@heresy.org"
    assert defuse_mentions(text, mark) == (
        f"@{mark}here @{mark}Channel @{mark}everyone <@{mark}123> <@{mark}!45> <@{mark}&7> "
        "<#9> mail@heresy.org"
    )


@pytest.mark.parametrize(
    ("typed", "neutral"),
    [
        ("daily on <#C0DEV|dev> at 09:00", "daily on #C0DEV at 09:00"),  # Slack
        ("mock start <@U0BOB|bob> <@U0ANN>", "mock start @U0BOB @U0ANN"),  # Slack
        ("daily on <#123> with <@456> and <@!789>", "daily on #123 with @456 and @789"),  # Discord
        ("ping <@&7> <!here> #general @bob", "ping <@&7> <!here> #general @bob"),  # left alone
    ],
)
def test_platform_references_reach_the_core_as_ids(typed: str, neutral: str) -> None:
    assert neutral_references(typed) == neutral
