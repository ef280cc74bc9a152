"""Stopping without dropping acknowledged work.

Adapters wrap each piece of work they acknowledged (a command, from its ack to its answer) in
`track()`. On SIGTERM `hub serve` calls `request_stop(grace)`: the adapters stop taking new work
(`stopping()` returns), `finish()` waits for what is in flight until the deadline and cancels
what is left, and the jobs hand back their claims (see jobs/scheduler.py).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, Protocol, TypeVar

if TYPE_CHECKING:
    from bot.hub import Hub

log = logging.getLogger(__name__)

CANCEL_WAIT = 2.0  # seconds for cancelled work to run its clean-up


class Lifecycle:
    def __init__(self, grace: float) -> None:
        self.grace = grace
        self.tasks: set[asyncio.Task[Any]] = set()
        self._stop = asyncio.Event()
        self._deadline: float | None = None

    @asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        """Count the current task as work in flight until the block ends."""
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        try:
            yield
        finally:
            self.tasks.discard(task)

    def request_stop(self, grace: float | None = None) -> None:
        if self._deadline is None:
            self._deadline = asyncio.get_running_loop().time() + (
                self.grace if grace is None else grace
            )
        self._stop.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    async def stopping(self) -> None:
        """Return once a stop was requested."""
        await self._stop.wait()

    def deadline(self) -> float:
        """The loop time by which the work in flight must be done (from now, if not stopping)."""
        if self._deadline is not None:
            return self._deadline
        return asyncio.get_running_loop().time() + self.grace

    def left(self) -> float:
        return max(0.0, self.deadline() - asyncio.get_running_loop().time())

    async def finish(self) -> bool:
        """Wait for the work in flight until the deadline; cancel what is left. True when all of
        it finished in time."""
        while self.tasks:
            left = self.left()
            if left <= 0:
                log.warning("shutdown grace over: cancelling %d piece(s) of work", len(self.tasks))
                await cancel(self.tasks)
                return False
            await asyncio.wait(set(self.tasks), timeout=left)
        return True


async def cancel(tasks: set[asyncio.Task[Any]]) -> None:
    """Cancel the tasks and give them a moment to clean up (hand back a claim, say sorry)."""
    pending = {task for task in tasks if not task.done()}
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=CANCEL_WAIT)


class HasHub(Protocol):
    hub: Hub


S = TypeVar("S", bound=HasHub)
P = ParamSpec("P")


def tracked(
    handler: Callable[Concatenate[S, P], Awaitable[None]],
) -> Callable[Concatenate[S, P], Awaitable[None]]:
    """Mark an adapter's handler (a method of an object with `.hub`) as work in flight."""

    @functools.wraps(handler)
    async def run(self: S, /, *args: P.args, **kwargs: P.kwargs) -> None:
        async with self.hub.lifecycle.track():
            await handler(self, *args, **kwargs)

    return run
