"""Daily-question rows for adapter tests: a posted question with a thread, and its answers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.daily.models import DailyAnswer, DailyPost, DailySubscription
from bot.db import session_scope


def posted_question(engine: Engine, platform: str, channel_id: str, thread_id: str) -> None:
    with session_scope(engine) as session:
        subscription = DailySubscription(
            platform=platform, channel_id=channel_id, post_time="09:00"
        )
        session.add(subscription)
        session.flush()
        assert subscription.id is not None
        session.add(
            DailyPost(
                subscription_id=subscription.id, platform=platform, channel_id=channel_id,
                day=date(2026, 11, 27), status="posted", scheduled_for=datetime.now(UTC),
                message_id=thread_id, thread_id=thread_id,
            )
        )  # fmt: skip


def answers(engine: Engine) -> list[DailyAnswer]:
    with Session(engine) as session:
        return list(session.exec(select(DailyAnswer)).all())
