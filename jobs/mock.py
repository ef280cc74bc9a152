"""Mock-session timers as named jobs, rebuilt from the database.

One job per live session, `mock:<id>`, at its next moment (time up, a new time-left figure, idle
end: bot.mock.runtime.next_moment); it carries the session id only and the runtime claims the step
by compare-and-set, so every process may hold the same job and the step still happens once. The
runtime is the hub's (`hub.mock`, started by the composition root): without one, no timers.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.mock import store
from bot.mock.runtime import next_moment
from jobs.registry import JobSpec

if TYPE_CHECKING:
    from bot.hub import Hub


class MockJobs:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def specs(self, now: datetime) -> list[JobSpec]:
        runtime = self.hub.mock
        platforms = set(self.hub.outbound.platforms())
        if runtime is None or not platforms:
            return []
        # A moment already past stays as it is (the job runs at once), so a rebuild that finds
        # nothing changed leaves every job alone.
        return [
            JobSpec(f"mock:{clock.id}", next_moment(clock, runtime.idle), self.check, (clock.id,))
            for clock in store.clocks(self.hub.engine, platforms)
        ]

    async def check(self, session_id: int) -> None:
        """The session's moment came: claim and deliver what is due (database work off the loop)."""
        runtime = self.hub.mock
        if runtime is None:
            return
        ms = await runtime.timer_db(store.load, self.hub.engine, session_id)
        if ms is not None and not ms.ended:
            await runtime.timer_db(runtime.check, ms)
