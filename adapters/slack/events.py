"""Events API deliveries, claimed once across every HubBot process by the table's primary key.

Slack retries an event it thinks was lost (`X-Slack-Retry-Num`). The first process to insert the
event_id answers it; every other delivery of that id, on any replica, is ignored. A retry whose
first delivery never arrived anywhere finds no row, and is answered.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.models import utcnow

KEEP = timedelta(hours=2)  # Slack stops retrying within minutes
PRUNE_EVERY = 200  # claims between deletions of old rows

slack_event = sa.Table(
    "slack_event",
    sa.MetaData(),
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)


class EventClaims:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.claims = 0

    def first_time(self, event_id: str, now: datetime | None = None) -> bool:
        """True for the first delivery of `event_id` anywhere; False for every repeat."""
        now = now or utcnow()
        self.claims += 1
        try:
            with self.engine.begin() as conn:
                if self.claims % PRUNE_EVERY == 0:
                    conn.execute(
                        sa.delete(slack_event).where(slack_event.c.received_at < now - KEEP)
                    )
                conn.execute(sa.insert(slack_event).values(event_id=event_id[:64], received_at=now))
        except IntegrityError:
            return False
        return True
