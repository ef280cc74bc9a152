"""Local times to instants across daylight-saving changes; day lists; durations."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.daily.schedule import (
    BadSchedule,
    local_date,
    local_instant,
    next_occurrence,
    parse_days,
    parse_duration,
    previous_occurrence,
    reveal_instant,
)


def test_a_time_in_the_spring_gap_posts_at_the_next_valid_minute() -> None:
    # New York jumps from 02:00 EST to 03:00 EDT on 14 March 2027.
    assert local_instant(date(2027, 3, 14), "02:30", "America/New_York") == datetime(
        2027, 3, 14, 7, 0, tzinfo=UTC
    )
    # Berlin jumps from 02:00 CET to 03:00 CEST on 28 March 2027.
    assert local_instant(date(2027, 3, 28), "02:30", "Europe/Berlin") == datetime(
        2027, 3, 28, 1, 0, tzinfo=UTC
    )


def test_a_time_that_happens_twice_posts_at_the_first() -> None:
    # Berlin repeats 02:00-03:00 on 25 October 2026: the first 02:30 is CEST (UTC+2).
    assert local_instant(date(2026, 10, 25), "02:30", "Europe/Berlin") == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    assert local_instant(date(2026, 11, 1), "01:30", "America/New_York") == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )


def test_weekdays_skip_the_weekend() -> None:
    friday = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    found = next_occurrence("09:00", "Europe/London", "01234", friday)
    assert found == (date(2026, 11, 30), datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    back = previous_occurrence("09:00", "Europe/London", "01234", found[1] - timedelta(seconds=1))
    assert back == (date(2026, 11, 27), datetime(2026, 11, 27, 9, 0, tzinfo=UTC))


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC",
         "America/Santiago", "Pacific/Chatham"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    start=st.datetimes(datetime(2026, 1, 1), datetime(2028, 12, 31)),
)
def test_one_post_per_local_day_always_moving_forward(
    zone: str, hour: int, minute: int, start: datetime
) -> None:
    at = f"{hour:02d}:{minute:02d}"
    now = start.replace(tzinfo=UTC)
    days = []
    for _ in range(10):
        found = next_occurrence(at, zone, "0123456", now)
        assert found is not None and found[1] > now
        day, instant = found
        local = instant.astimezone(local_instant(day, at, zone).tzinfo)
        assert local_date(instant, zone) >= day  # a gap only ever moves it later
        assert local == local_instant(day, at, zone)
        days.append(day)
        now = instant
    assert days == sorted(set(days))  # never twice a day, never a day back
    assert all(b - a == timedelta(days=1) for a, b in itertools.pairwise(days))


def test_parsers() -> None:
    assert parse_days("mon-fri") == "01234"
    assert parse_days("fri-mon") == "0456"
    assert parse_days("mon,wed,fri") == "024"
    assert parse_days("weekends") == "56"
    assert parse_duration("1h30m") == 90
    assert parse_duration("4h") == 240
    for bad in ("", "m", "0m", "xh"):
        with pytest.raises(BadSchedule):
            parse_duration(bad)
    with pytest.raises(BadSchedule):
        parse_days("mon-")


def test_reveal_at_a_time_is_the_next_such_time_after_the_post() -> None:
    posted = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # 17:00 in Berlin
    assert reveal_instant(posted, "Europe/Berlin", None, "18:00") == datetime(
        2026, 11, 27, 17, 0, tzinfo=UTC
    )
    assert reveal_instant(posted, "Europe/Berlin", None, "09:00") == datetime(
        2026, 11, 28, 8, 0, tzinfo=UTC
    )
    assert reveal_instant(posted, "UTC", 240, None) == posted + timedelta(hours=4)
    assert reveal_instant(posted, "UTC", None, None) is None
