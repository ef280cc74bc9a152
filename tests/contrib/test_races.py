"""Races on the real PostgreSQL, staged without sleeps: a transaction of another process holds
a lock until the racers are seen waiting on it (pg_stat_activity), then lets them go.

- Two submissions by a member with 19 pending: one is stored, the other refused (the 20 are a
  constraint: a pending proposal takes one of the member's 20 numbered slots).
- A same-title entry written by another approval between our read of free ids and our write:
  ours takes the next free id, the other entry is left as it was.
- Two moderators saving an edit of the same version of a proposal: one applies, the other's form
  comes back with what they typed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from bot import library
from bot.commands import ChatContext
from bot.config import Settings
from bot.content import import_content
from bot.content.revisions import history
from bot.content.store import entry_data, save_entry
from bot.contrib import store as proposals
from bot.contrib.models import State
from bot.hub import Hub
from bot.replies import Reply
from tests.conftest import FIXTURES, Store

from .test_proposals import ADA, EVE, MOD, QUESTION, proposal_id, run

SLUG = "what-does-a-python-generator-s-send-do"


@pytest.fixture
def pg_hub(pg_store: Store, settings: Settings) -> Hub:
    assert import_content(pg_store.engine, [FIXTURES / "content"]).ok
    return Hub(settings, pg_store.engine)


def waiting_on_locks(engine: Engine) -> int:
    query = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
    with engine.connect() as conn:
        return int(conn.execute(text(query + " AND datname = current_database()")).scalar_one())


@contextmanager
def held(engine: Engine, *statements: str) -> Iterator[Connection]:
    """Another process's transaction: it runs `statements`, and commits when the block ends."""
    with engine.connect() as conn, conn.begin():
        for statement in statements:
            conn.execute(text(statement))
        yield conn


def released_when_waiting(
    engine: Engine, waiters: int, lock: Connection, calls: list[Callable[[], Reply]]
) -> list[Reply]:
    """Start `calls` in threads, commit `lock`'s transaction once `waiters` wait on a lock."""
    with ThreadPoolExecutor(len(calls)) as pool:
        running: list[Future[Reply]] = [pool.submit(call) for call in calls]
        deadline = time.monotonic() + 30
        while waiting_on_locks(engine) < waiters:
            assert time.monotonic() < deadline, "the racers never waited on the lock"
            assert not any(f.done() for f in running), [f.result().text for f in running]
            time.sleep(0.01)
        lock.commit()
        return [f.result(timeout=30) for f in running]


def titled(number: int) -> str:
    return QUESTION.replace("What does", f"({number}) What does")


def test_two_submissions_at_19_pending_store_one(pg_hub: Hub) -> None:
    for number in range(19):
        proposal_id(run(pg_hub, ADA, titled(number)))
    second = Hub(pg_hub.settings, pg_hub.engine)
    with held(pg_hub.engine, "LOCK TABLE proposal IN SHARE MODE") as lock:  # inserts wait
        replies = released_when_waiting(
            pg_hub.engine,
            2,
            lock,
            [lambda: run(pg_hub, ADA, titled(19)), lambda: run(second, ADA, titled(20))],
        )
    texts = sorted(reply.text for reply in replies)
    assert texts[0].startswith("Thanks! Proposal #") and "is waiting" in texts[0], texts
    assert texts[1].startswith("You have 20 proposals waiting for a moderator already"), texts
    pending = proposals.listing(pg_hub.engine, State.pending, limit=100)
    assert len(pending) == 20
    assert "Proposal #" in run(pg_hub, EVE, titled(21)).text  # the limit is per member


@pytest.mark.parametrize("read_before_commit", [True, False])
def test_a_same_title_approval_takes_the_next_free_id(
    pg_hub: Hub, read_before_commit: bool
) -> None:
    """With `read_before_commit`, the other entry is committed after we read the free ids but
    before we write (we wait on the proposal's row); else it is being inserted as we insert."""
    number = proposal_id(run(pg_hub, ADA, QUESTION))
    theirs = entry_data(library.entry(pg_hub.engine, "q-react-render-twice"))  # type: ignore[arg-type]
    theirs = theirs.model_copy(update={"id": SLUG})
    lock_row = f"SELECT id FROM proposal WHERE id = {int(number)} FOR UPDATE"
    with held(pg_hub.engine, *([lock_row] if read_before_commit else [])) as lock:
        save_entry(Session(bind=lock), theirs)
        [reply] = released_when_waiting(
            pg_hub.engine,
            1,
            lock,
            [lambda: pg_hub.handle_action(MOD, "proposal-approve", number)],
        )
    assert reply.text.startswith(f"Approved #{number}: `/hub show {SLUG}-2`"), reply.text
    kept = library.entry(pg_hub.engine, SLUG)
    assert kept is not None and kept.title == theirs.title
    ours = library.entry(pg_hub.engine, f"{SLUG}-2")
    assert ours is not None and ours.title == "What does a Python generator's send() do?"
    row = proposals.get(pg_hub.engine, int(number))
    assert row is not None and (row.state, row.entry_id) == (State.approved, f"{SLUG}-2")


def test_two_edits_of_one_version_at_once_apply_once(pg_hub: Hub) -> None:
    number = proposal_id(run(pg_hub, ADA, QUESTION))
    form = pg_hub.handle_action(MOD, "proposal-edit", number).form
    assert form is not None
    typed = {field.name: field.value for field in form.inputs}
    second = Hub(pg_hub.settings, pg_hub.engine)
    lock_row = f"SELECT id FROM proposal WHERE id = {int(number)} FOR UPDATE"
    with held(pg_hub.engine, lock_row) as lock:  # both read version 1, then wait to write
        replies = released_when_waiting(
            pg_hub.engine,
            2,
            lock,
            [
                partial(hub.submit_form, MOD, "suggest", form.value, {**typed, "level": level})
                for hub, level in ((pg_hub, "senior"), (second, "junior"))
            ],
        )
    edited = [reply for reply in replies if reply.text == f"Edited proposal #{number}."]
    [late] = [reply for reply in replies if "changed meanwhile" in reply.text]
    assert len(edited) == 1 and late.form is not None
    row = proposals.get(pg_hub.engine, int(number))
    assert row is not None and row.version == 2
    kept = {field.name: field.value for field in late.form.inputs}["level"]
    assert {row.entry["level"], kept} == {"senior", "junior"}  # the loser's text is kept


def suggested_edit(hub: Hub, who: ChatContext, old: str, new: str) -> str:
    template = hub.handle_action(who, "suggest-edit", "q-react-render-twice")
    assert template.cards and template.cards[0].code is not None
    text = template.cards[0].code.text
    assert old in text
    return proposal_id(run(hub, who, text.replace(old, new, 1)))


def test_two_edits_of_one_entry_approved_at_once_make_two_revisions(pg_hub: Hub) -> None:
    """Both approvals wait on the entry's row; each then reads the revision the other wrote."""
    ada = suggested_edit(pg_hub, ADA, "React calls the render function twice", "React renders")
    eve = suggested_edit(pg_hub, EVE, "title: ", "title: Strict mode: ")
    lock_row = "SELECT id FROM entry WHERE id = 'q-react-render-twice' FOR UPDATE"
    with held(pg_hub.engine, lock_row) as lock:
        replies = released_when_waiting(
            pg_hub.engine,
            2,
            lock,
            [
                lambda: pg_hub.handle_action(MOD, "proposal-approve", ada),
                lambda: pg_hub.handle_action(MOD, "proposal-approve", eve),
            ],
        )
    assert all(r.text.startswith("Approved #") for r in replies), [r.text for r in replies]
    newest, middle, first = history(pg_hub.engine, "q-react-render-twice")
    assert (newest.number, middle.number, first.number) == (3, 2, 1)
    assert {newest.proposal_id, middle.proposal_id} == {int(ada), int(eve)}
    # The later one is compared with what the earlier one wrote, not with what it read first.
    assert newest.changed == [k for k, v in newest.entry.items() if middle.entry[k] != v]
    assert "source" in newest.changed and "source" in middle.changed
