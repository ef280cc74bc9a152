"""The bolt app: Slack events in, core calls, Block Kit out.

Every listener acknowledges first (Slack wants an answer within 3 seconds) and then runs the
synchronous core in a worker thread; answers go back through the response_url or the Web API.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.channels import channel_check
from adapters.slack.blocks import ACTION_PREFIX, parse_action_id, render
from adapters.slack.channels import channel_access
from adapters.slack.events import EventClaims
from adapters.slack.home import home_view
from adapters.slack.mrkdwn import from_slack
from adapters.slack.outbound import (
    SlackOutbound,
    port_outbound,
    send_to_response_url,
    web_client,
)
from bot.commands import COMMANDS, ChatContext
from bot.config import Settings
from bot.daily import record_thread_answer
from bot.hub import Hub
from bot.lifecycle import tracked
from bot.ports import DeliveryError
from bot.replies import Reply, Visibility

log = logging.getLogger(__name__)
T = TypeVar("T")

PLATFORM = "slack"
FIND_FIX_CALLBACK = "find_fix"
CORE_THREADS = 1
MAX_RESPONSES = 5  # a response_url takes at most five messages
MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
# Errno names (EPERM, ENOENT) only in capitals: under IGNORECASE they matched `event`.
LOOKS_LIKE_ERROR = re.compile(
    r"error|exception|traceback|fatal|failed|panic:|errno|warning:|(?-i:\bE[A-Z]{4,}\b)"
    r"|\bat .+:\d+",
    re.IGNORECASE,
)
SORRY = "Something went wrong on our side; it has been logged."
NOT_IN_CHANNEL = "Invite me to this channel (`/invite @HubBot`) and I will answer in its threads."


class ChannelManagers:
    """Whether someone may manage channel settings: SLACK_ADMINS, or a workspace admin/owner."""

    def __init__(self, client: AsyncWebClient, admins: str, ttl: float = 600.0) -> None:
        self.client = client
        self.admins = {a.strip() for a in re.split(r"[,\s]+", admins) if a.strip()}
        self.ttl = ttl
        self.cache: dict[str, tuple[bool, float]] = {}

    async def can_manage(self, user_id: str) -> bool:
        if user_id in self.admins:
            return True
        cached = self.cache.get(user_id)
        if cached and cached[1] > time.monotonic():
            return cached[0]
        try:
            info = await self.client.users_info(user=user_id)
            user = info.get("user") or {}
            allowed = bool(user.get("is_admin") or user.get("is_owner"))
        except SlackApiError as exc:
            log.warning("users.info %s failed: %s", user_id, exc.response.get("error"))
            return False
        self.cache[user_id] = (allowed, time.monotonic() + self.ttl)
        return allowed


def mention_command(text: str) -> str:
    """`@HubBot <text>` as a core command: a command as typed, an error lookup, or a search."""
    text = text.strip()
    first = text.split(maxsplit=1)[0].lower() if text else ""
    if not text or first in COMMANDS or first in {"/hub", "hub"}:
        return text
    return ("error " if LOOKS_LIKE_ERROR.search(text) else "search ") + text


def message_text(message: dict[str, Any]) -> str:
    """All the text of a message: its text, its attachments' and its section blocks' (alerts
    from CI and monitoring bots carry the error there; a person's rich_text repeats the text)."""
    parts: list[str] = [str(message.get("text") or "")]
    for attachment in message.get("attachments") or []:
        parts += [str(attachment.get(k) or "") for k in ("pretext", "title", "text")]
        parts += [str(f.get("value") or "") for f in attachment.get("fields") or []]
        for block in attachment.get("blocks") or []:
            parts.append(block_text(block))
    parts += [block_text(block) for block in message.get("blocks") or []]
    return "\n".join(p for p in parts if p.strip())


def block_text(block: dict[str, Any]) -> str:
    texts = [block.get("text"), *(block.get("fields") or []), *(block.get("elements") or [])]
    return "\n".join(str(t.get("text") or "") for t in texts if isinstance(t, dict) and "text" in t)


def in_public(reply: Reply) -> Reply:
    return dataclasses.replace(reply, visibility=Visibility.channel)


class SlackBot:
    """The listeners, and what they share: the hub, the Web API client, caches."""

    def __init__(self, hub: Hub, client: AsyncWebClient, admins: str = "") -> None:
        self.hub = hub
        self.client = client
        self.outbound = SlackOutbound(client)
        self.managers = ChannelManagers(client, admins)
        self.events = EventClaims(hub.engine)
        # One thread: the core is mostly CPU-bound Python, and every thread running it competes
        # with the event loop for the GIL, delaying acks (see docs/benchmarks.md).
        self.core = ThreadPoolExecutor(max_workers=CORE_THREADS, thread_name_prefix="hub-core")

    def close(self) -> None:
        """Stop the core's thread once its current call is done."""
        self.core.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------ the core

    async def context(
        self, user: str, name: str, channel: str, team: str, thread: str | None = None
    ) -> ChatContext:
        can_manage = await self.managers.can_manage(user)
        return ChatContext(
            platform=PLATFORM,
            user_id=user,
            user_name=name,
            channel_id=channel,
            thread_id=thread,
            workspace_id=team,
            can_manage_channel=can_manage,
            check_channel=channel_check(partial(channel_access, self.client, team, can_manage)),
        )

    async def run(self, ctx: ChatContext, text: str) -> Reply:
        return await self.in_core(self.hub.handle, ctx, text)

    async def in_core(self, call: Callable[..., T], *args: Any) -> T:
        """Run the synchronous core (or the store) off the event loop, in its own thread."""
        return await asyncio.get_running_loop().run_in_executor(self.core, call, *args)

    async def respond(self, url: str, reply: Reply, replace: bool = False) -> bool:
        messages = render(reply)
        if len(messages) > MAX_RESPONSES:
            log.warning("reply of %d messages cut to %d", len(messages), MAX_RESPONSES)
        ok = True
        for number, message in enumerate(messages[:MAX_RESPONSES]):
            sent = await send_to_response_url(
                url, message, public=not reply.private, replace=replace and number == 0
            )
            ok = ok and sent
        return ok

    # ------------------------------------------------------------ listeners

    @tracked
    async def on_command(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        ctx = await self.context(
            body.get("user_id", ""),
            body.get("user_name", ""),
            body.get("channel_id", ""),
            body.get("team_id", ""),
        )
        reply = await self.run(ctx, "/hub " + from_slack(body.get("text", "")))
        await self.respond(body["response_url"], reply)

    @tracked
    async def on_button(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        name = parse_action_id(action.get("action_id", ""))
        user = body.get("user") or {}
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id", "") or container.get("channel_id", "")
        ctx = await self.context(
            user.get("id", ""),
            user.get("username") or user.get("name", ""),
            channel,
            (body.get("team") or {}).get("id", ""),
            container.get("thread_ts"),
        )
        if name is None:
            reply = Reply(text="That button no longer does anything.", error=True)
        else:
            value = str(action.get("value", ""))
            reply = await self.in_core(self.hub.handle_action, ctx, name, value)
        url = body.get("response_url")
        if not url:  # a button on the Home tab: answer in a direct message
            await self.deliver_privately(ctx, reply)
            return
        # Replace in place only what the clicker alone sees (ephemeral, or in a DM with HubBot),
        # never a message the channel shares.
        own = bool(container.get("is_ephemeral")) or channel.startswith("D")
        replace = reply.replace and not reply.error and own
        await self.respond(url, reply, replace=replace)

    @tracked
    async def on_find_fix(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id", "")
        thread = message.get("thread_ts") or message.get("ts")
        user = body.get("user") or {}
        ctx = await self.context(
            user.get("id", ""),
            user.get("username") or user.get("name", ""),
            channel,
            (body.get("team") or {}).get("id", ""),
            thread,
        )
        text = from_slack(message_text(message)).strip()
        if not text:
            reply = Reply(text="That message has no text for me to look up.", error=True)
        else:
            reply = await self.run(ctx, "error " + text)
        url = body.get("response_url", "")
        if reply.error or not reply.cards:  # nothing to add to the thread: tell the asker only
            await self.respond(url, reply)
            return
        try:
            await self.outbound.post(channel, in_public(reply), thread_id=thread)
        except DeliveryError as exc:
            log.info("find-a-fix thread answer failed: %s", exc)
            note = NOT_IN_CHANNEL if exc.permanent else "I could not answer in the thread."
            await self.respond(url, Reply(text=f"{note}\n{reply.text}", cards=reply.cards))

    @tracked
    async def on_mention(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        # Events are acknowledged by bolt before this runs.
        event_id = str(body.get("event_id") or "")
        if event_id and not await self.in_core(self.events.first_time, event_id):
            log.info("event %s answered before: this delivery is a retry, ignored", event_id)
            return
        channel = event.get("channel", "")
        thread = event.get("thread_ts") or event.get("ts")
        ctx = await self.context(
            event.get("user", ""), "", channel, body.get("team_id", ""), thread
        )
        text = from_slack(MENTION.sub(" ", event.get("text", "")))
        reply = await self.run(ctx, mention_command(text))
        try:
            await self.outbound.post(channel, in_public(reply), thread_id=thread)
        except DeliveryError as exc:
            log.warning("mention answer in %s failed: %s", channel, exc)

    @tracked
    async def on_message(self, event: dict[str, Any]) -> None:
        """A person's reply in a thread may be an answer to a daily question."""
        thread = event.get("thread_ts")
        if not thread or thread == event.get("ts") or event.get("bot_id") or event.get("subtype"):
            return
        await self.in_core(
            record_thread_answer, self.hub.engine, PLATFORM, str(event.get("channel", "")),
            str(thread), str(event.get("user", "")),
        )  # fmt: skip

    @tracked
    async def on_home_opened(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event.get("user", "")
        ctx = await self.context(user, "", "", body.get("team_id", ""))
        try:
            await self.client.views_publish(user_id=user, view=await home_view(self.run, ctx))
        except SlackApiError as exc:
            log.warning("views.publish for %s failed: %s", user, exc.response.get("error"))

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        """A listener failed after its ack: log it, and tell the asker in one line."""
        log.error("Slack listener failed", exc_info=error)
        url = body.get("response_url") if isinstance(body, dict) else None
        if url:
            await self.respond(url, Reply(text=SORRY, error=True))

    async def deliver_privately(self, ctx: ChatContext, reply: Reply) -> None:
        try:
            await self.outbound.send_private(ctx.user_id, reply)
        except DeliveryError as exc:
            log.warning("direct message to %s failed: %s", ctx.user_id, exc)


def build_app(
    hub: Hub,
    settings: Settings,
    client: AsyncWebClient | None = None,
    socket_mode: bool = False,
) -> tuple[AsyncApp, SlackBot]:
    """The bolt app with every listener registered, and the bot behind it."""
    client = client or web_client(settings.slack_bot_token, settings.slack_api_url)
    app = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        # Socket Mode needs no signing secret; HTTP mode always verifies signatures.
        request_verification_enabled=not socket_mode,
    )
    bot = SlackBot(hub, client, settings.slack_admins)
    app.command("/hub")(bot.on_command)
    app.action(re.compile("^" + re.escape(ACTION_PREFIX)))(bot.on_button)
    app.shortcut(FIND_FIX_CALLBACK)(bot.on_find_fix)
    app.event("app_mention")(bot.on_mention)
    app.event("app_home_opened")(bot.on_home_opened)
    app.event("message")(bot.on_message)
    app.error(bot.on_error)
    hub.outbound[PLATFORM] = port_outbound(settings.slack_bot_token, settings.slack_api_url)
    return app, bot
