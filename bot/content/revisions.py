"""Entries keep their revisions: each write of an entry whose content differs from its latest
revision adds the next one, saying who changed which fields and when (`hub show ID --history`).

An import writes its revisions in one bulk insert; an approval writes its one inside the
approval's transaction. `/hub forget me` replaces a contributor's name in the credit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, func, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from bot.contrib.models import Proposal, State
from bot.db import rowcount
from bot.member import Member
from bot.models import Entry, utcnow

FORMER_MEMBER = "a former member"


class Revision(SQLModel, table=True):
    """One version of an entry: its content as EntryData JSON, and who made it, when. Entries
    written by an approval name the proposal (`proposal_id`)."""

    entry_id: str = Field(primary_key=True, max_length=64)
    number: int = Field(primary_key=True)
    entry: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    who: str = Field(max_length=300)
    changed: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    proposal_id: int | None = Field(default=None, index=True)
    at: datetime = Field(default_factory=utcnow)


@dataclass(frozen=True)
class Author:
    """Who writes a revision: "import", or an approved proposal."""

    who: str
    proposal_id: int | None = None


IMPORTED = Author("import")


def contributed_by(name: str, platform: str) -> str:
    """An entry's `source` once a member's proposal wrote it."""
    return f"contributed by {name} ({platform})"[:200]


def approval(proposal: Proposal, moderator: str, name: str | None = None) -> Author:
    name = name or proposal.author_name or proposal.user_id
    who = f"proposal #{proposal.id} by {name} ({proposal.platform}), approved by {moderator}"
    return Author(who[:300], proposal.id)


def newest(entry_ids: Sequence[str] | None = None) -> Any:
    """Each entry's latest revision number (of those entries, when given), as a subquery."""
    query = select(Revision.entry_id, func.max(Revision.number).label("number"))
    if entry_ids is not None:
        query = query.where(col(Revision.entry_id).in_(entry_ids))
    return query.group_by(col(Revision.entry_id)).subquery()


def latest_numbers(session: Session, entry_ids: Sequence[str]) -> dict[str, int]:
    """The latest revision number of each of those entries that has one: one query."""
    if not entry_ids:
        return {}
    latest = newest(entry_ids)
    return {entry_id: number for entry_id, number in session.execute(select(latest))}


def next_revision(
    number: int, before: Entry | None, values: dict[str, Any], author: Author, at: datetime
) -> dict[str, Any] | None:
    """The row of the revision that writing `values` over `before` makes (the stored entry,
    which is its latest revision `number`), or None when they change nothing. The first
    revision (also of an entry stored before revisions were kept) changes the fields it has."""
    if number and before is not None:
        changed = [name for name, value in values.items() if getattr(before, name) != value]
        if not changed:
            return None
    else:
        changed = [name for name, value in values.items() if value not in (None, "", [])]
    return {
        "entry_id": values["id"],
        "number": number + 1,
        "entry": values,
        "who": author.who,
        "changed": changed,
        "proposal_id": author.proposal_id,
        "at": at,
    }


def add(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert revisions made by `next_revision`: one statement for all of them."""
    if rows:
        session.execute(insert(Revision), rows)


def history(engine: Engine, entry_id: str) -> list[Revision]:
    """An entry's revisions, newest first."""
    query = select(Revision).where(Revision.entry_id == entry_id)
    with Session(engine) as session:
        return list(session.exec(query.order_by(col(Revision.number).desc())))


def contributed_ids(engine: Engine) -> list[str]:
    """The entries whose latest revision an approved proposal wrote."""
    latest = newest()
    query = (
        select(Revision.entry_id)
        .join(
            latest,
            (col(Revision.entry_id) == latest.c.entry_id)
            & (col(Revision.number) == latest.c.number),
        )
        .where(col(Revision.proposal_id).is_not(None))
        .order_by(col(Revision.entry_id))
    )
    with Session(engine) as session:
        return list(session.exec(query))


def forget(session: Session, who: Member) -> int:
    """`/hub forget me`: the person's name, in the credit of the entries their approved
    proposals wrote (the entries' `source` and their revisions' content) and in the `who` of the
    revisions their proposals or their decisions as a moderator wrote, becomes FORMER_MEMBER.
    Inside the caller's transaction, before the proposals lose their author; how many entries
    lost the name from their credit."""
    platform = col(Proposal.platform) == who.platform
    authored = (col(Proposal.user_id) == who.user_id) & (col(Proposal.state) == State.approved)
    decided = col(Proposal.decided_by_id) == who.user_id
    entries = 0
    for proposal in session.exec(select(Proposal).where(platform, authored | decided)).all():
        wrote = proposal.user_id == who.user_id and proposal.state == State.approved
        name = FORMER_MEMBER if wrote else proposal.author_name or proposal.user_id
        moderator = FORMER_MEMBER if proposal.decided_by_id == who.user_id else None
        credit = contributed_by(proposal.author_name or proposal.user_id, proposal.platform)
        anonymous = contributed_by(FORMER_MEMBER, proposal.platform)
        for revision in session.exec(
            select(Revision).where(Revision.entry_id == proposal.entry_id)
        ):
            if revision.proposal_id == proposal.id:
                revision.who = approval(proposal, moderator or proposal.decided_by or "", name).who
            if wrote and revision.entry.get("source") == credit:
                revision.entry = revision.entry | {"source": anonymous}
            session.add(revision)
        if wrote:
            changed = session.execute(
                update(Entry)
                .where(col(Entry.id) == proposal.entry_id, col(Entry.source) == credit)
                .values(source=anonymous)
            )
            entries += rowcount(changed)
    return entries
