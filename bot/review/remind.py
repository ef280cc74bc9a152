"""The opt-in daily reminder: a DM once a day to people with questions due for review, from
09:00 in the person's own time zone when their platform tells it (Slack does), else UTC."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.daily.schedule import zone
from bot.db import compare_and_set, session_scope
from bot.member import Member
from bot.models import utcnow
from bot.ports import DeliveryError, KnowsTimeZones
from bot.replies import Reply
from bot.review.models import ReviewReminder
from bot.review.store import due_count

if TYPE_CHECKING:
    from bot.hub import Hub

log = logging.getLogger(__name__)

REMIND_HOUR = 9  # in the person's time zone


def set_reminder(engine: Engine, who: Member, enabled: bool) -> None:
    with session_scope(engine) as db:
        row = db.get(ReviewReminder, (who.platform, who.workspace_id, who.user_id))
        if row is None:
            db.add(
                ReviewReminder(
                    platform=who.platform,
                    workspace_id=who.workspace_id,
                    user_id=who.user_id,
                    enabled=enabled,
                )
            )
        else:
            row.enabled = enabled
            row.time_zone = None  # learned again: the person may have moved


def reminders_enabled(engine: Engine) -> bool:
    with Session(engine) as db:
        return (
            db.exec(select(ReviewReminder.user_id).where(ReviewReminder.enabled)).first()
            is not None
        )


def time_zone_unknown(engine: Engine) -> list[Member]:
    """The people with the reminder on whose time zone has not been asked for yet."""
    with Session(engine) as db:
        rows = db.exec(
            select(ReviewReminder).where(
                col(ReviewReminder.enabled).is_(True), col(ReviewReminder.time_zone).is_(None)
            )
        ).all()
        return [Member(r.platform, r.workspace_id, r.user_id) for r in rows]


def set_time_zone(engine: Engine, who: Member, name: str | None) -> None:
    """Keep what the platform said: an IANA name ("Europe/Berlin"); anything else is UTC."""
    with session_scope(engine) as db:
        row = db.get(ReviewReminder, (who.platform, who.workspace_id, who.user_id))
        if row is not None:
            row.time_zone = zone(name or "UTC").key


def claim_reminders(
    engine: Engine, platforms: Collection[str], now: datetime | None = None
) -> list[tuple[Member, int]]:
    """Who on `platforms` (those this process serves) to remind now, each claimed for their own
    today (so one process sends it, once)."""
    now = now or utcnow()
    claimed: list[tuple[Member, int]] = []
    with Session(engine) as db:
        enabled = col(ReviewReminder.enabled).is_(True)
        served = col(ReviewReminder.platform).in_(list(platforms))
        rows = db.exec(select(ReviewReminder).where(enabled, served)).all()
        candidates = []
        for row in rows:
            local = now.astimezone(zone(row.time_zone or "UTC"))
            sent = row.last_sent_on is not None and row.last_sent_on >= local.date()
            if local.hour < REMIND_HOUR or sent:
                continue
            who = Member(row.platform, row.workspace_id, row.user_id)
            candidates.append((who, local.date(), due_count(db, who, now)))
    for who, today, count in candidates:
        if count and compare_and_set(
            engine,
            update(ReviewReminder)
            .where(
                col(ReviewReminder.platform) == who.platform,
                col(ReviewReminder.workspace_id) == who.workspace_id,
                col(ReviewReminder.user_id) == who.user_id,
                or_(
                    col(ReviewReminder.last_sent_on).is_(None),
                    col(ReviewReminder.last_sent_on) < today,
                ),
            )
            .values(last_sent_on=today),
        ):
            claimed.append((who, count))
    return claimed


def reminder_reply(count: int) -> Reply:
    plural = "s" if count != 1 else ""
    return Reply(
        text=f"You have {count} interview question{plural} due for review. "
        "Type `/hub review` to go through them (`/hub review remind off` stops these)."
    )


async def send_reminders(hub: Hub, now: datetime | None = None) -> int:
    """DM today's review reminders, each claimed once; how many were delivered."""
    await learn_time_zones(hub)
    served = hub.outbound.platforms()
    claimed = await asyncio.to_thread(claim_reminders, hub.engine, served, now)
    sent = [await hub.send_direct(who, reminder_reply(n), "review reminder") for who, n in claimed]
    return sum(sent)


async def learn_time_zones(hub: Hub) -> None:
    """Ask the platform once for the time zone of each person with the reminder on; where it
    cannot tell (no such question on Discord, the console), the reminder keeps UTC."""
    for who in await asyncio.to_thread(time_zone_unknown, hub.engine):
        out = hub.outbound.get(who.platform)
        if out is None:
            continue
        name = None
        if isinstance(out, KnowsTimeZones):
            try:
                name = await out.time_zone(who.user_id)
            except DeliveryError as exc:  # asked again on the next run
                log.warning("time zone of %s not known: %s", who.user_id, exc)
                continue
        await asyncio.to_thread(set_time_zone, hub.engine, who, name)
