"""The opt-in weekly nudge: on Mondays (from 09:00 UTC), a DM with the person's next step on
their current path. Each week's DM is claimed in the store, so one process sends it, once."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot import library
from bot.learning import store
from bot.learning.render import next_step_reply
from bot.member import Member
from bot.models import utcnow
from bot.replies import Reply

if TYPE_CHECKING:
    from bot.hub import Hub

log = logging.getLogger(__name__)

NUDGE_TIME_UTC = time(9)
FOOTER = "(`/hub path remind off` stops these weekly messages.)"


def this_week(now: datetime | None = None) -> date:
    """The Monday of the nudge week `now` is in: weeks start on Monday at NUDGE_TIME_UTC."""
    now = now or utcnow()
    shifted = now - timedelta(hours=NUDGE_TIME_UTC.hour)
    return shifted.date() - timedelta(days=shifted.weekday())


def nudge_reply(hub: Hub, who: Member) -> Reply | None:
    """The next step on the person's most recently active unfinished path; None if none."""
    for row in store.progress(hub.engine, who):
        path = library.learning_path(hub.engine, row.path_id)
        if path is not None and row.done < len(path.steps):
            lead = f"Your next step on *{path.title}* this week. {FOOTER}"
            return next_step_reply(hub.engine, path, row, lead)
    return None


def claim_nudges(hub: Hub, now: datetime | None = None) -> list[tuple[Member, Reply]]:
    """This week's nudges, each claimed (so one process sends it, once). People with no step
    left are not claimed: they get one once they start a path."""
    week = this_week(now)
    claimed = []
    for who in store.due_nudges(hub.engine, week):
        if hub.outbound.get(who.platform) is None:
            continue  # another process serves that platform
        reply = nudge_reply(hub, who)
        if reply is not None and store.claim_nudge(hub.engine, who, week):
            claimed.append((who, reply))
    return claimed


async def send_nudges(hub: Hub, now: datetime | None = None) -> int:
    """DM this week's path nudges; how many were delivered."""
    claimed = await asyncio.to_thread(claim_nudges, hub, now)
    return sum([await hub.send_direct(who, reply, "path nudge") for who, reply in claimed])
