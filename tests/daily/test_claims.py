"""Handing a claim back (a stopping process) on both stores: free for anyone at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from bot.daily.models import DailyPost, DailySubscription
from bot.daily.posting import claim_scheduled, mark_sending, release, take_over
from bot.hub import Hub
from tests.daily.conftest import add_questions
from tests.daily.test_processes import due_now

LEASE = timedelta(seconds=60)


def test_a_claim_marked_sending_but_not_sent_is_handed_back(hub: Hub) -> None:
    engine = hub.engine
    add_questions(engine, "python", 3)
    due_now(engine, 1)
    now = datetime.now(UTC)
    with Session(engine) as session:
        sub_id = session.exec(select(DailySubscription.id)).one()
    assert sub_id is not None
    claim = claim_scheduled(engine, sub_id, now, timedelta(hours=2), "me", LEASE)
    assert claim is not None
    assert not release(engine, claim.post_id, "someone else")
    assert mark_sending(engine, claim.post_id, "me", now, LEASE)
    assert release(engine, claim.post_id, "me")
    with Session(engine) as session:
        post = session.exec(select(DailyPost)).one()
    assert (post.status, post.owner, post.lease_until) == ("claimed", None, None)
    assert take_over(engine, claim.post_id, "another process", now, LEASE) is not None
