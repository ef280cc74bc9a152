"""Fixtures for the Discord adapter: the fake Discord, a hub on SQLite, and running clients."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord import HubClient, ShardedHubClient, configure_endpoints, run_client
from bot.config import Settings
from bot.hub import Hub
from tests.discord.fake import FakeDiscord

StartClient = Callable[..., Awaitable[HubClient]]


@pytest.fixture(autouse=True)
def restore_endpoints() -> Iterator[None]:
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def discord_settings(settings: Settings, fake: FakeDiscord) -> Settings:
    return settings.model_copy(
        update={
            "discord_token": "fake-token",
            "discord_api_url": fake.api_url,
            "discord_gateway_url": fake.gateway_url,
        }
    )


@pytest.fixture
def adapter_hub(sqlite_hub: Hub) -> Hub:
    """The hub the clients run on: SQLite (a test module about rows overrides it with `hub`)."""
    return sqlite_hub


@pytest.fixture
async def start_client(adapter_hub: Hub, discord_settings: Settings) -> AsyncIterator[StartClient]:
    """Start a real discord.py client against the fake; each call starts another (a restart)."""
    running: list[tuple[HubClient, asyncio.Task[None]]] = []

    async def start(
        settings: Settings = discord_settings, ack_after: float = 2.0, shards: int | None = None
    ) -> HubClient:
        configure_endpoints(settings)
        client: HubClient = HubClient(
            adapter_hub, settings, ack_after=ack_after, guild_ready_timeout=0.05
        )
        if shards:
            client = ShardedHubClient(  # type: ignore[assignment]
                adapter_hub, settings, shard_count=shards, guild_ready_timeout=0.05
            )
        task = asyncio.create_task(run_client(client, "fake-token"))
        running.append((client, task))
        ready = asyncio.create_task(client.wait_until_ready())
        # A second shard identifies 5 s after the first, as Discord requires.
        timeout = 5 + 5 * (shards or 1)
        await asyncio.wait({ready, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            ready.cancel()
            task.result()
        assert client.is_ready()
        return client

    yield start
    for client, task in running:
        await client.close()
        await asyncio.wait({task}, timeout=5)
    # As `hub serve` stops: work the clients took on (a form saved after its answer) finishes
    # before the store is closed.
    await adapter_hub.lifecycle.finish()
