"""The `proposals:notify` job inside the process's scheduler (jobs/scheduler.py): a suggestion's
card and a decision's DM go out without anyone calling the notifier, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.hub import Hub
from jobs.proposals import NOTIFY
from jobs.registry import JobRegistry
from jobs.scheduler import build_scheduler

from .test_proposals import ADA, MOD, QUESTION, moderated, proposal_id, run


@pytest.fixture
async def jobs(hub: Hub) -> AsyncIterator[JobRegistry]:
    registry = build_scheduler(hub, debounce_seconds=0.01)
    yield registry
    registry.stop()


async def test_the_scheduler_sends_the_card_then_the_authors_dm(
    hub: Hub, jobs: JobRegistry
) -> None:
    out = moderated(hub)  # the console's outbound port is registered
    await jobs.start()
    assert NOTIFY not in jobs.jobs()  # nothing to tell

    number = proposal_id(run(hub, ADA, QUESTION))
    await jobs.idle()
    assert out.getvalue().count(f"Proposal #{number}") == 1
    assert "Approve" in out.getvalue()
    assert NOTIFY not in jobs.jobs()  # sent once, nothing left

    assert "Rejected" in run(hub, MOD, f"/hub proposals reject {number} Covered by q-gen").text
    await jobs.idle()
    assert "was not accepted. The moderator said: Covered by q-gen" in out.getvalue()
    assert out.getvalue().count(f"Proposal #{number}") == 1
    assert NOTIFY not in jobs.jobs()
