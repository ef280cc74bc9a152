"""Proposals and moderators in the store. Every change of a proposal is a compare-and-set on
its `state` and `version`: a button pressed twice, or by two moderators at once, applies once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.content.revisions import approval, contributed_by
from bot.content.schema import EntryData
from bot.content.store import entry_data, entry_values, save_entry
from bot.contrib.draft import draft_text, slug
from bot.contrib.forms import credit_of
from bot.contrib.models import ModerationChannel, Moderator, Notice, Proposal, State
from bot.db import compare_and_set, rowcount, session_scope
from bot.member import FORGOTTEN, Member
from bot.models import Entry, utcnow

MAX_PENDING = 20
ID_ATTEMPTS = 5


class Refused(Exception):
    """Why a proposal cannot be made or changed; the message is for the person."""


@dataclass(frozen=True)
class Submitted:
    proposal: Proposal
    new: bool  # False: the same form was already submitted (a double click, a retried event)


def dedupe_key(who: Member, target_id: str | None, entry: EntryData) -> str:
    payload = f"{who.platform}\n{who.workspace_id}\n{who.user_id}\n{target_id}\n"
    payload += entry.model_dump_json(exclude={"id"})
    return hashlib.sha256(payload.encode()).hexdigest()


def _of(who: Member) -> list[ColumnElement[bool]]:
    return [
        col(Proposal.platform) == who.platform,
        col(Proposal.workspace_id) == who.workspace_id,
        col(Proposal.user_id) == who.user_id,
    ]


def free_slot(engine: Engine, who: Member) -> int | None:
    """The lowest of the member's MAX_PENDING places no pending proposal holds."""
    with Session(engine) as db:
        query = select(Proposal.pending_slot).where(*_of(who))
        taken = set(db.exec(query.where(col(Proposal.pending_slot).is_not(None))).all())
    return min(set(range(1, MAX_PENDING + 1)) - taken, default=None)


def same_form(engine: Engine, key: str) -> Proposal | None:
    with Session(engine) as db:
        return db.exec(select(Proposal).where(Proposal.dedupe_key == key)).first()


def submit(
    engine: Engine,
    who: Member,
    entry: EntryData,
    target_id: str | None = None,
    base_text: str | None = None,
    announce: bool = True,
) -> Submitted:
    """A new pending proposal, or the one this very form already made."""
    key = dedupe_key(who, target_id, entry)
    # Each lost race means another submission took a place or sent this form: few rounds.
    for _ in range(MAX_PENDING + 1):
        same = same_form(engine, key)
        if same is not None:
            return Submitted(same, new=False)
        slot = free_slot(engine, who)
        if slot is None:
            raise Refused(
                f"You have {MAX_PENDING} proposals waiting for a moderator already; "
                "withdraw one or wait for a decision."
            )
        row = Proposal(
            platform=who.platform,
            workspace_id=who.workspace_id,
            user_id=who.user_id,
            author_name=who.name[:80],
            kind=entry.kind.value,
            target_id=target_id,
            entry=entry_values(entry),
            base_text=base_text,
            dedupe_key=key,
            pending_slot=slot,
            notice=Notice.card if announce else Notice.none,
            notice_at=utcnow() if announce else None,
        )
        try:
            with session_scope(engine) as db:
                db.add(row)
        except IntegrityError:  # this form, or another taking that place, at the same moment
            continue
        return Submitted(row, new=True)
    raise Refused("Too many proposals are arriving at once; send it again in a moment.")


def get(engine: Engine, proposal_id: int) -> Proposal | None:
    with Session(engine) as db:
        return db.get(Proposal, proposal_id)


def in_workspace(engine: Engine, platform: str, workspace_id: str, value: str) -> Proposal | None:
    """The proposal an id names (a button's value, typed text), if it is one of this workspace."""
    if not value.isdigit() or len(value) > 12:
        return None
    row = get(engine, int(value))
    if row is None or (row.platform, row.workspace_id) != (platform, workspace_id):
        return None
    return row


def listing(
    engine: Engine,
    state: State | None = State.pending,
    platform: str | None = None,
    workspace_id: str | None = None,
    limit: int = 50,
) -> list[Proposal]:
    query = select(Proposal).order_by(col(Proposal.id))
    if state is not None:
        query = query.where(col(Proposal.state) == state)
    if platform is not None:
        query = query.where(col(Proposal.platform) == platform)
    if workspace_id is not None:
        query = query.where(col(Proposal.workspace_id) == workspace_id)
    with Session(engine) as db:
        return list(db.exec(query.limit(limit)).all())


def open_proposals(
    engine: Engine, platform: str | None = None, workspace_id: str | None = None
) -> tuple[int, Proposal | None]:
    """How many proposals wait for a moderator (of one workspace when given), and the oldest."""
    where = [col(Proposal.state) == State.pending]
    if platform is not None:
        where.append(col(Proposal.platform) == platform)
    if workspace_id is not None:
        where.append(col(Proposal.workspace_id) == workspace_id)
    with Session(engine) as db:
        count = db.exec(select(func.count()).select_from(Proposal).where(*where)).one()
        oldest = db.exec(select(Proposal).where(*where).order_by(col(Proposal.id))).first()
    return int(count), oldest


def _change(row: Proposal, **values: Any) -> Any:
    """The compare-and-set of one change: only from the state and version the caller read."""
    assert row.id is not None
    return (
        update(Proposal)
        .where(
            col(Proposal.id) == row.id,
            col(Proposal.state) == State.pending,
            col(Proposal.version) == row.version,
        )
        .values(version=row.version + 1, updated_at=utcnow(), **values)
    )


def edit(engine: Engine, row: Proposal, entry: EntryData) -> bool:
    """Replace a pending proposal's entry (a moderator's edit), unless it changed since `row`."""
    return compare_and_set(engine, _change(row, entry=entry_values(entry)))


def withdraw(engine: Engine, row: Proposal) -> bool:
    return compare_and_set(engine, _decided(row, State.withdrawn, None, None, notify=False))


def reject(
    engine: Engine, row: Proposal, moderator: str, reason: str, moderator_id: str | None = None
) -> bool:
    decided = _decided(row, State.rejected, moderator, reason, moderator_id=moderator_id)
    return compare_and_set(engine, decided)


def _decided(
    row: Proposal,
    state: State,
    moderator: str | None,
    reason: str | None,
    notify: bool = True,
    entry_id: str | None = None,
    moderator_id: str | None = None,
) -> Any:
    return _change(
        row,
        state=state,
        decided_by=moderator,
        decided_by_id=moderator_id,
        reason=reason,
        entry_id=entry_id,
        dedupe_key=None,
        pending_slot=None,
        notice=Notice.outcome if notify else Notice.none,
        notice_at=utcnow() if notify else None,
    )


class IdTaken(Exception):
    """Another writer stored an entry under the id chosen for a new one."""


def approve(
    engine: Engine, row: Proposal, moderator: str, moderator_id: str | None = None
) -> str | None:
    """Write the proposed entry and mark the proposal approved, in one transaction; the id
    written, or None when someone else decided it first. A new entry whose id another approval
    took meanwhile (the same title) is written under the next free id."""
    for attempt in range(ID_ATTEMPTS):
        try:
            return _approve_once(engine, row, moderator, moderator_id)
        except (IntegrityError, IdTaken):
            if row.target_id is not None or attempt == ID_ATTEMPTS - 1:
                raise
    return None


def _approve_once(
    engine: Engine, row: Proposal, moderator: str, moderator_id: str | None
) -> str | None:
    data = EntryData.model_validate(row.entry)
    credit = credit_of(data) or contributed_by(row.author_name or row.user_id, row.platform)
    with session_scope(engine) as db:
        if row.target_id is not None:
            unchanged_since_proposed(db, row)
        entry_id = row.target_id or free_id(db, data.id)
        decided = _decided(
            row, State.approved, moderator, None, entry_id=entry_id, moderator_id=moderator_id
        )
        if not compare_and_set(db, decided):
            return None
        written = data.model_copy(update={"id": entry_id, "source": credit})
        new = save_entry(db, written, approval(row, moderator))
        if row.target_id is None and not new:
            raise IdTaken(entry_id)  # rolls back: the proposal stays pending for the next try
    return entry_id


def unchanged_since_proposed(db: Session, row: Proposal) -> None:
    """Raise Refused when the entry an edit replaces is no longer the one it was proposed on:
    writing it would silently undo what changed since (another approved edit, an import)."""
    stored = db.get(Entry, row.target_id)
    if stored is None or (
        row.base_text is not None and draft_text(entry_data(stored)) != row.base_text
    ):
        raise Refused(
            f"Entry `{row.target_id}` changed since proposal #{row.id} was made: approving it "
            "would undo that change. Reject it and ask for the edit again on the entry as it is."
        )


def free_id(db: Session, wanted: str) -> str:
    wanted = slug(wanted)
    taken = set(db.exec(select(Entry.id).where(col(Entry.id).startswith(wanted))).all())
    number = 2
    found = wanted
    while found in taken:
        found = f"{wanted[:56]}-{number}"
        number += 1
    return found


def claim_notice(engine: Engine, row: Proposal, now: datetime) -> bool:
    """Take a proposal's notice to send it: one process, once."""
    claimed = (
        update(Proposal)
        .where(col(Proposal.id) == row.id, col(Proposal.notice) == row.notice)
        .where(col(Proposal.notice_at) <= now)
        .values(notice=Notice.none, notice_at=None)
    )
    return compare_and_set(engine, claimed)


def notice_again(engine: Engine, row: Proposal, at: datetime) -> None:
    """A notice that failed for a reason that may pass: try again at `at` (unless the
    proposal has a newer notice by now)."""
    again = (
        update(Proposal)
        .where(col(Proposal.id) == row.id, col(Proposal.notice) == Notice.none)
        .values(notice=row.notice, notice_at=at)
    )
    compare_and_set(engine, again)


def notices_due(engine: Engine, now: datetime | None = None) -> list[Proposal]:
    query = select(Proposal).where(col(Proposal.notice) != Notice.none)
    if now is not None:
        query = query.where(col(Proposal.notice_at) <= now)
    with Session(engine) as db:
        return list(db.exec(query.order_by(col(Proposal.notice_at)).limit(100)).all())


# --------------------------------------------------------------------------- moderators


def moderators(engine: Engine, platform: str, workspace_id: str) -> list[str]:
    with Session(engine) as db:
        query = select(Moderator.user_id).where(
            Moderator.platform == platform, Moderator.workspace_id == workspace_id
        )
        return list(db.exec(query.order_by(col(Moderator.user_id))).all())


def is_moderator(engine: Engine, who: Member) -> bool:
    with Session(engine) as db:
        return db.get(Moderator, (who.platform, who.workspace_id, who.user_id)) is not None


def add_moderator(engine: Engine, by: Member, user_id: str) -> bool:
    try:
        with session_scope(engine) as db:
            db.add(
                Moderator(
                    platform=by.platform,
                    workspace_id=by.workspace_id,
                    user_id=user_id,
                    added_by=by.user_id,
                )
            )
    except IntegrityError:
        return False
    return True


def remove_moderator(engine: Engine, by: Member, user_id: str) -> bool:
    with session_scope(engine) as db:
        row = db.get(Moderator, (by.platform, by.workspace_id, user_id))
        if row is None:
            return False
        db.delete(row)
    return True


def set_channel(engine: Engine, by: Member, channel_id: str) -> None:
    with session_scope(engine) as db:
        row = db.get(ModerationChannel, (by.platform, by.workspace_id))
        if row is None:
            row = ModerationChannel(platform=by.platform, workspace_id=by.workspace_id,
                                    channel_id=channel_id)  # fmt: skip
        row.channel_id, row.set_by, row.set_at = channel_id, by.user_id, utcnow()
        db.add(row)


def channel(engine: Engine, platform: str, workspace_id: str) -> str | None:
    with Session(engine) as db:
        row = db.get(ModerationChannel, (platform, workspace_id))
        return row.channel_id if row else None


def forget(db: Session, who: Member) -> int:
    """`/hub forget me` (every workspace of the platform): the person's proposals keep their
    content but no longer say who wrote them, pending ones are withdrawn, and they are no
    longer a moderator anywhere. How many proposals were anonymised."""
    mine = [col(Proposal.platform) == who.platform, col(Proposal.user_id) == who.user_id]
    db.execute(
        update(Proposal)
        .where(*mine, col(Proposal.state) == State.pending)
        .values(
            state=State.withdrawn,
            dedupe_key=None,
            pending_slot=None,
            notice=Notice.none,
            notice_at=None,
        )
    )
    changed = db.execute(
        update(Proposal).where(*mine).values(user_id=FORGOTTEN, author_name=FORGOTTEN)
    )
    db.execute(
        update(Proposal)
        .where(col(Proposal.platform) == who.platform, col(Proposal.decided_by_id) == who.user_id)
        .values(decided_by=FORGOTTEN, decided_by_id=None)
    )
    db.execute(
        delete(Moderator).where(
            col(Moderator.platform) == who.platform, col(Moderator.user_id) == who.user_id
        )
    )
    return rowcount(changed)
