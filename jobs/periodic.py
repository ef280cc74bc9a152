"""A job that runs on a fixed beat while anyone has opted in: the review reminder
(`review:remind`, every quarter of an hour, so a person's DM goes out at 09:00 their time: time
zones are whole quarters apart) and the learning-path nudge (`paths:nudge`, hourly). Each person's
DM is claimed in the store (once a day, once a week), so every process may hold the job."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from bot.learning.nudge import send_nudges
from bot.learning.store import nudges_enabled
from bot.review.remind import reminders_enabled, send_reminders
from jobs.registry import JobSpec

if TYPE_CHECKING:
    from bot.hub import Hub

REMIND = "review:remind"
NUDGE = "paths:nudge"


class Periodic:
    def __init__(
        self,
        hub: Hub,
        name: str,
        every: timedelta,
        wanted: Callable[[Engine], bool],
        send: Callable[[Hub], Awaitable[Any]],
    ) -> None:
        self.hub, self.name, self.every, self.wanted, self.send = hub, name, every, wanted, send

    def specs(self, now: datetime) -> list[JobSpec]:
        if not self.hub.outbound.platforms() or not self.wanted(self.hub.engine):
            return []
        since_midnight = now - now.replace(hour=0, minute=0, second=0, microsecond=0)
        beat = now - since_midnight % self.every
        return [JobSpec(self.name, beat.replace(microsecond=0) + self.every, self.run)]

    async def run(self) -> None:
        await self.send(self.hub)


def review_reminders(hub: Hub) -> Periodic:
    return Periodic(hub, REMIND, timedelta(minutes=15), reminders_enabled, send_reminders)


def path_nudges(hub: Hub) -> Periodic:
    return Periodic(hub, NUDGE, timedelta(hours=1), nudges_enabled, send_nudges)
