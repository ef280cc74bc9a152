"""A fake Discord on 127.0.0.1: the REST API and the gateway websocket, recording every call.

The real discord.py client connects to it (Route.BASE and the gateway URL point here). The
gateway says HELLO, waits for IDENTIFY, sends READY and a GUILD_CREATE per guild, then whatever a
test dispatches (INTERACTION_CREATE, MESSAGE_CREATE) as Discord does. REST answers with the shapes
Discord returns; `fail()` makes the next matching call fail (a 429, a 403, a 404).

Two guilds share the bot: ours (GUILD_ID: #general, and #announcements where the Mods role may not
manage the channel but ASKER may) and another (OTHER_GUILD_ID, managed by RIVAL). LATE_CHANNEL_ID
is a channel of ours that only REST knows (created after the GUILD_CREATE).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

API = "/api/v10"
APP_ID = "900000000000000001"
BOT_ID = APP_ID
GUILD_ID = "900000000000000002"
CHANNEL_ID = "900000000000000003"
USER_ID = "900000000000000004"
DM_CHANNEL_ID = "900000000000000005"
OTHER_GUILD_ID = "900000000000000006"
OTHER_CHANNEL_ID = "900000000000000007"
MODS_ROLE_ID = "900000000000000008"
ANNOUNCE_CHANNEL_ID = "900000000000000009"
LATE_CHANNEL_ID = "900000000000000010"
OWNER_ID = "900000000000000011"
MOD_ID = "900000000000000012"
RIVAL_ID = "900000000000000013"
TIMESTAMP = "2026-11-27T06:00:00.000000+00:00"
ALL_PERMISSIONS = str((1 << 50) - 1)
MEMBER_PERMISSIONS = str(1 << 10 | 1 << 11 | 1 << 31)  # view, send, use application commands
MANAGE_CHANNELS = 1 << 4
MOD_PERMISSIONS = str(int(MEMBER_PERMISSIONS) | MANAGE_CHANNELS)

_ids = itertools.count(910000000000000000)


def snowflake() -> str:
    return str(next(_ids))


def user(user_id: str, name: str, bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


BOT_USER = user(BOT_ID, "HubBot", bot=True)
ASKER = user(USER_ID, "ada")
MODERATOR = user(MOD_ID, "mo")  # has the Mods role in our guild
RIVAL = user(RIVAL_ID, "eve")  # owns the other guild


def member(who: dict[str, Any], permissions: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "user": who,
        "roles": [],
        "joined_at": TIMESTAMP,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": None,
    }
    if permissions is not None:
        data["permissions"] = permissions
    return data


def asker(
    who: dict[str, Any] = ASKER,
    permissions: str = MEMBER_PERMISSIONS,
    roles: tuple[str, ...] = (),
    guild_id: str = GUILD_ID,
    channel_id: str = CHANNEL_ID,
) -> dict[str, Any]:
    """The interaction fields that say who asks and where; `permissions` are theirs there."""
    data = member(who, permissions)
    data["roles"] = list(roles)
    return {
        "guild_id": guild_id,
        "channel_id": channel_id,
        "channel": channel(channel_id, guild_id),
        "member": data,
        "authorizing_integration_owners": {"0": guild_id},
    }


@dataclass
class Call:
    method: str
    path: str
    body: Any
    query: dict[str, str] = field(default_factory=dict)


@dataclass
class Failure:
    method: str
    path: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int


class FakeDiscord:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.messages: dict[str, dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.failures: list[Failure] = []
        self.holds: list[tuple[str, re.Pattern[str], asyncio.Event]] = []
        self.close_on_identify: int | None = None
        self.interactions: dict[str, dict[str, Any]] = {}  # token -> interaction payload
        self.guilds = {GUILD_ID: our_guild(), OTHER_GUILD_ID: other_guild()}
        self.late_channels = {LATE_CHANNEL_ID: channel(LATE_CHANNEL_ID, name="late")}
        # Everyone who wrote a message: Discord resolves a mention of them in a message's content.
        self.people = {who["id"]: who for who in (BOT_USER, ASKER, MODERATOR, RIVAL)}
        self.changed = asyncio.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._sequence = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway)
        app.router.add_route("*", API + "/{tail:.*}", self.rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ---------------------------------------------------------------- recording
    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        await self._notify()

    async def _notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def wait_for(self, found: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until `found()` returns something truthy; return it."""

        async def until() -> Any:
            async with self.changed:
                while not (result := found()):
                    await self.changed.wait()
                return result

        return await asyncio.wait_for(until(), timeout)

    def calls_to(self, method: str, pattern: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and re.fullmatch(pattern, c.path)]

    def callbacks(self, interaction_id: str) -> list[Call]:
        return self.calls_to("POST", rf"/interactions/{interaction_id}/[^/]+/callback")

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        self.failures.append(
            Failure(method, re.compile(path), status, body or {}, headers or {}, times)
        )

    def hold(self, method: str, path: str) -> asyncio.Event:
        """Keep matching calls waiting (recorded as they arrive) until the event is set."""
        gate = asyncio.Event()
        self.holds.append((method, re.compile(path), gate))
        return gate

    # ---------------------------------------------------------------- gateway
    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"op": 10, "s": None, "t": None, "d": {"heartbeat_interval": 41250}})
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                if payload["op"] == 1:
                    await ws.send_json({"op": 11, "s": None, "t": None, "d": None})
                elif payload["op"] == 2:
                    await self._identified(ws, payload["d"])
                elif payload["op"] == 6:
                    self.resumes.append(payload["d"])
                    await self._send(ws, "RESUMED", {})
                    await self._notify()
        finally:
            self._sockets.remove(ws)
        return ws

    async def _identified(self, ws: web.WebSocketResponse, identify: dict[str, Any]) -> None:
        self.identifies.append(identify)
        await self._notify()
        if self.close_on_identify is not None:
            await ws.close(code=self.close_on_identify, message=b"fake close")
            return
        shard = identify.get("shard", [0, 1])
        # A guild lives on one shard.
        ours = [g for g in self.guilds.values() if (int(g["id"]) >> 22) % shard[1] == shard[0]]
        await self._send(
            ws,
            "READY",
            {
                "v": 10,
                "user": BOT_USER,
                "guilds": [{"id": g["id"], "unavailable": True} for g in ours],
                "session_id": "fake-session",
                "resume_gateway_url": self.gateway_url,
                "application": {"id": APP_ID, "flags": 0},
                "shard": shard,
            },
        )
        for found in ours:
            await self._send(ws, "GUILD_CREATE", found)

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict[str, Any]) -> None:
        await ws.send_json({"op": 0, "s": next(self._sequence), "t": event, "d": data})

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        assert self._sockets, "no gateway connection"
        await self._send(self._sockets[-1], event, data)

    async def close_gateway(self, code: int) -> None:
        for ws in list(self._sockets):
            await ws.close(code=code, message=b"fake close")

    # ---------------------------------------------------------------- interactions
    def _interaction(self, kind: int, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
        payload = {
            "id": snowflake(),
            "application_id": APP_ID,
            "type": kind,
            "token": "tok" + snowflake(),
            "version": 1,
            "guild_id": GUILD_ID,
            "channel_id": CHANNEL_ID,
            "channel": channel(),
            "member": member(ASKER, MEMBER_PERMISSIONS),
            "app_permissions": ALL_PERMISSIONS,
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": GUILD_ID},
            "context": 0,
            "attachment_size_limit": 10_485_760,
            "data": data,
            **extra,
        }
        self.interactions[payload["token"]] = payload
        return payload

    async def slash(
        self,
        subcommand: str,
        focused: str | None = None,
        by: dict[str, Any] | None = None,
        **options: Any,
    ) -> str:
        """`/hub <subcommand> option:value…`; with `focused`, an autocomplete request instead.
        `by` (see `asker`) says who asks where; ASKER in #general by default."""
        sub_options = [
            {
                "name": name,
                "type": 3,
                "value": value,
                **({"focused": True} if name == focused else {}),
            }
            for name, value in options.items()
        ]
        data = {
            "id": "920000000000000001",
            "name": "hub",
            "type": 1,
            "options": [{"name": subcommand, "type": 1, "options": sub_options}],
        }
        payload = self._interaction(4 if focused else 2, data, **(by or {}))
        await self.dispatch("INTERACTION_CREATE", payload)
        return str(payload["id"])

    async def message_menu(
        self, name: str, target: dict[str, Any], by: dict[str, Any] | None = None
    ) -> str:
        """A message menu (an application command of type 3) on `target`; `by` says who uses it
        where (a message in a thread: `asker(..., channel=thread(...))`)."""
        data = {
            "id": "920000000000000002",
            "name": name,
            "type": 3,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        payload = self._interaction(2, data, **(by or {}))
        await self.dispatch("INTERACTION_CREATE", payload)
        return str(payload["id"])

    async def click(
        self, message: dict[str, Any], custom_id: str, by: dict[str, Any] | None = None
    ) -> str:
        data = {"custom_id": custom_id, "component_type": 2}
        payload = self._interaction(3, data, message=message, **(by or {}))
        await self.dispatch("INTERACTION_CREATE", payload)
        return str(payload["id"])

    async def submit_modal(
        self, modal: dict[str, Any], values: dict[str, str], by: dict[str, Any] | None = None
    ) -> str:
        """Submit a modal the bot opened (`modal` is the callback's data), its text inputs holding
        `values` by custom id, as Discord sends them: one action row per input."""
        rows = [
            {
                "type": 1,
                "id": number * 2 + 1,
                "components": [{"type": 4, "id": number * 2 + 2, "custom_id": key, "value": value}],
            }
            for number, (key, value) in enumerate(values.items())
        ]
        data = {"custom_id": modal["custom_id"], "components": rows}
        payload = self._interaction(5, data, **(by or {}))
        await self.dispatch("INTERACTION_CREATE", payload)
        return str(payload["id"])

    def posted(
        self, channel_id: str, content: str, who: dict[str, Any] = ASKER, **extra: Any
    ) -> dict[str, Any]:
        """A message someone wrote earlier in a channel or thread (kept, not dispatched)."""
        message = self._message(channel_id, {"content": content}, author=who)
        message.update(guild_id=GUILD_ID, member=member(who), **extra)
        return self._store(message)

    def thread_from(
        self, starter: dict[str, Any], replies: list[tuple[dict[str, Any], str]]
    ) -> dict[str, Any]:
        """A thread started from `starter` (it takes the message's id), as Discord keeps it: the
        notice standing for the starter message first, then the replies."""
        made = thread(starter["id"], starter["channel_id"], "help")
        self.late_channels[made["id"]] = made
        reference = {
            "message_id": starter["id"],
            "channel_id": starter["channel_id"],
            "guild_id": GUILD_ID,
        }
        notice = self.posted(made["id"], "", starter["author"], type=21)
        notice.update(message_reference=reference, referenced_message=starter)
        for who, text in replies:
            self.posted(made["id"], text, who)
        starter["thread"] = made
        return made

    async def user_message(self, content: str, mention_bot: bool = True) -> dict[str, Any]:
        message = self._message(CHANNEL_ID, {"content": content}, author=ASKER)
        message["guild_id"] = GUILD_ID
        message["member"] = member(ASKER)
        message["mentions"] = [BOT_USER] if mention_bot else []
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    async def direct_message(self, content: str) -> dict[str, Any]:
        """A DM to the bot: no guild, and the content arrives without any privileged intent."""
        message = self._message(DM_CHANNEL_ID, {"content": content}, author=ASKER)
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    # ---------------------------------------------------------------- REST
    async def rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            body = await request.json() if request.content_type == "application/json" else None
        await self._record(Call(request.method, path, body, dict(request.query)))
        for method, pattern, gate in self.holds:
            if method == request.method and pattern.fullmatch(path):
                await gate.wait()
        for failure in self.failures:
            if failure.method == request.method and failure.path.fullmatch(path):
                failure.times -= 1
                if failure.times <= 0:
                    self.failures.remove(failure)
                return json_response(failure.body, failure.status, failure.headers)
        answer = self._answer(request.method, path, body or {}, dict(request.query))
        if answer is None:
            return json_response({"message": "404: Not Found", "code": 0}, 404)
        if answer == 204:
            return web.Response(status=204)
        return json_response(answer)

    def _answer(self, method: str, path: str, body: Any, query: dict[str, str]) -> Any:
        route = (method, path)
        if route == ("GET", "/users/@me"):
            return BOT_USER
        if route == ("GET", "/oauth2/applications/@me"):
            return application()
        if route == ("GET", "/gateway/bot"):
            return {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        if m := re.fullmatch(rf"/applications/{APP_ID}(/guilds/(\d+))?/commands", path):
            scope = m.group(2) or "global"
            if method == "PUT":
                self.commands[scope] = [
                    {
                        "description": "",
                        **c,
                        "id": snowflake(),
                        "application_id": APP_ID,
                        "version": "1",
                    }
                    for c in body
                ]
            return self.commands.get(scope, [])
        if m := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path):
            return self._callback(m.group(1), m.group(2), body)
        if m := re.fullmatch(rf"/webhooks/{APP_ID}/([^/]+)/messages/(@original|\d+)", path):
            return self._webhook_message(method, m.group(1), m.group(2), body)
        if method == "POST" and (m := re.fullmatch(rf"/webhooks/{APP_ID}/([^/]+)", path)):
            interaction = self.interactions[m.group(1)]
            return self._store(self._message(interaction["channel_id"], body))
        if method == "GET" and (m := re.fullmatch(r"/channels/(\d+)", path)):
            return self.channel_data(m.group(1))
        if m := re.fullmatch(r"/channels/(\d+)/messages", path):
            if method == "GET":
                return self.history(m.group(1), query)
            return self._store(self._message(m.group(1), body))
        if m := re.fullmatch(r"/channels/(\d+)/messages/(\d+)/threads", path):
            return thread(m.group(2), m.group(1), body.get("name", ""))
        if m := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path):
            old = self.messages.get(m.group(2))
            if method == "PATCH" and old is not None and old["channel_id"] == m.group(1):
                old.update(body)
                old["edited_timestamp"] = TIMESTAMP
                return old
            return None
        if route == ("POST", "/users/@me/channels"):
            return {"id": "930" + str(body["recipient_id"])[3:], "type": 1, "recipients": [ASKER]}
        return None

    def history(self, channel_id: str, query: dict[str, str]) -> list[dict[str, Any]]:
        """A channel's messages after `after` (or before `before`), newest first, as Discord
        returns them."""
        after, before = int(query.get("after", 0)), int(query.get("before", 1 << 63))
        found = [
            m
            for m in self.messages.values()
            if m["channel_id"] == channel_id and after < int(m["id"]) < before
        ]
        found.sort(key=lambda m: int(m["id"]), reverse=True)
        return found[: int(query.get("limit", 50))]

    def channel_data(self, channel_id: str) -> dict[str, Any] | None:
        every = [c for g in self.guilds.values() for c in g["channels"]]
        return next((c for c in every if c["id"] == channel_id), self.late_channels.get(channel_id))

    def _callback(self, interaction_id: str, token: str, body: dict[str, Any]) -> Any:
        interaction = self.interactions.get(token)
        if interaction is None or interaction["id"] != interaction_id:
            return None
        kind = body["type"]
        data = body.get("data") or {}
        result: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": interaction["type"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(data.get("flags", 0) & 64),
            },
            "resource": {"type": kind},
        }
        if kind in (4, 5):
            message = self._store(self._message(interaction["channel_id"], data))
            message["interaction_token"] = token
            interaction["original"] = message["id"]
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"]["message"] = message
        elif kind == 7:
            message = self.messages[interaction["message"]["id"]]
            message.update({k: v for k, v in data.items() if k != "flags"})
            interaction["original"] = message["id"]
            result["resource"]["message"] = message
        elif kind == 6:
            interaction["original"] = interaction["message"]["id"]
        elif kind == 9:
            interaction["modal"] = data
        return result

    def _webhook_message(self, method: str, token: str, which: str, body: dict[str, Any]) -> Any:
        interaction = self.interactions.get(token)
        if interaction is None:
            return None
        message_id = interaction.get("original") if which == "@original" else which
        message = self.messages.get(str(message_id))
        if message is None:
            return None
        if method == "PATCH":
            message.update({k: v for k, v in body.items() if k != "flags"})
            message["edited_timestamp"] = TIMESTAMP
        return message

    def _message(
        self, channel_id: str, body: dict[str, Any], author: dict[str, Any] = BOT_USER
    ) -> dict[str, Any]:
        self.people[author["id"]] = author
        content = body.get("content") or ""
        mentioned = dict.fromkeys(re.findall(r"<@!?(\d+)>", content))
        message = {
            "id": snowflake(),
            "channel_id": channel_id,
            "author": author,
            "content": content,
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [self.people[i] for i in mentioned if i in self.people],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags", 0),
        }
        if body.get("message_reference"):
            message["message_reference"] = {**body["message_reference"], "type": 0}
        return message

    def _store(self, message: dict[str, Any]) -> dict[str, Any]:
        self.messages[message["id"]] = message
        return message

    def sent_messages(self) -> list[dict[str, Any]]:
        """Messages the bot created (in channels, as interaction answers and follow-ups)."""
        return [m for m in self.messages.values() if m["author"]["id"] == BOT_ID]


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """JSON with the exact content type Discord sends (discord.py compares it verbatim)."""
    return web.Response(
        body=json.dumps(body).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def channel(
    channel_id: str = CHANNEL_ID,
    guild_id: str = GUILD_ID,
    name: str = "general",
    overwrites: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "id": channel_id,
        "type": 0,
        "guild_id": guild_id,
        "name": name,
        "position": 0,
        "permission_overwrites": overwrites or [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def thread(thread_id: str, parent_id: str, name: str) -> dict[str, Any]:
    return {
        "id": thread_id,
        "type": 11,
        "guild_id": GUILD_ID,
        "parent_id": parent_id,
        "name": name,
        "owner_id": BOT_ID,
        "message_count": 0,
        "member_count": 1,
        "rate_limit_per_user": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": TIMESTAMP,
            "locked": False,
        },
    }


def role(role_id: str, name: str, permissions: str) -> dict[str, Any]:
    return {
        "id": role_id,
        "name": name,
        "permissions": permissions,
        "position": 0 if name == "@everyone" else 1,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def our_guild() -> dict[str, Any]:
    """#general, and #announcements where the Mods role may not manage the channel but ASKER may."""
    announcements = channel(
        ANNOUNCE_CHANNEL_ID,
        name="announcements",
        overwrites=[
            {"id": MODS_ROLE_ID, "type": 0, "allow": "0", "deny": str(MANAGE_CHANNELS)},
            {"id": USER_ID, "type": 1, "allow": str(MANAGE_CHANNELS), "deny": "0"},
        ],
    )
    mods = role(MODS_ROLE_ID, "Mods", MOD_PERMISSIONS)
    return guild(GUILD_ID, "Study group", OWNER_ID, [channel(), announcements], [mods])


def other_guild() -> dict[str, Any]:
    rooms = [channel(OTHER_CHANNEL_ID, OTHER_GUILD_ID, "their-general")]
    return guild(OTHER_GUILD_ID, "Another server", RIVAL_ID, rooms, [])


def guild(
    guild_id: str,
    name: str,
    owner_id: str,
    channels: list[dict[str, Any]],
    roles: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "id": guild_id,
        "name": name,
        "icon": None,
        "owner_id": owner_id,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "system_channel_flags": 0,
        "preferred_locale": "en-US",
        "features": [],
        "roles": [role(guild_id, "@everyone", MEMBER_PERMISSIONS), *roles],
        "emojis": [],
        "stickers": [],
        "channels": channels,
        "threads": [],
        "members": [member(BOT_USER)],
        "member_count": 2,
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "large": False,
        "unavailable": False,
        "joined_at": TIMESTAMP,
    }


def application() -> dict[str, Any]:
    return {
        "id": APP_ID,
        "name": "HubBot",
        "icon": None,
        "description": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": ASKER,
        "verify_key": "0" * 64,
        "flags": 0,
        "team": None,
    }


# Who asks where: a moderator of our guild in #general; the other guild's owner there.
MOD = asker(MODERATOR, MOD_PERMISSIONS, (MODS_ROLE_ID,))
RIVAL_HERE = asker(RIVAL, ALL_PERMISSIONS, guild_id=OTHER_GUILD_ID, channel_id=OTHER_CHANNEL_ID)
