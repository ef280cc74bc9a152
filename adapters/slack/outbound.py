"""The core's Outbound port on Slack's Web API, and the Web API client itself.

The client retries connection errors and 5xx answers (with back-off) on its own, and 429 answers
(after Retry-After) too, except the client behind the core's outbound port (`port_outbound`):
there a 429 comes out at once as DeliveryError(retry_after), so a job frees its claim before it
waits. What still fails becomes a DeliveryError: permanent for errors that retrying cannot fix,
else with retry_after. An answer that is not Slack's JSON (a proxy's or load balancer's error
page) is a DeliveryError too, worth retrying when its status was 5xx.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.blocks import SlackMessage, render
from bot.ports import DeliveryError, MessageRef
from bot.replies import Reply

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
RATE_LIMIT_RETRIES = 2
SERVER_ERROR_RETRIES = 2  # after about 0.5–1.5 s and 1–2 s (exponential back-off with jitter)

# Errors that mean the message can never be delivered as asked, however often we try.
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "cant_update_message",
        "channel_not_found",
        "edit_window_closed",
        "invalid_auth",
        "invalid_blocks",
        "is_archived",
        "message_not_found",
        "missing_scope",
        "msg_blocks_too_long",
        "msg_too_long",
        "no_permission",
        "not_authed",
        "not_in_channel",
        "restricted_action",
        "team_access_not_granted",
        "token_revoked",
        "user_not_found",
        "user_not_in_channel",
    }
)


class ServerErrorRetryHandler(AsyncRetryHandler):
    """Retry any 5xx answer (slack_sdk's own handler retries only 500 and 503), also one whose
    body claims to be JSON and is not (slack_sdk raises on it, with aiohttp's response)."""

    async def _can_retry_async(
        self, *, response: Any = None, error: Exception | None = None, **_: Any
    ) -> bool:
        if error is not None:
            return int(getattr(getattr(error, "response", None), "status", 0)) >= 500
        return response is not None and response.status_code >= 500


def retry_handlers(rate_limits: bool = True) -> list[Any]:
    handlers: list[Any] = [
        AsyncConnectionErrorRetryHandler(),
        ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
    ]
    if rate_limits:
        handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return handlers


def not_slack_json(api_url: str, status: int) -> DeliveryError:
    method = api_url.rstrip("/").rsplit("/", 1)[-1]
    return DeliveryError(
        f"{method}: HTTP {status}, an answer that is not Slack's JSON",
        permanent=status < 500 and status != 429,
    )


class WebClient(AsyncWebClient):
    """slack_sdk's client, except that an answer which is not a JSON object (slack_sdk fails on a
    text/plain one with AttributeError) raises a DeliveryError saying what came back."""

    async def _request(self, *, http_verb: str, api_url: str, req_args: Any) -> Any:
        try:
            response = await super()._request(
                http_verb=http_verb, api_url=api_url, req_args=req_args
            )
        except SlackApiError as exc:
            if isinstance(exc.response, AsyncSlackResponse):
                raise
            # A body declared as JSON that does not parse: the response is aiohttp's own.
            raise not_slack_json(api_url, int(getattr(exc.response, "status", 0))) from exc
        data = response.get("data")
        if not isinstance(data, (dict, bytes)) or data == {}:
            raise not_slack_json(api_url, int(response.get("status_code", 0)))
        return response


def web_client(
    token: str | None, api_url: str | None = None, retry_rate_limits: bool = True
) -> AsyncWebClient:
    base_url = api_url or DEFAULT_API_URL
    if not base_url.endswith("/"):
        base_url += "/"
    return WebClient(
        token=token, base_url=base_url, retry_handlers=retry_handlers(retry_rate_limits)
    )


def webhook_client(url: str) -> AsyncWebhookClient:
    """A client for one response_url, retrying 429s like the Web API client."""
    return AsyncWebhookClient(url=url, retry_handlers=retry_handlers())


def retry_after(error: SlackApiError) -> float | None:
    headers = {k.lower(): v for k, v in (error.response.headers or {}).items()}
    value = headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


async def deliver(call: Callable[..., Awaitable[Any]], **kwargs: Any) -> Any:
    """Call one Web API method; every failure comes out as a DeliveryError."""
    name = getattr(call, "__name__", "call")
    try:
        return await call(**kwargs)
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown_error"))
        if exc.response.status_code == 429:
            raise DeliveryError(f"{name}: rate limited", retry_after=retry_after(exc)) from exc
        raise DeliveryError(f"{name}: {error}", permanent=error in PERMANENT_ERRORS) from exc
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"{name}: {type(exc).__name__}: {exc}") from exc


def message_args(message: SlackMessage) -> dict[str, Any]:
    args: dict[str, Any] = {"text": message.text, "unfurl_links": False, "unfurl_media": False}
    if message.blocks:
        args["blocks"] = message.blocks
    return args


class SlackOutbound:
    """Post, thread, update and whisper on Slack for the core and its jobs."""

    platform = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def post(self, channel_id: str, reply: Reply, thread_id: str | None = None) -> MessageRef:
        channel_id, first = await self.send(channel_id, render(reply), thread_id=thread_id)
        return MessageRef(self.platform, channel_id, first, thread_id)

    async def start_thread(self, channel_id: str, reply: Reply, name: str) -> MessageRef:
        # Slack threads have no name: the thread is the replies to the first message.
        ref = await self.post(channel_id, reply)
        return MessageRef(self.platform, ref.channel_id, ref.message_id, ref.message_id)

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        first, *rest = render(reply)
        await deliver(
            self.client.chat_update,
            channel=ref.channel_id,
            ts=ref.message_id,
            **message_args(first),
        )
        if rest:  # what does not fit goes to the message's thread
            await self.send(ref.channel_id, rest, thread_id=ref.thread_id or ref.message_id)

    async def send_private(self, user_id: str, reply: Reply, channel_id: str | None = None) -> None:
        if channel_id:
            await self.send(channel_id, render(reply), user_id=user_id)
        else:
            await self.send_direct(user_id, render(reply))

    async def send(
        self,
        channel_id: str,
        messages: list[SlackMessage],
        thread_id: str | None = None,
        user_id: str | None = None,
    ) -> tuple[str, str]:
        """Post `messages` in order, ephemeral to `user_id` when given; the channel's id and the
        first message's ts."""
        first = ""
        for message in messages:
            if user_id:
                response = await deliver(
                    self.client.chat_postEphemeral,
                    channel=channel_id,
                    user=user_id,
                    thread_ts=thread_id,
                    **message_args(message),
                )
            else:
                response = await deliver(
                    self.client.chat_postMessage,
                    channel=channel_id,
                    thread_ts=thread_id,
                    **message_args(message),
                )
                channel_id = str(response.get("channel") or channel_id)
            first = first or str(response.get("ts") or response.get("message_ts") or "")
        return channel_id, first

    async def time_zone(self, user_id: str) -> str | None:
        info = await deliver(self.client.users_info, user=user_id)
        name = (info.get("user") or {}).get("tz")
        return str(name) if name else None

    async def send_direct(self, user_id: str, messages: list[SlackMessage]) -> None:
        """Post `messages` in the direct message conversation between HubBot and `user_id`."""
        opened = await deliver(self.client.conversations_open, users=user_id)
        await self.send(str(opened["channel"]["id"]), messages)


def port_outbound(token: str | None, api_url: str | None = None) -> SlackOutbound:
    """The outbound port for the core and its jobs (`hub.outbound`). Its client never sleeps out
    a 429 inside the call: a post's row would sit in `sending` while nothing is in flight."""
    return SlackOutbound(web_client(token, api_url, retry_rate_limits=False))


async def send_to_response_url(
    url: str, message: SlackMessage, *, public: bool, replace: bool
) -> bool:
    """Answer through a response_url (valid 30 minutes, 5 times); False when Slack refused it."""
    body: dict[str, Any] = {
        **message_args(message),
        "response_type": "in_channel" if public else "ephemeral",
        "replace_original": replace,
    }
    try:
        response = await webhook_client(url).send_dict(body)
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        log.warning("response_url failed: %s", exc)
        return False
    if response.status_code != 200:
        log.warning("response_url answered %s: %s", response.status_code, response.body[:200])
        return False
    return True
