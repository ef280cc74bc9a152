"""Daily question fan-out: N subscriptions due in the same minute, one or two bot processes.

The fake chat API (tests/daily/fake_chat.py) runs as its own process and enforces Slack's limits:
one message a second a channel, and HTTP 429 with Retry-After past 50 requests a second in all.
Each bot process is tests/daily/scheduler_process.py: the real scheduler and SlackOutbound. The
subscriptions are set for the next whole minute at least 15 s away; the table shows when the
first and the last post arrived after that instant, duplicates (a channel posted more than once)
and lost posts (a channel never posted).

    .venv/bin/python bench/daily_fanout.py [--subs 1000] [--runs sqlite:1 postgresql:1 postgresql:2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy.engine import Engine  # noqa: E402

from bot.daily.models import DailySubscription  # noqa: E402
from bot.db import session_scope  # noqa: E402
from tests.conftest import Store, postgres_store, sqlite_store  # noqa: E402
from tests.daily.conftest import add_questions  # noqa: E402


def start(module: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def read_line(stream: IO[str] | None, prefix: str) -> str:
    assert stream is not None
    while True:
        line = stream.readline()
        if not line:
            raise RuntimeError(f"process ended before printing {prefix!r}")
        if line.startswith(prefix):
            return line.strip()


def stats(fake: subprocess.Popen[str]) -> dict[str, Any]:
    assert fake.stdin is not None
    fake.stdin.write("stats\n")
    fake.stdin.flush()
    return dict(json.loads(read_line(fake.stdout, "{")))


def subscribe(engine: Engine, count: int) -> datetime:
    """`count` channels due at the next minute at least 15 s away; returns that instant."""
    due = (datetime.now(UTC) + timedelta(seconds=75)).replace(second=0, microsecond=0)
    with session_scope(engine) as session:
        for i in range(count):
            session.add(
                DailySubscription(
                    platform="slack",
                    channel_id=f"C{i:05d}",
                    post_time=f"{due:%H:%M}",
                    created_by="U1",
                )
            )
    return due


def run(store: str, processes: int, subs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, open_store(store, Path(tmp)) as found:
        return fan_out(found, processes, subs)


def open_store(store: str, folder: Path) -> AbstractContextManager[Store]:
    return postgres_store() if store == "postgresql" else sqlite_store(folder)


def fan_out(store: Store, processes: int, subs: int) -> dict[str, Any]:
    extra = ["--schema", store.schema] if store.schema else []
    fake = start("tests.daily.fake_chat", "0")
    bots: list[subprocess.Popen[str]] = []
    try:
        add_questions(store.engine, "python", 200)
        port = read_line(fake.stdout, "ready").split()[1]
        api = f"http://127.0.0.1:{port}/api/"
        command = ("tests.daily.scheduler_process", store.url, api, "--resync", "5", *extra)
        bots = [start(*command) for _ in range(processes)]
        for bot in bots:
            read_line(bot.stdout, "started")
        due = subscribe(store.engine, subs)
        due_mono = time.monotonic() + (due - datetime.now(UTC)).total_seconds()
        deadline = due_mono + 120
        found = stats(fake)
        while found["channels"] < subs and time.monotonic() < deadline:
            time.sleep(0.5)
            found = stats(fake)
        time.sleep(2.0)  # room for duplicates to show
        found = stats(fake)
    finally:
        for bot in bots:
            bot.terminate()
        for bot in bots:
            bot.wait(10)
        if fake.stdin:
            fake.stdin.close()
        fake.wait(10)
    return {
        "store": "postgresql" if store.schema else "sqlite",
        "processes": processes,
        "subs": subs,
        "posted": found["channels"],
        "duplicates": found["duplicates"],
        "lost": subs - found["channels"],
        "limited": found["limited"],
        "requests": found["requests"],
        "first": found["first"] - due_mono if found["posts"] else float("nan"),
        "last": found["last"] - due_mono if found["posts"] else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subs", type=int, default=1000)
    parser.add_argument(
        "--runs", nargs="+", default=["sqlite:1", "postgresql:1", "postgresql:2"],
        help="store:processes",
    )  # fmt: skip
    args = parser.parse_args()
    print("| store | processes | due | posted | duplicates | lost | 429s | requests "
          "| first post | all posted |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for spec in args.runs:
        store, _, count = spec.partition(":")
        r = run(store, int(count or 1), args.subs)
        print(
            f"| {r['store']} | {r['processes']} | {r['subs']} | {r['posted']} | "
            f"{r['duplicates']} | {r['lost']} | {r['limited']} | {r['requests']} | "
            f"{r['first']:.1f} s | {r['last']:.1f} s |",
            flush=True,
        )


if __name__ == "__main__":
    main()
