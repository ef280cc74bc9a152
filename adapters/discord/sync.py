"""Application-command sync: only when the definitions changed, since Discord limits creates.

The digest of the command payload last synced is kept per scope ("global" or a guild id) in the
store, so every process and every restart agrees on whether a sync is needed.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from sqlalchemy import Column, DateTime, MetaData, String, Table

if TYPE_CHECKING:
    from bot.hub import Hub, KeyValues

log = logging.getLogger(__name__)

sync_table = Table(
    "discord_command_sync",
    MetaData(),
    Column("scope", String(40), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("synced_at", DateTime(timezone=True), nullable=False),
)


def scope_name(guild_id: int | None) -> str:
    return f"guild:{guild_id}" if guild_id else "global"


def commands_digest(tree: app_commands.CommandTree[Any], guild_id: int | None) -> str:
    guild = discord.Object(guild_id) if guild_id else None
    payload = [command.to_dict(tree) for command in tree._get_all_commands(guild=guild)]
    payload.sort(key=lambda c: (c.get("type", 1), c["name"]))
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def digests(hub: Hub) -> KeyValues:
    """The digest last synced, by scope."""
    return hub.key_values(sync_table)


async def sync_commands(tree: app_commands.CommandTree[Any], hub: Hub, guild_id: int | None) -> int:
    """Sync now; the number of commands Discord holds for the scope afterwards."""
    guild = discord.Object(guild_id) if guild_id else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    digest = commands_digest(tree, guild_id)
    synced = await tree.sync(guild=guild)
    await asyncio.to_thread(digests(hub).set, scope_name(guild_id), digest)
    return len(synced)


async def sync_if_changed(
    tree: app_commands.CommandTree[Any], hub: Hub, guild_id: int | None
) -> bool:
    """Sync when the definitions differ from the last sync of this scope; True if it did."""
    guild = discord.Object(guild_id) if guild_id else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    digest = commands_digest(tree, guild_id)
    scope = scope_name(guild_id)
    if await asyncio.to_thread(digests(hub).get, scope) == digest:
        log.info("application commands unchanged (%s): not syncing", scope)
        return False
    count = await sync_commands(tree, hub, guild_id)
    log.info("synced %d application commands (%s)", count, scope)
    return True
