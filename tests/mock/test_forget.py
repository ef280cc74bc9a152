"""`/hub forget me` across daily, mock, review and search, on SQLite and PostgreSQL.

Real sessions run on the console adapter (the mock fixtures); afterwards no row about people
holds Ada's id or name, and Bob's part of what they shared is still there.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from bot.daily import record_answer
from bot.daily.models import DailyPost
from bot.hub import Hub
from bot.member import FORGOTTEN, Member
from bot.mock.models import MockGrade, MockSession
from bot.mock.runtime import MockRuntime
from bot.review.models import ReviewCard
from tests.daily.rows import posted_question
from tests.mock.conftest import Transcript, person
from tests.mock.test_sessions import current

ADA, BOB = person("ada"), person("bob")
PEOPLE_TABLES = (
    "dailysubscription", "dailyanswer", "mock_session", "mock_participant", "mock_grade",
    "review_card", "review_reminder", "searchlog",
)  # fmt: skip


def rows(hub: Hub, table: str) -> list[dict[str, Any]]:
    with hub.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(f"SELECT * FROM {table}"))]


def mentions(hub: Hub, who: str, name: str) -> list[tuple[str, dict[str, Any]]]:
    """Every row of a people table holding the id or the name (as a value or inside text)."""
    found = []
    for table in PEOPLE_TABLES:
        for row in rows(hub, table):
            values = [v for v in row.values() if isinstance(v, str)]
            if any(v in (who, name) or f"by {name}" in v for v in values):
                found.append((table, row))
    return found


async def session_of(hub: Hub, runtime: MockRuntime, questions: int) -> MockSession:
    assert not hub.handle(ADA, f"/hub mock start questions {questions}").error
    await runtime.drain()
    return current(hub)


async def test_forget_me_removes_ada_and_keeps_what_bob_shared(
    hub: Hub, chat: Transcript, runtime: MockRuntime
) -> None:
    # Daily: Ada set up the channel's question; both answered one.
    setup = dataclasses.replace(ADA, can_manage_channel=True)
    assert not hub.handle(setup, "/hub daily on at 09:00").error
    posted_question(hub.engine, "console", "team-2", "T-1")
    with Session(hub.engine) as db:
        post = db.exec(select(DailyPost)).one()
    assert post.id is not None
    assert record_answer(hub.engine, post.id, Member("console", "", "ada", "Ada"))
    assert record_answer(hub.engine, post.id, Member("console", "", "bob", "Bob"))
    # Mock: a session Ada ran alone, and one she started, Bob joined, and she ended.
    alone = await session_of(hub, runtime, 1)
    hub.handle_action(ADA, "mock_reveal", f"{alone.id}:0")
    hub.handle_action(ADA, "mock_grade", f"{alone.id}:0:3")
    hub.handle_action(ADA, "mock_next", f"{alone.id}:0")
    await runtime.drain()
    shared = await session_of(hub, runtime, 2)
    hub.handle_action(ADA, "mock_reveal", f"{shared.id}:0")
    hub.handle_action(ADA, "mock_grade", f"{shared.id}:0:1")
    hub.handle_action(BOB, "mock_grade", f"{shared.id}:0:4")
    assert not hub.handle_action(ADA, "mock_end", f"{shared.id}").error
    await runtime.drain()
    # Review and search.
    hub.handle(ADA, "/hub review remind on")
    hub.handle(ADA, "/hub search django orm")
    hub.handle(BOB, "/hub search react render")
    assert mentions(hub, "ada", "Ada")
    bob_before = mentions(hub, "bob", "Bob")
    with Session(hub.engine) as db:
        cards = len(db.exec(select(ReviewCard).where(ReviewCard.user_id == "ada")).all())
    assert cards > 0

    assert hub.handle(ADA, "/hub forget").error  # bad input changes nothing
    assert mentions(hub, "ada", "Ada")
    reply = hub.handle(ADA, "/hub forget me")

    assert not reply.error and reply.private
    for line in (
        "daily answers: 1",
        "daily questions you set up (your name removed): 1",
        "mock interviews: 1",
        "mock interviews shared with others (your part removed): 1",
        "grades: 2",
        f"review cards: {cards}",
        "review reminders: 1",
        "searches: 1",
    ):
        assert f"• {line}\n" in reply.text, reply.text
    assert mentions(hub, "ada", "Ada") == []
    assert mentions(hub, "bob", "Bob") == bob_before  # nothing of Bob's went
    with Session(hub.engine) as db:
        kept = db.get(MockSession, shared.id)
        assert kept is not None and kept.starter_id == FORGOTTEN and kept.end_reason == "ended"
        assert db.get(MockSession, alone.id) is None
        assert [g.user_id for g in db.exec(select(MockGrade)).all()] == ["bob"]
        assert {c.user_id for c in db.exec(select(ReviewCard)).all()} == {"bob"}
    assert len(rows(hub, "searchlog")) == 1
    assert "nothing" in hub.handle(ADA, "/hub forget me").text  # a second time: nothing left
