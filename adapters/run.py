"""Run the chat platforms the settings name, side by side in one process, and stop gracefully.

SIGTERM (or SIGINT) stops taking new work; what was acknowledged is answered and running jobs end
within HUB_SHUTDOWN_GRACE, anything still running then is cancelled (jobs hand their claims
back), and the process exits 0. A platform that stops on its own stops the others the same way.

This is the composition root: it owns what lives as long as the process serves (the mock
sessions' runtime, `hub.mock`, and the jobs), beside the adapters.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Protocol

from bot.hub import Hub
from bot.mock.runtime import mock_running
from bot.ports import PlatformStopped

if TYPE_CHECKING:
    from jobs.registry import JobRegistry

log = logging.getLogger(__name__)


class PlatformUnavailable(PlatformStopped):
    pass


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
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop_requested, hub, signum)
    async with background(hub) as registry:
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


@asynccontextmanager
async def background(hub: Hub) -> AsyncIterator[JobRegistry]:
    """What runs beside the adapters, in this event loop: the mock sessions' runtime and the
    jobs (daily posts and reveals, timers, reminders). When the block ends, the jobs stop first
    (within the shutdown grace), then the steps they and the commands started are delivered."""
    from jobs.scheduler import scheduler_running

    async with mock_running(hub), scheduler_running(hub) as registry:
        yield registry


FINISH_DUE = 60.0  # seconds the console waits, when its input ends, for jobs that are due


class StopJobs(Protocol):
    def __call__(self, finish_due: bool = False) -> None:
        """Stop the jobs; with `finish_due`, first let run what is due now (up to FINISH_DUE
        seconds): work the process started, like a `/hub daily now` post."""


def serve_in_thread(hub: Hub) -> StopJobs:
    """`background`, on an event loop of its own in a thread (the console chat reads stdin on
    the main thread); returns the function that stops it."""
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    ready = threading.Event()
    running: list[JobRegistry] = []

    async def serve() -> None:
        async with background(hub) as registry:
            running.append(registry)
            ready.set()  # the first command may need the runtime (a mock session's steps)
            await stop.wait()

    def main() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(serve())
        except Exception:
            log.exception("the jobs stopped")
        finally:
            ready.set()
            loop.close()

    thread = threading.Thread(target=main, name="hub-jobs", daemon=True)
    thread.start()
    ready.wait(timeout=10)

    def stop_thread(finish_due: bool = False) -> None:
        if finish_due and running and not loop.is_closed():
            idle = asyncio.run_coroutine_threadsafe(running[0].idle(FINISH_DUE), loop)
            try:
                idle.result(FINISH_DUE + 5)  # the loop may have ended meanwhile
            except TimeoutError:
                log.warning("jobs still running after %.0f s: stopping them", FINISH_DUE)
        if not loop.is_closed():
            loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=hub.lifecycle.grace + 10)

    return stop_thread
