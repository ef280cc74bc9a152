"""Application-command sync: only when the definitions changed, since Discord limits creates.

The digest of the command payload last synced is kept per scope ("global" or a guild id) in the
store, so every process and every restart agrees on whether a sync is needed.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

import discord
from discord import app_commands
from sqlalchemy import Column, DateTime, MetaData, String, Table, select
from sqlalchemy.engine import Engine

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


def stored_digest(engine: Engine, scope: str) -> str | None:
    with engine.connect() as conn:
        row = conn.execute(select(sync_table.c.digest).where(sync_table.c.scope == scope)).first()
    return str(row[0]) if row else None


def store_digest(engine: Engine, scope: str, digest: str) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        updated = conn.execute(
            sync_table.update()
            .where(sync_table.c.scope == scope)
            .values(digest=digest, synced_at=now)
        ).rowcount
        if not updated:
            conn.execute(sync_table.insert().values(scope=scope, digest=digest, synced_at=now))


async def sync_commands(
    tree: app_commands.CommandTree[Any], engine: Engine, guild_id: int | None
) -> int:
    """Sync now; the number of commands Discord holds for the scope afterwards."""
    guild = discord.Object(guild_id) if guild_id else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    digest = commands_digest(tree, guild_id)
    synced = await tree.sync(guild=guild)
    await asyncio.to_thread(store_digest, engine, scope_name(guild_id), digest)
    return len(synced)


async def sync_if_changed(
    tree: app_commands.CommandTree[Any], engine: Engine, guild_id: int | None
) -> bool:
    """Sync when the definitions differ from the last sync of this scope; True if it did."""
    guild = discord.Object(guild_id) if guild_id else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    digest = commands_digest(tree, guild_id)
    scope = scope_name(guild_id)
    if await asyncio.to_thread(stored_digest, engine, scope) == digest:
        log.info("application commands unchanged (%s): not syncing", scope)
        return False
    count = await sync_commands(tree, engine, guild_id)
    log.info("synced %d application commands (%s)", count, scope)
    return True
