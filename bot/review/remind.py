"""The opt-in daily reminder: a DM once a day to people with questions due for review."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.db import compare_and_set, session_scope
from bot.member import Member
from bot.models import utcnow
from bot.ports import DeliveryError
from bot.replies import Reply
from bot.review.models import ReviewReminder
from bot.review.store import due_count

if TYPE_CHECKING:
    from bot.hub import Hub

log = logging.getLogger(__name__)

REMIND_HOUR_UTC = 9


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


def reminders_enabled(engine: Engine) -> bool:
    with Session(engine) as db:
        return (
            db.exec(select(ReviewReminder.user_id).where(ReviewReminder.enabled)).first()
            is not None
        )


def _not_sent(now: datetime) -> ColumnElement[bool]:
    """Not yet claimed today."""
    return or_(
        col(ReviewReminder.last_sent_on).is_(None), col(ReviewReminder.last_sent_on) < now.date()
    )


def claim_reminders(engine: Engine, now: datetime | None = None) -> list[tuple[Member, int]]:
    """Who to remind now, each claimed for today (so one process sends it, once)."""
    now = now or utcnow()
    if now.hour < REMIND_HOUR_UTC:
        return []
    claimed: list[tuple[Member, int]] = []
    with Session(engine) as db:
        rows = db.exec(
            select(ReviewReminder).where(col(ReviewReminder.enabled).is_(True), _not_sent(now))
        ).all()
        candidates = [
            (who, due_count(db, who, now))
            for who in (Member(r.platform, r.workspace_id, r.user_id) for r in rows)
        ]
    for who, count in candidates:
        if count and compare_and_set(
            engine,
            update(ReviewReminder)
            .where(
                col(ReviewReminder.platform) == who.platform,
                col(ReviewReminder.workspace_id) == who.workspace_id,
                col(ReviewReminder.user_id) == who.user_id,
                _not_sent(now),
            )
            .values(last_sent_on=now.date()),
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
    claimed = await asyncio.to_thread(claim_reminders, hub.engine, now)
    return sum([await _remind(hub, who, count) for who, count in claimed])


async def _remind(hub: Hub, who: Member, count: int) -> bool:
    out = hub.outbound.get(who.platform)
    if out is None:
        return False
    try:
        await hub.pacer.send(
            who.platform, who.user_id, lambda: out.send_private(who.user_id, reminder_reply(count))
        )
    except DeliveryError as exc:
        log.warning("review reminder to %s not delivered: %s", who.user_id, exc)
        return False
    return True
