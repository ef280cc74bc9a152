"""Proposal notices as a named job: `proposals:notify` runs when a notice is due (a new
proposal's card, an author's DM); each notice is claimed once (bot/contrib/notify.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.contrib.notify import send_notices
from bot.contrib.store import notices_due
from jobs.registry import JobSpec

if TYPE_CHECKING:
    from bot.hub import Hub

NOTIFY = "proposals:notify"


class ProposalJobs:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def specs(self, now: datetime) -> list[JobSpec]:
        platforms = set(self.hub.outbound.platforms())
        due = [row for row in notices_due(self.hub.engine) if row.platform in platforms]
        if not due:
            return []
        first = min(row.notice_at or now for row in due)
        return [JobSpec(NOTIFY, max(first, now), self.notify)]

    async def notify(self) -> None:
        await send_notices(self.hub)
