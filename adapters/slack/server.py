"""Running the Slack adapter: Socket Mode, or HTTP mode with `/slack/events` and `/healthz`.

HTTP mode trusts nothing before the signature. A request is verified first (a numeric timestamp
within five minutes, and the HMAC of the raw bytes): anything else gets 401 and one log line,
without a byte of the body parsed. A verified body that is not what Slack sends gets 400. Only then
does bolt parse and dispatch it. Meanwhile the request is claimed by its signature in the store;
the listeners wait for that claim after their ack, so a replay within the five minutes, to any
replica, is acknowledged and ignored, and the store is never between Slack and its ack.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body
from slack_sdk.errors import SlackApiError

from adapters.slack.app import FIRST_DELIVERY, SlackBot, build_app
from adapters.slack.outbound import web_client
from adapters.slack.payloads import well_formed
from bot.config import Settings
from bot.hub import Hub
from bot.ports import PlatformStopped

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY = 1024 * 1024
MAX_SKEW = 300  # seconds between Slack's timestamp and ours, either way
TIMESTAMP = "X-Slack-Request-Timestamp"
SIGNATURE = "X-Slack-Signature"


class SlackNotConfigured(PlatformStopped):
    """A setting Slack needs is missing or was refused; the message says which."""


# What Slack answers for a token that no retry will make good.
REJECTED_TOKEN = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
     "not_allowed_token_type", "no_permission"}
)  # fmt: skip
MAX_BACKOFF = 60.0


async def check_token(hub: Hub, what: str, call: Callable[[], Awaitable[object]]) -> bool:
    """Call Slack once with a token before serving: a rejected token stops at once (one line), a
    network failure or an outage is retried with back-off, one log line each, until the hub is
    stopping (then False)."""
    delay = 1.0
    while True:
        try:
            await call()
            return True
        except SlackApiError as exc:
            error = str(exc.response.get("error", exc.response.status_code))
            if error in REJECTED_TOKEN:
                raise SlackNotConfigured(f"Slack refused {what} ({error}): check it") from None
            reason = f"Slack answered {error}"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            reason = f"cannot reach Slack ({type(exc).__name__}: {str(exc)[:120]})"
        log.warning("%s; trying again in %.0f s", reason, delay)
        try:
            await asyncio.wait_for(hub.lifecycle.stopping(), delay)
            return False
        except TimeoutError:
            delay = min(delay * 2, MAX_BACKOFF)


def refusal(secret: str, headers: Mapping[str, str], body: bytes, now: float) -> str | None:
    """Why a request is not from Slack, or None when its timestamp and signature are good."""
    stamp, signature = headers.get(TIMESTAMP, ""), headers.get(SIGNATURE, "")
    if not signature:
        return "not signed"
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
        return "no valid timestamp"
    if abs(now - int(stamp)) > MAX_SKEW:
        return "timestamp more than five minutes off"
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
    if not hmac.compare_digest(
        b"v0=" + digest.hexdigest().encode(), signature.encode(errors="replace")
    ):
        return "bad signature"
    return None


def parse(body: bytes, request: web.Request) -> AsyncBoltRequest | None:
    """The verified request for bolt, or None when its body is not what Slack sends."""
    try:
        text = body.decode()
        if not well_formed(parse_body(text, request.content_type)):
            return None
    except ValueError:  # not UTF-8, or JSON that does not parse
        return None
    return AsyncBoltRequest(body=text, query=request.query_string, headers=dict(request.headers))


async def first_time(bot: SlackBot, signature: str, stamp: str) -> bool:
    """Claim a verified request by its signature: False when any process claimed it before."""
    signed_at = datetime.fromtimestamp(int(stamp), UTC)
    claim = asyncio.to_thread(bot.requests.first_time, signature.removeprefix("v0="), signed_at)
    try:
        if await claim:
            return True
    except Exception as exc:  # the store is down: answer rather than leave Slack unanswered
        log.warning("could not claim a request (%s); answering it", type(exc).__name__)
        return True
    log.warning("ignored a replayed request (its signature was seen before)")
    return False


def http_app(app: AsyncApp, bot: SlackBot, signing_secret: str) -> web.Application:
    """Events, slash commands, interactivity and shortcuts at one URL, and a health check."""
    claims: set[asyncio.Task[bool]] = set()  # running claims (the loop keeps only weak references)

    async def events(request: web.Request) -> web.Response:
        body = await request.read()
        why = refusal(signing_secret, request.headers, body, time.time())
        if why:
            log.warning("refused a request from %s: %s", request.remote, why)
            return web.json_response({"error": "invalid request"}, status=401)
        parsed = parse(body, request)
        if parsed is None:
            log.warning("refused a signed request whose body is not what Slack sends")
            return web.json_response({"error": "malformed request"}, status=400)
        claim = asyncio.ensure_future(
            first_time(bot, request.headers[SIGNATURE], request.headers[TIMESTAMP])
        )
        claims.add(claim)
        claim.add_done_callback(claims.discard)
        parsed.context[FIRST_DELIVERY] = claim
        return await to_aiohttp_response(await app.async_dispatch(parsed))

    async def health(request: web.Request) -> web.Response:
        checks = await bot.health()
        ok = all(state == "ok" for state in checks.values())
        return web.json_response({"ok": ok, **checks}, status=200 if ok else 503)

    web_app = web.Application(client_max_size=MAX_BODY)
    web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get(HEALTH_PATH, health)
    return web_app


async def start_http(
    app: AsyncApp, bot: SlackBot, signing_secret: str, host: str, port: int
) -> web.AppRunner:
    """Start serving; stop with `await runner.cleanup()`. Port 0 picks a free port."""
    runner = web.AppRunner(http_app(app, bot, signing_secret), access_log=None)
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
    hub: Hub, settings: Settings, http: bool = False, port: int = 3000, host: str = "127.0.0.1"
) -> None:
    """Run until cancelled, or until the hub is stopping: then stop taking requests, answer what
    was acknowledged (up to the shutdown grace), and return. Socket Mode when SLACK_APP_TOKEN is
    set and --http not given.

    HTTP mode listens on `host`: 127.0.0.1 behind a reverse proxy, 0.0.0.0 on every interface.
    """
    socket_mode = bool(settings.slack_app_token) and not http
    check_settings(settings, http=not socket_mode)
    bot_client = web_client(settings.slack_bot_token, settings.slack_api_url, False)
    if not await check_token(hub, "SLACK_BOT_TOKEN", bot_client.auth_test):
        return
    app, bot = build_app(hub, settings, socket_mode=socket_mode)
    try:
        if socket_mode:
            handler = AsyncSocketModeHandler(app, settings.slack_app_token)
            log.warning("Slack: Socket Mode")
            try:
                if await check_token(hub, "SLACK_APP_TOKEN", handler.connect_async):
                    await hub.lifecycle.stopping()
            finally:
                await handler.close_async()  # type: ignore[no-untyped-call]
        else:
            runner = await start_http(app, bot, settings.slack_signing_secret or "", host, port)
            log.warning("Slack: HTTP mode on %s:%d%s", host, port, EVENTS_PATH)
            try:
                await hub.lifecycle.stopping()
            finally:
                await runner.cleanup()  # no new requests; the ones being acked complete
        await hub.lifecycle.finish()
    finally:
        bot.close()
