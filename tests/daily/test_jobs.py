"""The scheduler end to end: time travel through DST weeks, grace, reveals, 429s, failures.

The real SlackOutbound (slack_sdk's AsyncWebClient) posts to the fake chat API on loopback.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import Session, col, select

from bot.commands import ChatContext
from bot.daily.models import DailyPost, DailySubscription
from bot.delivery import Pacer
from bot.hub import Hub
from jobs.registry import JobRegistry
from jobs.scheduler import build_scheduler
from tests.daily.conftest import add_questions, slack_outbound
from tests.daily.fake_chat import FakeChat


def admin(channel: str) -> ChatContext:
    return ChatContext("slack", "U1", "Ada", channel_id=channel, can_manage_channel=True)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(datetime(2026, 10, 21, 12, 0, tzinfo=UTC), tick=False) as t:
        yield t


def make_jobs(hub: Hub, fake: FakeChat) -> JobRegistry:
    add_questions(hub.engine, "python", 40)
    fake.per_channel = 0  # time is frozen: the per-channel second is tested elsewhere
    hub.outbound.register(slack_outbound(fake))
    hub.pacer = Pacer(per_channel=0)
    return build_scheduler(hub, debounce_seconds=0.01, retry_after=timedelta(minutes=10))


@pytest.fixture
async def jobs(hub: Hub, fake: FakeChat) -> AsyncIterator[JobRegistry]:
    """On SQLite and on PostgreSQL: for tests of the claims."""
    registry = make_jobs(hub, fake)
    yield registry
    registry.stop()


@pytest.fixture
async def sqlite_jobs(sqlite_hub: Hub, fake: FakeChat) -> AsyncIterator[JobRegistry]:
    """On SQLite only: for tests of time and HTTP."""
    registry = make_jobs(sqlite_hub, fake)
    yield registry
    registry.stop()


async def step(clock: time_machine.Traveller, registry: JobRegistry, until: datetime) -> bool:
    """Travel to the next job (if before `until`) and run what is due; False when done."""
    upcoming = [at for name, at in registry.jobs().items() if not name.startswith("registry")]
    if not upcoming or min(upcoming) > until:
        return False
    clock.move_to(max(min(upcoming), datetime.now(UTC)))
    registry.scheduler.wakeup()
    await registry.idle()
    return True


def posts(hub: Hub) -> list[DailyPost]:
    with Session(hub.engine) as session:
        return list(session.exec(select(DailyPost).order_by(col(DailyPost.id))).all())


# The days a channel's 02:30 does not exist: it posts at the next valid minute.
GAPS = {("CNYC", date(2027, 3, 14)): "03:00", ("CBER", date(2027, 3, 28)): "03:00"}


@pytest.mark.parametrize(
    "start, end",
    [
        # autumn 2026: Berlin falls back on 25 Oct, New York on 1 Nov (02:30 / 01:30 happen twice)
        (datetime(2026, 10, 23, 12, tzinfo=UTC), datetime(2026, 11, 3, 12, tzinfo=UTC)),
        # spring 2027: New York springs forward on 14 Mar, Berlin on 28 Mar (02:30 does not exist)
        (datetime(2027, 3, 12, 12, tzinfo=UTC), datetime(2027, 3, 16, 12, tzinfo=UTC)),
        (datetime(2027, 3, 26, 12, tzinfo=UTC), datetime(2027, 3, 30, 12, tzinfo=UTC)),
    ],
)
async def test_time_travel_through_dst_in_two_zones(
    sqlite_hub: Hub,
    fake: FakeChat,
    sqlite_jobs: JobRegistry,
    clock: time_machine.Traveller,
    start: datetime,
    end: datetime,
) -> None:
    clock.move_to(start)
    assert not sqlite_hub.handle(admin("CBER"), "/hub daily on at 02:30 Europe/Berlin").error
    assert not sqlite_hub.handle(admin("CNYC"), "/hub daily on at 02:30 America/New_York").error
    assert not sqlite_hub.handle(admin("CNY1"), "/hub daily on at 01:30 America/New_York").error
    await sqlite_jobs.start()
    steps = 0
    while await step(clock, sqlite_jobs, end):
        steps += 1
        assert steps < 500
    zones = {"CBER": "Europe/Berlin", "CNYC": "America/New_York", "CNY1": "America/New_York"}
    times = {"CBER": "02:30", "CNYC": "02:30", "CNY1": "01:30"}
    seen: dict[str, list[date]] = defaultdict(list)
    for post in posts(sqlite_hub):
        assert post.status == "posted" and post.posted_at is not None
        local = post.posted_at.astimezone(ZoneInfo(zones[post.channel_id]))
        assert local.date() == post.day
        expected = GAPS.get((post.channel_id, post.day), times[post.channel_id])
        assert f"{local:%H:%M}" == expected, (post.channel_id, post.day, local)
        assert local.fold == 0  # the first of a repeated hour
        seen[post.channel_id].append(post.day)
    first = start.date() + timedelta(days=1)
    days = (end.date() - first).days
    for channel, found in seen.items():
        assert found == [first + timedelta(days=i) for i in range(len(found))], channel
        assert len(found) >= days - 1
    counts = fake.by_channel()
    assert counts == {channel: len(found) for channel, found in seen.items()}
    assert sum(counts.values()) == sum(len(v) for v in seen.values())  # once each, no duplicate
    # every question revealed in its own thread four hours later (the last may still be due)
    revealed = [p for p in posts(sqlite_hub) if p.reveal_status == "done"]
    assert len(revealed) >= len(posts(sqlite_hub)) - 3
    assert all(p.reveal_at and p.posted_at and p.reveal_at - p.posted_at == timedelta(hours=4)
               for p in revealed)  # fmt: skip
    assert len(revealed) == len(fake.thread_replies())
    threads = {p.thread_id for p in posts(sqlite_hub)}
    assert all(r.thread_ts in threads for r in fake.thread_replies())


async def test_a_missed_post_is_made_within_the_grace_else_skipped_and_logged(
    hub: Hub, fake: FakeChat, jobs: JobRegistry, clock: time_machine.Traveller,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    clock.move_to(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    hub.handle(admin("CLATE"), "/hub daily on at 09:00 UTC")
    hub.handle(admin("CGONE"), "/hub daily on at 06:00 UTC")
    clock.move_to(datetime(2026, 11, 24, 10, 30, tzinfo=UTC))  # the bot was down since
    with caplog.at_level(logging.WARNING):
        await jobs.start()
        await jobs.idle()
    assert fake.by_channel() == {"CLATE": 1}  # 1 h 30 late: within the 2 h grace
    (late, gone) = sorted(posts(hub), key=lambda p: p.channel_id, reverse=True)
    assert (late.channel_id, late.status, late.day) == ("CLATE", "posted", date(2026, 11, 24))
    assert (gone.channel_id, gone.status) == ("CGONE", "skipped")
    assert "skipped the post of 2026-11-24 in slack:CGONE" in caplog.text
    status = hub.handle(admin("CGONE"), "/hub daily status").text
    assert "skipped" in status and "Next: Wed 25 Nov 06:00 UTC" in status
    # a second start (another replica, or a restart) does neither again
    other = build_scheduler(hub)
    await other.start()
    await other.idle()
    other.stop()
    assert fake.by_channel() == {"CLATE": 1} and len(posts(hub)) == 2


async def test_now_posts_at_once_and_a_failed_send_is_retried(
    hub: Hub, fake: FakeChat, jobs: JobRegistry, clock: time_machine.Traveller
) -> None:
    clock.move_to(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    await jobs.start()
    hub.handle(admin("CNOW"), "/hub daily on at 18:00 UTC")
    fake.flaky = 1  # the first attempt fails with a transient error
    hub.handle(admin("CNOW"), "/hub daily now")
    await jobs.idle()
    (post,) = posts(hub)
    assert post.status == "failed" and "internal_error" in (post.error or "")
    assert fake.by_channel() == {}
    clock.move_to(datetime(2026, 11, 23, 8, 11, tzinfo=UTC))  # the retry is due
    await jobs.idle()
    (post,) = posts(hub)
    assert (post.status, post.seq, post.attempts) == ("posted", 0, 2)
    assert fake.by_channel() == {"CNOW": 1}
    card = fake.posts[0].blocks
    assert any("I answered" in str(b) and "Reveal answer" in str(b) for b in card)
    # today's question came early: 18:00 posts nothing more today
    clock.move_to(datetime(2026, 11, 23, 18, 0, tzinfo=UTC))
    await jobs.idle()
    assert fake.by_channel() == {"CNOW": 1}


async def test_429_is_retried_after_and_a_dead_channel_is_paused_and_its_owner_told(
    sqlite_hub: Hub, fake: FakeChat, sqlite_jobs: JobRegistry, clock: time_machine.Traveller
) -> None:
    clock.move_to(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    fake.global_rate = 3  # the fourth request in a second gets a 429 with Retry-After: 1
    for channel in ("CA", "CB", "CC", "CD", "CE", "CDEAD"):
        sqlite_hub.handle(admin(channel), "/hub daily on at 09:00 UTC")
    fake.dead.add("CDEAD")
    await sqlite_jobs.start()
    clock.move_to(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    await sqlite_jobs.idle()
    assert fake.limited > 0

    # A refused post is retried after Retry-After (1 s of the event loop's own clock, which the
    # time machine does not move): wait for it with a deadline, however slow the machine.
    # The dead channel may itself have drawn a 429 first: it is paused on its retry.
    def dead_channel() -> DailySubscription:
        with Session(sqlite_hub.engine) as session:
            return session.exec(
                select(DailySubscription).where(DailySubscription.channel_id == "CDEAD")
            ).one()

    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while (len(fake.by_channel()) < 5 or dead_channel().active) and loop.time() < deadline:
        clock.shift(timedelta(seconds=2))
        await sqlite_jobs.idle()
        await asyncio.sleep(0.1)
    assert fake.by_channel() == {c: 1 for c in ("CA", "CB", "CC", "CD", "CE")}
    dead = dead_channel()
    assert not dead.active and "channel_not_found" in (dead.paused_reason or "")
    assert any(to == "DU1" and "paused the daily question" in text for to, text in fake.private)
    assert "Paused" in sqlite_hub.handle(admin("CDEAD"), "/hub daily status").text
    assert not any(name.endswith(str(dead.id)) for name in sqlite_jobs.jobs() if "daily:" in name)
    assert not any(name.startswith("daily-post:") for name in sqlite_jobs.jobs())  # all sent
