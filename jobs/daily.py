"""The daily question's jobs: a post per subscription, a retry per failed claim, a reveal per post.

Job names: `daily:<subscription id>` (the next scheduled post, or a missed one within the grace
period), `daily-post:<post id>` (a claim to send or retry: `/hub daily now`, a failed send, a lease
left by a crashed process), `daily-reveal:<post id>` (the answer, in the thread).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from bot import library
from bot.daily import store
from bot.daily.models import DailySubscription, PostStatus, RevealStatus
from bot.daily.posting import (
    Claim,
    claim_reveal,
    claim_scheduled,
    expire_stale,
    finish_reveal,
    mark_dead,
    mark_failed,
    mark_posted,
    mark_sending,
    mark_unknown,
    post_reply,
    release,
    reveal_reply,
    take_over,
    thread_name,
)
from bot.daily.schedule import next_occurrence, previous_occurrence
from bot.delivery import retry_at
from bot.ports import DeliveryError, Outbound
from bot.replies import Reply
from jobs.registry import JobSpec

if TYPE_CHECKING:
    from bot.hub import Hub

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class DailyJobs:
    """A JobSource for the daily question, and the jobs themselves. Sends go through the hub's
    pacer (bot/delivery.py): a post holds its claim, so a temporary failure frees the claim and
    the post is tried again later."""

    def __init__(
        self,
        hub: Hub,
        owner: str,
        lease: timedelta = timedelta(seconds=60),
        send_lease: timedelta = timedelta(minutes=5),
        retry_after: timedelta = timedelta(seconds=30),
    ) -> None:
        self.hub = hub
        self.engine = hub.engine
        self.owner = owner
        self.pacer = hub.pacer
        self.lease = lease  # how long a claim is ours before another process may take it
        self.send_lease = send_lease  # a send still "sending" after this crashed mid-call
        self.retry_after = retry_after
        self.grace = timedelta(hours=hub.settings.daily_grace_hours)
        # Claim only about two seconds of sends ahead, so other processes share a big fan-out.
        self.claim_ahead = asyncio.Semaphore(max(1, round(2.0 / self.pacer.interval)))

    # The source: which jobs should exist now.

    def specs(self, now: datetime) -> list[JobSpec]:
        platforms = self.hub.outbound.platforms()
        if not platforms:
            return []
        expire_stale(self.engine, now, self.grace)
        specs: list[JobSpec] = []
        subs, open_posts = store.schedule(self.engine, platforms, now - timedelta(days=9))
        taken = {(p.subscription_id, p.day) for p in open_posts if p.seq == 0}
        active = {s.id for s in subs}
        for sub in subs:
            assert sub.id is not None
            run_at = self._next_run(sub, now, taken)
            if run_at is not None:
                specs.append(JobSpec(f"daily:{sub.id}", run_at, self.post_scheduled, (sub.id,)))
        for post in open_posts:
            assert post.id is not None
            if post.subscription_id not in active:
                continue
            if post.status in (PostStatus.claimed, PostStatus.failed):
                at = max(post.lease_until or now, now)
                specs.append(JobSpec(f"daily-post:{post.id}", at, self.post_claimed, (post.id,)))
            elif post.status == PostStatus.posted and post.reveal_status == RevealStatus.pending:
                at = post.reveal_at or now
                specs.append(JobSpec(f"daily-reveal:{post.id}", at, self.reveal, (post.id,)))
        return specs

    def _next_run(
        self, sub: DailySubscription, now: datetime, taken: set[tuple[int, date]]
    ) -> datetime | None:
        """A missed post (its instant, so it runs now), else the next scheduled instant."""
        last = previous_occurrence(sub.post_time, sub.timezone, sub.days, now)
        if last is not None and (sub.id, last[0]) not in taken and last[1] >= sub.updated_at:
            # Run now: within the grace it posts; beyond it the job records the skip once.
            return last[1]
        found = next_occurrence(sub.post_time, sub.timezone, sub.days, now)
        return found[1] if found else None

    # The jobs.

    async def post_scheduled(self, sub_id: int) -> None:
        async with self.claim_ahead:
            claim = await asyncio.to_thread(
                claim_scheduled, self.engine, sub_id, _now(), self.grace, self.owner, self.lease
            )
            if claim is not None:
                await self._deliver(claim)

    async def post_claimed(self, post_id: int) -> None:
        async with self.claim_ahead:
            claim = await asyncio.to_thread(
                take_over, self.engine, post_id, self.owner, _now(), self.lease
            )
            if claim is not None:
                await self._deliver(claim)

    async def _deliver(self, claim: Claim) -> None:
        outbound: Outbound | None = self.hub.outbound.get(claim.platform)
        entry = await asyncio.to_thread(library.entry, self.engine, claim.entry_id)
        if outbound is None or entry is None:
            return  # the lease runs out and a process that can post takes it
        marking: asyncio.Future[bool] | None = None
        try:
            await self.pacer.slot(claim.platform, claim.channel_id)
            marking = asyncio.ensure_future(asyncio.to_thread(
                mark_sending, self.engine, claim.post_id, self.owner, _now(), self.send_lease
            ))  # fmt: skip
            sending = await asyncio.shield(marking)
        except asyncio.CancelledError:  # stopping: nothing was sent, anyone may take it now
            if marking is not None:
                await asyncio.wait([marking])  # the UPDATE finishes before the hand-back
            release(self.engine, claim.post_id, self.owner)
            raise
        if not sending:
            return  # the lease ran out while waiting and another process took the post
        reply = post_reply(entry, claim.post_id, claim.day)
        try:
            ref = await self.pacer.call(
                claim.platform,
                claim.channel_id,
                lambda: outbound.start_thread(claim.channel_id, reply, thread_name(claim.day)),
            )
        except DeliveryError as exc:
            if exc.permanent:
                await self._give_up(claim, str(exc), outbound)
            else:
                log.warning("daily post %s failed, will retry: %s", claim.post_id, exc)
                await asyncio.to_thread(
                    mark_failed,
                    self.engine,
                    claim.post_id,
                    str(exc),
                    retry_at(exc, self.retry_after),
                )
            return
        except asyncio.CancelledError:  # stopping with the request in flight: it may be posted
            mark_unknown(self.engine, claim.post_id, "stopped while the request was in flight")
            raise
        except Exception as exc:  # the platform may or may not have it: never send it twice
            log.exception("daily post %s: outcome unknown", claim.post_id)
            await asyncio.to_thread(mark_unknown, self.engine, claim.post_id, repr(exc))
            return
        await asyncio.to_thread(mark_posted, self.engine, claim.post_id, ref, _now())

    async def _give_up(self, claim: Claim, error: str, outbound: Outbound) -> None:
        sub = await asyncio.to_thread(mark_dead, self.engine, claim.post_id, error)
        log.warning("daily: %s:%s refused for good, paused: %s", claim.platform,
                    claim.channel_id, error)  # fmt: skip
        self.hub.changed("daily")
        if sub is None or not sub.created_by:
            return
        note = Reply(
            text=(
                f"I paused the daily question in <#{claim.channel_id}>: posting failed ({error}). "
                "Check that I'm still in the channel, then `/hub daily on` there to resume."
            )
        )
        owner = sub.created_by
        try:
            await self.pacer.send(claim.platform, owner, lambda: outbound.send_private(owner, note))
        except Exception:
            log.warning("could not tell %s that <#%s> was paused", sub.created_by,
                        claim.channel_id, exc_info=True)  # fmt: skip

    async def reveal(self, post_id: int) -> None:
        if not await asyncio.to_thread(
            claim_reveal, self.engine, post_id, self.owner, _now(), self.send_lease
        ):
            return
        found = await asyncio.to_thread(store.posted, self.engine, post_id)
        post, entry = (found.post, found.entry) if found else (None, None)
        outbound: Outbound | None = self.hub.outbound.get(post.platform) if post else None
        if post is None or entry is None or outbound is None:
            await asyncio.to_thread(finish_reveal, self.engine, post_id, RevealStatus.failed)
            return
        try:
            await self.pacer.slot(post.platform, post.channel_id)
        except asyncio.CancelledError:  # stopping before the send: due again at once
            finish_reveal(self.engine, post_id, RevealStatus.pending)
            raise
        try:
            await self.pacer.call(
                post.platform,
                post.channel_id,
                lambda: outbound.post(post.channel_id, reveal_reply(entry), post.thread_id),
            )
        except DeliveryError as exc:
            status = RevealStatus.failed if exc.permanent else RevealStatus.pending
            retry = None if exc.permanent else retry_at(exc, self.retry_after)
            await asyncio.to_thread(finish_reveal, self.engine, post_id, status, retry, str(exc))
            return
        except Exception as exc:
            log.exception("daily reveal %s: outcome unknown", post_id)
            await asyncio.to_thread(finish_reveal, self.engine, post_id, RevealStatus.failed,
                                    None, repr(exc))  # fmt: skip
            return
        await asyncio.to_thread(finish_reveal, self.engine, post_id, RevealStatus.done)
