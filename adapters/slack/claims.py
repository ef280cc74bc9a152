"""Things Slack sends that must be handled once across every HubBot process, claimed in the store.

Events API deliveries: Slack retries an event it thinks was lost (`X-Slack-Retry-Num`). The first
process to insert the event_id answers it; every other delivery of that id, on any replica, is
ignored. A retry whose first delivery never arrived anywhere finds no row, and is answered; so does
one whose first answer could not be sent (the claim is released).

Signed requests: a request replayed within Slack's five-minute window carries the same signature;
the first process to insert it answers, and a replay (to any replica) is answered with nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.models import utcnow

PRUNE_EVERY = 200  # claims between deletions of old rows

metadata = sa.MetaData()
slack_event = sa.Table(
    "slack_event",
    metadata,
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)
slack_request = sa.Table(
    "slack_request",
    metadata,
    sa.Column("signature", sa.String(64), primary_key=True),
    sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
)


class Claims:
    """Keys claimed once by the table's primary key; rows older than `keep` are deleted."""

    def __init__(self, engine: Engine, table: sa.Table, keep: timedelta) -> None:
        self.engine = engine
        self.table = table
        self.key, self.at = table.columns
        self.keep = keep
        self.claims = 0

    def first_time(self, key: str, now: datetime | None = None) -> bool:
        """True for the first claim of `key` anywhere; False for every repeat."""
        self.claims += 1
        try:
            with self.engine.begin() as conn:
                if self.claims % PRUNE_EVERY == 0:
                    conn.execute(sa.delete(self.table).where(self.at < utcnow() - self.keep))
                conn.execute(
                    sa.insert(self.table).values({self.key: key[:64], self.at: now or utcnow()})
                )
        except IntegrityError:
            return False
        return True

    def release(self, key: str) -> None:
        """Forget a claim, so the next delivery of `key` is handled."""
        with self.engine.begin() as conn:
            conn.execute(sa.delete(self.table).where(self.key == key[:64]))


def event_claims(engine: Engine) -> Claims:
    return Claims(engine, slack_event, keep=timedelta(hours=2))  # Slack retries within minutes


def request_claims(engine: Engine) -> Claims:
    # Older requests are refused by their timestamp (five minutes either way) before any claim.
    return Claims(engine, slack_request, keep=timedelta(minutes=10))
