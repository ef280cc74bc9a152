"""Named jobs rebuilt from the database.

Each feature is a `JobSource`: given the time, it reads the database and says which named jobs
should exist and when they run (`JobSpec`: a name, an instant and ids — never state). The
registry makes APScheduler's in-memory jobs match that list at start, after every change a command
reports (`request_sync`), after every job run, and every `resync_seconds` (to see changes made by
other processes). Jobs are never stored by APScheduler: every process builds its own, and the
database decides which process performs a side effect (see bot/daily/posting.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.lifecycle import cancel

log = logging.getLogger(__name__)

JobFunc = Callable[..., Awaitable[None]]
RESYNC = "registry:resync"


@dataclass(frozen=True)
class JobSpec:
    """One named job: `id` like "daily:12", run once at `run_at` (UTC) with ids as arguments."""

    id: str
    run_at: datetime
    func: JobFunc
    args: tuple[int | str, ...] = ()


class JobSource(Protocol):
    def specs(self, now: datetime) -> list[JobSpec]:
        """Every job this feature needs from `now` on, read from the database."""
        ...


def process_owner() -> str:
    """A name for this process in claim rows: host, pid and a random part."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class JobRegistry:
    def __init__(self, resync_seconds: float = 30.0, debounce_seconds: float = 0.2) -> None:
        self.sources: list[JobSource] = []
        self.owner = process_owner()
        self.resync_seconds = resync_seconds
        self.debounce_seconds = debounce_seconds
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            # A one-shot job that is late still runs: the job itself knows its grace period.
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        )
        # Jobs submitted to the executor and not yet finished: a rebuild leaves them alone.
        self.running: set[str] = set()
        self.scheduler.add_listener(self._submitted, EVENT_JOB_SUBMITTED)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[Any]] = set()  # the jobs running now
        self.stopping = False

    def _submitted(self, event: JobSubmissionEvent) -> None:
        if event.job_id != RESYNC:
            self.running.add(event.job_id)

    def add_source(self, source: JobSource) -> None:
        self.sources.append(source)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.scheduler.start()
        self.sync()
        # The first rebuild comes soon: adapters register their outbound ports as they connect.
        soon = datetime.now(UTC) + timedelta(seconds=min(2.0, self.resync_seconds))
        self.scheduler.add_job(
            self._resync,
            IntervalTrigger(seconds=self.resync_seconds),
            id=RESYNC,
            name=RESYNC,
            next_run_time=soon,
        )

    def stop(self) -> None:
        """Stop at once: running jobs are cancelled (see `drain` for a graceful stop)."""
        self.pause()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def pause(self) -> None:
        """Start no new job and no rebuild; the running jobs go on."""
        self.stopping = True
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        if self.scheduler.running:
            self.scheduler.pause()

    async def drain(self, deadline: float) -> None:
        """Start nothing new, let the running jobs end until the loop time `deadline`, then
        cancel the rest: a job cancelled before its send hands its claim back."""
        self.pause()
        await asyncio.sleep(0)  # a job submitted a moment ago starts and shows up
        left = deadline - asyncio.get_running_loop().time()
        if self._tasks and left > 0:
            await asyncio.wait(set(self._tasks), timeout=left)
        if self._tasks:
            log.warning("jobs still running after the grace, handing them back: %s",
                        sorted(self.running))  # fmt: skip
            await cancel(self._tasks)

    async def _resync(self) -> None:
        self.sync()

    def request_sync(self, _feature: str = "") -> None:
        """Rebuild soon (debounced); safe to call from any thread."""
        if self._loop is not None and not self._loop.is_closed() and not self.stopping:
            self._loop.call_soon_threadsafe(self._debounce)

    def _debounce(self) -> None:
        if self._pending is None and self._loop is not None and not self.stopping:
            self._pending = self._loop.call_later(self.debounce_seconds, self._sync_now)

    def _sync_now(self) -> None:
        self._pending = None
        try:
            self.sync()
        except Exception:
            log.exception("rebuilding the jobs failed; the next resync tries again")

    def sync(self) -> None:
        """Make the scheduler's jobs equal to what the sources ask for now."""
        now = datetime.now(UTC)
        wanted: dict[str, JobSpec] = {}
        for source in self.sources:
            for spec in source.specs(now):
                wanted[spec.id] = spec
        jobs = {job.id: job for job in self.scheduler.get_jobs() if job.id != RESYNC}
        for job_id in jobs.keys() - wanted.keys():
            with contextlib.suppress(JobLookupError):  # removed meanwhile
                self.scheduler.remove_job(job_id)
        for spec in wanted.values():
            job = jobs.get(spec.id)
            if spec.id in self.running:
                continue  # it rebuilds itself when it ends
            if (
                job is not None
                and job.next_run_time == spec.run_at
                and tuple(job.args) == spec.args
            ):
                continue
            self.scheduler.add_job(
                self._wrap(spec.id, spec.func),
                DateTrigger(run_date=spec.run_at),
                args=spec.args,
                id=spec.id,
                name=spec.id,
                replace_existing=True,
            )

    def _wrap(self, job_id: str, func: JobFunc) -> JobFunc:
        async def run(*args: int | str) -> None:
            task = asyncio.current_task()
            if task is not None:
                self._tasks.add(task)
            try:
                await func(*args)
            except Exception:
                log.exception("job %s failed", job_id)
            finally:
                self._tasks.discard(task)
                self.running.discard(job_id)
                self.request_sync()

        return run

    def jobs(self) -> dict[str, datetime]:
        """The named jobs and their next run (for status and tests)."""
        return {
            job.id: job.next_run_time
            for job in self.scheduler.get_jobs()
            if job.id != RESYNC and job.next_run_time is not None
        }

    async def idle(self, timeout: float = 30.0) -> None:
        """Wait until no job is due or running and no rebuild is pending (tests, shutdown)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        quiet = 0
        while quiet < 3:
            if loop.time() > deadline:
                raise TimeoutError(f"jobs still busy: {sorted(self.running)}")
            await asyncio.sleep(0.01)
            now = datetime.now(UTC)
            due = any(at <= now for at in self.jobs().values())
            if due:
                self.scheduler.wakeup()
            busy = due or self.running or self._pending is not None
            quiet = 0 if busy else quiet + 1
