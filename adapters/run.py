"""Run the chat platforms the settings name, side by side in one process, and stop gracefully.

SIGTERM (or SIGINT) stops taking new work; what was acknowledged is answered and running jobs end
within HUB_SHUTDOWN_GRACE, anything still running then is cancelled (jobs hand their claims
back), and the process exits 0. A platform that stops on its own stops the others the same way.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Coroutine
from typing import Any

from bot.hub import Hub
from bot.ports import PlatformStopped

log = logging.getLogger(__name__)


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
    """Every platform's adapter in one event loop, until a signal or until one of them stops."""
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

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop_requested, hub, signum)
    async with scheduler_running(hub) as registry:
        tasks = [asyncio.create_task(run) for run in runs]
        stopping = asyncio.create_task(hub.lifecycle.stopping())
        await asyncio.wait([*tasks, stopping], return_when=asyncio.FIRST_COMPLETED)
        hub.lifecycle.request_stop()  # a signal, or a platform that ended: everything stops
        registry.pause()  # no new jobs; the running ones finish as the block ends
        results = await asyncio.gather(*tasks, return_exceptions=True)
        stopping.cancel()
    for result in results:
        if isinstance(result, BaseException):
            raise result


def stop_requested(hub: Hub, signum: int) -> None:
    log.warning(
        "%s: finishing the work in flight (up to %.0f s), then stopping",
        signal.Signals(signum).name,
        hub.lifecycle.grace,
    )
    hub.lifecycle.request_stop()
