"""Migration 0012_tenancy_daily: subscriptions keyed by workspace and posts by subscription,
every existing row kept."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.daily.models import DailyAnswer, DailyPost, DailySubscription
from bot.db import alembic_config, session_scope, upgrade
from tests.conftest import Store

REVISION = "0012_tenancy_daily"


def subscription(workspace: str, channel: str = "C1") -> DailySubscription:
    return DailySubscription(
        platform="slack", workspace_id=workspace, channel_id=channel, post_time="09:00"
    )


def test_rekeying_keeps_every_row_and_lets_workspaces_share_a_channel(store: Store) -> None:
    command.downgrade(alembic_config(store.engine), f"{REVISION}@-1")  # the schema before it
    with session_scope(store.engine) as session:
        sub = subscription("T1")
        session.add_all([sub, subscription("T1", "C2")])
        session.flush()
        assert sub.id is not None
        post = DailyPost(
            subscription_id=sub.id, platform="slack", channel_id="C1", day=date(2026, 11, 27),
            status="posted", scheduled_for=datetime.now(UTC), thread_id="1700.1",
        )  # fmt: skip
        session.add(post)
        session.flush()
        assert post.id is not None
        session.add(DailyAnswer(post_id=post.id, user_id="U1"))

    upgrade(store.engine)

    with Session(store.engine) as session:
        kept = session.exec(select(DailySubscription).order_by(col(DailySubscription.id))).all()
        assert [(s.workspace_id, s.channel_id) for s in kept] == [("T1", "C1"), ("T1", "C2")]
        assert session.exec(select(DailyPost.subscription_id)).all() == [kept[0].id]
        assert len(session.exec(select(DailyAnswer)).all()) == 1
    with session_scope(store.engine) as session:
        other = subscription("T2")  # the same (shared) channel in another workspace
        session.add(other)
        session.flush()
        assert other.id is not None
        session.add(DailyPost(
            subscription_id=other.id, platform="slack", channel_id="C1", day=date(2026, 11, 27),
            scheduled_for=datetime.now(UTC),
        ))  # fmt: skip
    with pytest.raises(IntegrityError), session_scope(store.engine) as session:
        session.add(subscription("T1"))
