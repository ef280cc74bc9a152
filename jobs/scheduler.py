"""The process's scheduler: the job registry with every feature's source, wired to the hub."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from bot.lifecycle import CANCEL_WAIT
from jobs.daily import DailyJobs
from jobs.delivery import Pacer
from jobs.mock import MockJobs
from jobs.privacy import PrivacyJobs
from jobs.registry import JobRegistry

if TYPE_CHECKING:
    from bot.hub import Hub

log = logging.getLogger(__name__)

FINISH_DUE = 60.0  # seconds the console waits, when it ends, for jobs that are due


def build_scheduler(
    hub: Hub,
    pacer: Pacer | None = None,
    resync_seconds: float = 30.0,
    debounce_seconds: float = 1.0,
    lease: timedelta = timedelta(seconds=60),
    retry_after: timedelta = timedelta(seconds=30),
) -> JobRegistry:
    """A registry with every feature's jobs; commands that change them trigger a rebuild."""
    registry = JobRegistry(resync_seconds, debounce_seconds)
    registry.add_source(
        DailyJobs(hub, registry.owner, pacer or Pacer(), lease=lease, retry_after=retry_after)
    )
    registry.add_source(MockJobs(hub))
    registry.add_source(PrivacyJobs(hub))
    hub.listeners.append(registry.request_sync)
    return registry


@asynccontextmanager
async def scheduler_running(hub: Hub, **options: Any) -> AsyncIterator[JobRegistry]:
    """The jobs run while the block runs (the bot process wraps its adapters in this). When it
    ends, running jobs get until the shutdown deadline (HUB_SHUTDOWN_GRACE) to finish; the rest
    are cancelled and hand their claims back."""
    registry = build_scheduler(hub, **options)
    await registry.start()
    try:
        yield registry
    finally:
        hub.listeners.remove(registry.request_sync)
        await registry.drain(hub.lifecycle.deadline())
        for source in registry.sources:
            close = getattr(source, "aclose", None)
            if close is None:
                continue
            try:  # e.g. a mock session's messages still on their way
                await asyncio.wait_for(close(), max(hub.lifecycle.left(), CANCEL_WAIT))
            except TimeoutError:
                log.warning("%s did not finish within the shutdown grace", type(source).__name__)
        registry.stop()


async def run_scheduler(hub: Hub, stop: asyncio.Event) -> None:
    """Run the jobs until `stop` is set."""
    async with scheduler_running(hub):
        await stop.wait()


class StopJobs(Protocol):
    def __call__(self, finish_due: bool = False) -> None:
        """Stop the jobs; with `finish_due`, first let run what is due now (up to FINISH_DUE
        seconds): work the process started, like a `/hub daily now` post."""


def start_in_thread(hub: Hub) -> StopJobs:
    """Run the scheduler on its own event loop in a thread (the console chat); returns stop."""
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    ready = threading.Event()
    running: list[JobRegistry] = []

    async def serve() -> None:
        async with scheduler_running(hub) as registry:
            running.append(registry)
            ready.set()  # the first command may need the jobs (a mock session's timers)
            await stop.wait()

    def main() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(serve())
        except Exception:
            log.exception("the scheduler stopped")
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
