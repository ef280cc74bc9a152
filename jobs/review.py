"""The review reminder as a named job: `review:remind` runs every quarter of an hour while anyone
has opted in (time zones are whole quarters apart), so a person's DM goes out at 09:00 their
time; each is claimed once a day (bot/review/remind.py), so every process may hold it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.review.remind import reminders_enabled, send_reminders
from jobs.registry import JobSpec

if TYPE_CHECKING:
    from bot.hub import Hub

REMIND = "review:remind"


class ReviewJobs:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def specs(self, now: datetime) -> list[JobSpec]:
        if not self.hub.outbound.platforms() or not reminders_enabled(self.hub.engine):
            return []
        quarter = now.replace(minute=now.minute // 15 * 15, second=0, microsecond=0)
        return [JobSpec(REMIND, quarter + timedelta(minutes=15), self.remind)]

    async def remind(self) -> None:
        await send_reminders(self.hub)
