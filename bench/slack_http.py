"""Slack HTTP mode under load: signed slash commands at `hub serve slack --http`, on loopback.

Starts the fake Slack Web API (tests/slack/fake_slack.py) in this process and the bot as its own
process (`hub serve slack --http --port P`, SQLite, the shipped content, SLACK_API_URL at the
fake), then fires N signed `/hub` commands, C at a time. It measures, per command, the time to
the HTTP acknowledgement and the time until the answer reaches the fake's response_url, and
prints a Markdown table.

    .venv/bin/python bench/slack_http.py [--requests 200] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.slack.fake_slack import (  # noqa: E402
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    signed_headers,
    slash_command,
)

COMMANDS = [
    "search why does my component render twice",
    "search n+1 queries django",
    "error Error: listen EADDRINUSE: address already in use :::3000",
    "search sql injection prepared statements",
    "snippet retry with backoff",
    "search virtual dom",
    "error TypeError: Cannot read properties of undefined (reading 'map')",
    "topics",
    "search dependency injection container",
    "help",
]
FORM = "application/x-www-form-urlencoded"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def start_bot(fake: FakeSlack, port: int, workdir: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env |= {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "HUB_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
    }
    hub = ROOT / ".venv" / "bin" / "hub"
    return subprocess.Popen(
        [str(hub), "serve", "slack", "--http", "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def wait_healthy(
    session: aiohttp.ClientSession, base: str, bot: subprocess.Popen[bytes]
) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if bot.poll() is not None:
            raise SystemExit(f"the bot exited: {bot.stderr.read().decode() if bot.stderr else ''}")
        try:
            async with session.get(base + "/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit("the bot did not become healthy in 120 s")


async def fire(
    session: aiohttp.ClientSession, url: str, fake: FakeSlack, number: int
) -> tuple[float, float, int]:
    """Send one command; (sent at, acked at, HTTP status)."""
    body = slash_command(COMMANDS[number % len(COMMANDS)], fake.response_url(f"bench-{number}"))
    headers = signed_headers(body, FORM)
    sent = time.monotonic()
    async with session.post(url, data=body.encode(), headers=headers) as response:
        await response.read()
        return sent, time.monotonic(), response.status


async def run(requests: int, concurrency: int) -> None:
    fake = FakeSlack()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        bot = start_bot(fake, port, Path(tmp))
        try:
            connector = aiohttp.TCPConnector(limit=concurrency)
            async with aiohttp.ClientSession(connector=connector) as session:
                await wait_healthy(session, base, bot)
                # Warm up: first search builds the index, first request authenticates.
                await fire(session, base + "/slack/events", fake, -1)
                await fake.wait_for("response_url", 1, timeout=60)
                fake.calls.clear()

                gate = asyncio.Semaphore(concurrency)

                async def one(number: int) -> tuple[float, float, int]:
                    async with gate:
                        return await fire(session, base + "/slack/events", fake, number)

                started = time.monotonic()
                results = await asyncio.gather(*(one(n) for n in range(requests)))
                acked_all = time.monotonic()
                with contextlib.suppress(AssertionError):
                    await fake.wait_for("response_url", requests, timeout=60)
                finished = time.monotonic()
        finally:
            bot.terminate()
            bot.wait(10)
            fake.close()

    answers = {c.path.rsplit("-", 1)[-1]: c.at for c in fake.calls_to("response_url")}
    ack_ms = [(acked - sent) * 1000 for sent, acked, _ in results]
    answer_ms = [
        (answers[str(n)] - sent) * 1000
        for n, (sent, _, _) in enumerate(results)
        if str(n) in answers
    ]
    errors = sum(1 for _, _, status in results if status != 200) + (requests - len(answer_ms))
    print(f"Slack HTTP mode: {requests} signed /hub commands, {concurrency} at a time, loopback\n")
    print("| measure | p50 | p99 | max |")
    print("| --- | --- | --- | --- |")
    for name, values in (("HTTP ack", ack_ms), ("answer at response_url", answer_ms)):
        print(
            f"| {name} | {percentile(values, 50):.0f} ms | {percentile(values, 99):.0f} ms"
            f" | {max(values, default=float('nan')):.0f} ms |"
        )
    print(
        f"\nerrors: {errors} · all acked in {acked_all - started:.2f} s"
        f" · all answered in {finished - started:.2f} s"
        f" · {statistics.mean(ack_ms):.0f} ms mean ack"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(run(args.requests, args.concurrency))


if __name__ == "__main__":
    main()
