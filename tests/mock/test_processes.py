"""Two bot processes on one database: every step and every grade happens once."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.content import import_content
from bot.db import make_engine, upgrade
from bot.mock import session as machine
from bot.mock.models import MockGrade
from bot.mock.session import Actor, Options
from bot.models import utcnow
from bot.review.models import ReviewCard
from tests.conftest import FIXTURES, POSTGRES_URL, drop_schema, postgres_engine
from tests.mock.racer import GRADERS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, str, str]]:
    """An engine, and the URL and schema another process opens the same store with."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'hub.db'}"
        engine = make_engine(url)
        upgrade(engine)
        yield engine, url, ""
        engine.dispose()
        return
    if not request.getfixturevalue("postgres_ok"):
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432 (skipped outside CI only)")
    schema = f"hubtest_{uuid.uuid4().hex[:12]}"
    engine = postgres_engine(schema)
    try:
        upgrade(engine)
        yield engine, POSTGRES_URL, schema
    finally:
        engine.dispose()
        drop_schema(schema)


def test_two_processes_race_for_every_step(shared: tuple[Engine, str, str]) -> None:
    engine, url, schema = shared
    assert import_content(engine, [FIXTURES / "content"]).ok
    step = machine.start(
        engine,
        Actor("console", "", "ada", "Ada"),
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
    after = machine.load(engine, step.session.id or 0)
    assert after is not None and after.index == 1 and after.step == step.session.step + 2
