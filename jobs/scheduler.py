"""The process's scheduler: the job registry with every feature's source, wired to the hub.

Sends go through the hub's pacer and mock steps through the hub's mock runtime: the composition
root (adapters/run.py) owns both and starts the scheduler inside them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from jobs.daily import DailyJobs
from jobs.mock import MockJobs
from jobs.periodic import path_nudges, review_reminders
from jobs.privacy import PrivacyJobs
from jobs.proposals import ProposalJobs
from jobs.registry import JobRegistry

if TYPE_CHECKING:
    from bot.hub import Hub


def build_scheduler(
    hub: Hub,
    resync_seconds: float = 30.0,
    debounce_seconds: float = 1.0,
    lease: timedelta = timedelta(seconds=60),
    retry_after: timedelta = timedelta(seconds=30),
) -> JobRegistry:
    """A registry with every feature's jobs; commands that change them trigger a rebuild."""
    registry = JobRegistry(resync_seconds, debounce_seconds)
    registry.add_source(DailyJobs(hub, registry.owner, lease=lease, retry_after=retry_after))
    registry.add_source(MockJobs(hub))
    registry.add_source(review_reminders(hub))
    registry.add_source(path_nudges(hub))
    registry.add_source(PrivacyJobs(hub))
    registry.add_source(ProposalJobs(hub))
    hub.listeners.append(registry.request_sync)
    return registry


@asynccontextmanager
async def scheduler_running(hub: Hub, **options: Any) -> AsyncIterator[JobRegistry]:
    """The jobs run while the block runs. When it ends, running jobs get until the shutdown
    deadline (HUB_SHUTDOWN_GRACE) to finish; the rest are cancelled and hand their claims back."""
    registry = build_scheduler(hub, **options)
    await registry.start()
    try:
        yield registry
    finally:
        hub.listeners.remove(registry.request_sync)
        await registry.drain(hub.lifecycle.deadline())
        registry.stop()
