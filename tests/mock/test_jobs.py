"""The mock timers on the jobs/ registry: a question's time runs out on the wall clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.hub import Hub
from bot.member import Member
from bot.mock import session as machine
from bot.mock.session import Options
from jobs.mock import MockJobs
from jobs.registry import JobRegistry
from tests.mock.conftest import Transcript, serving


async def until(check: Callable[[], bool], what: str) -> None:
    """Wait for `check` with a deadline far past the 1 s timer (however busy the machine is)."""
    deadline = asyncio.get_running_loop().time() + 60
    while not check():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


async def test_the_timer_fires_from_the_registry(hub: Hub, chat: Transcript) -> None:
    registry = JobRegistry(resync_seconds=30, debounce_seconds=0.05)
    registry.add_source(MockJobs(hub))
    hub.listeners.append(registry.request_sync)
    async with serving(hub) as runtime:
        await registry.start()
        try:
            assert runtime.loop is not None  # serving from the loop the registry runs in
            step = machine.start(
                hub.engine,
                Member("console", "", "ada", "Ada"),
                "team",
                Options(questions=1, seconds=1),
            )
            runtime.submit(step)
            await until(lambda: f"mock:{step.session.id}" in registry.jobs(), "the session's job")
            await until(
                lambda: any("Answer 1 of 1" in s.text() for s in chat.of("post")), "time up"
            )
            assert runtime.stats.fired == 1  # lateness is measured by bench/mock_sessions.py
            await runtime.drain()
        finally:
            hub.listeners.remove(registry.request_sync)
            registry.stop()
