"""The bolt app: Slack events in, core calls, Block Kit out.

Every listener acknowledges first (Slack wants an answer within 3 seconds) and then runs the
synchronous core on a few worker threads, so one slow database call holds up only its own asker;
answers go back through the response_url or the Web API. A submitted form is the exception: its
acknowledgement carries the problems the core found, so the core checks it first.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, NamedTuple, TypeVar

from slack_bolt.async_app import AsyncApp
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.channels import channel_check
from adapters.forms import joined
from adapters.references import named_references, neutral_references, people_named
from adapters.slack.blocks import ACTION_PREFIX, SlackMessage, parse_action_id, render
from adapters.slack.channels import channel_access, in_team
from adapters.slack.claims import event_claims, request_claims
from adapters.slack.forms import (
    BOX_LIMIT,
    VIEW_CALLBACK,
    Origin,
    modal,
    shown_form,
    typed_values,
    view_errors,
)
from adapters.slack.home import home_view
from adapters.slack.mrkdwn import fenced, from_slack
from adapters.slack.outbound import (
    SlackOutbound,
    deliver,
    port_outbound,
    send_to_response_url,
    web_client,
)
from bot.commands import ChatContext, ThreadMessage
from bot.config import Settings
from bot.hub import Hub
from bot.lifecycle import tracked
from bot.ports import DeliveryError
from bot.replies import Reply, Visibility

log = logging.getLogger(__name__)
T = TypeVar("T")

PLATFORM = "slack"
# In a request's bolt context (HTTP mode): whether this is the request's first delivery anywhere,
# once the store has said so (adapters/slack/server.py). Listeners ask after their ack.
FIRST_DELIVERY = "hub_first_delivery"
FIND_FIX_CALLBACK = "find_fix"
SAVE_THREAD_CALLBACK = "save_to_hub"
THREAD_MESSAGES = 50  # the messages of a thread *Save to hub* reads, from its first
# The core's threads: a call stuck on the store (for at most HUB_DB_STATEMENT_TIMEOUT) holds one of
# them, not every asker. But one call starts at a time, and the next only when it ends or has run
# CORE_PATIENCE seconds (then it is most likely waiting on the store): every thread computing at
# once would starve the event loop of the GIL and delay acks (docs/benchmarks.md).
CORE_THREADS = 4
CORE_PATIENCE = 0.5
MAX_RESPONSES = 5  # a response_url takes at most five messages
USERS_INFO_TIMEOUT = 2.0  # seconds Slack gets to say who someone is
NAMES_TIMEOUT = 1.0  # seconds Slack gets to name a thread's people (a form opens within 3 s)
NAMES_ASKED = 50  # people named in one go: a message can mention thousands
HEALTH_TIMEOUT = 2.0  # seconds each /healthz check gets
MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
SORRY = "Something went wrong on our side; it has been logged."
NOT_IN_CHANNEL = "Invite me to this channel (`/invite @HubBot`) and I will answer in its threads."
NO_FORM = "Slack would not open the form just now; try again."
THREAD_ELSEWHERE = "I can only save a thread from a channel of this workspace that I can see."
THREAD_NOT_JOINED = "Invite me to this channel (`/invite @HubBot`) so I can read the thread."
THREAD_GONE = "That thread is gone: I cannot find its first message."
THREAD_UNREADABLE = "I could not read that thread; try again in a minute."
# Why conversations.replies refused, in the words the asker needs (else THREAD_UNREADABLE).
THREAD_REFUSALS = {
    "not_in_channel": THREAD_NOT_JOINED,
    "channel_not_found": THREAD_ELSEWHERE,
    "missing_scope": THREAD_ELSEWHERE,  # a direct message: HubBot reads channels only
    "thread_not_found": THREAD_GONE,
}
RIGHTS_UNKNOWN = (
    "I could not ask Slack whether you may manage this channel (Slack did not answer); "
    "try again in a minute."
)


class SlackUser(NamedTuple):
    """What HubBot needs to know of someone, from users.info."""

    admin: bool  # a workspace admin or owner
    name: str  # as Slack shows it; "" when it gives none


class SlackUsers:
    """Who people are, as users.info says, cached for `ttl` seconds: whether they may manage
    channels, and their names."""

    def __init__(self, client: AsyncWebClient, ttl: float = 600.0) -> None:
        self.client = client
        self.ttl = ttl
        self.cache: dict[str, tuple[SlackUser, float]] = {}

    async def of(self, user_id: str) -> SlackUser:
        """Raises DeliveryError when Slack will not say."""
        cached = self.cache.get(user_id)
        if cached and cached[1] > time.monotonic():
            return cached[0]
        info = await deliver(self.client.users_info, user=user_id)
        user = info.get("user") or {}
        profile = user.get("profile") or {}
        name = ""
        for given in (profile.get("display_name"), profile.get("real_name"), user.get("name")):
            if isinstance(given, str) and given.strip():
                name = " ".join(given.split())[:80]
                break
        found = SlackUser(bool(user.get("is_admin") or user.get("is_owner")), name)
        self.cache[user_id] = (found, time.monotonic() + self.ttl)
        return found

    async def names(self, user_ids: list[str]) -> dict[str, str]:
        """The names of these people (the first NAMES_ASKED); whoever Slack does not name within
        NAMES_TIMEOUT (or at all) is not in the answer."""
        people = list(dict.fromkeys(user_ids))[:NAMES_ASKED]
        asking = {u: asyncio.create_task(self.of(u)) for u in people}
        if asking:
            await asyncio.wait(asking.values(), timeout=NAMES_TIMEOUT)
        known = {}
        for user_id, task in asking.items():
            if not task.done():
                task.cancel()
            elif (failed := task.exception()) is not None:
                log.info("users.info %s failed: %s", user_id, failed)
            elif name := task.result().name:
                known[user_id] = name
        return known


class ChannelManagers:
    """Whether someone may manage channel settings: SLACK_ADMINS, or a workspace admin/owner.

    None means Slack could not say (it failed, limited the rate or took longer than
    USERS_INFO_TIMEOUT): not known, so not allowed.
    """

    def __init__(self, users: SlackUsers, admins: str) -> None:
        self.users = users
        self.admins = {a.strip() for a in re.split(r"[,\s]+", admins) if a.strip()}

    async def can_manage(self, user_id: str) -> bool | None:
        if user_id in self.admins:
            return True
        try:
            user = await asyncio.wait_for(self.users.of(user_id), USERS_INFO_TIMEOUT)
        except TimeoutError:
            log.warning("users.info %s: no answer within %g s", user_id, USERS_INFO_TIMEOUT)
            return None
        except DeliveryError as exc:
            log.warning("users.info %s failed: %s", user_id, exc)
            return False if exc.permanent else None
        return user.admin


class AskSlack:
    """`ChatContext.ask_can_manage` for one request: the core's thread asks on the event loop."""

    def __init__(
        self, managers: ChannelManagers, user_id: str, loop: asyncio.AbstractEventLoop
    ) -> None:
        self.managers = managers
        self.user_id = user_id
        self.loop = loop
        self.unknown = False

    def __call__(self) -> bool:
        asked = asyncio.run_coroutine_threadsafe(self.on_loop(), self.loop)
        try:
            return asked.result(timeout=USERS_INFO_TIMEOUT + 1)
        except TimeoutError:  # the loop is not running the question (shutting down)
            asked.cancel()
            self.unknown = True
            return False

    async def on_loop(self) -> bool:
        """The same question, asked on the event loop (for a channel a command names)."""
        answer = await self.managers.can_manage(self.user_id)
        self.unknown = answer is None
        return bool(answer)


async def health_check(call: Awaitable[Any]) -> str:
    """Say "ok" when `call` succeeds in time, or in a few words why it did not."""
    try:
        await asyncio.wait_for(call, HEALTH_TIMEOUT)
    except TimeoutError:
        return f"no answer within {HEALTH_TIMEOUT:g} s"
    except Exception as exc:
        reason = str(exc).partition("\n")[0]
        return f"{type(exc).__name__}: {reason}"[:200]
    return "ok"


def typed_text(text: str) -> str:
    """What a person typed, as the core reads it: Slack's markup undone, people and channels
    as `@id` and `#id`."""
    return from_slack(neutral_references(text))


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


def ref_id(value: Any) -> str:
    """The id of a user, team or channel, which Slack gives as an id or as an object with one."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def user_name(user: Any) -> str:
    return str(user.get("username") or user.get("name") or "") if isinstance(user, dict) else ""


def in_public(reply: Reply) -> Reply:
    return dataclasses.replace(reply, visibility=Visibility.channel)


class SlackBot:
    """The listeners, and what they share: the hub, the Web API client, caches."""

    def __init__(self, hub: Hub, client: AsyncWebClient, admins: str = "") -> None:
        self.hub = hub
        self.client = client
        self.outbound = SlackOutbound(client)
        self.users = SlackUsers(client)
        self.managers = ChannelManagers(self.users, admins)
        self.events = event_claims(hub)
        self.requests = request_claims(hub)
        self.core = ThreadPoolExecutor(max_workers=CORE_THREADS, thread_name_prefix="hub-core")
        self.starting = asyncio.Lock()

    def close(self) -> None:
        """Stop the core's threads once their current calls are done."""
        self.core.shutdown(wait=False, cancel_futures=True)

    async def health(self) -> dict[str, str]:
        """Whether the store answers, and Slack's Web API (with our token): "ok" or why not."""
        store, slack = await asyncio.gather(
            health_check(asyncio.to_thread(self.hub.ping)),
            health_check(deliver(self.client.auth_test)),
        )
        return {"store": store, "slack": slack}

    # ------------------------------------------------------------ the core

    def context(
        self, user: str, name: str, channel: str, team: str, thread: str | None = None
    ) -> ChatContext:
        ask = AskSlack(self.managers, user, asyncio.get_running_loop())
        return ChatContext(
            platform=PLATFORM,
            user_id=user,
            user_name=name,
            channel_id=channel,
            thread_id=thread,
            workspace_id=team,
            ask_can_manage=ask,
            check_channel=channel_check(partial(channel_access, self.client, team, ask.on_loop)),
        )

    async def run(self, ctx: ChatContext, text: str) -> Reply:
        return explained(ctx, await self.in_core(self.hub.handle, ctx, text))

    async def in_core(self, call: Callable[..., T], *args: Any) -> T:
        """Run the synchronous core (or the store) off the event loop, on the core's threads."""
        async with self.starting:  # until the call ends or has run CORE_PATIENCE seconds
            running = asyncio.get_running_loop().run_in_executor(self.core, call, *args)
            await asyncio.wait({running}, timeout=CORE_PATIENCE)
        return await running

    async def respond(
        self, url: str, reply: Reply, ctx: ChatContext | None = None, replace: bool = False
    ) -> None:
        """Answer through a response_url; what passes its five messages follows by the Web API."""
        messages = render(reply)
        for number, message in enumerate(messages[:MAX_RESPONSES]):
            await send_to_response_url(
                url, message, public=not reply.private, replace=replace and number == 0
            )
        rest = messages[MAX_RESPONSES:]
        if rest and ctx is not None:
            await self.continue_reply(ctx, rest, public=not reply.private)

    async def continue_reply(
        self, ctx: ChatContext, messages: list[SlackMessage], public: bool
    ) -> None:
        """The rest of a long reply where its asker sees it: in the channel (to the asker alone
        unless the reply is public), or in a direct message where HubBot may not post."""
        try:
            await self.outbound.send(
                ctx.channel_id,
                messages,
                thread_id=ctx.thread_id,
                user_id=None if public else ctx.user_id,
            )
            return
        except DeliveryError as exc:
            if not exc.permanent:
                log.warning("the rest of a long reply to %s failed: %s", ctx.user_id, exc)
                return
        try:
            await self.outbound.send_direct(ctx.user_id, messages)
        except DeliveryError as exc:
            log.warning("the rest of a long reply to %s failed: %s", ctx.user_id, exc)

    # ------------------------------------------------------------ listeners

    async def replayed(self, context: dict[str, Any]) -> bool:
        """Whether this request was delivered before (to any replica): then it is not answered."""
        first: Awaitable[bool] | None = context.get(FIRST_DELIVERY)
        return first is not None and not await first

    @tracked
    async def on_command(self, ack: Any, body: dict[str, Any], context: dict[str, Any]) -> None:
        await ack()
        if await self.replayed(context):
            return
        ctx = self.context(
            body.get("user_id", ""),
            body.get("user_name", ""),
            body.get("channel_id", ""),
            body.get("team_id", ""),
        )
        reply = await self.run(ctx, "/hub " + typed_text(body.get("text", "")))
        if reply.form is not None:
            await self.open_form(
                str(body.get("trigger_id") or ""), reply, ctx, body["response_url"]
            )
            return
        await self.respond(body["response_url"], reply, ctx)

    @tracked
    async def on_button(
        self, ack: Any, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]
    ) -> None:
        await ack()
        if await self.replayed(context):
            return
        name = parse_action_id(action.get("action_id", ""))
        container = body.get("container") or {}
        channel = ref_id(body.get("channel")) or container.get("channel_id") or ""
        ctx = self.context(
            ref_id(body.get("user")),
            user_name(body.get("user")),
            channel,
            ref_id(body.get("team")),
            container.get("thread_ts"),
        )
        if name is None:
            reply = Reply(text="That button no longer does anything.", error=True)
        else:
            value = str(action.get("value", ""))
            reply = explained(ctx, await self.in_core(self.hub.handle_action, ctx, name, value))
        url = body.get("response_url")
        if reply.form is not None:
            await self.open_form(str(body.get("trigger_id") or ""), reply, ctx, url)
            return
        if not url:  # a button on the Home tab: answer in a direct message
            await self.deliver_privately(ctx, reply)
            return
        # Replace in place only what the clicker alone sees (ephemeral, or in a DM with HubBot),
        # never a message the channel shares.
        own = bool(container.get("is_ephemeral")) or channel.startswith("D")
        replace = reply.replace and not reply.error and own
        await self.respond(url, reply, ctx, replace=replace)

    @tracked
    async def on_find_fix(self, ack: Any, body: dict[str, Any], context: dict[str, Any]) -> None:
        await ack()
        if await self.replayed(context):
            return
        message = body.get("message") or {}
        channel = ref_id(body.get("channel"))
        thread = message.get("thread_ts") or message.get("ts")
        ctx = self.context(
            ref_id(body.get("user")),
            user_name(body.get("user")),
            channel,
            ref_id(body.get("team")),
            thread,
        )
        text = typed_text(message_text(message)).strip()
        if not text:
            reply = Reply(text="That message has no text for me to look up.", error=True)
        else:
            reply = await self.run(ctx, "error " + text)
        url = body.get("response_url", "")
        if reply.error or not reply.cards:  # nothing to add to the thread: tell the asker only
            await self.respond(url, reply, ctx)
            return
        try:
            await self.outbound.post(channel, in_public(reply), thread_id=thread)
        except DeliveryError as exc:
            log.info("find-a-fix thread answer failed: %s", exc)
            note = NOT_IN_CHANNEL if exc.permanent else "I could not answer in the thread."
            await self.respond(url, Reply(text=f"{note}\n{reply.text}", cards=reply.cards), ctx)

    @tracked
    async def on_save_thread(self, ack: Any, body: dict[str, Any], context: dict[str, Any]) -> None:
        """*Save to hub* on a message: its thread drafted as an error entry, in a form."""
        await ack()
        if await self.replayed(context):
            return
        message = body.get("message") or {}
        ctx = self.context(
            ref_id(body.get("user")),
            user_name(body.get("user")),
            ref_id(body.get("channel")),
            ref_id(body.get("team")),
            message.get("thread_ts") or message.get("ts") or "",
        )
        read = await self.thread_messages(ctx)
        if isinstance(read, str):
            reply = Reply(text=read, error=True)
        else:
            reply = explained(ctx, await self.in_core(self.hub.save_thread, ctx, read))
        await self.open_form(
            str(body.get("trigger_id") or ""), reply, ctx, body.get("response_url")
        )

    async def thread_messages(self, ctx: ChatContext) -> list[ThreadMessage] | str:
        """The messages of the asker's thread, from its first; or why they cannot be read."""
        if not ctx.thread_id or not await in_team(self.client, ctx.workspace_id, ctx.channel_id):
            return THREAD_ELSEWHERE
        try:
            found = await deliver(
                self.client.conversations_replies,
                channel=ctx.channel_id,
                ts=ctx.thread_id,
                limit=THREAD_MESSAGES,
            )
        except DeliveryError as exc:
            log.info("conversations.replies %s failed: %s", ctx.channel_id, exc)
            return THREAD_REFUSALS.get(str(exc).rpartition(": ")[2], THREAD_UNREADABLE)
        messages = [m for m in found.get("messages") or [] if isinstance(m, dict)]
        messages = messages[:THREAD_MESSAGES]
        texts = [message_text(m) for m in messages]
        # A person's message names them by id only, as it names the people it mentions; a bot's
        # carries its name. All are asked at once.
        authors = [str(m["user"]) for m in messages if m.get("user") and not m.get("username")]
        names = await self.users.names(authors + [u for text in texts for u in people_named(text)])
        return [
            ThreadMessage(
                user_id=str(m.get("user") or m.get("bot_id") or ""),
                user_name=str(m.get("username") or names.get(str(m.get("user")), "")),
                text=fenced(from_slack(named_references(text, names))),
            )
            for m, text in zip(messages, texts, strict=True)
        ]

    async def open_form(
        self, trigger_id: str, reply: Reply, ctx: ChatContext, url: str | None
    ) -> None:
        """Open the reply's form as a modal (a trigger_id lives 3 s from its request); where it
        has none, or Slack will not open it, answer with the reply's text."""
        if reply.form is not None:
            origin = Origin(reply.form.action, reply.form.value, ctx.channel_id, ctx.thread_id)
            view = modal(reply.form, origin)
            try:
                await deliver(self.client.views_open, trigger_id=trigger_id, view=view)
                return
            except DeliveryError as exc:
                log.warning("views.open for %s failed: %s", ctx.user_id, exc)
            reply = dataclasses.replace(reply, text=f"{NO_FORM}\n{reply.text}", form=None)
        await self.answer(url, reply, ctx)

    @tracked
    async def on_form(self, ack: Any, body: dict[str, Any], context: dict[str, Any]) -> None:
        """A submitted form: acknowledged with its problems (Slack keeps the modal and what was
        typed), or closed and the outcome told to its sender alone."""
        if await self.replayed(context):
            await ack()
            return
        view = body.get("view") or {}
        origin = Origin.of(view)
        ctx = self.context(
            ref_id(body.get("user")), user_name(body.get("user")), "", ref_id(body.get("team"))
        )
        typed = joined(shown_form(view), BOX_LIMIT, typed_values(view))
        submitted = partial(self.hub.submit_form, ctx, origin.action, origin.value, typed)
        reply = explained(ctx, await self.in_core(submitted))
        errors = view_errors(view, reply) if reply.error else {}
        if errors:
            await ack(response_action="errors", errors=errors)
        elif reply.form is not None:
            await ack(response_action="update", view=modal(reply.form, origin))
        else:
            await ack()
            await self.tell_sender(ctx, origin, reply)

    async def tell_sender(self, ctx: ChatContext, origin: Origin, reply: Reply) -> None:
        """A form's outcome, for its sender alone: in the channel it was opened from when that
        is one of their workspace's, else in a direct message."""
        if origin.channel and await in_team(self.client, ctx.workspace_id, origin.channel):
            there = dataclasses.replace(ctx, channel_id=origin.channel, thread_id=origin.thread)
            await self.continue_reply(there, render(reply), public=False)
        else:
            await self.deliver_privately(ctx, reply)

    @tracked
    async def on_mention(
        self, body: dict[str, Any], event: dict[str, Any], context: dict[str, Any]
    ) -> None:
        # Events are acknowledged by bolt before this runs.
        if await self.replayed(context):
            return
        event_id = str(body.get("event_id") or "")
        if event_id and not await self.in_core(self.events.first_time, event_id):
            log.info("event %s answered before: this delivery is a retry, ignored", event_id)
            return
        channel = ref_id(event.get("channel"))
        thread = event.get("thread_ts") or event.get("ts")
        ctx = self.context(ref_id(event.get("user")), "", channel, body.get("team_id", ""), thread)
        text = typed_text(MENTION.sub(" ", str(event.get("text") or "")))
        reply = explained(ctx, await self.in_core(self.hub.handle_mention, ctx, text))
        try:
            await self.outbound.post(channel, in_public(reply), thread_id=thread)
        except DeliveryError as exc:
            log.warning("mention answer in %s failed: %s", channel, exc)
            if event_id and not exc.permanent:  # Slack's own retry of the event may answer it
                await self.in_core(self.events.release, event_id)

    @tracked
    async def on_message(self, event: dict[str, Any], context: dict[str, Any]) -> None:
        """A person's reply in a thread may be an answer to a daily question."""
        if await self.replayed(context):
            return
        thread = event.get("thread_ts")
        if not thread or thread == event.get("ts") or event.get("bot_id") or event.get("subtype"):
            return
        channel = ref_id(event.get("channel"))
        answered = partial(self.hub.record_thread_answer, channel_id=channel)
        await self.in_core(answered, PLATFORM, str(thread), ref_id(event.get("user")))

    async def on_other_event(self, event: dict[str, Any]) -> None:
        """An event type HubBot has no use for (subscribed by hand, or new): acknowledged."""
        log.debug("ignored a %s event", event.get("type"))

    @tracked
    async def on_home_opened(
        self, body: dict[str, Any], event: dict[str, Any], context: dict[str, Any]
    ) -> None:
        if event.get("tab", "home") != "home" or await self.replayed(context):
            return
        user = ref_id(event.get("user"))
        ctx = self.context(user, "", "", body.get("team_id", ""))
        try:
            view = await home_view(self.run, ctx)
            await deliver(self.client.views_publish, user_id=user, view=view)
        except DeliveryError as exc:
            log.warning("views.publish for %s failed: %s", user, exc)

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        """A listener failed after its ack: log it, and tell the asker in one line."""
        if isinstance(error, BoltUnhandledRequestError):  # no listener for it: answered 404
            log.info("no listener for a %s request", str(body.get("type"))[:40])
            return
        log.error("Slack listener failed", exc_info=error)
        url = body.get("response_url") if isinstance(body, dict) else None
        if url:
            await self.respond(url, Reply(text=SORRY, error=True))

    async def answer(self, url: str | None, reply: Reply, ctx: ChatContext) -> None:
        """Answer through the request's response_url, or in a direct message where it has none
        (the Home tab)."""
        if url:
            await self.respond(url, reply, ctx)
        else:
            await self.deliver_privately(ctx, reply)

    async def deliver_privately(self, ctx: ChatContext, reply: Reply) -> None:
        try:
            await self.outbound.send_private(ctx.user_id, reply)
        except DeliveryError as exc:
            log.warning("direct message to %s failed: %s", ctx.user_id, exc)


def explained(ctx: ChatContext, reply: Reply) -> Reply:
    """The reply, saying so first when Slack could not tell whether the asker may do it."""
    asked = ctx.ask_can_manage
    if isinstance(asked, AskSlack) and asked.unknown:
        return dataclasses.replace(reply, text=f"{RIGHTS_UNKNOWN}\n{reply.text}".strip())
    return reply


async def rate_limited(body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> Any:
    """`app_rate_limited`: Slack dropped events for a minute. Say so once; answer 200."""
    if body.get("type") != "app_rate_limited":
        return await next()
    log.warning(
        "Slack is dropping events: app_rate_limited (minute %s)", body.get("minute_rate_limited")
    )
    return BoltResponse(status=200, body="")


def build_app(
    hub: Hub,
    settings: Settings,
    client: AsyncWebClient | None = None,
    socket_mode: bool = False,
) -> tuple[AsyncApp, SlackBot]:
    """The bolt app with every listener registered, and the bot behind it.

    Signatures are not checked here: HTTP mode verifies every request before it is parsed
    (adapters/slack/server.py), and Socket Mode needs none.
    """
    client = client or web_client(settings.slack_bot_token, settings.slack_api_url)
    # Unhandled requests go to on_error: bolt's own warning for them can fail on odd bodies.
    app = AsyncApp(
        client=client,
        request_verification_enabled=False,
        raise_error_for_unhandled_request=True,
    )
    bot = SlackBot(hub, client, settings.slack_admins)
    app.middleware(rate_limited)
    app.command("/hub")(bot.on_command)
    app.action(re.compile("^" + re.escape(ACTION_PREFIX)))(bot.on_button)
    app.shortcut(FIND_FIX_CALLBACK)(bot.on_find_fix)
    app.shortcut(SAVE_THREAD_CALLBACK)(bot.on_save_thread)
    app.view(VIEW_CALLBACK)(bot.on_form)
    app.event("app_mention")(bot.on_mention)
    app.event("app_home_opened")(bot.on_home_opened)
    app.event("message")(bot.on_message)
    app.event(re.compile(".*"))(bot.on_other_event)  # last: only what no listener above took
    app.error(bot.on_error)
    hub.outbound.register(port_outbound(settings.slack_bot_token, settings.slack_api_url))
    return app, bot
