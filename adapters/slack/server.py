"""Running the Slack adapter: Socket Mode, or HTTP mode with `/slack/events` and `/healthz`."""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from adapters.slack.app import build_app
from bot.config import Settings
from bot.hub import Hub
from bot.ports import PlatformStopped

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY = 1024 * 1024


class SlackNotConfigured(PlatformStopped):
    """A setting Slack needs is missing; the message says which."""


def http_app(app: AsyncApp) -> web.Application:
    """Events, slash commands, interactivity and shortcuts at one URL, and a health check."""

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    web_app = web.Application(client_max_size=MAX_BODY)
    web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get(HEALTH_PATH, health)
    return web_app


async def start_http(app: AsyncApp, host: str, port: int) -> web.AppRunner:
    """Start serving; stop with `await runner.cleanup()`. Port 0 picks a free port."""
    runner = web.AppRunner(http_app(app), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    server = runner.addresses[0]
    return int(server[1])


def check_settings(settings: Settings, http: bool) -> None:
    if not settings.slack_bot_token:
        raise SlackNotConfigured("SLACK_BOT_TOKEN is not set")
    if http and not settings.slack_signing_secret:
        raise SlackNotConfigured(
            "set SLACK_APP_TOKEN for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode "
            "(both on the app's Basic Information page)"
        )


async def serve_slack(
    hub: Hub, settings: Settings, http: bool = False, port: int = 3000, host: str = "0.0.0.0"
) -> None:
    """Run until cancelled, or until the hub is stopping: then stop taking requests, answer what
    was acknowledged (up to the shutdown grace), and return. Socket Mode when SLACK_APP_TOKEN is
    set and --http not given."""
    socket_mode = bool(settings.slack_app_token) and not http
    check_settings(settings, http=not socket_mode)
    app, bot = build_app(hub, settings, socket_mode=socket_mode)
    try:
        if socket_mode:
            handler = AsyncSocketModeHandler(app, settings.slack_app_token)
            log.warning("Slack: Socket Mode")
            try:
                await handler.connect_async()  # type: ignore[no-untyped-call]
                await hub.lifecycle.stopping()
            finally:
                await handler.close_async()  # type: ignore[no-untyped-call]
        else:
            runner = await start_http(app, host, port)
            log.warning("Slack: HTTP mode on %s:%d%s", host, port, EVENTS_PATH)
            try:
                await hub.lifecycle.stopping()
            finally:
                await runner.cleanup()  # no new requests; the ones being acked complete
        await hub.lifecycle.finish()
    finally:
        bot.close()
