"""Two bot processes on one database: every step and every grade happens once."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, func, select

from bot.content import import_content
from bot.member import Member
from bot.mock import session as machine
from bot.mock import store as mock_store
from bot.mock.models import MockGrade
from bot.mock.session import Options
from bot.models import utcnow
from bot.review.models import ReviewCard
from tests.conftest import FIXTURES, Store
from tests.mock.racer import GRADERS

ROOT = Path(__file__).resolve().parents[2]


def test_two_processes_race_for_every_step(store: Store) -> None:
    engine, url, schema = store.engine, store.url, store.schema
    assert import_content(engine, [FIXTURES / "content"]).ok
    step = machine.start(
        engine,
        Member("console", "", "ada", "Ada"),
        "team",
        Options(questions=2, seconds=1),
        now=utcnow() - timedelta(seconds=5),  # its time is already up
    )
    args = [url, schema, str(step.session.id)]
    racers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.mock.racer", *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for racer in racers:
        assert racer.stdout is not None and racer.stdout.readline().strip() == "ready"
    for racer in racers:  # both go at once
        assert racer.stdin is not None
        racer.stdin.write("go\n")
        racer.stdin.flush()
    results = [json.loads(r.communicate(timeout=60)[0]) for r in racers]
    assert all(r.returncode == 0 for r in racers)
    assert sum(r["time_up"] for r in results) == 1, results
    assert sum(r["next"] for r in results) == 1
    assert sum(r["grades"] for r in results) == GRADERS
    with Session(engine) as db:
        assert db.exec(select(func.count()).select_from(MockGrade)).one() == GRADERS
        assert db.exec(select(func.count()).select_from(ReviewCard)).one() == GRADERS
    after = mock_store.load(engine, step.session.id or 0)
    assert after is not None and after.index == 1 and after.step == step.session.step + 2
