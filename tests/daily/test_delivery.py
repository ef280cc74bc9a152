"""The pacer: a slot per channel, a pause for the whole platform on 429, the rate backs off."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.ports import DeliveryError
from jobs.delivery import Pacer


async def test_one_slot_per_channel_interval_and_a_platform_rate() -> None:
    pacer = Pacer(rate=100.0, per_channel=0.1)
    loop = asyncio.get_running_loop()
    start = loop.time()
    times: dict[str, list[float]] = {"a": [], "b": []}

    async def post(channel: str) -> None:
        await pacer.slot("slack", channel)
        times[channel].append(loop.time() - start)

    await asyncio.gather(*(post(c) for c in "aaabbb"))
    for found in times.values():
        gaps = [b - a for a, b in itertools.pairwise(found)]
        assert all(gap >= 0.095 for gap in gaps), found
    assert max(times["b"]) < 0.3  # channel b does not wait for channel a's seconds


async def test_429_pauses_the_platform_then_retries_and_slows_down() -> None:
    pacer = Pacer(rate=50.0, per_channel=0.0)
    loop = asyncio.get_running_loop()
    answers = [DeliveryError("429", retry_after=0.2), DeliveryError("429", retry_after=0.2)]
    calls: list[float] = []

    async def send() -> str:
        calls.append(loop.time())
        if answers:
            raise answers.pop(0)
        return "ok"

    start = loop.time()
    await pacer.slot("discord", "c")
    assert await pacer.call("discord", "c", send) == "ok"
    assert len(calls) == 3 and calls[1] - start >= 0.19 and calls[2] - calls[1] >= 0.19
    assert pacer.retries == 2
    # two 429 episodes: 50 → 33.3 → 22.2 a second, then +0.1 for the success
    assert pacer.rate("discord") == pytest.approx(50 * 4 / 9 + 0.1)
    assert pacer.rate("slack") == 50


async def test_permanent_errors_and_errors_without_retry_after_are_not_retried() -> None:
    pacer = Pacer(per_channel=0.0)

    async def gone() -> None:
        raise DeliveryError("channel_not_found", permanent=True)

    async def broken() -> None:
        raise DeliveryError("internal_error")

    for send in (gone, broken):
        with pytest.raises(DeliveryError):
            await pacer.call("slack", "c", send)
    assert pacer.retries == 0
