"""Events API retries and signed requests are claimed in the store, so no replica answers twice."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from adapters.slack.claims import event_claims, slack_event
from bot.hub import Hub
from bot.keyed import PRUNE_EVERY
from bot.models import utcnow
from tests.slack.conftest import running_slack
from tests.slack.fake_slack import FakeSlack, app_mention


def test_each_event_is_claimed_once_on_each_store(store_hub: Hub) -> None:
    first, other_process = event_claims(store_hub), event_claims(store_hub)
    assert first.first_time("Ev1")
    assert not first.first_time("Ev1")
    assert not other_process.first_time("Ev1")
    assert other_process.first_time("Ev2")


def test_old_claims_are_pruned(store_hub: Hub) -> None:
    claims = event_claims(store_hub)
    long_ago = utcnow() - claims.keep - timedelta(minutes=1)
    assert claims.first_time("EvOLD", now=long_ago)
    for n in range(PRUNE_EVERY - 1):
        claims.first_time(f"Ev{n}")
    with store_hub.engine.connect() as conn:
        ids = set(conn.execute(sa.select(slack_event.c.event_id)).scalars())
    assert "EvOLD" not in ids and len(ids) == PRUNE_EVERY - 1


async def test_a_retry_reaching_another_replica_is_not_answered_again(
    hub: Hub, fake: FakeSlack
) -> None:
    async with running_slack(hub, fake) as first, running_slack(hub, fake) as second:
        event = app_mention("render twice")
        assert await first.event(event, "EvREPLICA") == 200
        await fake.wait_for("chat.postMessage")
        assert await second.event(event, "EvREPLICA", retry=1) == 200
        later = app_mention("eaddrinuse", ts="1700000000.000900")
        assert await second.event(later, "EvOTHER") == 200
        await fake.wait_for("chat.postMessage", 2)
        assert await hub.lifecycle.finish()  # every delivery acknowledged (by both) is handled
    posts = fake.calls_to("chat.postMessage")
    assert [p.body["thread_ts"] for p in posts] == ["1700000000.000400", "1700000000.000900"]
