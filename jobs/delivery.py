"""Sending within the platforms' rate limits, shared by every job of a process.

Proactive pacing: at most `rate` calls a second per platform and one call every `per_channel`
seconds per channel (Slack asks about 1 message a second a channel). Reactive: a DeliveryError
with `retry_after` (an HTTP 429) pauses the whole platform that long, then the call is retried.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.ports import DeliveryError

T = TypeVar("T")


class Pacer:
    def __init__(self, rate: float = 40.0, per_channel: float = 1.0, max_retries: int = 20) -> None:
        self.interval = 1.0 / rate
        self.per_channel = per_channel
        self.max_retries = max_retries
        self._platform_next: dict[str, float] = {}
        self._channel_next: dict[tuple[str, str], float] = {}
        self._cooldown: dict[str, float] = {}
        self.retries = 0  # 429s seen, for benchmarks and logs

    async def slot(self, platform: str, channel: str) -> None:
        """Wait for this channel's and this platform's next free moment."""
        loop = asyncio.get_running_loop()
        key = (platform, channel)
        while True:
            now = loop.time()
            at = max(
                now,
                self._platform_next.get(platform, 0.0),
                self._channel_next.get(key, 0.0),
                self._cooldown.get(platform, 0.0),
            )
            self._platform_next[platform] = at + self.interval
            self._channel_next[key] = at + self.per_channel
            if at > now:
                await asyncio.sleep(at - now)
            if self._cooldown.get(platform, 0.0) <= at:
                return  # no 429 arrived while waiting

    def cool_down(self, platform: str, channel: str, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + max(seconds, 0.0)
        self._cooldown[platform] = max(self._cooldown.get(platform, 0.0), until)
        key = (platform, channel)
        self._channel_next[key] = max(self._channel_next.get(key, 0.0), until)

    async def call(self, platform: str, channel: str, send: Callable[[], Awaitable[T]]) -> T:
        """Call `send` (a slot already taken); on 429 wait as told and try again."""
        attempt = 0
        while True:
            try:
                return await send()
            except DeliveryError as exc:
                if exc.permanent or exc.retry_after is None or attempt >= self.max_retries:
                    raise
                attempt += 1
                self.retries += 1
                self.cool_down(platform, channel, exc.retry_after)
                await self.slot(platform, channel)
