"""@mentions (and Events API retries), the message shortcut, the App Home tab."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from adapters.slack.app import message_text
from bot.chat_text import mention_command
from bot.daily import record_thread_answer
from bot.daily.models import DailyPost, DailySubscription
from bot.db import session_scope
from bot.review.models import ReviewCard
from tests.daily.rows import answers, posted_question
from tests.slack.conftest import Slack
from tests.slack.fake_slack import TEAM, app_mention, message_shortcut

EADDRINUSE = "Error: listen EADDRINUSE: address already in use :::3000"


async def test_mention_answers_in_a_thread(slack: Slack) -> None:
    assert await slack.event(app_mention("why does react render twice"), "Ev1") == 200
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.body["channel"] == "C0GENERAL"
    assert post.body["thread_ts"] == "1700000000.000400"
    assert "Why does my React component render twice" in str(post.body["blocks"])


async def test_mention_of_an_error_looks_up_the_fix(slack: Slack) -> None:
    event = app_mention(EADDRINUSE, ts="1700000000.000500", thread_ts="1700000000.000001")
    assert await slack.event(event, "Ev2") == 200
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.body["thread_ts"] == "1700000000.000001"
    assert "Another process already listens on the port." in str(post.body["blocks"])


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("explain the event loop", "search"),  # `event` is not an errno name like EPERM
        ("Every effect runs twice", "search"),
        ("ENOENT: no such file or directory, open 'x'", "error"),
        (EADDRINUSE, "error"),
    ],
)
def test_only_error_looking_mentions_go_to_the_error_lookup(text: str, command: str) -> None:
    assert mention_command(text) == f"{command} {text}"


async def test_a_mention_about_events_is_searched(slack: Slack) -> None:
    assert await slack.event(app_mention("explain the event loop"), "Ev3") == 200
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert "I don't know this error yet" not in str(post.body)


async def test_a_retried_mention_is_answered_once(slack: Slack) -> None:
    event = app_mention("render twice")
    assert await slack.event(event, "EvSAME") == 200
    await slack.fake.wait_for("chat.postMessage")
    assert await slack.event(event, "EvSAME", retry=1) == 200
    assert await slack.event(event, "EvSAME", retry=2) == 200
    # A later, different event is answered: by then the retries were handled (ignored).
    later = app_mention("eaddrinuse", ts="1700000000.000900")
    assert await slack.event(later, "EvLATER") == 200
    await slack.fake.wait_for("chat.postMessage", 2)
    assert await slack.bot.hub.lifecycle.finish()  # every delivery acknowledged is handled
    posts = slack.fake.calls_to("chat.postMessage")
    assert [p.body["thread_ts"] for p in posts] == ["1700000000.000400", "1700000000.000900"]


async def test_a_retry_whose_first_delivery_was_lost_is_answered(slack: Slack) -> None:
    assert await slack.event(app_mention("render twice"), "EvLOST", retry=1) == 200
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.body["thread_ts"] == "1700000000.000400"


async def test_rate_limited_answer_is_retried_after_retry_after(slack: Slack) -> None:
    slack.fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "1"})
    assert await slack.event(app_mention("render twice"), "Ev429") == 200
    first, second = await slack.fake.wait_for("chat.postMessage", 2)
    assert second.at - first.at >= 1.0
    assert second.body["thread_ts"] == first.body["thread_ts"]


async def test_find_a_fix_answers_in_the_message_thread(slack: Slack) -> None:
    payload = message_shortcut(EADDRINUSE, slack.fake.response_url("sc"))
    assert await slack.interact(payload) == 200
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.body["thread_ts"] == "1700000000.000300"
    assert "Another process already listens on the port." in str(post.body["blocks"])
    assert slack.fake.calls_to("response_url") == []


async def test_find_a_fix_outside_the_bots_channels_answers_privately(slack: Slack) -> None:
    slack.fake.fail("chat.postMessage", "not_in_channel")
    payload = message_shortcut(EADDRINUSE, slack.fake.response_url("sc"), thread_ts="17.0")
    assert await slack.interact(payload) == 200
    [answer] = await slack.fake.wait_for("response_url")
    assert answer.body["response_type"] == "ephemeral"
    text = str(answer.body["blocks"])
    assert "/invite @HubBot" in text and "Another process already listens" in text
    assert slack.fake.calls_to("chat.postMessage")[0].body["thread_ts"] == "17.0"


async def test_find_a_fix_on_a_message_without_text(slack: Slack) -> None:
    payload = message_shortcut("", slack.fake.response_url("sc"))
    assert await slack.interact(payload) == 200
    [answer] = await slack.fake.wait_for("response_url")
    assert "no text" in str(answer.body["blocks"])
    assert slack.fake.calls_to("chat.postMessage") == []


async def test_app_home_shows_what_hubbot_can_do(slack: Slack) -> None:
    event = {"type": "app_home_opened", "user": "U0ALICE", "channel": "D1", "tab": "home"}
    assert await slack.event(event, "EvHOME") == 200
    [publish] = await slack.fake.wait_for("views.publish")
    assert publish.body["user_id"] == "U0ALICE"
    view = publish.body["view"]
    assert view["type"] == "home"
    assert "/hub search" in str(view["blocks"]) and len(view["blocks"]) <= 100
    assert "Your review queue" in str(view["blocks"])  # a panel whose command exists


async def test_app_home_shows_the_persons_daily_questions_streak_and_due_reviews(
    slack: Slack,
) -> None:
    engine = slack.bot.hub.engine
    with session_scope(engine) as session:
        sub = DailySubscription(
            platform="slack",
            workspace_id=TEAM,
            channel_id="C0DEV",
            post_time="09:30",
            timezone="Europe/Berlin",
        )
        session.add(sub)
        session.flush()
        for day in (1, 2):
            session.add(
                DailyPost(
                    subscription_id=sub.id or 0,
                    platform="slack",
                    channel_id="C0DEV",
                    day=date(2026, 12, day),
                    status="posted",
                    scheduled_for=datetime.now(UTC),
                    thread_id=f"17.{day}",
                )
            )
        session.add(
            ReviewCard(
                platform="slack",
                workspace_id=TEAM,
                user_id="U0ALICE",
                entry_id="q-react-render-twice",
                due=datetime.now(UTC),
            )
        )
    for day in (1, 2):
        assert record_thread_answer(engine, "slack", "C0DEV", f"17.{day}", "U0ALICE")
    event = {"type": "app_home_opened", "user": "U0ALICE", "channel": "D1", "tab": "home"}
    assert await slack.event(event, "EvHOME") == 200
    [publish] = await slack.fake.wait_for("views.publish")
    blocks = str(publish.body["view"]["blocks"])
    assert "Your daily questions" in blocks and "<#C0DEV>: 2 in a row" in blocks
    assert "Europe/Berlin" in blocks  # when the next one comes
    assert "Your review queue" in blocks and "1 due." in blocks
    assert "Why does my React component render twice" in blocks


async def test_find_a_fix_reads_an_alert_from_its_attachments_and_blocks(slack: Slack) -> None:
    payload = message_shortcut("", slack.fake.response_url("sc"))
    payload["message"]["attachments"] = [  # legacy attachments number their id and ts
        {
            "id": 1,
            "ts": 1700000000,
            "title": "deploy failed",
            "text": "Error: listen EADDRINUSE: address already in use",
        }
    ]
    payload["message"]["blocks"] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "port `:::3000`"}}
    ]
    assert await slack.interact(payload) == 200
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert "Another process already listens on the port." in str(post.body["blocks"])


def test_message_text_takes_a_bots_summary_and_its_details() -> None:
    message = {
        "text": "Build 42 failed",
        "blocks": [
            {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": []}]},
            {"type": "section", "text": {"type": "mrkdwn", "text": "ModuleNotFoundError: x"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "job #7"}]},
        ],
        "attachments": [{"fields": [{"title": "log", "value": "exit code 1"}]}],
    }
    assert message_text(message) == "Build 42 failed\nexit code 1\nModuleNotFoundError: x\njob #7"


async def test_a_reply_in_a_daily_thread_counts_as_an_answer(slack: Slack) -> None:
    engine = slack.bot.hub.engine
    thread = "1700000000.000100"
    posted_question(engine, "slack", "C0GENERAL", thread)
    reply = {
        "type": "message",
        "channel": "C0GENERAL",
        "user": "U0ALICE",
        "text": "my answer",
        "ts": "1700000000.000200",
        "thread_ts": thread,
    }
    assert await slack.event(reply, "EvREPLY1") == 200
    assert await slack.event({**reply, "ts": "1700000000.000300"}, "EvREPLY2") == 200
    assert await slack.event({**reply, "thread_ts": "1700000000.000999"}, "EvOTHER") == 200
    assert await slack.event({**reply, "user": "U0BOB", "bot_id": "B1"}, "EvBOT") == 200

    assert await slack.bot.hub.lifecycle.finish()  # every delivery acknowledged is handled
    [counted] = answers(engine)
    assert (counted.user_id, counted.via) == ("U0ALICE", "thread")
