"""One of several processes racing for the same steps of one mock session.

Run by tests/mock/test_processes.py: `python -m tests.mock.racer URL SCHEMA SESSION`. It says
`ready`, waits for a line on stdin (so every racer starts at once), then prints what it won as
JSON.
"""

from __future__ import annotations

import json
import sys
import time

from bot.db import make_engine
from bot.member import Member
from bot.mock import session as machine
from bot.mock import store
from bot.mock.steps import Refusal

GRADERS = 15


def main() -> None:
    url, schema, number = sys.argv[1:4]
    session_id = int(number)
    if schema:
        engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    else:
        engine = make_engine(url)
    ms = store.load(engine, session_id)
    assert ms is not None
    won = {"time_up": 0, "next": 0, "grades": 0}
    print("ready", flush=True)
    sys.stdin.readline()
    ms = store.load(engine, session_id)
    assert ms is not None
    won["time_up"] += sum(step.session.id == session_id for step in store.time_up(engine))
    while (now := store.load(engine, session_id)) is not None and now.state != "revealed":
        time.sleep(0.005)
    for n in range(GRADERS):
        try:
            machine.grade(engine, session_id, 0, 3, Member("console", "", f"u{n}", f"U{n}"))
            won["grades"] += 1
        except Refusal:
            pass
    try:
        if machine.act(engine, session_id, "next", Member("console", "", ms.starter_id), 0):
            won["next"] += 1
    except Refusal:
        pass
    engine.dispose()
    print(json.dumps(won))


if __name__ == "__main__":
    main()
