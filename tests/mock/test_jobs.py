"""The mock timers on the jobs/ registry: a question's time runs out on the wall clock."""

from __future__ import annotations

import asyncio

from bot.hub import Hub
from bot.member import Member
from bot.mock import session as machine
from bot.mock.session import Options
from jobs.mock import MockJobs
from jobs.registry import JobRegistry
from tests.mock.conftest import Transcript, serving


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
            for _ in range(300):
                await asyncio.sleep(0.01)
                if f"mock:{step.session.id}" in registry.jobs():
                    break
            assert f"mock:{step.session.id}" in registry.jobs()
            for _ in range(400):
                await asyncio.sleep(0.01)
                if any("Answer 1 of 1" in s.text() for s in chat.of("post")):
                    break
            assert any("Answer 1 of 1" in s.text() for s in chat.of("post"))
            assert runtime.stats.fired == 1  # lateness is measured by bench/mock_sessions.py
            await runtime.drain()
        finally:
            hub.listeners.remove(registry.request_sync)
            registry.stop()
