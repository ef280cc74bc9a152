"""A fake chat platform API on loopback, shaped like Slack's Web API, with real rate limits.

It answers `chat.postMessage` at most once a second a channel and `global_rate` requests a second
in all; past either it answers HTTP 429 with Retry-After, as Slack does. Channels in `dead` answer
`channel_not_found`; `flaky` makes the next N posts fail with a transient error. It runs its own
event loop in a thread, so the bot under test (or other processes) talk to it over real HTTP.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

TOKEN = "xoxb-daily-test"


@dataclass
class Posted:
    channel: str
    ts: str
    thread_ts: str | None
    text: str
    blocks: list[Any]
    at: float = field(default_factory=time.monotonic)


class FakeChat:
    def __init__(
        self, per_channel: float = 1.0, global_rate: int = 50, retry_after: int = 1, port: int = 0
    ) -> None:
        self.per_channel = per_channel
        self.global_rate = global_rate
        self.retry_after = retry_after
        self.posts: list[Posted] = []
        self.private: list[tuple[str, str]] = []  # (user or channel, text)
        self.dead: set[str] = set()
        self.flaky = 0
        self.limited = 0  # 429s answered
        self.requests = 0
        self.fail_all = False  # the platform is down: every post fails (transient)
        self._window: deque[float] = deque()
        self._last: dict[str, float] = {}
        self._ts = itertools.count(1)
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self.port = port
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self._thread.start()
        ready.wait(10)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/api/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        self._loop.run_until_complete(site.start())
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.close()

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def by_channel(self) -> Counter[str]:
        """Top-level posts per channel (not thread replies, not direct messages)."""
        with self._lock:
            return Counter(
                p.channel
                for p in self.posts
                if p.thread_ts is None and not p.channel.startswith("D")
            )

    def thread_replies(self) -> list[Posted]:
        with self._lock:
            return [p for p in self.posts if p.thread_ts is not None]

    def _limited(self, method: str, channel: str, now: float) -> bool:
        while self._window and now - self._window[0] >= 1.0:
            self._window.popleft()
        if len(self._window) >= self.global_rate:
            return True
        self._window.append(now)
        if method == "chat.postMessage":
            if now - self._last.get(channel, -1e9) < self.per_channel:
                return True
            self._last[channel] = now
        return False

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text()
        body: dict[str, Any] = dict(request.query)
        body.update(json.loads(raw) if raw.startswith("{") else dict(parse_qsl(raw)))
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"ok": False, "error": "not_authed"})
        channel = str(body.get("channel", ""))
        with self._lock:
            self.requests += 1
            if self._limited(method, channel, time.monotonic()):
                self.limited += 1
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(self.retry_after)},
                )
            if method == "conversations.open":
                return web.json_response({"ok": True, "channel": {"id": "D" + body["users"]}})
            if method == "chat.postEphemeral":
                self.private.append((channel, str(body.get("text", ""))))
                return web.json_response({"ok": True, "message_ts": "1.0"})
            if method != "chat.postMessage":
                return web.json_response({"ok": True})
            if channel in self.dead:
                return web.json_response({"ok": False, "error": "channel_not_found"})
            if self.fail_all or self.flaky > 0:
                self.flaky = max(self.flaky - 1, 0)
                return web.json_response({"ok": False, "error": "internal_error"})
            if channel.startswith("D"):
                self.private.append((channel, str(body.get("text", ""))))
            ts = f"1700000000.{next(self._ts):06d}"
            blocks = body.get("blocks") or []
            if isinstance(blocks, str):
                blocks = json.loads(blocks)
            thread = body.get("thread_ts") or None
            self.posts.append(Posted(channel, ts, thread, str(body.get("text", "")), blocks))
        return web.json_response({"ok": True, "channel": channel, "ts": ts})


def main() -> None:  # pragma: no cover - used by bench/daily_fanout.py as a separate process
    import sys

    fake = FakeChat(port=int(sys.argv[1]))
    print(f"ready {fake.port}", flush=True)
    try:
        for line in sys.stdin:
            if line.strip() == "stats":
                counts = fake.by_channel()
                print(
                    json.dumps(
                        {
                            "posts": sum(counts.values()),
                            "channels": len(counts),
                            "duplicates": sum(n - 1 for n in counts.values() if n > 1),
                            "limited": fake.limited,
                            "requests": fake.requests,
                            "first": min((p.at for p in fake.posts), default=0.0),
                            "last": max((p.at for p in fake.posts), default=0.0),
                        }
                    ),
                    flush=True,
                )
    finally:
        fake.close()


if __name__ == "__main__":  # pragma: no cover
    main()
