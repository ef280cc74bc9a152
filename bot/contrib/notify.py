"""What proposals tell people, sent through the one delivery policy: the card in the
moderators' channel, and the author's DM with the decision. Each notice is claimed by
compare-and-set, so one process sends it once; one that fails for a passing reason is
tried again later, a permanent failure is dropped."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.contrib import store
from bot.contrib.commands import outcome_reply, proposal_card
from bot.contrib.models import Notice, Proposal
from bot.delivery import retry_at
from bot.models import utcnow
from bot.ports import DeliveryError
from bot.replies import Reply, Visibility

if TYPE_CHECKING:
    from bot.hub import Hub

log = logging.getLogger(__name__)
RETRY = timedelta(seconds=60)


async def send_notices(hub: Hub) -> int:
    """Send every notice that is due; how many were delivered."""
    now = utcnow()
    due = await asyncio.to_thread(store.notices_due, hub.engine, now)
    sent = 0
    for row in due:
        if hub.outbound.get(row.platform) is None:
            continue  # that platform runs in another process
        if await asyncio.to_thread(store.claim_notice, hub.engine, row, now):
            sent += await _send(hub, row)
    return sent


async def _send(hub: Hub, row: Proposal) -> bool:
    out = hub.outbound.get(row.platform)
    assert out is not None
    if row.notice == Notice.card:
        channel = await asyncio.to_thread(store.channel, hub.engine, row.platform, row.workspace_id)
        if channel is None:
            return False
        reply = Reply(cards=(proposal_card(row),), visibility=Visibility.channel)
        target = channel

        async def call() -> object:
            return await out.post(channel, reply)
    else:
        reply, target = outcome_reply(row), row.user_id

        async def call() -> object:
            await out.send_private(row.user_id, reply)
            return None

    try:
        await hub.pacer.send(row.platform, target, call)
    except DeliveryError as exc:
        log.warning("proposal %s: %s notice not delivered: %s", row.id, row.notice, exc)
        if not exc.permanent:
            await asyncio.to_thread(store.notice_again, hub.engine, row, retry_at(exc, RETRY))
        return False
    return True
