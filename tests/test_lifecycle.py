"""Stopping: work in flight gets until the deadline, then is cancelled and may clean up."""

from __future__ import annotations

import asyncio

from bot.lifecycle import Lifecycle


async def test_finish_waits_for_tracked_work_then_cancels_what_outlives_the_grace() -> None:
    lifecycle = Lifecycle(grace=0.3)
    quick_done = asyncio.Event()
    cleaned = asyncio.Event()
    slow_started = asyncio.Event()

    async def quick() -> None:
        async with lifecycle.track():
            await asyncio.sleep(0.05)
            quick_done.set()

    async def slow() -> None:
        async with lifecycle.track():
            slow_started.set()
            try:
                await asyncio.Event().wait()  # never ends by itself
            except asyncio.CancelledError:
                cleaned.set()  # e.g. hand a claim back
                raise

    tasks = [asyncio.create_task(quick()), asyncio.create_task(slow())]
    await slow_started.wait()
    assert not lifecycle.stop_requested
    lifecycle.request_stop()
    await asyncio.wait_for(lifecycle.stopping(), 1)
    assert await lifecycle.finish() is False
    assert quick_done.is_set() and cleaned.is_set()
    assert not lifecycle.tasks and all(t.done() for t in tasks)
    assert await lifecycle.finish() is True  # nothing left
