"""The mock sessions' life in one process: steps delivered in order, and what their timers do.

Timers are not held in memory: the database is the schedule. `next_moment` says when a session
next needs attention (time up, a new time-left figure, idle end) and `check` does what is due,
each step claimed by compare-and-set, so a restart re-arms everything by itself and several
processes never do a step twice. jobs/mock.py turns these into named jobs; `sweep` checks every
session at once (the tests drive the clock with it).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from bot.mock import session as machine
from bot.mock.delivery import Delivery
from bot.mock.models import MockSession, State
from bot.mock.session import Step, left_bucket
from bot.models import utcnow
from bot.ports import DeliveryError, KnowsTimeZones
from bot.review.remind import claim_reminders, reminder_reply, set_time_zone, time_zone_unknown

if TYPE_CHECKING:
    from bot.hub import Hub

log = logging.getLogger(__name__)
T = TypeVar("T")

_RUNTIMES: weakref.WeakKeyDictionary[Hub, MockRuntime] = weakref.WeakKeyDictionary()


def runtime_for(hub: Hub) -> MockRuntime | None:
    """The hub's runtime if its event loop runs (the bot serves; not one-shot CLI commands)."""
    runtime = _RUNTIMES.get(hub)
    if runtime is None or runtime.loop is None or runtime.loop.is_closed():
        return None
    return runtime


def lower_bucket(shown: int) -> int | None:
    """The next time-left figure below `shown` (see left_bucket)."""
    if shown > 60:
        return shown - 60
    return {60: 30, 30: 10}.get(shown)


class Timed(Protocol):
    @property
    def state(self) -> str: ...
    @property
    def deadline(self) -> datetime | None: ...
    @property
    def shown_left(self) -> int | None: ...
    @property
    def last_activity(self) -> datetime: ...


def next_moment(ms: Timed, idle: timedelta) -> datetime:
    """When the session next needs its timer: time up, a new time-left figure, or idle end."""
    moments = [ms.last_activity + idle]
    if ms.state == State.asking and ms.deadline is not None:
        moments.append(ms.deadline)
        lower = lower_bucket(ms.shown_left) if ms.shown_left else None
        if lower is not None:
            moments.append(ms.deadline - timedelta(seconds=lower))
    return min(moments)


@dataclass
class TimerStats:
    """How late time-up steps were claimed (seconds after the deadline); the latest samples."""

    fired: int = 0
    max_late: float = 0.0
    total_late: float = 0.0
    samples: deque[float] = field(default_factory=lambda: deque(maxlen=10_000))


class MockRuntime:
    """Start it inside the bot's event loop; `submit` may be called from any thread."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.delivery = Delivery(hub)
        self.stats = TimerStats()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._last: dict[int, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.timers = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mock-timers")
        self._queued = 0  # submitted from other threads, not yet scheduled
        self._lock = threading.Lock()

    # --- lifecycle ----------------------------------------------------------------------------

    def attach(self) -> None:
        """Serve this hub's sessions from the running event loop (call it inside the loop)."""
        self.loop = asyncio.get_running_loop()
        _RUNTIMES[self.hub] = self

    async def start(self) -> None:
        self.attach()

    async def stop(self) -> None:
        if _RUNTIMES.get(self.hub) is self:
            del _RUNTIMES[self.hub]
        await self.drain()
        self.delivery.executor.shutdown(wait=False)
        self.timers.shutdown(wait=False)

    async def timer_db(self, call: Callable[..., T], *args: Any) -> T:
        """Run a timer's database work on the timers' own thread (never behind deliveries)."""
        return await asyncio.get_running_loop().run_in_executor(self.timers, call, *args)

    # --- steps --------------------------------------------------------------------------------

    def submit(self, step: Step) -> None:
        """Deliver a committed step after the ones before it of the same session."""
        if self.loop is None or self.loop.is_closed():
            log.warning(
                "mock session %s: no running loop to deliver %s", step.session.id, step.kind
            )
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            self._schedule(step)
        else:
            with self._lock:
                self._queued += 1
            self.loop.call_soon_threadsafe(self._from_thread, step)
        self.hub.changed("mock")  # the session's timer moved: the jobs rebuild

    def _from_thread(self, step: Step) -> None:
        with self._lock:
            self._queued -= 1
        self._schedule(step)

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
        while self._tasks or self._queued:
            await asyncio.gather(*list(self._tasks), asyncio.sleep(0), return_exceptions=True)

    # --- timers -------------------------------------------------------------------------------

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.hub.settings.mock_idle_minutes)

    def check(self, ms: MockSession, now: datetime | None = None) -> Step | None:
        """Do what is due for one session now (time up, time left, idle end) and deliver it."""
        at = now or utcnow()
        engine = self.hub.engine
        step: Step | None = None
        if ms.last_activity + self.idle <= at:
            step = machine.act(engine, ms.id or 0, "end", None, now=at, reason="idle")
        elif ms.state == State.asking and ms.deadline is not None:
            left = (ms.deadline - at).total_seconds()
            if left <= 0:
                self.reveal_due(at, now is None)
            elif left_bucket(left) != ms.shown_left:
                step = machine.tick(engine, ms, left_bucket(left))
        if step is not None:
            self.submit(step)
        return step

    def reveal_due(self, at: datetime, real_time: bool = True) -> int:
        """Claim every question whose time is up (not only this session's) and deliver them."""
        steps = machine.time_up(self.hub.engine, at)
        claimed = utcnow() if real_time else at
        for step in steps:
            if step.session.deadline is not None:  # how late, counted when it was claimed
                self._fired((claimed - step.session.deadline).total_seconds())
            self.submit(step)
        return len(steps)

    async def sweep(self, now: datetime | None = None) -> None:
        """Check every live session, then send due review reminders."""
        now = now or utcnow()
        for ms in machine.active(self.hub.engine):
            self.check(ms, now)
        await self.remind(now)

    def _fired(self, late: float) -> None:
        self.stats.fired += 1
        self.stats.total_late += late
        self.stats.max_late = max(self.stats.max_late, late)
        self.stats.samples.append(late)

    async def remind(self, now: datetime | None = None) -> int:
        """DM today's review reminders (each claimed once); how many were sent."""
        await self.learn_time_zones()
        sent = 0
        for who, count in claim_reminders(self.hub.engine, now):
            out = self.hub.outbound.get(who.platform)
            if out is None:
                continue
            try:
                await out.send_private(who.user_id, reminder_reply(count), None)
                sent += 1
            except DeliveryError as exc:
                log.warning("review reminder to %s not delivered: %s", who.user_id, exc)
        return sent

    async def learn_time_zones(self) -> None:
        """Ask the platform once for the time zone of each person with the reminder on; where
        it cannot tell (no such question on Discord, the console), the reminder keeps UTC."""
        for who in time_zone_unknown(self.hub.engine):
            out = self.hub.outbound.get(who.platform)
            if out is None:
                continue
            name = None
            if isinstance(out, KnowsTimeZones):
                try:
                    name = await out.time_zone(who.user_id)
                except DeliveryError as exc:  # asked again on the next run
                    log.warning("time zone of %s not known: %s", who.user_id, exc)
                    continue
            set_time_zone(self.hub.engine, who, name)
