"""Mock steps go out by the hub's one delivery policy, through the runtime its composition root
owns (on SQLite and PostgreSQL)."""

from __future__ import annotations

from adapters.run import background
from bot.hub import Hub
from bot.mock.runtime import MockRuntime
from bot.ports import DeliveryError
from tests.mock.conftest import Transcript, person
from tests.mock.test_sessions import current

ADA = person("ada")


async def test_a_429_on_a_step_is_waited_out_by_the_hubs_one_pacer(
    hub: Hub, chat: Transcript, runtime: MockRuntime
) -> None:
    chat.refusals["post"] = [DeliveryError("ratelimited", retry_after=0.2)]
    assert not hub.handle(ADA, "/hub mock start questions 1").error
    await runtime.drain()
    [question] = chat.of("post", current(hub).thread_id)
    assert "Question 1 of 1" in question.text()
    # The pacer every sender shares saw the 429: the platform slowed down for all of them.
    assert hub.pacer.retries == 1 and hub.pacer.rate("console") < hub.pacer.max_rate


async def test_a_permanent_failure_is_not_retried(
    hub: Hub, chat: Transcript, runtime: MockRuntime
) -> None:
    chat.refusals["post"] = [DeliveryError("not_in_channel", permanent=True)]
    assert not hub.handle(ADA, "/hub mock start questions 1").error
    await runtime.drain()
    assert chat.of("post") == [] and hub.pacer.retries == 0
    assert current(hub).state == "ended"  # the session gives the thread up


async def test_the_composition_root_runs_the_runtime_beside_the_jobs(
    hub: Hub, chat: Transcript
) -> None:
    assert hub.mock is None
    async with background(hub):
        runtime = hub.mock
        assert runtime is not None and runtime.serving
        assert not hub.handle(ADA, "/hub mock start questions 1").error
        await runtime.drain()
        assert "Question 1 of 1" in chat.of("post", current(hub).thread_id)[-1].text()
    assert hub.mock is None
    assert "serving" in hub.handle(ADA, "/hub mock start questions 1").text
