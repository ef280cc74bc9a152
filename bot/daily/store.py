"""The daily question's subscriptions and posts as the commands and the jobs read and change
them. (Claiming a post and marking how its send went is bot/daily/posting.py's; answers and
streaks are bot/daily/participation.py's.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from bot.daily.models import DailyAnswer, DailyPost, DailySubscription
from bot.daily.posting import new_post, today
from bot.daily.schedule import ALL_DAYS, BadSchedule
from bot.daily.selection import PoolState, pool, pool_state
from bot.db import rowcount, session_scope
from bot.member import Member
from bot.models import Entry

DEFAULT_REVEAL_MINUTES = 240


@dataclass
class Plan:
    """What `/hub daily on …` asked for."""

    channel_id: str
    post_time: str | None = None
    timezone: str | None = None
    days: str | None = None
    topics: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    reveal_after: int | None = None
    reveal_time: str | None = None


def _find(session: Session, who: Member, channel_id: str) -> DailySubscription | None:
    return session.exec(
        select(DailySubscription).where(
            DailySubscription.platform == who.platform,
            DailySubscription.workspace_id == who.workspace_id,
            DailySubscription.channel_id == channel_id,
        )
    ).first()


def subscription(engine: Engine, who: Member, channel_id: str) -> DailySubscription | None:
    """The channel's subscription in the asker's workspace (a shared channel has one in each)."""
    with Session(engine) as session:
        return _find(session, who, channel_id)


def subscribe(
    engine: Engine, by: Member, plan: Plan, now: datetime
) -> tuple[DailySubscription, int]:
    """Set the channel's daily question up as `plan` says, or change it, and turn it on, in the
    name of `by`; with the size of its pool. A pool of 0 changes nothing."""
    with session_scope(engine) as session:
        sub = _find(session, by, plan.channel_id)
        if sub is None:
            if plan.post_time is None:
                raise BadSchedule(
                    "When? Add `at HH:MM`, e.g. `/hub daily on at 09:30 Europe/Berlin`."
                )
            sub = DailySubscription(
                platform=by.platform,
                workspace_id=by.workspace_id,
                channel_id=plan.channel_id,
                post_time=plan.post_time,
                reveal_after_minutes=DEFAULT_REVEAL_MINUTES,
            )
        sub.post_time = plan.post_time or sub.post_time
        sub.timezone = plan.timezone or sub.timezone
        sub.days = plan.days or sub.days or ALL_DAYS
        if plan.topics:
            sub.topics = plan.topics
        if plan.levels:
            sub.levels = plan.levels
        if plan.reveal_after or plan.reveal_time:
            sub.reveal_after_minutes, sub.reveal_time = plan.reveal_after, plan.reveal_time
        size = len(pool(session, sub))
        if size == 0:
            session.rollback()
            return sub, 0
        sub.active, sub.paused_reason = True, None
        sub.created_by, sub.created_by_name = by.user_id, by.name
        sub.updated_at = now
        session.add(sub)
        return sub, size


def pause(engine: Engine, who: Member, channel_id: str, reason: str, now: datetime) -> bool:
    """Turn the channel's daily question off; False when none was running there."""
    with session_scope(engine) as session:
        sub = _find(session, who, channel_id)
        if sub is None or not sub.active:
            return False
        sub.active, sub.updated_at, sub.paused_reason = False, now, reason
        return True


def active_here(engine: Engine, platform: str, workspace_id: str) -> list[DailySubscription]:
    """The workspace's running daily questions, by channel."""
    with Session(engine) as session:
        return list(
            session.exec(
                select(DailySubscription)
                .where(
                    col(DailySubscription.platform) == platform,
                    col(DailySubscription.workspace_id) == workspace_id,
                    col(DailySubscription.active).is_(True),
                )
                .order_by(col(DailySubscription.channel_id))
            ).all()
        )


def last_post(engine: Engine, sub: DailySubscription) -> DailyPost | None:
    with Session(engine) as session:
        return session.exec(
            select(DailyPost)
            .where(DailyPost.subscription_id == sub.id)
            .order_by(col(DailyPost.day).desc(), col(DailyPost.seq).desc())
        ).first()


def taken_days(engine: Engine, sub: DailySubscription, now: datetime) -> set[date]:
    """The days from today on whose question is already out or claimed (`/hub daily now`
    before the scheduled time takes that day's post)."""
    with Session(engine) as session:
        return set(
            session.exec(
                select(col(DailyPost.day)).where(
                    DailyPost.subscription_id == sub.id,
                    DailyPost.seq == 0,
                    DailyPost.day >= today(sub, now),
                )
            ).all()
        )


def pool_mix(
    engine: Engine, sub: DailySubscription
) -> tuple[PoolState, list[tuple[str, str | None]]]:
    """Where the channel is in its round of questions, and the (topic, level) of each."""
    with Session(engine) as session:
        state = pool_state(session, sub)
        ids = pool(session, sub)
        rows = session.exec(select(Entry.topic, Entry.level).where(col(Entry.id).in_(ids))).all()
    return state, list(rows)


def queue_post(engine: Engine, sub: DailySubscription, now: datetime) -> DailyPost | None:
    """An extra question for the channel today (`/hub daily now`), claimed for the jobs to send;
    None when no question matches."""
    with session_scope(engine) as session:
        day = today(sub, now)
        seq = session.exec(
            select(func.max(DailyPost.seq)).where(
                DailyPost.subscription_id == sub.id, DailyPost.day == day
            )
        ).first()
        post = new_post(session, sub, day, 0 if seq is None else seq + 1, now)
        if post is not None:
            session.add(post)
        return post


@dataclass(frozen=True)
class Posted:
    post: DailyPost
    subscription: DailySubscription | None
    entry: Entry | None


def posted(engine: Engine, post_id: int) -> Posted | None:
    """A post with its subscription and its question."""
    with Session(engine) as session:
        post = session.get(DailyPost, post_id)
        if post is None:
            return None
        sub = session.get(DailySubscription, post.subscription_id)
        entry = session.get(Entry, post.entry_id) if post.entry_id else None
    return Posted(post, sub, entry)


def schedule(
    engine: Engine, platforms: list[str], since: datetime
) -> tuple[list[DailySubscription], list[DailyPost]]:
    """What the jobs are built from: the active subscriptions of these platforms, and their
    posts scheduled since `since`."""
    with Session(engine) as session:
        subs = session.exec(
            select(DailySubscription).where(
                col(DailySubscription.active).is_(True),
                col(DailySubscription.platform).in_(platforms),
            )
        ).all()
        posts = session.exec(
            select(DailyPost).where(
                col(DailyPost.platform).in_(platforms), col(DailyPost.scheduled_for) >= since
            )
        ).all()
    return list(subs), list(posts)


def forget(db: Session, who: Member) -> tuple[int, int]:
    """Inside the caller's transaction: delete the person's answers on their platform and take
    their name off the channels they set up; how many of each."""
    posts = select(DailyPost.id).where(DailyPost.platform == who.platform)
    answers = db.execute(
        delete(DailyAnswer).where(
            col(DailyAnswer.user_id) == who.user_id, col(DailyAnswer.post_id).in_(posts)
        )
    )
    setups = db.execute(
        update(DailySubscription)
        .where(
            col(DailySubscription.platform) == who.platform,
            col(DailySubscription.created_by) == who.user_id,
        )
        .values(created_by="", created_by_name="")
    )
    return rowcount(answers), rowcount(setups)
