"""`/hub daily …`: grammar, permissions, bad input, status, preview, now, buttons, selection."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from bot.commands import ChannelAccess, ChatContext
from bot.daily.models import DailyAnswer, DailyPost, DailySubscription
from bot.daily.participation import leaderboard, record_thread_answer
from bot.daily.posting import claim_scheduled, new_post
from bot.daily.selection import choose
from bot.db import session_scope
from bot.hub import Hub
from bot.models import Entry
from tests.daily.conftest import ADMIN, MEMBER, add_questions


def subs(hub: Hub) -> list[DailySubscription]:
    with Session(hub.engine) as session:
        return list(session.exec(select(DailySubscription)).all())


def vouched(ctx: ChatContext, access: ChannelAccess) -> ChatContext:
    """`ctx` with the platform's answer for any other channel named: `access`."""
    return replace(ctx, check_channel=lambda channel_id: access)


HOUR = timedelta(hours=1)
# Another workspace's admin, in a channel with the same id (a Slack Connect channel).
STRANGER = ChatContext(
    "slack", "U9", "Eve", channel_id="C1", workspace_id="T2", can_manage_channel=True
)


def test_on_with_every_option(hub: Hub) -> None:
    add_questions(hub.engine, "python", 3, "senior")
    reply = hub.handle(
        vouched(ADMIN, ChannelAccess.manager),
        "/hub daily on #C9 at 9:05 europe/berlin days mon-fri topic python react "
        "level senior junior reveal at 17:00",
    )
    assert not reply.error, reply.text
    (sub,) = subs(hub)
    assert (sub.channel_id, sub.post_time, sub.timezone, sub.days) == (
        "C9", "09:05", "Europe/Berlin", "01234",
    )  # fmt: skip
    assert sub.topics == ["python", "react"] and sub.levels == ["junior", "senior"]
    assert sub.reveal_time == "17:00" and sub.reveal_after_minutes is None
    assert sub.created_by == "U1"
    assert "questions in the pool" in reply.text and "Europe/Berlin" in reply.text


def test_a_topic_goes_by_its_other_names(sqlite_hub: Hub) -> None:
    assert not sqlite_hub.handle(ADMIN, "/hub daily on at 09:00 topic reactjs").error
    assert subs(sqlite_hub)[0].topics == ["react"]


def test_on_again_changes_only_what_is_given(sqlite_hub: Hub) -> None:
    assert not sqlite_hub.handle(ADMIN, "/hub daily on at 08:00 UTC reveal after 90m").error
    assert not sqlite_hub.handle(ADMIN, "/hub daily on at 10:30").error
    (sub,) = subs(sqlite_hub)
    assert (sub.post_time, sub.timezone, sub.reveal_after_minutes) == ("10:30", "UTC", 90)


@pytest.mark.parametrize(
    "args, message",
    [
        ("on at 25:00", "not a time"),
        ("on at 9", "not a time"),
        ("on at 09:00 Mars/Olympus", "time zone"),
        ("on at 09:00 days funday", "not a day"),
        ("on at 09:00 topic cobol", "Unknown topic"),
        ("on at 09:00 topic recat", "Unknown topic `recat`: did you mean `react`?"),
        ("on at 09:00 level guru", "Unknown level"),
        ("on at 09:00 reveal after 30h", "between 1 minute and 23 hours"),
        ("on at 09:00 reveal soon", "understand"),
        ("on #bad!channel at 09:00", "not a channel"),
        ("on", "When?"),
        ("dance", "not a daily command"),
    ],
)
def test_bad_input_gets_a_short_message_and_changes_nothing(
    sqlite_hub: Hub, args: str, message: str
) -> None:
    reply = sqlite_hub.handle(ADMIN, f"/hub daily {args}")
    assert reply.error and message in reply.text
    assert "Traceback" not in reply.text and len(reply.text) < 400
    assert subs(sqlite_hub) == []


def test_filters_matching_nothing_are_refused(sqlite_hub: Hub) -> None:
    reply = sqlite_hub.handle(ADMIN, "/hub daily on at 09:00 topic react level architect")
    assert reply.error and "No questions match" in reply.text
    assert subs(sqlite_hub) == []


@pytest.mark.parametrize("verb", ["on at 09:00", "off", "now"])
def test_people_who_cannot_manage_the_channel_are_refused(sqlite_hub: Hub, verb: str) -> None:
    assert not sqlite_hub.handle(ADMIN, "/hub daily on at 07:00").error
    reply = sqlite_hub.handle(MEMBER, f"/hub daily {verb}")
    assert reply.error and "Only people who can manage" in reply.text
    (sub,) = subs(sqlite_hub)
    assert sub.active and sub.post_time == "07:00"
    with Session(sqlite_hub.engine) as session:
        assert session.exec(select(DailyPost)).all() == []


def test_status_preview_off(sqlite_hub: Hub) -> None:
    assert "No daily question" in sqlite_hub.handle(MEMBER, "/hub daily status").text
    sqlite_hub.handle(ADMIN, "/hub daily on at 09:00 America/New_York days weekdays")
    status = sqlite_hub.handle(MEMBER, "/hub daily").text
    assert "09:00 America/New_York, mon-fri" in status and "Next:" in status
    preview = sqlite_hub.handle(MEMBER, "/hub daily preview").text
    assert "2 of 2 questions not yet asked" in preview and "react/junior 1" in preview
    assert "off in" in sqlite_hub.handle(ADMIN, "/hub daily off").text
    assert "Paused" in sqlite_hub.handle(MEMBER, "/hub daily status").text
    assert "no daily question running" in sqlite_hub.handle(ADMIN, "/hub daily off").text


def test_next_is_not_today_once_todays_question_went_out(hub: Hub) -> None:
    # A zone where it is now 10:xx, so that a 14:00 post is still ahead today.
    now = datetime.now(UTC)
    ahead = (10 - now.hour + 12) % 24 - 12  # hours east of UTC, -12 … 11
    tz = f"Etc/GMT{-ahead:+d}"  # the Etc zones' sign is the other way round
    today = now.astimezone(ZoneInfo(tz)).date()
    hub.handle(ADMIN, f"/hub daily on at 14:00 {tz}")
    assert f"Next: {today:%a %d %b} 14:00" in hub.handle(MEMBER, "/hub daily status").text
    hub.handle(ADMIN, "/hub daily now")  # today's question goes out before its time
    tomorrow = f"{today + timedelta(days=1):%a %d %b} 14:00"
    assert f"Next: {tomorrow}" in hub.handle(MEMBER, "/hub daily status").text
    assert f"Next post: {tomorrow}" in hub.handle(MEMBER, "/hub daily preview").text


def test_now_claims_the_next_post_of_today(hub: Hub) -> None:
    changes: list[str] = []
    hub.listeners.append(changes.append)
    assert "Set up" in hub.handle(ADMIN, "/hub daily now").text
    hub.handle(ADMIN, "/hub daily on at 09:00")
    assert "Posting" in hub.handle(ADMIN, "/hub daily now").text
    assert "Posting" in hub.handle(ADMIN, "/hub daily now").text
    with Session(hub.engine) as session:
        posts = session.exec(select(DailyPost).order_by(col(DailyPost.seq))).all()
    assert [p.seq for p in posts] == [0, 1] and [p.status for p in posts] == ["claimed"] * 2
    assert posts[0].entry_id != posts[1].entry_id  # the pool of two is used up, no repeat
    assert changes == ["daily"] * 3


def test_buttons_count_once_and_reveal_privately(hub: Hub) -> None:
    hub.handle(ADMIN, "/hub daily on at 09:00")
    hub.handle(ADMIN, "/hub daily now")
    with session_scope(hub.engine) as session:
        post = session.exec(select(DailyPost)).one()
        post.status, post.thread_id = "posted", "1700.1"
    first = hub.handle_action(MEMBER, "daily-answered", str(post.id))
    again = hub.handle_action(MEMBER, "daily-answered", str(post.id))
    assert "Counted" in first.text and "streak here: 1" in first.text
    assert "already counted" in again.text
    assert record_thread_answer(hub.engine, "slack", "C1", "1700.1", "U3", "Cy")
    assert not record_thread_answer(hub.engine, "slack", "C1", "1700.1", "U3", "Cy")
    assert not record_thread_answer(hub.engine, "slack", "C1", "nope", "U3")
    reveal = hub.handle_action(MEMBER, "daily-reveal", str(post.id))
    assert reveal.private and all(s.spoiler for s in reveal.cards[0].sections)
    assert reveal.cards[0].sections[0].heading == "Model answer"
    board = hub.handle(MEMBER, "/hub daily leaderboard")
    assert "Bob: 1 · 1 · 1" in board.text and "Cy: 1 · 1 · 1" in board.text
    assert hub.handle_action(MEMBER, "daily-answered", "999").error
    assert hub.handle_action(MEMBER, "daily-answered", "9" * 30).error


def test_daily_buttons_answer_only_in_their_workspace(hub: Hub) -> None:
    hub.handle(ADMIN, "/hub daily on at 09:00")
    hub.handle(ADMIN, "/hub daily now")
    with Session(hub.engine) as session:
        post_id = str(session.exec(select(DailyPost.id)).one())
    elsewhere = (STRANGER, replace(MEMBER, platform="discord"))
    for ctx in elsewhere:
        for name in ("daily-answered", "daily-reveal"):
            reply = hub.handle_action(ctx, name, post_id)
            assert reply.error and "no longer available" in reply.text and not reply.cards
    with Session(hub.engine) as session:
        assert session.exec(select(DailyAnswer)).all() == []
    assert "Counted" in hub.handle_action(MEMBER, "daily-answered", post_id).text


def test_each_workspace_keeps_its_own_setting_for_a_shared_channel(hub: Hub) -> None:
    assert "at 07:00" in hub.handle(ADMIN, "/hub daily on at 07:00").text
    assert "No daily question" in hub.handle(STRANGER, "/hub daily status").text
    assert "no daily question running" in hub.handle(STRANGER, "/hub daily off").text
    assert "Set up" in hub.handle(STRANGER, "/hub daily now").text
    assert "at 08:00" in hub.handle(STRANGER, "/hub daily on at 08:00").text
    assert "off in" in hub.handle(STRANGER, "/hub daily off").text
    mine, theirs = subs(hub)
    assert (mine.workspace_id, mine.post_time, mine.active, mine.created_by) == (
        "T1", "07:00", True, "U1",
    )  # fmt: skip
    assert (theirs.workspace_id, theirs.post_time, theirs.active) == ("T2", "08:00", False)
    assert "07:00" in hub.handle(MEMBER, "/hub daily status").text
    # Each workspace's scheduled question of the day is its own claim, in the same channel.
    assert "at 07:00" in hub.handle(STRANGER, "/hub daily on at 07:00").text
    at = datetime(2026, 12, 1, 7, 5, tzinfo=UTC)
    claims = [claim_scheduled(hub.engine, s.id or 0, at, HOUR, "p1", HOUR) for s in subs(hub)]
    assert all(claims) and len({c.post_id for c in claims if c}) == 2


def test_a_named_channel_needs_the_platforms_word(sqlite_hub: Hub) -> None:
    def said(ctx: ChatContext, text: str) -> str:
        return sqlite_hub.handle(ctx, f"/hub daily {text}").text

    not_here = "can't find that channel"
    assert not_here in said(ADMIN, "off #C9")  # no platform to ask: only this channel
    assert "No daily question in <#C1>" in said(MEMBER, "status #C1")
    assert not_here in said(vouched(ADMIN, ChannelAccess.elsewhere), "status #C9")
    assert not_here in said(vouched(ADMIN, ChannelAccess.elsewhere), "on #C9 at 09:00")
    as_member = vouched(ADMIN, ChannelAccess.member)
    assert "Only people who can manage" in said(as_member, "on #C9 at 09:00")
    assert "No daily question in <#C9>" in said(as_member, "status #C9")
    assert subs(sqlite_hub) == []
    # Permission is the named channel's: Bob manages #C9 though not the channel he types in.
    assert "Daily question on" in said(vouched(MEMBER, ChannelAccess.manager), "on #C9 at 09:00")
    [sub] = subs(sqlite_hub)
    assert (sub.workspace_id, sub.channel_id, sub.created_by) == ("T1", "C9", "U2")


def answered_week(hub: Hub) -> DailySubscription:
    """#C1's questions of Wed 2 … Mon 7 Dec 2026: Bob answers all but Saturday's, Cy the last 3."""
    add_questions(hub.engine, "sql", 10)
    hub.handle(ADMIN, "/hub daily on at 09:00")
    with session_scope(hub.engine) as session:
        sub = session.exec(select(DailySubscription)).one()
        for day in range(2, 8):
            post = new_post(session, sub, date(2026, 12, day), 0, sub.created_at)
            assert post is not None
            post.status, post.thread_id = "posted", f"t{day}"
            session.add(post)
    for day in (2, 3, 4, 6, 7):
        record_thread_answer(hub.engine, "slack", "C1", f"t{day}", "U2", "Bob")
    for day in (5, 6, 7):
        record_thread_answer(hub.engine, "slack", "C1", f"t{day}", "U3", "Cy")
    return sub


def test_streaks_and_weeks(hub: Hub) -> None:
    sub = answered_week(hub)
    assert sub.id is not None
    standings = leaderboard(hub.engine, sub.id, date(2026, 12, 7))
    assert [(s.name, s.week, s.total, s.streak) for s in standings] == [
        ("Bob", 1, 5, 2),  # this week first, then all time
        ("Cy", 1, 3, 3),
    ]


def test_mine_lists_the_persons_daily_questions_and_streaks_in_no_channel(hub: Hub) -> None:
    answered_week(hub)
    assert (
        "Daily question on"
        in hub.handle(replace(ADMIN, channel_id="C2"), "/hub daily on at 18:00 Europe/Berlin").text
    )
    at_home = replace(MEMBER, channel_id="")  # Slack's Home tab: no channel
    mine = hub.handle(at_home, "/hub daily mine")
    assert not mine.error
    assert "<#C1>: 2 in a row" in mine.text  # Saturday's miss broke Bob's streak
    assert "<#C2>" not in mine.text  # never answered there
    cy = hub.handle(replace(at_home, user_id="U3"), "/hub daily mine")
    assert "<#C1>: 3 in a row" in cy.text
    newcomer = hub.handle(replace(at_home, user_id="U4"), "/hub daily mine").text
    assert "not answered a daily question yet" in newcomer
    assert "<#C1>, <#C2>" in newcomer
    elsewhere = hub.handle(replace(STRANGER, channel_id=""), "/hub daily mine").text
    assert "No channel here has a daily question yet" in elsewhere  # T1's are not T2's
    hub.handle(ADMIN, "/hub daily off")
    assert "<#C1>" not in hub.handle(at_home, "/hub daily mine").text  # off: not listed


def test_selection_uses_the_pool_up_then_starts_again_and_skips_retired(hub: Hub) -> None:
    ids = add_questions(hub.engine, "go", 5)
    hub.handle(ADMIN, "/hub daily on at 09:00 topic go")
    with session_scope(hub.engine) as session:
        retired = session.get(Entry, ids[0])
        assert retired is not None
        retired.retired = True
    chosen = []
    with session_scope(hub.engine) as session:
        sub = session.exec(select(DailySubscription)).one()
        again = choose(session, sub, date(2026, 12, 1))
        for day in range(1, 10):
            post = new_post(session, sub, date(2026, 12, day), 0, sub.created_at)
            assert post is not None and post.entry_id is not None
            if day == 1:
                assert again is not None and post.entry_id == again.entry_id  # deterministic
            post.status = "posted"
            session.add(post)
            session.flush()
            chosen.append((post.cycle, post.entry_id))
    assert ids[0] not in {e for _, e in chosen}
    assert sorted(e for c, e in chosen[:4]) == ids[1:]  # four live questions, no repeat
    assert [c for c, _ in chosen] == [0] * 4 + [1] * 4 + [2]  # pool exhausted: a new round
    assert chosen[4][1] != chosen[3][1]  # never the same question twice in a row
    assert len({e for _, e in chosen[4:8]}) == 4
