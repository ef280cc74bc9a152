"""The Discord adapter: `/hub` commands, embeds, persistent buttons and the outbound port."""

from adapters.discord.client import HubClient, ShardedHubClient
from adapters.discord.connection import (
    DiscordStopped,
    configure_endpoints,
    make_client,
    run_client,
    serve,
    sync_now,
)
from adapters.discord.outbound import DiscordOutbound

__all__ = [
    "DiscordOutbound",
    "DiscordStopped",
    "HubClient",
    "ShardedHubClient",
    "configure_endpoints",
    "make_client",
    "run_client",
    "serve",
    "sync_now",
]
