"""One delivery policy for everything the hub sends on its own: daily posts and reveals, mock
session steps, review reminders, notes to people. One `Pacer` per process (`hub.pacer`) paces them
all, so every feature shares the platforms' limits.

Pacing, before a call: at most `rate` calls a second per platform and one call every
`per_channel` seconds per channel (Slack asks about 1 message a second a channel).

Failures (a DeliveryError, bot/ports.py) mean one thing wherever they happen:
- permanent: retrying cannot help (the bot was removed, the channel or thread is gone, no
  permission). Never retried; the feature gives that destination up (a daily channel is
  paused, a mock session ends, a reminder is dropped).
- with `retry_after` (an HTTP 429): the platform did not take it. The whole platform pauses that
  long, and a call made while it is paused is refused the same way without reaching it. The
  platform's rate drops by a third per 429 episode, to creep back up with every success (AIMD),
  so several processes sharing one limit settle under it instead of taking turns at 429s.
- any other: it may pass; tried again after a short backoff.

Two ways to send, by what the sender holds:
- `send`: a message that holds no claim (a committed mock step, a reminder already claimed for
  the day, a note to a person): temporary failures are waited out here, up to ATTEMPTS tries.
- `slot`, then `call`: a message that holds a claim in the database (a daily post): a temporary
  failure is raised at once, so the caller frees its claim before anyone waits, and the post is
  tried again at `retry_at(…)`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot.ports import DeliveryError

T = TypeVar("T")
ATTEMPTS = 3
BACKOFF = 0.5  # seconds before the second try of a failure without Retry-After; doubles after
MAX_BACKOFF = 10.0


def retry_at(exc: DeliveryError, otherwise: timedelta) -> datetime:
    """When a claimed message that failed for a temporary reason is tried again: as the platform
    said (a 429), else after `otherwise`."""
    wait = otherwise if exc.retry_after is None else timedelta(seconds=exc.retry_after)
    return datetime.now(UTC) + wait


class Pacer:
    def __init__(self, rate: float = 40.0, per_channel: float = 1.0) -> None:
        self.max_rate = rate
        self.interval = 1.0 / rate  # at the full rate
        self._rate: dict[str, float] = {}
        self.per_channel = per_channel
        self._platform_next: dict[str, float] = {}
        self._channel_next: dict[tuple[str, str], float] = {}
        self._cooldown: dict[str, float] = {}
        self.retries = 0  # 429s seen, for benchmarks and logs

    def rate(self, platform: str) -> float:
        """The calls a second this process allows itself on the platform now."""
        return self._rate.get(platform, self.max_rate)

    def paused_for(self, platform: str) -> float:
        """Seconds until the platform's pause after a 429 ends (0 when it is not paused)."""
        return max(0.0, self._cooldown.get(platform, 0.0) - asyncio.get_running_loop().time())

    async def slot(self, platform: str, channel: str) -> None:
        """Wait for this channel's turn, then for the platform's next free moment."""
        loop = asyncio.get_running_loop()
        key = (platform, channel)
        while True:
            now = loop.time()
            turn = max(now, self._channel_next.get(key, 0.0), self._cooldown.get(platform, 0.0))
            self._channel_next[key] = turn + self.per_channel
            if turn > now:
                await asyncio.sleep(turn - now)
            now = loop.time()
            at = max(now, self._platform_next.get(platform, 0.0))
            self._platform_next[platform] = at + 1.0 / self.rate(platform)
            self._channel_next[key] = max(self._channel_next[key], at + self.per_channel)
            if at > now:
                await asyncio.sleep(at - now)
            if self._cooldown.get(platform, 0.0) <= at:
                return  # no 429 arrived while waiting

    def cool_down(self, platform: str, channel: str, seconds: float) -> None:
        now = asyncio.get_running_loop().time()
        until = now + max(seconds, 0.0)
        if now >= self._cooldown.get(platform, 0.0):  # once per episode, not per request
            self._rate[platform] = max(1.0, self.rate(platform) * 2 / 3)
        self._cooldown[platform] = max(self._cooldown.get(platform, 0.0), until)
        key = (platform, channel)
        self._channel_next[key] = max(self._channel_next.get(key, 0.0), until)

    async def call(self, platform: str, channel: str, send: Callable[[], Awaitable[T]]) -> T:
        """Call `send` (a slot already taken). A 429 pauses the platform and is raised: the caller
        frees its claim and tries again after `retry_after`. While paused nothing is sent."""
        paused = self.paused_for(platform)
        if paused > 0:
            raise DeliveryError(f"{platform}: paused after a 429", retry_after=paused)
        try:
            result = await send()
        except DeliveryError as exc:
            if not exc.permanent and exc.retry_after is not None:
                self.retries += 1
                self.cool_down(platform, channel, exc.retry_after)
            raise
        self._rate[platform] = min(self.max_rate, self.rate(platform) + 0.1)
        return result

    async def send(
        self,
        platform: str,
        channel: str,
        send: Callable[[], Awaitable[T]],
        attempts: int = ATTEMPTS,
    ) -> T:
        """Take a slot and call `send`, trying a temporary failure again up to `attempts` times
        in all (after the platform's pause, else a backoff); for a message that holds no claim,
        where waiting keeps nothing from anyone. A permanent failure is raised at once."""
        for attempt in range(attempts):
            await self.slot(platform, channel)
            try:
                return await self.call(platform, channel, send)
            except DeliveryError as exc:
                if exc.permanent or attempt == attempts - 1:
                    raise
                if exc.retry_after is None:  # a 429's pause is waited out by the next slot
                    await asyncio.sleep(min(BACKOFF * 2**attempt, MAX_BACKOFF))
        raise AssertionError("unreachable")
