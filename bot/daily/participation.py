"""Who took part: "I answered" presses and thread answers, counted once; streaks; leaderboards."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from bot.daily.models import DailyAnswer, DailyPost, DailySubscription, PostStatus, RevealStatus
from bot.db import session_scope
from bot.member import Member


def record_answer(engine: Engine, post_id: int, who: Member, via: str = "button") -> bool:
    """Count one person once per post; False when they were already counted."""
    answer = DailyAnswer(post_id=post_id, user_id=who.user_id, user_name=who.name, via=via)
    try:
        with session_scope(engine) as session:
            session.add(answer)
    except IntegrityError:
        return False
    return True


def record_thread_answer(
    engine: Engine, platform: str, channel_id: str | None, thread_id: str, user_id: str,
    user_name: str = "",
) -> bool:  # fmt: skip
    """Adapters call this for a message in a thread; True when it counted as a daily answer.

    `channel_id` may be None where thread ids are unique across channels (Discord), for an
    adapter that cannot tell a thread's parent from the event alone.
    """
    query = (
        select(DailyPost.id, DailySubscription.workspace_id)
        .join(DailySubscription, col(DailySubscription.id) == DailyPost.subscription_id)
        .where(DailyPost.platform == platform, DailyPost.thread_id == thread_id)
    )
    if channel_id is not None:
        query = query.where(DailyPost.channel_id == channel_id)
    with Session(engine) as session:
        found = session.exec(query).first()
    if found is None:
        return False
    post_id, workspace_id = found
    assert post_id is not None
    who = Member(platform, workspace_id, user_id, user_name)
    return record_answer(engine, post_id, who, via="thread")


def _posted(session: Session, subscription_id: int) -> list[DailyPost]:
    """The subscription's posts (its channel, in its workspace), oldest first."""
    return list(
        session.exec(
            select(DailyPost)
            .where(
                DailyPost.subscription_id == subscription_id,
                DailyPost.status == PostStatus.posted,
            )
            .order_by(col(DailyPost.day), col(DailyPost.seq))
        ).all()
    )


def _streak(posts: list[DailyPost], answered: set[int]) -> int:
    """Consecutive answered posts, newest first; a post still open does not break it."""
    count = 0
    for index, post in enumerate(reversed(posts)):
        if post.id in answered:
            count += 1
        elif index == 0 and post.reveal_status in (RevealStatus.pending, RevealStatus.sending):
            continue
        else:
            break
    return count


def streak(engine: Engine, subscription_id: int, who: Member) -> int:
    with Session(engine) as session:
        posts = _posted(session, subscription_id)
        ids = [p.id for p in posts]
        answered = set(
            session.exec(
                select(DailyAnswer.post_id).where(
                    DailyAnswer.user_id == who.user_id, col(DailyAnswer.post_id).in_(ids)
                )
            ).all()
        )
    return _streak(posts, answered)


def answered_in(engine: Engine, user_id: str, subscription_ids: list[int]) -> set[int]:
    """Which of these subscriptions' questions the person has answered at least once."""
    with Session(engine) as session:
        found = session.exec(
            select(DailyPost.subscription_id)
            .join(DailyAnswer, col(DailyAnswer.post_id) == col(DailyPost.id))
            .where(
                DailyAnswer.user_id == user_id,
                col(DailyPost.subscription_id).in_(subscription_ids),
            )
        ).all()
    return set(found)


@dataclass(frozen=True)
class Standing:
    user_id: str
    name: str
    week: int
    total: int
    streak: int


def leaderboard(engine: Engine, subscription_id: int, today: date) -> list[Standing]:
    """Everyone who answered the channel's questions, by answers this (ISO) week, then all time."""
    week_start = today - timedelta(days=today.weekday())
    with Session(engine) as session:
        posts = _posted(session, subscription_id)
        by_id = {p.id: p for p in posts}
        answers = session.exec(
            select(DailyAnswer).where(col(DailyAnswer.post_id).in_(list(by_id)))
        ).all()
    total: Counter[str] = Counter()
    week: Counter[str] = Counter()
    names: dict[str, str] = {}
    answered: dict[str, set[int]] = {}
    for answer in answers:
        total[answer.user_id] += 1
        names[answer.user_id] = answer.user_name or names.get(answer.user_id, "")
        answered.setdefault(answer.user_id, set()).add(answer.post_id)
        if by_id[answer.post_id].day >= week_start:
            week[answer.user_id] += 1
    standings = [
        Standing(user, names.get(user, ""), week[user], total[user], _streak(posts, answered[user]))
        for user in total
    ]
    return sorted(standings, key=lambda s: (-s.week, -s.total, -s.streak, s.user_id))


@dataclass(frozen=True)
class ChannelTurnout:
    """A channel's daily questions posted since a day, and the answers they got."""

    platform: str
    workspace_id: str
    channel_id: str
    posts: int
    answers: int


def turnout(
    engine: Engine, since: date, platform: str | None = None, workspace_id: str | None = None
) -> list[ChannelTurnout]:
    """Answers and posts per channel since `since`, of one platform and workspace when given."""
    where = [col(DailyPost.status) == PostStatus.posted, col(DailyPost.day) >= since]
    if platform is not None:
        where.append(col(DailySubscription.platform) == platform)
    if workspace_id is not None:
        where.append(col(DailySubscription.workspace_id) == workspace_id)
    place = (
        col(DailySubscription.platform),
        col(DailySubscription.workspace_id),
        col(DailySubscription.channel_id),
    )
    query = (
        sa_select(*place, func.count(func.distinct(DailyPost.id)), func.count(col(DailyAnswer.id)))
        .join(DailySubscription, col(DailySubscription.id) == col(DailyPost.subscription_id))
        .outerjoin(DailyAnswer, col(DailyAnswer.post_id) == col(DailyPost.id))
        .where(*where)
        .group_by(*place)
        .order_by(*place)
    )
    with Session(engine) as session:
        return [ChannelTurnout(*row) for row in session.execute(query).all()]
