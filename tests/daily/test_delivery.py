"""The pacer: a slot per channel, a pause for the whole platform on 429, the rate backs off."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.delivery import Pacer
from bot.ports import DeliveryError


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
        assert all(gap >= 0.09 for gap in gaps), found  # the loop may wake a few ms early
    # Channel b takes turns with channel a instead of waiting for all of a's seconds.
    assert min(times["b"]) < max(times["a"]) and min(times["a"]) < max(times["b"]), times


async def test_429_is_raised_at_once_pauses_the_platform_and_slows_down() -> None:
    pacer = Pacer(rate=50.0, per_channel=0.0)
    loop = asyncio.get_running_loop()
    calls: list[float] = []

    async def limited() -> str:
        calls.append(loop.time())
        raise DeliveryError("429", retry_after=0.2)

    async def fine() -> str:
        calls.append(loop.time())
        return "ok"

    await pacer.slot("discord", "c")
    with pytest.raises(DeliveryError) as caught:
        await pacer.call("discord", "c", limited)
    assert caught.value.retry_after == 0.2 and len(calls) == 1  # the caller frees its claim
    paused_at = loop.time()
    assert 0 < pacer.paused_for("discord") <= 0.2 and pacer.paused_for("slack") == 0
    # while paused nothing is sent, on any channel: the call is refused like a 429
    with pytest.raises(DeliveryError) as refused:
        await pacer.call("discord", "other", fine)
    assert refused.value.retry_after is not None and len(calls) == 1
    await pacer.slot("discord", "other")  # waits the pause out
    assert loop.time() - paused_at >= 0.19
    assert await pacer.call("discord", "other", fine) == "ok"
    with pytest.raises(DeliveryError):
        await pacer.call("discord", "c", limited)
    assert pacer.retries == 2
    # two 429 episodes: 50 → 33.3 → 22.2 a second, and +0.1 for the success between them
    assert pacer.rate("discord") == pytest.approx((50 * 2 / 3 + 0.1) * 2 / 3)
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


async def test_send_waits_out_429s_for_a_message_that_holds_no_claim() -> None:
    pacer = Pacer(per_channel=0.0)
    answers = [DeliveryError("429", retry_after=0.05)]

    async def note() -> str:
        if answers:
            raise answers.pop(0)
        return "sent"

    assert await pacer.send("slack", "U1", note) == "sent"
    assert pacer.retries == 1
    always = [DeliveryError("429", retry_after=0.01) for _ in range(5)]

    async def limited() -> str:
        raise always.pop(0)

    with pytest.raises(DeliveryError):
        await pacer.send("slack", "U1", limited, attempts=2)
    assert len(always) == 3
