"""A bot process that runs only the jobs, posting to the fake chat API: for the tests that need
several processes (two replicas, a crash and restart) and for bench/daily_fanout.py.

    python -m tests.daily.scheduler_process DB_URL API_URL [--schema S] [--rate R] [--lease S]

It prints "started" once its jobs run, and on SIGUSR1 rebuilds its jobs from the store, runs
what is due and prints "settled": from then on it has nothing left to do for what it saw.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from datetime import timedelta

from adapters.slack.outbound import port_outbound
from bot.config import Settings
from bot.db import make_engine
from bot.delivery import Pacer
from bot.hub import Hub
from jobs.registry import JobRegistry
from jobs.scheduler import scheduler_running
from tests.daily.fake_chat import TOKEN


async def run(args: argparse.Namespace) -> None:
    options = {"options": f"-csearch_path={args.schema}"} if args.schema else {}
    engine = make_engine(args.db, connect_args=options)
    hub = Hub(Settings(HUB_DATABASE_URL=args.db), engine)
    hub.outbound.register(port_outbound(TOKEN, args.api))
    hub.pacer = Pacer(rate=args.rate)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    settling: set[asyncio.Task[None]] = set()

    async def settle(registry: JobRegistry) -> None:
        registry.sync()
        await registry.idle()
        print("settled", flush=True)

    async with scheduler_running(
        hub,
        lease=timedelta(seconds=args.lease),
        resync_seconds=args.resync,
        debounce_seconds=min(args.resync, 1.0),
    ) as registry:
        print(f"started {registry.owner}", flush=True)
        loop.add_signal_handler(
            signal.SIGUSR1, lambda: settling.add(asyncio.create_task(settle(registry)))
        )
        await stop.wait()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("api")
    parser.add_argument("--schema", default="")
    parser.add_argument("--rate", type=float, default=40.0)
    parser.add_argument("--lease", type=float, default=60.0)
    parser.add_argument("--resync", type=float, default=1.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(process)d %(levelname)s %(message)s")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
