"""Exactly-once posting: claim a (subscription, day, seq) row, send, mark.

Every state change is a conditional UPDATE whose row count says who won, so any number of
processes can race on the same post and one of them sends it. The owner column fences a process
whose lease ran out: it can no longer mark the row as sending. See docs/daily.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.daily.models import DailyPost, DailySubscription, PostStatus, RevealStatus
from bot.daily.schedule import local_date, previous_occurrence, reveal_instant
from bot.daily.selection import choose
from bot.db import compare_and_set, session_scope
from bot.models import Entry, utcnow
from bot.ports import MessageRef
from bot.replies import Button, Card, Reply, Section, Style, Visibility

log = logging.getLogger(__name__)

RETRYABLE = (PostStatus.claimed, PostStatus.failed)


@dataclass(frozen=True)
class Claim:
    """What a sender needs: ids and the text, nothing to trust beyond them."""

    post_id: int
    subscription_id: int
    platform: str
    channel_id: str
    day: date
    entry_id: str


def _claim_of(post: DailyPost) -> Claim:
    assert post.id is not None and post.entry_id is not None
    return Claim(post.id, post.subscription_id, post.platform, post.channel_id, post.day,
                 post.entry_id)  # fmt: skip


def new_post(
    session: Session, sub: DailySubscription, day: date, seq: int, when: datetime
) -> DailyPost | None:
    """A claimed row for (channel, day, seq) with its question chosen; None if none matches."""
    choice = choose(session, sub, day, seq)
    if choice is None:
        return None
    assert sub.id is not None
    return DailyPost(
        subscription_id=sub.id,
        platform=sub.platform,
        channel_id=sub.channel_id,
        day=day,
        seq=seq,
        cycle=choice.cycle,
        entry_id=choice.entry_id,
        scheduled_for=when,
    )


def claim_scheduled(
    engine: Engine, sub_id: int, now: datetime, grace: timedelta, owner: str, lease: timedelta
) -> Claim | None:
    """Claim the subscription's latest scheduled post, if due, unclaimed and within the grace."""
    with Session(engine) as session:
        sub = session.get(DailySubscription, sub_id)
        if sub is None or not sub.active:
            return None
        found = previous_occurrence(sub.post_time, sub.timezone, sub.days, now)
        if found is None:
            return None
        day, instant = found
        if now - instant > grace:
            record_skip(engine, sub, day, instant)
            return None
        post = new_post(session, sub, day, 0, instant)
    if post is None:
        log.warning("daily %s: no question matches its filters", sub_id)
        return None
    post.owner, post.lease_until, post.attempts = owner, now + lease, 1
    try:
        with session_scope(engine) as session:
            session.add(post)
            session.flush()
            return _claim_of(post)
    except IntegrityError:  # another process (or an earlier run) has this day: maybe take over
        with Session(engine) as session:
            existing = session.exec(
                select(DailyPost.id).where(
                    DailyPost.subscription_id == sub_id, DailyPost.day == day, DailyPost.seq == 0
                )
            ).first()
        return take_over(engine, existing, owner, now, lease) if existing else None


def record_skip(engine: Engine, sub: DailySubscription, day: date, instant: datetime) -> bool:
    """Record (once, whoever sees it first) that a post was missed by more than the grace."""
    assert sub.id is not None
    row = DailyPost(
        subscription_id=sub.id,
        platform=sub.platform,
        channel_id=sub.channel_id,
        day=day,
        seq=0,
        status=PostStatus.skipped,
        scheduled_for=instant,
        error="missed by more than the grace period (the bot was down)",
    )
    try:
        with session_scope(engine) as session:
            session.add(row)
    except IntegrityError:
        return False
    log.warning(
        "daily %s: skipped the post of %s in %s:%s, due %s, beyond the grace period",
        sub.id, day, sub.platform, sub.channel_id, instant.isoformat(),
    )  # fmt: skip
    return True


def take_over(
    engine: Engine, post_id: int, owner: str, now: datetime, lease: timedelta
) -> Claim | None:
    """Take a claimed or failed post whose lease is free; None if someone else holds it."""
    won = compare_and_set(
        engine,
        update(DailyPost)
        .where(
            col(DailyPost.id) == post_id,
            col(DailyPost.status).in_(RETRYABLE),
            (col(DailyPost.lease_until).is_(None)) | (col(DailyPost.lease_until) <= now),
        )
        .values(owner=owner, lease_until=now + lease, attempts=DailyPost.attempts + 1),
    )
    if not won:
        return None
    with Session(engine) as session:
        post = session.get(DailyPost, post_id)
        return _claim_of(post) if post is not None and post.entry_id else None


def mark_sending(engine: Engine, post_id: int, owner: str, now: datetime, lease: timedelta) -> bool:
    """The last step before the platform call; False when the claim was lost meanwhile."""
    return compare_and_set(
        engine,
        update(DailyPost)
        .where(
            col(DailyPost.id) == post_id,
            col(DailyPost.owner) == owner,
            col(DailyPost.status).in_(RETRYABLE),
        )
        .values(status=PostStatus.sending, lease_until=now + lease),
    )


def release(engine: Engine, post_id: int, owner: str) -> bool:
    """Hand a claim back before anything was sent (the process is stopping): free at once.
    A row just marked `sending` whose request never started goes back to `claimed`."""
    status = col(DailyPost.status)
    return compare_and_set(
        engine,
        update(DailyPost)
        .where(
            col(DailyPost.id) == post_id,
            col(DailyPost.owner) == owner,
            status.in_((*RETRYABLE, PostStatus.sending)),
        )
        .values(
            owner=None,
            lease_until=None,
            status=case((status == PostStatus.sending, PostStatus.claimed), else_=status),
        ),
    )


def mark_posted(engine: Engine, post_id: int, ref: MessageRef, now: datetime) -> None:
    with session_scope(engine) as session:
        post = session.get(DailyPost, post_id)
        sub = session.get(DailySubscription, post.subscription_id) if post else None
        if post is None or sub is None:
            return
        post.status = PostStatus.posted
        post.message_id = ref.message_id
        post.thread_id = ref.thread_id or ref.message_id
        post.posted_at = now
        post.lease_until = post.error = None  # the owner stays: who posted it
        post.reveal_at = reveal_instant(
            now, sub.timezone, sub.reveal_after_minutes, sub.reveal_time
        )
        post.reveal_status = RevealStatus.pending if post.reveal_at else RevealStatus.none


def mark_failed(engine: Engine, post_id: int, error: str, retry_at: datetime) -> None:
    """A send failed for a reason that may pass: free the claim, to be retried at `retry_at`."""
    with engine.begin() as conn:
        conn.execute(
            update(DailyPost)
            .where(col(DailyPost.id) == post_id, col(DailyPost.status) == PostStatus.sending)
            .values(status=PostStatus.failed, owner=None, lease_until=retry_at, error=error[:500])
        )


def mark_unknown(engine: Engine, post_id: int, error: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(DailyPost)
            .where(col(DailyPost.id) == post_id, col(DailyPost.status) == PostStatus.sending)
            .values(status=PostStatus.unknown, owner=None, lease_until=None, error=error[:500])
        )


def mark_dead(engine: Engine, post_id: int, error: str) -> DailySubscription | None:
    """The channel refused for good: record it and pause the subscription; return it."""
    with session_scope(engine) as session:
        post = session.get(DailyPost, post_id)
        if post is None:
            return None
        post.status, post.owner, post.lease_until, post.error = (
            PostStatus.dead, None, None, error[:500],
        )  # fmt: skip
        sub = session.get(DailySubscription, post.subscription_id)
        if sub is not None:
            sub.active = False
            sub.paused_reason = f"paused {utcnow():%Y-%m-%d %H:%M} UTC: {error[:300]}"
            sub.updated_at = utcnow()
        return sub


def expire_stale(engine: Engine, now: datetime, grace: timedelta) -> None:
    """Sends whose lease ran out mid-call become unknown; retries past the grace are skipped."""
    with engine.begin() as conn:
        stale = conn.execute(
            update(DailyPost)
            .where(
                col(DailyPost.status) == PostStatus.sending,
                col(DailyPost.lease_until) < now,
            )
            .values(status=PostStatus.unknown, owner=None, error="crashed between send and mark")
        ).rowcount
        gave_up = conn.execute(
            update(DailyPost)
            .where(
                col(DailyPost.status).in_(RETRYABLE),
                col(DailyPost.scheduled_for) < now - grace,
                (col(DailyPost.lease_until).is_(None)) | (col(DailyPost.lease_until) <= now),
            )
            .values(status=PostStatus.skipped, owner=None)
        ).rowcount
        conn.execute(
            update(DailyPost)
            .where(
                col(DailyPost.reveal_status) == RevealStatus.sending,
                col(DailyPost.lease_until) < now,
            )
            .values(reveal_status=RevealStatus.failed, owner=None, lease_until=None)
        )
    if stale:
        log.warning("daily: %d post(s) crashed between send and mark; not re-sent", stale)
    if gave_up:
        log.warning("daily: gave up %d post(s) still failing after the grace period", gave_up)


# Reveals: the same claim, on the reveal_status column.


def claim_reveal(engine: Engine, post_id: int, owner: str, now: datetime, lease: timedelta) -> bool:
    return compare_and_set(
        engine,
        update(DailyPost)
        .where(
            col(DailyPost.id) == post_id,
            col(DailyPost.reveal_status) == RevealStatus.pending,
            col(DailyPost.reveal_at) <= now,
        )
        .values(reveal_status=RevealStatus.sending, owner=owner, lease_until=now + lease),
    )


def finish_reveal(engine: Engine, post_id: int, status: RevealStatus,
                  retry_at: datetime | None = None, error: str | None = None) -> None:  # fmt: skip
    values: dict[str, object] = {"reveal_status": status, "owner": None, "lease_until": None}
    if retry_at is not None:
        values["reveal_at"] = retry_at
    if error is not None:
        values["error"] = error[:500]
    with engine.begin() as conn:
        conn.execute(update(DailyPost).where(col(DailyPost.id) == post_id).values(**values))


# What the channel sees.


def post_reply(entry: Entry, post_id: int, day: date) -> Reply:
    meta = " · ".join(p for p in (entry.topic, entry.level) if p)
    card = Card(
        title=entry.title,
        subtitle=f"Daily question · {meta}" if meta else "Daily question",
        text="Answer in the thread. The model answer is revealed there later.",
        buttons=(
            Button("I answered", "daily-answered", str(post_id), Style.primary),
            Button("Reveal answer (just for me)", "daily-reveal", str(post_id)),
        ),
        footer=f"{day.isoformat()} · id: {entry.id}",
        entry_id=entry.id,
    )
    return Reply(cards=(card,), visibility=Visibility.channel)


def answer_card(entry: Entry) -> Card:
    """The model answer and the common mistakes, as spoilers (Discord hides them)."""
    sections = [Section("Model answer", entry.answer or "", spoiler=True)]
    if entry.common_mistakes:
        sections.append(Section("Common mistakes", entry.common_mistakes, spoiler=True))
    return Card(
        title=f"Answer: {entry.title}",
        subtitle=" · ".join(p for p in (entry.topic, entry.level) if p),
        sections=tuple(sections),
        footer=f"id: {entry.id}",
        entry_id=entry.id,
    )


def reveal_reply(entry: Entry) -> Reply:
    return Reply(cards=(answer_card(entry),), visibility=Visibility.channel)


def thread_name(day: date) -> str:
    return f"Daily question {day.isoformat()}"


def today(sub: DailySubscription, now: datetime) -> date:
    return local_date(now, sub.timezone)
