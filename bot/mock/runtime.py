"""The mock sessions' life in one process: steps delivered in order, and the timers.

Timers are not held in memory: the database is the schedule. A sweep every `interval` seconds
finds questions whose time is up, time-left figures that changed, idle sessions and due review
reminders, and claims each by compare-and-set, so a restart re-arms everything by itself and
several processes never do a step twice. `sweep` is the one function a scheduler needs to call.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.mock import session as machine
from bot.mock.delivery import Delivery
from bot.mock.models import State
from bot.mock.session import Step, left_bucket
from bot.models import utcnow
from bot.ports import DeliveryError
from bot.review.remind import claim_reminders, reminder_reply

if TYPE_CHECKING:
    from bot.hub import Hub

log = logging.getLogger(__name__)

SWEEP_SECONDS = 0.5
REMIND_EVERY = timedelta(minutes=1)

_RUNTIMES: weakref.WeakKeyDictionary[Hub, MockRuntime] = weakref.WeakKeyDictionary()


def runtime_for(hub: Hub) -> MockRuntime | None:
    """The running runtime of this hub, if the bot is serving (not in one-shot CLI commands)."""
    return _RUNTIMES.get(hub)


@dataclass
class TimerStats:
    fired: int = 0
    max_late: float = 0.0
    total_late: float = 0.0


class MockRuntime:
    """Start it inside the bot's event loop; `submit` may be called from any thread."""

    def __init__(self, hub: Hub, interval: float = SWEEP_SECONDS) -> None:
        self.hub = hub
        self.interval = interval
        self.delivery = Delivery(hub)
        self.stats = TimerStats()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._last: dict[int, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._next_remind = datetime.min.replace(tzinfo=utcnow().tzinfo)

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self, sweep: bool = True) -> None:
        self.loop = asyncio.get_running_loop()
        _RUNTIMES[self.hub] = self
        if sweep:
            self._sweeper = self.loop.create_task(self._sweep_forever(), name="mock-sweep")
            self._sweeper.add_done_callback(self._watch)

    async def stop(self) -> None:
        if _RUNTIMES.get(self.hub) is self:
            del _RUNTIMES[self.hub]
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
            self._sweeper = None
        await self.drain()

    def _watch(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("the mock-session sweep stopped", exc_info=task.exception())

    # --- steps --------------------------------------------------------------------------------

    def submit(self, step: Step) -> None:
        """Deliver a committed step after the ones before it of the same session."""
        assert self.loop is not None, "the runtime is not started"
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            self._schedule(step)
        else:
            self.loop.call_soon_threadsafe(self._schedule, step)

    def _schedule(self, step: Step) -> None:
        assert self.loop is not None
        session_id = step.session.id or 0
        task = self.loop.create_task(self._deliver(step, self._last.get(session_id)))
        self._last[session_id] = task
        self._tasks.add(task)
        task.add_done_callback(lambda t: self._done(session_id, t))

    def _done(self, session_id: int, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._last.get(session_id) is task:
            del self._last[session_id]

    async def _deliver(self, step: Step, before: asyncio.Task[None] | None) -> None:
        if before is not None:
            await asyncio.wait([before])
        try:
            await self.delivery.deliver(step)
        except Exception:
            log.exception("mock session %s: delivering %s failed", step.session.id, step.kind)

    async def drain(self) -> None:
        """Wait until every submitted step has been delivered."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # --- timers -------------------------------------------------------------------------------

    async def _sweep_forever(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("mock-session sweep failed; trying again")
            await asyncio.sleep(self.interval)

    async def sweep(self, now: datetime | None = None) -> None:
        """One pass over the live sessions: time up, time left, idle; then review reminders."""
        now = now or utcnow()
        engine = self.hub.engine
        idle = timedelta(minutes=self.hub.settings.mock_idle_minutes)
        for ms in machine.active(engine):
            step: Step | None = None
            if ms.last_activity + idle <= now:
                step = machine.act(engine, ms.id or 0, "end", None, now=now, reason="idle")
            elif ms.state == State.asking and ms.deadline is not None:
                left = (ms.deadline - now).total_seconds()
                if left <= 0:
                    step = machine.time_up(engine, ms.id or 0, ms.step, now)
                    if step is not None:
                        self._fired(-left)
                elif left_bucket(left) != ms.shown_left:
                    step = machine.tick(engine, ms, left_bucket(left))
            if step is not None:
                self.submit(step)
        if now >= self._next_remind:
            self._next_remind = now + REMIND_EVERY
            await self._remind(now)

    def _fired(self, late: float) -> None:
        self.stats.fired += 1
        self.stats.total_late += late
        self.stats.max_late = max(self.stats.max_late, late)

    async def _remind(self, now: datetime) -> None:
        for who, count in claim_reminders(self.hub.engine, now):
            out = self.hub.outbound.get(who.platform)
            if out is None:
                continue
            try:
                await out.send_private(who.user_id, reminder_reply(count), None)
            except DeliveryError as exc:
                log.warning("review reminder to %s not delivered: %s", who.user_id, exc)


@contextmanager
def background(hub: Hub, interval: float = SWEEP_SECONDS) -> Iterator[MockRuntime]:
    """Run a runtime in its own thread and event loop (for the synchronous console chat)."""
    loop = asyncio.new_event_loop()
    runtime = MockRuntime(hub, interval)
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runtime.start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="mock-runtime", daemon=True)
    thread.start()
    ready.wait()
    try:
        yield runtime
    finally:
        asyncio.run_coroutine_threadsafe(runtime.stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()
