"""Run the chat platforms the settings name, side by side in one process."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from bot.hub import Hub
from bot.ports import PlatformStopped


class PlatformUnavailable(PlatformStopped):
    pass


def run_platforms(
    hub: Hub,
    platforms: list[str],
    http: bool = False,
    host: str = "127.0.0.1",
    port: int = 3000,
    shards: int | None = None,
) -> None:
    asyncio.run(serve_platforms(hub, platforms, http=http, host=host, port=port, shards=shards))


async def serve_platforms(
    hub: Hub,
    platforms: list[str],
    http: bool = False,
    host: str = "127.0.0.1",
    port: int = 3000,
    shards: int | None = None,
) -> None:
    """Every platform's adapter in one event loop, until one of them stops."""
    runs: list[Coroutine[Any, Any, None]] = []
    for platform in platforms:
        if platform == "slack":
            from adapters.slack import serve_slack

            runs.append(serve_slack(hub, hub.settings, http=http, port=port, host=host))
        elif platform == "discord":
            from adapters.discord import serve as serve_discord

            runs.append(serve_discord(hub, hub.settings, shards=shards))
        else:
            for run in runs:
                run.close()
            raise PlatformUnavailable(f"the {platform} adapter is not built yet")
    from jobs.scheduler import scheduler_running  # daily posts, reveals and other timers

    async with scheduler_running(hub):
        await asyncio.gather(*runs)
