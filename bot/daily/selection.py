"""Which question a channel gets on a day: no repeats until its pool is used up; deterministic."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from bot.daily.models import DailyPost, DailySubscription, PostStatus
from bot.library import questions_of


@dataclass(frozen=True)
class Choice:
    entry_id: str
    cycle: int


@dataclass(frozen=True)
class PoolState:
    size: int
    left: int  # questions not yet asked in the current round
    cycle: int


def pool(session: Session, sub: DailySubscription) -> list[str]:
    """The ids of live questions matching the subscription's topics and levels, sorted."""
    return questions_of(session, sub.topics, sub.levels)


def _asked(session: Session, sub: DailySubscription) -> list[tuple[int, str]]:
    """(cycle, entry id) of every question this channel was given, oldest first."""
    rows = session.exec(
        select(DailyPost.cycle, DailyPost.entry_id)
        .where(
            DailyPost.subscription_id == sub.id,
            col(DailyPost.entry_id).is_not(None),
            DailyPost.status != PostStatus.skipped,
        )
        .order_by(col(DailyPost.day), col(DailyPost.seq))
    ).all()
    return [(c, e) for c, e in rows if e is not None]


def pool_state(session: Session, sub: DailySubscription) -> PoolState:
    ids = pool(session, sub)
    asked = _asked(session, sub)
    cycle = max((c for c, _ in asked), default=0)
    used = {e for c, e in asked if c == cycle}
    left = [e for e in ids if e not in used]
    return PoolState(size=len(ids), left=len(left), cycle=cycle)


def choose(session: Session, sub: DailySubscription, day: date, seq: int = 0) -> Choice | None:
    """The question for (channel, day, seq); None when no question matches at all.

    The same database state gives the same answer in every process: candidates are sorted and
    picked by a hash of the channel and the date. When the round is used up a new one starts,
    avoiding the question asked last.
    """
    ids = pool(session, sub)
    if not ids:
        return None
    asked = _asked(session, sub)
    cycle = max((c for c, _ in asked), default=0)
    used = {e for c, e in asked if c == cycle}
    candidates = [e for e in ids if e not in used]
    if not candidates:
        cycle += 1
        last = asked[-1][1] if asked else None
        candidates = [e for e in ids if e != last] or ids
    key = f"{sub.platform}:{sub.channel_id}:{day.isoformat()}:{seq}".encode()
    index = int.from_bytes(hashlib.sha256(key).digest()[:8], "big") % len(candidates)
    return Choice(candidates[index], cycle)
