"""Mock-interview load: N concurrent sessions of P participants each, driven through the core.

Each round starts N group sessions at once (Q questions, T seconds each) on the real timers
(the hub's mock runtime and jobs/ registry, as adapters/run.py runs them) and an in-process chat
that answers each call after a few ms. Per session, most questions run out on their timer; every
fifth is revealed by a button. After each reveal all P participants grade at once (in threads,
as the adapters call the core) and two of them press Next together (a double click). The table
shows how late each time-up was claimed after its deadline, whether any step happened twice (a
question, reveal or summary posted twice, or a grade missing/duplicated), and the process's
resident memory after each round.

    .venv/bin/python bench/mock_sessions.py [--sessions 100] [--people 5] [--questions 3]
        [--seconds 6] [--rounds 3] [--postgresql]

SQLite in a temporary file by default; with --postgresql, a fresh schema on the test server
(tests/conftest.py's POSTGRES_URL), dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from adapters.run import background
from bot.commands import ChatContext
from bot.config import SHIPPED_CONTENT, Settings
from bot.content import import_content
from bot.delivery import Pacer
from bot.hub import Hub
from bot.member import Member
from bot.mock import session as machine
from bot.mock.models import MockGrade
from bot.mock.runtime import MockRuntime
from bot.mock.session import Options
from bot.ports import MessageRef
from bot.replies import Reply
from tests.conftest import postgres_store, sqlite_store

PLATFORM = "bench"
LATENCY = 0.005
FOOTER = re.compile(r"mock session (\d+)")
ANSWER = re.compile(r"Answer (\d+) of")


class BenchChat:
    """The outbound port of a chat that answers after LATENCY seconds; counts what it was sent."""

    platform = PLATFORM

    def __init__(self) -> None:
        self.ids = 0
        self.counts: Counter[tuple[str, int, int]] = Counter()
        self.revealed: dict[tuple[int, int], asyncio.Event] = {}
        self.ended: dict[int, asyncio.Event] = {}
        self.threads: dict[str, int] = {}  # thread id -> session id

    def event(self, session_id: int, index: int) -> asyncio.Event:
        return self.revealed.setdefault((session_id, index), asyncio.Event())

    def end_event(self, session_id: int) -> asyncio.Event:
        return self.ended.setdefault(session_id, asyncio.Event())

    def _note(self, reply: Reply, thread_id: str | None) -> None:
        card = reply.cards[0] if reply.cards else None
        if reply.text.startswith("*Mock interview"):
            session = self.threads.get(thread_id or "", 0)
            self.counts[("summary", session, 0)] += 1
            self.end_event(session).set()
            return
        if card is None or not (found := FOOTER.search(card.footer)):
            return
        session = int(found.group(1))
        if match := ANSWER.match(card.title):
            index = int(match.group(1)) - 1
            self.counts[("reveal", session, index)] += 1
            self.event(session, index).set()
        elif card.subtitle.startswith("Question"):
            index = int(card.subtitle.split()[1]) - 1
            self.counts[("question", session, index)] += 1

    async def post(self, channel_id: str, reply: Reply, thread_id: str | None = None) -> MessageRef:
        await asyncio.sleep(LATENCY)
        self.ids += 1
        self._note(reply, thread_id)
        return MessageRef(PLATFORM, channel_id, str(self.ids), thread_id)

    async def start_thread(self, channel_id: str, reply: Reply, name: str) -> MessageRef:
        await asyncio.sleep(LATENCY)
        self.ids += 1
        self.threads[str(self.ids)] = int(name.rsplit(" ", 1)[-1])
        return MessageRef(PLATFORM, channel_id, str(self.ids), str(self.ids))

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        await asyncio.sleep(LATENCY)
        self.counts[("update", 0, 0)] += 1

    async def send_private(self, user_id: str, reply: Reply, channel_id: str | None = None) -> None:
        await asyncio.sleep(LATENCY)


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


async def drive(
    hub: Hub, chat: BenchChat, session_id: int, people: int, questions: int, number: int
) -> None:
    """The people of one session: grade after each reveal, double-click Next."""
    who = [
        ChatContext(PLATFORM, f"s{session_id}u{p}", f"U{p}", f"c{number}") for p in range(people)
    ]
    for index in range(questions):
        if (number + index) % 5 == 0:  # every fifth question is revealed by a button
            await asyncio.sleep(1.0)
            await asyncio.to_thread(
                hub.handle_action, who[0], "mock_reveal", f"{session_id}:{index}"
            )
        await chat.event(session_id, index).wait()
        rating = 1 + (number + index) % 4
        await asyncio.gather(
            *(
                asyncio.to_thread(
                    hub.handle_action, person, "mock_grade", f"{session_id}:{index}:{rating}"
                )
                for person in who
            )
        )
        await asyncio.gather(
            *(
                asyncio.to_thread(hub.handle_action, person, "mock_next", f"{session_id}:{index}")
                for person in who[:2]
            )
        )
    await chat.end_event(session_id).wait()


async def one_round(
    hub: Hub, chat: BenchChat, runtime: MockRuntime, args: argparse.Namespace
) -> dict[str, Any]:
    chat.counts.clear()
    runtime.stats.samples.clear()
    fired_before = runtime.stats.fired
    options = Options(questions=args.questions, seconds=args.seconds)
    ids: list[int] = []
    for n in range(args.sessions):
        step = machine.start(hub.engine, Member(PLATFORM, "", f"starter{n}", "S"), f"c{n}", options)
        runtime.submit(step)
        ids.append(step.session.id or 0)
    started = time.monotonic()
    await asyncio.wait_for(
        asyncio.gather(
            *(drive(hub, chat, sid, args.people, args.questions, n) for n, sid in enumerate(ids))
        ),
        timeout=args.questions * (args.seconds + 30) + 60,
    )
    await runtime.drain()
    elapsed = time.monotonic() - started
    late = sorted(runtime.stats.samples)
    twice = sum(1 for count in chat.counts.values() if count > 1) - (
        1 if chat.counts[("update", 0, 0)] > 1 else 0
    )
    missing = sum(
        1
        for sid in ids
        for index in range(args.questions)
        if chat.counts[("question", sid, index)] != 1 or chat.counts[("reveal", sid, index)] != 1
    ) + sum(1 for sid in ids if chat.counts[("summary", sid, 0)] != 1)
    with Session(hub.engine) as db:
        grades = db.exec(
            select(func.count()).select_from(MockGrade).where(MockGrade.session_id.in_(ids))  # type: ignore[attr-defined]
        ).one()
    chat.threads.clear()
    for sid in ids:
        chat.ended.pop(sid, None)
        for index in range(args.questions):
            chat.revealed.pop((sid, index), None)
    gc.collect()
    return {
        "timers": runtime.stats.fired - fired_before,
        "p50": statistics.median(late) if late else 0.0,
        "p99": late[int(len(late) * 0.99) - 1] if late else 0.0,
        "max": late[-1] if late else 0.0,
        "twice": twice,
        "missing": missing,
        "grades": grades,
        "expected": args.sessions * args.people * args.questions,
        "elapsed": elapsed,
        "rss": rss_mb(),
    }


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="mockbench-") as tmp:
        store = postgres_store() if args.postgresql else sqlite_store(Path(tmp))
        with store as found:
            await run_rounds(found.engine, found.url, args)


async def run_rounds(engine: Engine, url: str, args: argparse.Namespace) -> None:
    if not import_content(engine, [SHIPPED_CONTENT]).ok:
        raise SystemExit("the shipped content did not import")
    settings = Settings(HUB_DATABASE_URL=url, HUB_MOCK_IDLE_MINUTES=60)
    hub = Hub(settings, engine)
    # The bench chat has no rate limit: the steps go out as fast as the core makes them (the
    # pacing itself is measured by bench/daily_fanout.py).
    hub.pacer = Pacer(rate=100_000, per_channel=0)
    chat = BenchChat()
    hub.outbound.register(chat)
    shape = f"{args.sessions} sessions × {args.people} people × {args.questions} questions"
    print(f"store: {url.split('://')[0]}; {shape} of {args.seconds} s; RSS {rss_mb():.0f} MB")
    async with background(hub):
        runtime = hub.mock
        assert runtime is not None
        print(
            "| round | timers fired | late p50 | late p99 | late max | steps twice | "
            "steps missing | grades | time | RSS |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for number in range(1, args.rounds + 1):
            r = await one_round(hub, chat, runtime, args)
            print(
                f"| {number} | {r['timers']} | {r['p50'] * 1000:.0f} ms | "
                f"{r['p99'] * 1000:.0f} ms | {r['max'] * 1000:.0f} ms | {r['twice']} | "
                f"{r['missing']} | {r['grades']}/{r['expected']} | {r['elapsed']:.1f} s | "
                f"{r['rss']:.0f} MB |",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--people", type=int, default=5)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgresql", action="store_true")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
