"""Contributions on Discord, through the real discord.py client against the fake: `/hub suggest`,
the moderators' card (within Discord's limits, nothing pings), a non-moderator's Approve refused,
a moderator's applied once, the author's DM, and search finding the new entry."""

from __future__ import annotations

from typing import Any

from bot.contrib import store as proposals
from bot.contrib.models import State
from bot.contrib.notify import send_notices
from bot.hub import Hub
from tests.contrib.test_proposals import QUESTION
from tests.discord.conftest import StartClient
from tests.discord.fake import (
    ALL_PERMISSIONS,
    CHANNEL_ID,
    MOD,
    OWNER_ID,
    USER_ID,
    FakeDiscord,
    asker,
    user,
)
from tests.discord.test_interactions import answer_of, custom_ids, text_of

# What a moderator's card may hold on Discord (DESIGN.md, "Platform rules").
ROW_BUTTONS, ROWS, FIELDS, EMBED_TOTAL, DESCRIPTION, CUSTOM_ID = 5, 5, 25, 6000, 4096, 100
OWNER = asker(user(OWNER_ID, "owner"), ALL_PERMISSIONS)  # a second moderator
LOUD = "<!channel> @everyone <@&900000000000000008> "
LONG = "x" * 3990  # a deep section near its 4,000-character limit


def within_discord_limits(message: dict[str, Any]) -> None:
    assert len(message["content"]) <= 2000
    assert len(message["components"]) <= ROWS
    for row in message["components"]:
        assert len(row["components"]) <= ROW_BUTTONS
        assert all(len(button["custom_id"]) <= CUSTOM_ID for button in row["components"])
    assert len(message["embeds"]) <= 10
    total = 0
    for embed in message["embeds"]:
        assert len(embed.get("fields", [])) <= FIELDS
        assert len(embed.get("description", "")) <= DESCRIPTION
        assert len(embed.get("title", "")) <= 256
        total += len(embed.get("title", "")) + len(embed.get("description", ""))
        total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
        total += len(embed.get("footer", {}).get("text", ""))
    assert total <= EMBED_TOTAL


async def test_suggest_and_approve_on_discord(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub
) -> None:
    await start_client()
    channel = await answer_of(
        fake, await fake.slash("moderation", by=MOD, setting="channel", channel=f"<#{CHANNEL_ID}>")
    )
    assert "Proposals will be posted in" in text_of(channel["data"]), channel
    first, _, body = QUESTION.removeprefix("/hub suggest question\n").partition("\n")
    title = first.replace("title: ", "title: " + LOUD)
    entry = f"{title}\n{body}\n## Real-world\n\n{LONG}\n\n## Common mistakes\n\n{LONG}\n"
    thanks = await answer_of(fake, await fake.slash("suggest", kind="question", entry=entry))
    assert "Proposal #1 is waiting for the moderators" in text_of(thanks["data"]), thanks

    assert await send_notices(adapter_hub) == 1
    card = [m for m in fake.sent_messages() if "Proposal #1" in text_of(m)]
    assert card, fake.sent_messages()
    for message in card:
        within_discord_limits(message)
    [posted] = [
        c for c in fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages") if c.body["embeds"]
    ]
    assert posted.body["allowed_mentions"] == {"parse": []}
    shown = text_of(card[0])
    for ping in ("<!channel>", "@everyone", "<@&900000000000000008>"):
        assert ping not in shown, ping
    with_buttons = card[-1]
    assert custom_ids(with_buttons) == [
        "hub:proposal-approve:1",
        "hub:proposal-edit:1",
        "hub:proposal-reject:1",
    ]

    refused = await answer_of(fake, await fake.click(with_buttons, "hub:proposal-approve:1"))
    assert "Only this workspace's moderators" in text_of(refused["data"])
    row = proposals.get(adapter_hub.engine, 1)
    assert row is not None and row.state == State.pending

    approved = await answer_of(
        fake, await fake.click(with_buttons, "hub:proposal-approve:1", by=MOD)
    )
    assert "Approved #1" in text_of(approved["data"])
    double = await answer_of(fake, await fake.click(with_buttons, "hub:proposal-approve:1", by=MOD))
    assert double["type"] == 6  # the same press twice: acknowledged, nothing done
    again = await answer_of(
        fake, await fake.click(with_buttons, "hub:proposal-approve:1", by=OWNER)
    )
    assert text_of(again["data"]) == "Proposal #1 was already approved."

    assert await send_notices(adapter_hub) == 1
    [opened] = fake.calls_to("POST", "/users/@me/channels")
    assert str(opened.body["recipient_id"]) == USER_ID
    dms = [m for m in fake.sent_messages() if "was approved" in text_of(m)]
    assert len(dms) == 1 and dms[0]["channel_id"] == "930" + USER_ID[3:]

    found = await answer_of(fake, await fake.slash("search", query="generator send yield"))
    assert "What does a Python generator's send() do?" in text_of(found["data"])
