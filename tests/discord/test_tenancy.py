"""Trust nothing from outside, on Discord: a `#channel` a command names and the value of a button
must belong to the asker's guild (and, where personal, to the asker), whoever sends them.

The real discord.py client against the fake Discord, which holds two guilds (tests/discord/fake),
on SQLite and on PostgreSQL: these tests are about rows and who owns them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, SQLModel, select

from bot.daily.models import DailyAnswer, DailyPost, DailySubscription
from bot.db import session_scope
from bot.hub import Hub
from bot.member import Member
from bot.mock.models import MockSession, State
from bot.mock.runtime import MockRuntime
from bot.review.models import ReviewCard
from bot.review.store import record_rating
from jobs.daily import DailyJobs
from tests.discord.conftest import StartClient
from tests.discord.fake import (
    ANNOUNCE_CHANNEL_ID,
    BOT_ID,
    CHANNEL_ID,
    GUILD_ID,
    LATE_CHANNEL_ID,
    MOD,
    MOD_ID,
    OTHER_CHANNEL_ID,
    OTHER_GUILD_ID,
    RIVAL_HERE,
    RIVAL_ID,
    USER_ID,
    FakeDiscord,
    asker,
)
from tests.discord.test_interactions import EPHEMERAL, answer_of, custom_ids, text_of
from tests.mock.conftest import serving
from tests.slack.conftest import add_content, question

ADA = asker()  # a member of our guild in #general: she may manage #announcements only
NOT_HERE = "can't find that channel"
GONE = "no longer available"


@pytest.fixture
def adapter_hub(hub: Hub) -> Hub:
    return hub


def rows(hub: Hub, table: type[SQLModel]) -> list[Any]:
    with Session(hub.engine) as session:
        return list(session.exec(select(table)).all())


async def daily(fake: FakeDiscord, by: dict[str, Any], action: str, options: str = "") -> str:
    body = await answer_of(fake, await fake.slash("daily", by=by, action=action, options=options))
    assert body["data"]["flags"] & EPHEMERAL
    return text_of(body["data"])


async def test_a_manager_cannot_reach_a_channel_of_another_guild(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub
) -> None:
    await start_client()
    assert "Daily question on" in await daily(fake, RIVAL_HERE, "on", "at 09:00")
    theirs = f"<#{OTHER_CHANNEL_ID}>"
    for action, options in [
        ("off", theirs),
        ("on", f"{theirs} at 10:00"),
        ("now", theirs),
        ("status", theirs),
        ("leaderboard", theirs),
    ]:
        assert NOT_HERE in await daily(fake, MOD, action, options), action
    [sub] = rows(adapter_hub, DailySubscription)
    assert (sub.workspace_id, sub.channel_id, sub.created_by) == (
        OTHER_GUILD_ID, OTHER_CHANNEL_ID, RIVAL_ID,
    )  # fmt: skip
    assert sub.active and sub.post_time == "09:00"
    assert rows(adapter_hub, DailyPost) == []
    assert fake.calls_to("GET", rf"/channels/{OTHER_CHANNEL_ID}")  # Discord said: another guild


async def test_manage_channels_is_checked_in_the_named_channel(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub
) -> None:
    await start_client()
    announcements = f"<#{ANNOUNCE_CHANNEL_ID}>"
    # The Mods role manages #general, but #announcements denies it Manage Channels.
    refused = await daily(fake, MOD, "on", f"{announcements} at 09:00")
    assert "Only people who can manage" in refused
    # Ada cannot manage #general, where she types, but may manage #announcements.
    assert "Only people who can manage" in await daily(fake, ADA, "on", "at 09:00")
    assert "Daily question on" in await daily(fake, ADA, "on", f"{announcements} at 09:00")
    [sub] = rows(adapter_hub, DailySubscription)
    assert (sub.workspace_id, sub.channel_id, sub.created_by) == (
        GUILD_ID, ANNOUNCE_CHANNEL_ID, USER_ID,
    )  # fmt: skip

    # An @mention is checked the same way: her permissions in the channel she names.
    await fake.user_message(f"<@{BOT_ID}> daily off {announcements}")
    calls = await fake.wait_for(lambda: fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages"))
    assert "Daily question off" in text_of(calls[0].body)


async def test_a_channel_not_in_the_cache_is_fetched_and_an_unknown_one_refused(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub
) -> None:
    await start_client()
    assert "Daily question on" in await daily(fake, MOD, "on", f"<#{LATE_CHANNEL_ID}> at 09:00")
    assert fake.calls_to("GET", rf"/channels/{LATE_CHANNEL_ID}")
    assert NOT_HERE in await daily(fake, MOD, "on", "<#123456789012345678> at 09:00")
    [sub] = rows(adapter_hub, DailySubscription)
    assert (sub.workspace_id, sub.channel_id) == (GUILD_ID, LATE_CHANNEL_ID)


async def test_a_posted_daily_question_has_buttons_that_work_in_its_guild_only(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub
) -> None:
    await start_client()
    await daily(fake, MOD, "on", "at 09:00")
    assert "Posting a question" in await daily(fake, MOD, "now")
    [post] = rows(adapter_hub, DailyPost)
    await DailyJobs(adapter_hub, "test").post_claimed(post.id)
    [posted] = [
        m for m in fake.sent_messages() if m["channel_id"] == CHANNEL_ID and m["embeds"]
        and not m["flags"] & EPHEMERAL
    ]  # fmt: skip
    answered, reveal = f"hub:daily-answered:{post.id}", f"hub:daily-reveal:{post.id}"
    assert custom_ids(posted) == [answered, reveal]

    for custom_id in (answered, reveal):
        body = await answer_of(fake, await fake.click(posted, custom_id, by=RIVAL_HERE))
        assert body["data"]["flags"] & EPHEMERAL and GONE in text_of(body["data"])
    assert rows(adapter_hub, DailyAnswer) == []

    counted = await answer_of(fake, await fake.click(posted, answered, by=ADA))
    assert "Counted" in text_of(counted["data"])
    shown = await answer_of(fake, await fake.click(posted, reveal, by=ADA))
    assert shown["data"]["flags"] & EPHEMERAL
    assert "Model answer" in text_of(shown["data"]) and "||" in text_of(shown["data"])
    [answer] = rows(adapter_hub, DailyAnswer)
    assert answer.user_id == USER_ID


async def test_more_results_are_only_for_who_searched(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub, tmp_path: Path
) -> None:
    add_content(
        adapter_hub,
        tmp_path,
        {
            f"questions/python/q-python-migration-{n}.md": question(
                f"q-python-migration-{n}", f"How do schema migrations work, part {n}?", "Alembic."
            )
            for n in range(8)
        },
    )
    await start_client()
    first = await answer_of(fake, await fake.slash("search", by=ADA, query="secret migration"))
    [more] = [c for c in custom_ids(first["data"]) if c.startswith("hub:more:")]
    card = fake.sent_messages()[-1]
    for someone in (RIVAL_HERE, MOD):  # another guild; our guild but another person
        body = await answer_of(fake, await fake.click(card, more, by=someone))
        assert GONE in text_of(body["data"]) and "secret" not in str(body)
    page = await answer_of(fake, await fake.click(card, more, by=ADA))
    assert text_of(page["data"]).count("schema migrations work") == 3


@pytest.fixture
async def runtime(adapter_hub: Hub) -> AsyncIterator[MockRuntime]:
    async with serving(adapter_hub) as rt:
        yield rt


async def test_mock_session_buttons_do_nothing_from_another_guild(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub, runtime: MockRuntime
) -> None:
    await start_client()
    await answer_of(fake, await fake.slash("mock", by=MOD, action="start", options="questions 2"))
    await runtime.drain()
    [ms] = rows(adapter_hub, MockSession)
    [asked] = [m for m in fake.sent_messages() if m["channel_id"] != CHANNEL_ID]
    for custom_id in custom_ids(asked):
        body = await answer_of(fake, await fake.click(asked, custom_id, by=RIVAL_HERE))
        assert GONE in text_of(body["data"]), custom_id
    await runtime.drain()
    [after] = rows(adapter_hub, MockSession)
    assert (after.state, after.step, after.index) == (State.asking, ms.step, 0)
    assert after.starter_id == MOD_ID
    ended = await answer_of(fake, await fake.click(asked, f"hub:mock_end:{ms.id}", by=MOD))
    assert "Ended" in text_of(ended["data"])


async def test_review_buttons_show_only_your_own_card(
    fake: FakeDiscord, start_client: StartClient, adapter_hub: Hub
) -> None:
    with session_scope(adapter_hub.engine) as session:
        record_rating(session, Member("discord", GUILD_ID, USER_ID), "q-react-render-twice", 1)
    await start_client()
    reveal = "hub:review_reveal:q-react-render-twice:1"
    grade = "hub:review_grade:q-react-render-twice:1:3"
    # A message carrying her card's buttons, as `/hub review` shows them to her alone.
    row = [{"type": 2, "style": 2, "label": "b", "custom_id": c} for c in (reveal, grade)]
    card = fake._message(CHANNEL_ID, {"components": [{"type": 1, "components": row}]})
    for someone in (RIVAL_HERE, MOD):  # another guild; our guild but not her card
        for custom_id in (reveal, grade):
            body = await answer_of(fake, await fake.click(card, custom_id, by=someone))
            assert GONE in text_of(body["data"]) and "How did you do?" not in str(body), custom_id
    [kept] = rows(adapter_hub, ReviewCard)
    assert (kept.user_id, kept.reps) == (USER_ID, 1)
    opened = await answer_of(fake, await fake.click(card, reveal, by=ADA))
    assert "How did you do?" in str(opened["data"])
