"""Connecting: endpoints from the settings, the client class, and gateway closes that are fatal."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.client import HubClient, HubClientMixin, ShardedHubClient
from adapters.discord.sync import sync_commands
from bot.config import Settings
from bot.ports import PlatformStopped

if TYPE_CHECKING:
    from bot.hub import Hub

log = logging.getLogger(__name__)

DISCORD_API = Route.BASE
DISCORD_GATEWAY = DiscordWebSocket.DEFAULT_GATEWAY

# Close codes after which reconnecting cannot help: stop with a message that says what to fix.
FATAL_CLOSE_CODES = {
    4004: "the token was rejected (4004 Authentication failed): check DISCORD_TOKEN",
    4010: "the gateway rejected the shard (4010 Invalid shard): check --shards",
    4011: "the bot is in too many guilds for one connection (4011 Sharding required): "
    "run with --shards N",
    4012: "the gateway API version is not supported (4012 Invalid API version): upgrade discord.py",
    4013: "the gateway rejected the intents (4013 Invalid intents)",
    4014: "the bot asked for a privileged intent that is not enabled in the Developer Portal "
    "(4014 Disallowed intents)",
}


class DiscordStopped(PlatformStopped):
    """Discord refused the bot for a reason a reconnect cannot fix."""


def configure_endpoints(settings: Settings) -> None:
    """Point REST (and interaction webhooks) at DISCORD_API_URL, the gateway at
    DISCORD_GATEWAY_URL; the real Discord when they are unset."""
    Route.BASE = (settings.discord_api_url or DISCORD_API).rstrip("/")
    gateway = settings.discord_gateway_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway) if gateway else DISCORD_GATEWAY


def make_client(hub: Hub, settings: Settings, shards: int | None = None) -> HubClientMixin:
    configure_endpoints(settings)
    if shards:
        return ShardedHubClient(hub, settings, shard_count=shards)
    return HubClient(hub, settings)


async def run_client(client: HubClientMixin, token: str) -> None:
    """Log in and stay connected until closed; DiscordStopped on a fatal close or a bad token."""
    try:
        async with client:
            await client.start(token)
    except discord.LoginFailure as exc:
        raise DiscordStopped(f"Discord: {FATAL_CLOSE_CODES[4004]}") from exc
    except discord.PrivilegedIntentsRequired as exc:
        raise DiscordStopped(f"Discord: {FATAL_CLOSE_CODES[4014]}") from exc
    except discord.ConnectionClosed as exc:
        reason = FATAL_CLOSE_CODES.get(exc.code)
        if reason is None:
            raise
        raise DiscordStopped(f"Discord: {reason}") from exc


async def sync_now(hub: Hub, settings: Settings, guild_id: int | None) -> int:
    """`hub discord sync`: log in over REST only (no gateway), sync, log out."""
    if not settings.discord_token:
        raise DiscordStopped("DISCORD_TOKEN is not set")
    configure_endpoints(settings)
    client = HubClient(hub, settings, sync_on_start=False)
    try:
        async with client:
            await client.login(settings.discord_token)
            return await sync_commands(client.tree, hub, guild_id)
    except discord.LoginFailure as exc:
        raise DiscordStopped(f"Discord: {FATAL_CLOSE_CODES[4004]}") from exc
    except discord.HTTPException as exc:
        raise DiscordStopped(f"Discord refused the sync: {exc.status} {exc.text[:200]}") from exc


async def serve(hub: Hub, settings: Settings, shards: int | None = None) -> None:
    """`hub serve discord`: run until cancelled or the hub is stopping. Stopping, the gateway
    stays open until the work in flight is answered (up to the shutdown grace): Discord hands
    this connection's events to no other process, so what arrives meanwhile is answered too."""
    if not settings.discord_token:
        raise DiscordStopped("DISCORD_TOKEN is not set")
    client = make_client(hub, settings, shards)

    async def close_when_stopping() -> None:
        await hub.lifecycle.stopping()
        await hub.lifecycle.finish()
        await client.close()

    closing = asyncio.create_task(close_when_stopping())
    try:
        await run_client(client, settings.discord_token)
    finally:
        closing.cancel()
