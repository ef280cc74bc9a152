"""`/hub forget me` on Discord: a subcommand with one choice, answered privately."""

from __future__ import annotations

from bot.commands import ChatContext
from bot.hub import Hub
from tests.discord.conftest import StartClient
from tests.discord.fake import USER_ID, FakeDiscord
from tests.discord.test_interactions import EPHEMERAL, answer_of, text_of


async def test_forget_me_answers_privately_with_what_was_removed(
    fake: FakeDiscord, start_client: StartClient, sqlite_hub: Hub
) -> None:
    await start_client()
    sqlite_hub.handle(ChatContext("discord", USER_ID, "ada"), "/hub search django orm")
    data = (await answer_of(fake, await fake.slash("forget", who="me")))["data"]
    assert data["flags"] & EPHEMERAL
    assert "searches: 1" in text_of(data)
