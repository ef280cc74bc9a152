"""Mock-session timers and the review reminder as named jobs, rebuilt from the database.

One job per live session, `mock:<id>`, at its next moment (time up, a new time-left figure, idle
end: bot.mock.runtime.next_moment); it carries the session id only and the runtime claims the step
by compare-and-set, so every process may hold the same job and the step still happens once.
`review:remind` runs every quarter of an hour (time zones are whole quarters apart), so a
person's DM goes out at 09:00 their time; each is claimed once a day.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.mock import session as machine
from bot.mock.runtime import MockRuntime, next_moment
from bot.models import utcnow
from bot.review.remind import reminders_enabled
from jobs.registry import JobSpec

if TYPE_CHECKING:
    from bot.hub import Hub

REMIND = "review:remind"


class MockJobs:
    def __init__(self, hub: Hub, runtime: MockRuntime | None = None) -> None:
        self.hub = hub
        self.runtime = runtime or MockRuntime(hub)

    def specs(self, now: datetime) -> list[JobSpec]:
        if self.runtime.loop is None:
            self.runtime.attach()  # the registry builds its jobs inside the running loop
        platforms = set(self.hub.outbound.platforms())
        if not platforms:
            return []
        idle = self.runtime.idle
        # A moment already past stays as it is (the job runs at once), so a rebuild that finds
        # nothing changed leaves every job alone.
        specs = [
            JobSpec(f"mock:{clock.id}", next_moment(clock, idle), self.check, (clock.id,))
            for clock in machine.clocks(self.hub.engine, platforms)
        ]
        if reminders_enabled(self.hub.engine):
            quarter = now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0)
            specs.append(JobSpec(REMIND, quarter + timedelta(minutes=15), self.remind))
        return specs

    async def aclose(self) -> None:
        """Deliver what is on its way, then stop (the scheduler calls this when it stops)."""
        await self.runtime.stop()

    async def check(self, session_id: int) -> None:
        """The session's moment came: claim and deliver what is due (database work off the loop)."""
        db = self.runtime.timer_db
        ms = await db(machine.load, self.hub.engine, session_id)
        if ms is not None and not ms.ended:
            await db(self.runtime.check, ms)

    async def remind(self) -> None:
        await self.runtime.remind(utcnow())
