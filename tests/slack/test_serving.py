"""Serving: Socket Mode opens a connection with the app token and acks envelopes over it."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import pytest
from aiohttp import WSMsgType, web

from adapters.slack import SlackNotConfigured, serve_slack
from bot.hub import Hub
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack


def slash_command_envelope(response_url: str) -> dict[str, Any]:
    return {
        "envelope_id": "env-1",
        "type": "slash_commands",
        "accepts_response_payload": True,
        "payload": {
            "team_id": "T0HUB",
            "channel_id": "C0GENERAL",
            "user_id": "U0ALICE",
            "user_name": "alice",
            "command": "/hub",
            "text": "show q-react-render-twice",
            "api_app_id": "A0HUB",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        },
    }


async def test_socket_mode_acks_over_the_socket_and_answers(hub: Hub, fake: FakeSlack) -> None:
    acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def socket(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        await ws.send_json(slash_command_envelope(fake.response_url("socket")))
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                acks.put_nowait(json.loads(message.data))
        return ws

    web_app = web.Application()
    web_app.router.add_get("/link", socket)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.socket_url = f"ws://127.0.0.1:{runner.addresses[0][1]}/link"
    settings = hub.settings.model_copy(
        update={
            "slack_bot_token": BOT_TOKEN,
            "slack_app_token": "xapp-test-token",
            "slack_api_url": fake.api_url,
        }
    )
    serving = asyncio.create_task(serve_slack(hub, settings))
    try:
        ack = await asyncio.wait_for(acks.get(), 10)
        assert ack["envelope_id"] == "env-1"
        [answer] = await fake.wait_for("response_url")
        assert "Why does my React component render twice" in str(answer.body["blocks"])
        [opened] = fake.calls_to("apps.connections.open")
        assert opened.headers["Authorization"] == "Bearer xapp-test-token"
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        await runner.cleanup()


async def test_http_mode_without_a_signing_secret_says_what_to_set(hub: Hub) -> None:
    settings = hub.settings.model_copy(update={"slack_bot_token": BOT_TOKEN})
    with pytest.raises(SlackNotConfigured, match=r"SLACK_APP_TOKEN.*SLACK_SIGNING_SECRET"):
        await serve_slack(hub, settings, http=True)
