"""Time math for daily posts: local wall-clock times to UTC instants, across DST changes.

APScheduler 3.x's CronTrigger has known DST bugs (skipped days, loops in the repeated hour), so
the instants are computed here and scheduled as one-shot jobs.

A local time that does not exist that day (spring forward) moves to the next valid minute; a time
that exists twice (fall back) is the first of the two. Either way there is one instant per day.
"""

from __future__ import annotations

import re
from collections.abc import Container
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAYS = "0123456"
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
DURATION = re.compile(r"^(?:(\d{1,2})h)?(?:(\d{1,4})m)?$")


class BadSchedule(ValueError):
    """A schedule the user typed that cannot work; the message is shown to them."""


def parse_time(text: str) -> str:
    match = TIME.match(text.strip())
    if not match:
        raise BadSchedule(f"`{text[:20]}` is not a time: use HH:MM, 24-hour, like 09:30.")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_duration(text: str) -> int:
    """`4h`, `90m`, `1h30m` as minutes (1 minute to 23 hours)."""
    match = DURATION.match(text.strip().lower())
    if not text.strip() or not match or not any(match.groups()):
        raise BadSchedule(f"`{text[:20]}` is not a duration: use e.g. 4h, 90m or 1h30m.")
    minutes = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    if not 1 <= minutes <= 23 * 60:
        raise BadSchedule("The reveal must come between 1 minute and 23 hours after the post.")
    return minutes


def parse_days(text: str) -> str:
    """`mon-fri`, `mon,wed,fri`, `weekdays`, `weekends`, `daily` as weekday digits, Monday 0."""
    text = text.strip().lower()
    named = {"daily": ALL_DAYS, "everyday": ALL_DAYS, "weekdays": "01234", "weekends": "56"}
    if text in named:
        return named[text]
    days: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        try:
            start = DAY_NAMES.index(first[:3])
            end = DAY_NAMES.index(last[:3]) if last else start
        except ValueError:
            raise BadSchedule(
                f"`{part[:20]}` is not a day: use mon-fri, mon,wed,fri, weekdays or daily."
            ) from None
        if not first or (last == "" and "-" in part):
            raise BadSchedule(f"`{part[:20]}` is not a day range.")
        day = start
        days.add(day)
        while day != end:
            day = (day + 1) % 7
            days.add(day)
    return "".join(str(d) for d in sorted(days))


def days_label(days: str) -> str:
    if days == ALL_DAYS:
        return "every day"
    if days == "01234":
        return "mon-fri"
    return ",".join(DAY_NAMES[int(d)] for d in days)


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def parse_zone(text: str) -> str:
    """An IANA time zone name, any case (`europe/berlin`, `UTC`)."""
    name = _zone_names().get(text.strip().lower())
    if name is None:
        raise BadSchedule(
            f"I don't know the time zone `{text[:40]}`: use a name like Europe/Berlin, "
            "America/New_York or UTC."
        )
    return name


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _exists(local: datetime) -> bool:
    """Whether a naive-with-zone local time is a real wall-clock reading (not in a DST gap)."""
    back = local.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


@lru_cache(maxsize=65536)  # pure, and asked for again on every rebuild of the jobs
def local_instant(day: date, at: str, tz_name: str) -> datetime:
    """The UTC instant of `at` on `day` in the zone: a gap moves on to the next valid minute."""
    tz = zone(tz_name)
    hour, minute = (int(p) for p in at.split(":"))
    local = datetime.combine(day, time(hour, minute), tzinfo=tz)  # fold=0: the first of two
    for _ in range(24 * 60):
        if _exists(local):
            return local.astimezone(UTC)
        local = (local.replace(tzinfo=None) + timedelta(minutes=1)).replace(tzinfo=tz)
    raise BadSchedule("no valid local time found")  # pragma: no cover - no zone has a 24 h gap


def local_date(instant: datetime, tz_name: str) -> date:
    return instant.astimezone(zone(tz_name)).date()


def next_occurrence(
    at: str, tz_name: str, days: str, after: datetime, taken: Container[date] = ()
) -> tuple[date, datetime] | None:
    """The first scheduled (day, instant) strictly after `after`, on a day not `taken`."""
    first = local_date(after, tz_name) - timedelta(days=1)
    for offset in range(9):
        day = first + timedelta(days=offset)
        if str(day.weekday()) in days and day not in taken:
            instant = local_instant(day, at, tz_name)
            if instant > after:
                return day, instant
    return None


def previous_occurrence(
    at: str, tz_name: str, days: str, now: datetime
) -> tuple[date, datetime] | None:
    """The last scheduled (day, instant) at or before `now`."""
    last = local_date(now, tz_name) + timedelta(days=1)
    for offset in range(9):
        day = last - timedelta(days=offset)
        if str(day.weekday()) in days:
            instant = local_instant(day, at, tz_name)
            if instant <= now:
                return day, instant
    return None


def reveal_instant(
    posted: datetime, tz_name: str, after_minutes: int | None, reveal_time: str | None
) -> datetime | None:
    """When the answer is revealed: a fixed delay, or the next `reveal_time` after the post."""
    if reveal_time:
        found = next_occurrence(reveal_time, tz_name, ALL_DAYS, posted)
        return found[1] if found else None
    if after_minutes:
        return posted + timedelta(minutes=after_minutes)
    return None
