"""Privacy housekeeping: searches older than HUB_SEARCH_LOG_DAYS are deleted once a day.

Every process holds the job; the DELETE is the same whoever runs it, so no claim is needed.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.search.stats import expire_search_logs
from jobs.registry import JobSpec

if TYPE_CHECKING:
    from bot.hub import Hub

log = logging.getLogger(__name__)

EXPIRE = "privacy:expire-searches"
EXPIRE_HOUR_UTC = 3


class PrivacyJobs:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def specs(self, now: datetime) -> list[JobSpec]:
        at = now.replace(hour=EXPIRE_HOUR_UTC, minute=0, second=0, microsecond=0)
        if at <= now:
            at += timedelta(days=1)
        return [JobSpec(EXPIRE, at, self.expire)]

    async def expire(self) -> None:
        days = self.hub.settings.search_log_days
        gone = await asyncio.to_thread(expire_search_logs, self.hub.engine, days)
        if gone:
            log.info("deleted %d searches older than %d days", gone, days)
