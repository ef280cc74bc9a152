"""Entries keep their revisions (both stores): imports and approvals write them, `/hub forget me`
takes the contributor's name out of them, and the migration goes up and down."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot import library
from bot.content import import_content
from bot.content.revisions import Revision, contributed_ids, history
from bot.contrib import store as proposals
from bot.db import alembic_config, applied_revisions, upgrade
from bot.hub import Hub
from bot.member import FORGOTTEN
from bot.models import Entry
from tests.conftest import FIXTURES, Store
from tests.contrib.test_proposals import ADA, MOD, QUESTION, proposal_id, run

ENTRY = "q-react-render-twice"


def revision_count(engine: Engine) -> int:
    with Session(engine) as db:
        return int(db.exec(select(func.count()).select_from(Revision)).one())


def approve_an_edit(hub: Hub) -> str:
    """Ada's edit of ENTRY, approved by mo; the proposal's number."""
    template = hub.handle_action(ADA, "suggest-edit", ENTRY)
    assert template.cards and template.cards[0].code is not None
    text = template.cards[0].code.text
    edited = text.replace("React calls the render function twice", "React renders twice", 1)
    assert edited != text
    number = proposal_id(run(hub, ADA, edited))
    assert "Approved" in run(hub, MOD, f"/hub proposals approve {number}").text
    return number


def test_an_import_writes_revision_one_then_only_what_changed(
    engine: Engine, tmp_path: Path
) -> None:
    assert import_content(engine, [FIXTURES / "content"]).ok
    with Session(engine) as db:
        ids = set(db.exec(select(Entry.id)).all())
    assert len(ids) == 5
    for entry_id in ids:
        [first] = history(engine, entry_id)
        assert (first.number, first.who, first.proposal_id) == (1, "import", None)
        assert {"id", "title", "topic"} <= set(first.changed)
        assert first.entry["id"] == entry_id

    again = import_content(engine, [FIXTURES / "content"])
    assert again.unchanged == 6 and revision_count(engine) == 5, "nothing changed: no revision"

    entry = library.entry(engine, ENTRY)
    assert entry is not None
    changed = {f: getattr(entry, f) for f in history(engine, ENTRY)[0].entry} | {
        "answer": (entry.answer or "") + " And only in development.",
        "tags": [*entry.tags, "strict-mode"],
    }
    (tmp_path / "changed.jsonl").write_text(json.dumps(changed) + "\n")
    assert import_content(engine, [tmp_path / "changed.jsonl"]).updated == 1
    second, first = history(engine, ENTRY)
    assert (second.number, second.who, second.changed) == (2, "import", ["tags", "answer"])
    assert second.entry["answer"].endswith("And only in development.")
    assert first.entry["answer"] == entry.answer, "the earlier revision keeps its content"
    assert revision_count(engine) == 6


def test_approving_an_edit_writes_a_revision_crediting_author_and_moderator(hub: Hub) -> None:
    number = approve_an_edit(hub)
    newest, first = history(hub.engine, ENTRY)
    assert newest.number == 2 and first.who == "import"
    assert newest.who == f"proposal #{number} by ada (console), approved by mo"
    assert newest.proposal_id == int(number)
    assert newest.changed == ["source", "deep_dive"]
    assert newest.entry["source"] == "contributed by ada (console)"
    assert contributed_ids(hub.engine) == [ENTRY]


def test_approving_a_new_entry_writes_its_first_revision(hub: Hub) -> None:
    number = proposal_id(run(hub, ADA, QUESTION))
    approved = run(hub, MOD, f"/hub proposals approve {number}").text
    entry_id = approved.split("/hub show ", 1)[1].split("`", 1)[0]
    [first] = history(hub.engine, entry_id)
    assert first.who == f"proposal #{number} by ada (console), approved by mo"
    assert first.number == 1 and "title" in first.changed
    # A re-import of the shipped content leaves the contribution the latest revision.
    assert import_content(hub.engine, [FIXTURES / "content"]).ok
    assert contributed_ids(hub.engine) == [entry_id]


def test_forget_me_credits_a_former_member(hub: Hub) -> None:
    number = approve_an_edit(hub)
    done = run(hub, ADA, "/hub forget me").text
    assert "entries you contributed (now credited to a former member): 1" in done, done
    entry = library.entry(hub.engine, ENTRY)
    assert entry is not None and entry.source == "contributed by a former member (console)"
    newest, first = history(hub.engine, ENTRY)
    assert newest.who == f"proposal #{number} by a former member (console), approved by mo"
    assert newest.entry["source"] == "contributed by a former member (console)"
    assert first.who == "import" and first.entry["source"] == "hubbot"
    with Session(hub.engine) as db:
        rows = db.exec(select(Revision)).all()
    assert not [r for r in rows if "ada" in r.who or "ada" in r.entry["source"]]


def test_forget_me_leaves_another_contributors_credit_and_forgets_the_moderator(
    hub: Hub,
) -> None:
    number = approve_an_edit(hub)
    assert "entries you contributed" not in run(hub, MOD, "/hub forget me").text
    entry = library.entry(hub.engine, ENTRY)
    assert entry is not None and entry.source == "contributed by ada (console)"
    newest = history(hub.engine, ENTRY)[0]
    assert newest.who == f"proposal #{number} by ada (console), approved by a former member"
    decided = proposals.get(hub.engine, int(number))
    assert decided is not None and (decided.decided_by, decided.decided_by_id) == (FORGOTTEN, None)


def test_the_migration_goes_down_and_up(store: Store) -> None:
    engine = store.engine
    assert import_content(engine, [FIXTURES / "content"]).ok
    before = applied_revisions(engine)
    command.downgrade(alembic_config(engine), "0017_proposal_slots")
    assert not inspect(engine).has_table("revision")
    assert applied_revisions(engine) == before - {
        "0018_entry_revisions",
        "0019_proposal_decider",
        "0020_entry_meaning",
        "0021_entry_asked_as",
        "0022_proposal_base_asked",
        "0023_discord_form",
    }
    upgrade(engine)
    assert applied_revisions(engine) == before
    assert revision_count(engine) == 0
    # Entries stored before revisions were kept get their first at the next import.
    assert import_content(engine, [FIXTURES / "content"]).unchanged == 6
    assert [r.number for r in history(engine, ENTRY)] == [1]
    assert revision_count(engine) == 5
    assert import_content(engine, [FIXTURES / "content"]).ok
    assert revision_count(engine) == 5
