"""Command sync: the digest store on SQLite and PostgreSQL, and `hub discord sync`."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sqlalchemy.engine import Engine

from adapters.discord import HubClient
from adapters.discord.sync import commands_digest, store_digest, stored_digest
from bot.hub import Hub
from tests.discord.fake import BOT_ID, FakeDiscord


async def hub_cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    """Run `hub …` in a real process (the fake Discord keeps serving in this event loop)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        *args,
        env={**os.environ, "HUB_CONTENT_DIR": env["HUB_DATABASE_URL"][10:] + ".none", **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, output.decode()


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


async def test_hub_discord_sync_registers_the_commands(fake: FakeDiscord, tmp_path: Path) -> None:
    env = {
        "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "DISCORD_TOKEN": "fake-token",
        "DISCORD_API_URL": fake.api_url,
    }
    code, output = await hub_cli(env, "discord", "sync", "--guild", "77")
    assert code == 0, output
    assert "synced 2 commands to guild 77" in output
    assert fake.calls_to("PUT", rf"/applications/{BOT_ID}/guilds/77/commands")
    assert not fake.identifies  # REST only: no gateway connection


async def test_hub_discord_sync_explains_a_bad_token(fake: FakeDiscord, tmp_path: Path) -> None:
    fake.fail("GET", "/users/@me", 401, {"message": "401: Unauthorized", "code": 0})
    env = {
        "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "DISCORD_TOKEN": "wrong",
        "DISCORD_API_URL": fake.api_url,
    }
    code, output = await hub_cli(env, "discord", "sync")
    assert code == 1
    assert output.startswith("error: Discord: the token was rejected"), output
    assert "Traceback" not in output
