"""Serving: Socket Mode opens a connection with the app token and acks envelopes over it; HTTP
mode listens where it is told (loopback unless told otherwise)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import WSMsgType, web

from adapters.slack import SlackNotConfigured, serve_slack
from adapters.slack.forms import Origin, modal
from bot.commands import ChatContext
from bot.hub import Hub
from tests.conftest import FIXTURES
from tests.slack.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, view_submission


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


@contextlib.asynccontextmanager
async def socket_mode(
    hub: Hub, fake: FakeSlack, envelope: dict[str, Any]
) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
    """HubBot in Socket Mode, sent `envelope` over the socket; what it sends back, queued."""
    acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def socket(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        await ws.send_json(envelope)
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
        yield acks
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        await runner.cleanup()


async def test_socket_mode_acks_over_the_socket_and_answers(hub: Hub, fake: FakeSlack) -> None:
    async with socket_mode(hub, fake, slash_command_envelope(fake.response_url("socket"))) as acks:
        ack = await asyncio.wait_for(acks.get(), 10)
        assert ack["envelope_id"] == "env-1"
        [answer] = await fake.wait_for("response_url")
        assert "Why does my React component render twice" in str(answer.body["blocks"])
        [opened] = fake.calls_to("apps.connections.open")
        assert opened.headers["Authorization"] == "Bearer xapp-test-token"


async def test_socket_mode_acks_a_form_with_its_problems(hub: Hub, fake: FakeSlack) -> None:
    asked = hub.handle(ChatContext("slack", "U0ALICE", workspace_id="T0HUB"), "/hub suggest error")
    assert asked.form is not None
    view = modal(asked.form, Origin(asked.form.action, asked.form.value))
    envelope = {
        "envelope_id": "env-form",
        "type": "interactive",
        "accepts_response_payload": True,
        "payload": view_submission(view, {"title": "TypeError: x is undefined"}),
    }
    async with socket_mode(hub, fake, envelope) as acks:
        ack = await asyncio.wait_for(acks.get(), 10)
    assert ack["envelope_id"] == "env-form"
    assert ack["payload"]["response_action"] == "errors"
    assert {"topic", "root_cause.1", "fix.1"} <= set(ack["payload"]["errors"])


async def test_http_mode_without_a_signing_secret_says_what_to_set(hub: Hub) -> None:
    settings = hub.settings.model_copy(update={"slack_bot_token": BOT_TOKEN})
    with pytest.raises(SlackNotConfigured, match=r"SLACK_APP_TOKEN.*SLACK_SIGNING_SECRET"):
        await serve_slack(hub, settings, http=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def reachable(host: str, port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection(host, port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


@contextlib.asynccontextmanager
async def hub_serve_slack_http(fake: FakeSlack, tmp_path: Path, *args: str) -> AsyncIterator[int]:
    """`hub serve slack --http --port P …` in its own process, as people run it; yields P once
    /healthz answers."""
    port = free_port()
    env = {
        **os.environ,
        "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "HUB_CONTENT_DIR": str(FIXTURES / "content"),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
    }
    env.pop("SLACK_APP_TOKEN", None)
    env.pop("DISCORD_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from bot.cli import main; main()",
        "serve", "slack", "--http", "--port", str(port), *args,
        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    host = args[args.index("--host") + 1] if "--host" in args else "127.0.0.1"
    try:
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession() as session:
            while True:
                assert process.returncode is None, "hub serve stopped"
                try:
                    async with session.get(f"http://{host}:{port}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                assert time.monotonic() < deadline, "hub serve never answered /healthz"
                await asyncio.sleep(0.1)
        yield port
    finally:
        if process.returncode is None:
            process.terminate()
        await process.wait()


async def test_http_mode_listens_on_loopback_unless_told_otherwise(
    fake: FakeSlack, tmp_path: Path
) -> None:
    async with hub_serve_slack_http(fake, tmp_path) as port:
        assert not await reachable("127.0.0.2", port)  # another address of this machine
    async with hub_serve_slack_http(fake, tmp_path, "--host", "127.0.0.2") as port:
        assert not await reachable("127.0.0.1", port)


@pytest.mark.parametrize("error", ["invalid_auth", "token_revoked"])
async def test_a_rejected_bot_token_stops_at_once_with_one_line(
    hub: Hub, fake: FakeSlack, error: str
) -> None:
    fake.fail("auth.test", error)
    settings = hub.settings.model_copy(
        update={
            "slack_bot_token": "xoxb-wrong",
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": fake.api_url,
        }
    )
    with pytest.raises(SlackNotConfigured, match=rf"^Slack refused SLACK_BOT_TOKEN \({error}\)"):
        await asyncio.wait_for(serve_slack(hub, settings, http=True), 10)
    assert len(fake.calls_to("auth.test")) == 1  # no retry for a token Slack refused


async def test_no_network_is_retried_with_back_off_in_one_line_each(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    settings = hub.settings.model_copy(
        update={
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": f"http://127.0.0.1:{free_port()}/api/",  # nothing listens
        }
    )
    serving = asyncio.create_task(serve_slack(hub, settings, http=True))
    deadline = asyncio.get_running_loop().time() + 20
    while sum("trying again" in r.getMessage() for r in caplog.records) < 2:
        assert asyncio.get_running_loop().time() < deadline, caplog.text
        await asyncio.sleep(0.05)
    retries = [r.getMessage() for r in caplog.records if "trying again" in r.getMessage()]
    assert retries[0].startswith("cannot reach Slack (")
    assert retries[0].endswith("trying again in 1 s") and retries[1].endswith("in 2 s")
    assert all(r.exc_info is None for r in caplog.records)  # one line each, no traceback
    hub.lifecycle.request_stop()
    await asyncio.wait_for(serving, 10)  # stopping ends the wait: it returns, no error
