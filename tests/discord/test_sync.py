"""Command sync: the digest of the definitions, stored per scope on SQLite and PostgreSQL."""

from __future__ import annotations

from adapters.discord import HubClient
from adapters.discord.sync import commands_digest, digests
from bot.hub import Hub


def test_the_digest_is_stored_per_scope(hub: Hub) -> None:
    stored = digests(hub)
    assert stored.get("global") is None
    stored.set("global", "a" * 64)
    stored.set("global", "b" * 64)
    stored.set("guild:1", "c" * 64)
    assert stored.get("global") == "b" * 64
    assert stored.get("guild:1") == "c" * 64


def test_the_digest_follows_the_definitions(sqlite_hub: Hub) -> None:
    client = HubClient(sqlite_hub, sqlite_hub.settings)
    before = commands_digest(client.tree, None)
    assert commands_digest(HubClient(sqlite_hub, sqlite_hub.settings).tree, None) == before
    client.tree.remove_command("hub")
    assert commands_digest(client.tree, None) != before
