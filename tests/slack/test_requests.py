"""What reaches /slack/events from outside: verified before it is parsed, shaped as Slack sends it,
and answered once however often it is replayed."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.hub import Hub
from tests.slack.conftest import FORM, Slack, running_slack
from tests.slack.fake_slack import (
    FakeSlack,
    app_mention,
    block_actions,
    event_callback,
    interaction,
    signed_headers,
    slash_command,
)

JSON = "application/json"


def problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Records that carry a traceback or say ERROR: none may come from outside input."""
    return [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def unsigned_requests(response_url: str) -> list[tuple[str, bytes, dict[str, str]]]:
    command = slash_command("help", response_url)
    signed = signed_headers(command, FORM)
    return [
        ("no signature", command.encode(), {"Content-Type": FORM}),
        ("malformed JSON, no signature", b'{"type": "event_callback", "event": ', {}),
        ("not UTF-8, no signature", b"\xff\xfe\x00payload=", {"Content-Type": FORM}),
        ("a timestamp that is not a number", command.encode(), signed | {
            "X-Slack-Request-Timestamp": "yesterday"}),
        ("a huge timestamp", command.encode(), signed | {"X-Slack-Request-Timestamp": "9" * 400}),
        ("a negative timestamp", command.encode(), signed | {"X-Slack-Request-Timestamp": "-1"}),
        ("another body", slash_command("daily off", response_url).encode(), signed),
        ("another secret", command.encode(), signed_headers(command, FORM, secret="guess")),
        ("seven minutes old", command.encode(), signed_headers(command, FORM, time.time() - 420)),
        ("from the future", command.encode(), signed_headers(command, FORM, time.time() + 420)),
        ("a signature that is not hex", command.encode(), signed | {"X-Slack-Signature": "v0=ü"}),
        ("malformed JSON, bad signature", b"[[[", {"Content-Type": JSON,
            "X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"}),
    ]  # fmt: skip


async def test_unsigned_requests_are_refused_before_parsing(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    cases = unsigned_requests(slack.fake.response_url())
    for name, body, headers in cases:
        caplog.clear()
        status, _ = await slack.raw(body, headers)
        assert status == 401, name
        assert problems(caplog) == [], name
        [line] = caplog.records
        assert len(line.getMessage()) < 120 and "\n" not in line.getMessage(), name
    assert slack.fake.calls == []


def malformed_bodies() -> list[tuple[str, str, str]]:
    url = "http://127.0.0.1:9/response/r1"
    button = block_actions("hub:show:1", "q-react-render-twice", url)
    mention = json.loads(event_callback(app_mention("render twice")))
    return [
        ("JSON that does not parse", '{"type": "event_callback", "event": ', JSON),
        ("a JSON list", "[1, 2, 3]", JSON),
        ("a JSON string", '"event_callback"', JSON),
        ("a payload that is not JSON", urlencode({"payload": "{not json"}), FORM),
        ("a payload that is a list", urlencode({"payload": "[1]"}), FORM),
        ("an event that is a string", json.dumps({**mention, "event": "app_mention"}), JSON),
        ("an event without a type", json.dumps({**mention, "event": {"text": "hi"}}), JSON),
        ("a mention whose text is a number",
            json.dumps({**mention, "event": {**mention["event"], "text": 5}}), JSON),
        ("authorizations that are not objects", json.dumps({**mention, "authorizations": [1]}),
            JSON),
        ("a team that is a number", json.dumps({**mention, "team": 7}), JSON),
        ("actions that are a string", interaction({**button, "actions": "hub:show:1"}), FORM),
        ("an action without an id", interaction({**button, "actions": [{"value": "x"}]}), FORM),
        ("a user that is a list", interaction({**button, "user": ["U0ALICE"]}), FORM),
        ("a view that is a string", interaction({**button, "view": "modal"}), FORM),
        ("a slash command without a response_url",
            urlencode({"command": "/hub", "text": "help", "user_id": "U0ALICE"}), FORM),
    ]  # fmt: skip


async def test_malformed_signed_bodies_are_400_without_a_traceback(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for name, body, content_type in malformed_bodies():
        status, _ = await slack.post(body, content_type)
        assert status == 400, name
    not_utf8 = b"payload=\xff\xfe"
    status, _ = await slack.raw(not_utf8, signed_headers(not_utf8, FORM))
    assert status == 400
    assert problems(caplog) == []
    assert slack.fake.calls_to("response_url") == []


VOCABULARY = ["type", "event", "user", "team", "channel", "actions", "container", "message",
    "response_url", "view", "event_id", "team_id", "authorizations", "enterprise", "text", "ts",
    "callback_id", "command", "user_id", "channel_id", "action_id", "value", "id", "tab",
    "subtype", "bot_id", "enterprise_id", "thread_ts", "attachments", "blocks", "fields",
    "is_ephemeral", "assistant_thread", "function_data", "state", "workflow_step",
    "previous_message", "channel_type", "submission", "options"]  # fmt: skip
TYPES = ["event_callback", "block_actions", "message_action", "app_mention", "message",
    "app_home_opened", "view_submission", "app_rate_limited", "reaction_added", "/hub",
    "hub:show:1", "find_fix", "function_executed", "url_verification", "workflow_step_edit",
    "workflow_step", "block_suggestion", "shortcut", "interactive_message", "view_closed",
    "dialog_submission", "im"]  # fmt: skip


def random_value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 2 or roll < 0.25:
        return rng.choice([None, 5, 1.5, True, "x", "", [], {}, "U0ALICE", rng.choice(TYPES)])
    if roll < 0.55:
        keys = rng.sample(VOCABULARY, rng.randint(0, 5))
        return {key: random_value(rng, depth + 1) for key in keys}
    if roll < 0.7:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 2))]
    return rng.choice(TYPES)


async def test_any_signed_body_is_answered_without_a_traceback(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    """Random bodies in Slack's words and shapes: never a 5xx, never a traceback."""
    caplog.set_level(logging.INFO)
    rng = random.Random(20240611)
    statuses: set[int] = set()
    tasks_before = len(asyncio.all_tasks())
    for _ in range(300):
        body = {key: random_value(rng) for key in rng.sample(VOCABULARY, rng.randint(1, 8))}
        body["type"] = rng.choice(TYPES)
        if rng.random() < 0.5:
            status, _ = await slack.post(interaction(body), FORM)
        else:
            status, _ = await slack.post(json.dumps(body), JSON)
        statuses.add(status)
    assert statuses <= {200, 400, 404}
    deadline = time.monotonic() + 20
    while len(asyncio.all_tasks()) > tasks_before and time.monotonic() < deadline:
        await asyncio.sleep(0.05)  # the listeners that started (after their ack) finish
    assert problems(caplog) == []


async def test_a_replayed_slash_command_is_answered_once_on_any_replica(
    store_hub: Hub, fake: FakeSlack
) -> None:
    async with running_slack(store_hub, fake) as first, running_slack(store_hub, fake) as second:
        command = slash_command("show q-react-render-twice", fake.response_url("once"))
        headers = signed_headers(command, FORM)
        assert (await first.raw(command.encode(), headers))[0] == 200
        assert (await first.raw(command.encode(), headers))[0] == 200
        assert (await second.raw(command.encode(), headers))[0] == 200
        [answer] = await fake.wait_for("response_url")
        # The same command typed again is signed again: it is answered.
        assert await second.command("show q-react-render-twice", fake.response_url("again")) == 200
        await fake.wait_for("response_url", 2)
    assert [c.path for c in fake.calls_to("response_url")] == ["/response/once", "/response/again"]
    assert "Why does my React component render twice" in str(answer.body["blocks"])


async def test_rate_limited_and_unsubscribed_events_get_200(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    limited = {"token": "unused", "type": "app_rate_limited", "team_id": "T0HUB",
        "minute_rate_limited": 1518467820, "api_app_id": "A0HUB"}  # fmt: skip
    status, _ = await slack.post(json.dumps(limited), JSON)
    assert status == 200
    assert "app_rate_limited" in caplog.text
    item = {"type": "message", "channel": "C0GENERAL", "ts": "1.2"}
    reaction = {"type": "reaction_added", "user": "U0ALICE", "reaction": "tada", "item": item}
    assert await slack.event(reaction, "EvREACTION") == 200
    channel = {"type": "channel_created", "channel": {"id": "C0NEW", "name": "new"}}
    assert await slack.event(channel, "EvCHANNEL") == 200
    assert problems(caplog) == []
    assert slack.fake.calls_to("chat.postMessage") == []
