"""Things Slack sends that must be handled once across every HubBot process, claimed in the store.

Events API deliveries: Slack retries an event it thinks was lost (`X-Slack-Retry-Num`). The first
process to insert the event_id answers it; every other delivery of that id, on any replica, is
ignored. A retry whose first delivery never arrived anywhere finds no row, and is answered; so does
one whose first answer could not be sent (the claim is released).

Signed requests: a request replayed within Slack's five-minute window carries the same signature;
the first process to insert it answers, and a replay (to any replica) is answered with nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from bot.hub import Claims, Hub

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


def event_claims(hub: Hub) -> Claims:
    return hub.claims(slack_event, keep=timedelta(hours=2))  # Slack retries within minutes


def request_claims(hub: Hub) -> Claims:
    # Older requests are refused by their timestamp (five minutes either way) before any claim.
    return hub.claims(slack_request, keep=timedelta(minutes=10))
