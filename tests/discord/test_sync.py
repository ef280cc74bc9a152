"""Command sync: the digest of the definitions, stored per scope on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from adapters.discord import HubClient
from adapters.discord.sync import commands_digest, store_digest, stored_digest
from bot.hub import Hub


def test_the_digest_is_stored_per_scope(engine: Engine) -> None:
    assert stored_digest(engine, "global") is None
    store_digest(engine, "global", "a" * 64)
    store_digest(engine, "global", "b" * 64)
    store_digest(engine, "guild:1", "c" * 64)
    assert stored_digest(engine, "global") == "b" * 64
    assert stored_digest(engine, "guild:1") == "c" * 64


def test_the_digest_follows_the_definitions(sqlite_hub: Hub) -> None:
    client = HubClient(sqlite_hub, sqlite_hub.settings)
    before = commands_digest(client.tree, None)
    assert commands_digest(HubClient(sqlite_hub, sqlite_hub.settings).tree, None) == before
    client.tree.remove_command("hub")
    assert commands_digest(client.tree, None) != before
