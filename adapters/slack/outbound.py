"""The core's Outbound port on Slack's Web API, and the Web API client itself.

The client retries connection errors on its own, and 429 answers (after Retry-After) too, except
the client behind the core's outbound port (`port_outbound`): there a 429 comes out at once as
DeliveryError(retry_after), so a job frees its claim before it waits. What still fails becomes a
DeliveryError: permanent for errors that retrying cannot fix, else with retry_after.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.blocks import SlackMessage, render
from bot.ports import DeliveryError, MessageRef
from bot.replies import Reply

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
RATE_LIMIT_RETRIES = 2

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


def retry_handlers(rate_limits: bool = True) -> list[Any]:
    handlers: list[Any] = [AsyncConnectionErrorRetryHandler()]
    if rate_limits:
        handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return handlers


def web_client(
    token: str | None, api_url: str | None = None, retry_rate_limits: bool = True
) -> AsyncWebClient:
    base_url = api_url or DEFAULT_API_URL
    if not base_url.endswith("/"):
        base_url += "/"
    return AsyncWebClient(
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
        first: str | None = None
        for message in render(reply):
            response = await deliver(
                self.client.chat_postMessage,
                channel=channel_id,
                thread_ts=thread_id,
                **message_args(message),
            )
            first = first or str(response["ts"])
            channel_id = str(response.get("channel") or channel_id)
        assert first is not None
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
        for message in rest:  # what does not fit goes to the message's thread
            await deliver(
                self.client.chat_postMessage,
                channel=ref.channel_id,
                thread_ts=ref.thread_id or ref.message_id,
                **message_args(message),
            )

    async def send_private(self, user_id: str, reply: Reply, channel_id: str | None = None) -> None:
        if channel_id:
            for message in render(reply):
                await deliver(
                    self.client.chat_postEphemeral,
                    channel=channel_id,
                    user=user_id,
                    **message_args(message),
                )
            return
        opened = await deliver(self.client.conversations_open, users=user_id)
        await self.post(str(opened["channel"]["id"]), reply)


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
