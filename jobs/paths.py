"""The weekly learning-path nudge as a named job: `paths:nudge` runs hourly while anyone has
opted in; each person's DM is claimed once a week (bot/learning/nudge.py), so every process may
hold the job."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.learning.nudge import send_nudges
from bot.learning.store import nudges_enabled
from jobs.registry import JobSpec

if TYPE_CHECKING:
    from bot.hub import Hub

NUDGE = "paths:nudge"


class PathJobs:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def specs(self, now: datetime) -> list[JobSpec]:
        if not self.hub.outbound.platforms() or not nudges_enabled(self.hub.engine):
            return []
        hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        return [JobSpec(NUDGE, hour, self.nudge)]

    async def nudge(self) -> None:
        await send_nudges(self.hub)
