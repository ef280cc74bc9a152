"""Faults around the Slack adapter: a slow store, a Slack that does not answer or answers 5xx, a
database that is down, and entries longer than a response_url takes."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from adapters.slack.claims import slack_event
from bot.config import Settings
from bot.content import import_content
from bot.daily.models import DailySubscription
from bot.db import make_engine
from bot.hub import BUSY, Hub
from tests.conftest import FIXTURES, Store
from tests.slack.conftest import Slack, add_content, running_slack
from tests.slack.fake_slack import Call, FakeSlack, app_mention

Fault = Callable[[FakeSlack], None]

DAILY_ON = "daily on <#C0DEV|dev> at 09:30 Europe/Berlin"


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info]


def texts(*calls: Call) -> str:
    return " ".join(str(call.body.get("blocks")) for call in calls)


# ---------------------------------------------------------------- a slow store (item 6)


@pytest.fixture
def timed_hub(pg_store: Store, settings: Settings) -> Iterator[Hub]:
    """A hub on PostgreSQL whose statements may take 3 s, as HUB_DB_STATEMENT_TIMEOUT=3 sets."""
    settings = settings.model_copy(update={"db_statement_timeout": 3.0})
    engine = make_engine(
        pg_store.url,
        settings.db_statement_timeout,
        connect_args={"options": f"-csearch_path={pg_store.schema}"},
    )
    assert import_content(engine, [FIXTURES / "content"]).ok
    yield Hub(settings, engine)
    engine.dispose()


def waiting_for_a_lock(store: Store) -> bool:
    with store.engine.connect() as conn:
        waiting = (
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'searchlog'::regclass"
        )
        return bool(conn.scalar(sa.text(waiting)))


async def test_a_locked_table_makes_one_search_busy_and_no_one_else_waits(
    timed_hub: Hub, pg_store: Store, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_slack(timed_hub, fake) as slack:
        with pg_store.engine.connect() as locker:
            locker.execute(sa.text("LOCK TABLE searchlog IN ACCESS EXCLUSIVE MODE"))
            await slack.command("search render twice", fake.response_url("search"))
            deadline = time.monotonic() + 10
            while not waiting_for_a_lock(pg_store):  # the search is stuck behind the lock
                assert time.monotonic() < deadline, "the search never waited for the lock"
                await asyncio.sleep(0.02)
            await slack.command("help", fake.response_url("help"))
            [first] = await fake.wait_for("response_url")
            [_, second] = await fake.wait_for("response_url", 2)
            locker.rollback()
    assert first.path == "/response/help" and "/hub search" in texts(first)
    assert second.path == "/response/search" and BUSY in texts(second)
    assert tracebacks(caplog) == []


# ---------------------------------------------------------------- who may manage (item 7)


async def test_search_and_help_never_ask_slack_who_you_are(slack: Slack) -> None:
    slack.fake.stall("users.info")
    assert await slack.command("search render twice") == 200
    assert await slack.command("help") == 200
    answers = await slack.fake.wait_for("response_url", 2)
    assert "Why does my React component render twice" in texts(*answers)
    assert slack.fake.calls_to("users.info") == []


def stall(fake: FakeSlack) -> None:
    fake.stall("users.info")


def rate_limit(fake: FakeSlack) -> None:
    fake.fail("users.info", status=429, headers={"Retry-After": "30"}, times=3)


def drop(fake: FakeSlack) -> None:
    fake.drop("users.info", times=10)


def error_page(fake: FakeSlack) -> None:
    fake.fail_with_page("users.info", 503, "upstream connect error", "text/plain", times=3)


@pytest.mark.parametrize("fault", [stall, rate_limit, drop, error_page])
async def test_when_slack_cannot_say_who_you_are_you_are_told_and_nothing_changes(
    slack: Slack, fault: Fault, caplog: pytest.LogCaptureFixture
) -> None:
    slack.fake.users["U0ADMIN"] = {"id": "U0ADMIN", "is_admin": True}
    fault(slack.fake)
    await slack.command(DAILY_ON, user="U0ADMIN")
    [refused] = await slack.fake.wait_for("response_url")  # in seconds, not Slack's 30
    assert "could not ask Slack" in texts(refused)
    assert "Only people who can manage this channel" in texts(refused)
    with Session(slack.bot.hub.engine) as session:
        assert session.exec(select(DailySubscription)).all() == []
    assert tracebacks(caplog) == []
    slack.fake.scripted.clear()  # Slack answers again: a failure was not remembered
    await slack.command(DAILY_ON, user="U0ADMIN")
    [_, allowed] = await slack.fake.wait_for("response_url", 2)
    assert "Daily question on: <#C0DEV> at 09:30" in texts(allowed)


# ---------------------------------------------------------------- 5xx from Slack (item 10)


def json_500(fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", "internal_error", status=500)


def proxy_502(fake: FakeSlack) -> None:
    fake.fail_with_page("chat.postMessage", 502, "Bad Gateway", "text/plain")


@pytest.mark.parametrize("fault", [json_500, proxy_502])
async def test_a_server_error_is_retried(slack: Slack, fault: Fault) -> None:
    fault(slack.fake)
    assert await slack.event(app_mention("render twice"), "Ev5XX") == 200
    first, second = await slack.fake.wait_for("chat.postMessage", 2)
    assert second.body["thread_ts"] == first.body["thread_ts"] == "1700000000.000400"
    assert "Why does my React component render twice" in texts(second)


def claimed(slack: Slack, event_id: str) -> bool:
    with slack.bot.hub.engine.connect() as conn:
        found = conn.execute(sa.select(slack_event).where(slack_event.c.event_id == event_id))
        return found.first() is not None


async def test_an_answer_that_could_not_be_sent_is_sent_on_slacks_retry(slack: Slack) -> None:
    slack.fake.fail("chat.postMessage", "internal_error", status=500, times=3)
    event = app_mention("render twice")
    assert await slack.event(event, "EvFAILED") == 200
    await slack.fake.wait_for("chat.postMessage", 3)  # the first try and two retries
    deadline = time.monotonic() + 10
    while claimed(slack, "EvFAILED"):  # the claim is given back
        assert time.monotonic() < deadline, "the claim on the unanswered event was kept"
        await asyncio.sleep(0.02)
    assert await slack.event(event, "EvFAILED", retry=1) == 200
    posts = await slack.fake.wait_for("chat.postMessage", 4)
    assert "Why does my React component render twice" in texts(posts[3])


# ---------------------------------------------------------------- /healthz (item 12)


async def health(slack: Slack) -> tuple[int, dict[str, object]]:
    async with slack.session.get(slack.url.replace("/slack/events", "/healthz")) as response:
        return response.status, await response.json()


async def test_healthz_checks_the_store_and_slack(slack: Slack) -> None:
    assert await health(slack) == (200, {"ok": True, "store": "ok", "slack": "ok"})
    slack.fake.fail("auth.test", "invalid_auth")
    status, body = await health(slack)
    assert status == 503
    assert body == {"ok": False, "store": "ok", "slack": "DeliveryError: auth_test: invalid_auth"}


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@pytest.mark.parametrize("down", ["refused", "silent"])
async def test_healthz_is_503_while_the_database_is_down(
    fake: FakeSlack, settings: Settings, silent_port: int, down: str
) -> None:
    port = silent_port if down == "silent" else 1
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/test", 1.0)
    async with running_slack(Hub(settings, engine), fake) as slack:
        status, body = await health(slack)
    assert status == 503
    assert body["ok"] is False and body["slack"] == "ok"
    assert str(body["store"]).startswith(("OperationalError", "no answer within"))


# ---------------------------------------------------------------- long entries (item 16)


WORDS = [f"w{n:06d}" for n in range(11_000)]  # about 85,000 characters with their spaces


def add_long_article(hub: Hub, folder: Path, entry_id: str) -> None:
    paragraphs = "\n\n".join(" ".join(WORDS[i : i + 60]) for i in range(0, len(WORDS), 60))
    article = f"---\nid: {entry_id}\nkind: article\ntitle: Long\ntopic: security\n---\n"
    add_content(hub, folder, {f"articles/{entry_id}.md": article + paragraphs + "\n"})


async def every_word_arrives(fake: FakeSlack, *methods: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        sent = [call for method in methods for call in fake.calls_to(method)]
        missing = set(WORDS) - set(re.findall(r"w\d{6}", texts(*sent)))
        if not missing:
            return
        assert time.monotonic() < deadline, f"{len(missing)} words never arrived"
        await asyncio.sleep(0.05)


async def test_a_long_entry_arrives_whole(slack: Slack, tmp_path: Path) -> None:
    add_long_article(slack.bot.hub, tmp_path, "art-long")
    assert await slack.command("show art-long") == 200
    await every_word_arrives(slack.fake, "response_url", "chat.postEphemeral")
    assert len(slack.fake.calls_to("response_url")) == 5  # all that a response_url takes
    assert all(c.body["user"] == "U0ALICE" for c in slack.fake.calls_to("chat.postEphemeral"))


async def test_the_rest_of_a_long_entry_goes_to_a_dm_where_hubbot_may_not_post(
    slack: Slack, tmp_path: Path
) -> None:
    add_long_article(slack.bot.hub, tmp_path, "art-dm")
    slack.fake.fail("chat.postEphemeral", "channel_not_found")
    assert await slack.command("show art-dm") == 200
    await every_word_arrives(slack.fake, "response_url", "chat.postMessage")
    [opened] = slack.fake.calls_to("conversations.open")
    assert opened.body["users"] == "U0ALICE"
    assert {c.body["channel"] for c in slack.fake.calls_to("chat.postMessage")} == {"D0ALICE"}
