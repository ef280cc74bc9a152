"""A fake Slack on loopback: the Web API, response_urls, and signed requests built as Slack does.

Modelled on bolt-python's tests/mock_web_api_server: a small HTTP server in a thread that the real
slack_sdk clients talk to. It records every call, answers like Slack, and can be told to fail a
method the next N times: an error (a 429 with Retry-After, `not_in_channel` …), a page that is not
JSON, no answer until the fake closes (`stall`), or a dropped connection (`drop`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import sys
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlparse

BOT_TOKEN = "xoxb-test-token"
SIGNING_SECRET = "test-signing-secret"
TEAM = "T0HUB"
BOT_USER = "UHUBBOT"


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default, 5, drops bursts of connections for a second

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client went away: fine
            super().handle_error(request, client_address)


@dataclass
class Call:
    method: str  # a Web API method ("chat.postMessage") or "response_url"
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Scripted:
    status: int
    body: dict[str, Any] | str  # a str is sent as it is (a proxy's error page)
    headers: dict[str, str]
    content_type: str = "application/json; charset=utf-8"
    stall: bool = False  # answer nothing until the fake closes
    drop: bool = False  # close the connection without an answer


class FakeSlack:
    """Serve on 127.0.0.1 until `close()`: `api_url` for WebClient, `response_url()` for bolt."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        # What conversations.info knows: channel id → the workspaces that share it (the first
        # is its own); any other id is channel_not_found, as for a channel the bot can't see.
        self.channels: dict[str, list[str]] = {"C0GENERAL": [TEAM], "C0DEV": [TEAM]}
        # What conversations.replies serves: (channel, thread ts) → its messages, oldest first.
        self.threads: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.socket_url = ""  # what apps.connections.open hands out (Socket Mode)
        self.scripted: dict[str, deque[Scripted]] = defaultdict(deque)
        self.held: dict[str, threading.Event] = {}
        self.changed = threading.Condition()
        self.closing = threading.Event()
        self._ts = itertools.count(1)
        self.server = Server(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.base}/response/{name}"

    def close(self) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------ scripting and reading

    def fail(
        self,
        method: str,
        error: str = "ratelimited",
        status: int = 200,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        for _ in range(times):
            self.scripted[method].append(
                Scripted(status, {"ok": False, "error": error}, headers or {})
            )

    def hold(self, method: str) -> threading.Event:
        """Keep calls to `method` waiting (each recorded as it arrives) until the event is set:
        a slow Slack, to stop the bot in the middle of its work."""
        gate = self.held[method] = threading.Event()
        return gate

    def fail_with_page(
        self, method: str, status: int, page: str, content_type: str = "text/html", times: int = 1
    ) -> None:
        for _ in range(times):
            self.scripted[method].append(Scripted(status, page, {}, content_type))

    def stall(self, method: str, times: int = 1) -> None:
        """The next calls to `method` get no answer (until the fake closes)."""
        for _ in range(times):
            self.scripted[method].append(Scripted(200, {}, {}, stall=True))

    def drop(self, method: str, times: int = 1) -> None:
        """The next calls to `method` find their connection closed without an answer."""
        for _ in range(times):
            self.scripted[method].append(Scripted(200, {}, {}, drop=True))

    def calls_to(self, method: str) -> list[Call]:
        with self.changed:
            return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """The calls to `method` once there are at least `count` of them (the loop runs on)."""
        return await asyncio.to_thread(self.wait_for_blocking, method, count, timeout)

    def wait_for_blocking(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [c for c in self.calls if c.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"{count} × {method} not called in time; calls: {seen}")
                self.changed.wait(left)

    # ------------------------------------------------------------ answering

    def answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": "BHUB", "team_id": TEAM, "team": "t"}
        if method in {"chat.postMessage", "chat.update"}:
            return {
                "ok": True,
                "channel": body.get("channel"),
                "ts": body.get("ts") or f"1700000000.{next(self._ts):06d}",
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(body.get("users", "")).lstrip("U")}}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url}
        if method == "conversations.info":
            channel = str(body.get("channel", ""))
            teams = self.channels.get(channel)
            if teams is None:
                return {"ok": False, "error": "channel_not_found"}
            found = {"id": channel, "context_team_id": teams[0], "shared_team_ids": teams}
            return {"ok": True, "channel": found}
        if method == "conversations.replies":
            if str(body.get("channel", "")) not in self.channels:
                return {"ok": False, "error": "channel_not_found"}
            thread = self.threads.get((str(body.get("channel")), str(body.get("ts"))))
            if thread is None:
                return {"ok": False, "error": "thread_not_found"}
            limit = int(body.get("limit") or 1000)
            return {"ok": True, "messages": thread[:limit], "has_more": len(thread) > limit}
        if method == "views.open":
            view = body.get("view")
            if not isinstance(view, dict):
                return {"ok": False, "error": "invalid_arguments"}
            problems = view_problems(view)
            if problems:
                return {
                    "ok": False,
                    "error": "invalid_arguments",
                    "response_metadata": {"messages": problems},
                }
            return {"ok": True, "view": {"id": f"V{next(self._ts):08d}", **view}}
        if method == "users.info":
            user = body.get("user", "")
            return {"ok": True, "user": self.users.get(user, {"id": user, "is_admin": False})}
        return {"ok": True}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self.handle_call()

            def do_POST(self) -> None:
                self.handle_call()

            def handle_call(self) -> None:
                url = urlparse(self.path)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                body: dict[str, Any] = dict(parse_qsl(url.query))
                if raw.startswith("{"):
                    body.update(json.loads(raw))
                elif raw:
                    body.update(parse_qsl(raw))
                for key in ("blocks", "view"):
                    if isinstance(body.get(key), str):
                        body[key] = json.loads(body[key])
                if url.path.startswith("/response/"):
                    method = "response_url"
                else:
                    method = url.path.removeprefix("/api/")
                call = Call(method, url.path, dict(self.headers.items()), body)
                scripted = Scripted(200, fake.answer(method, body), {})
                if method != "response_url" and not str(
                    self.headers.get("Authorization")
                ).startswith(("Bearer xoxb-", "Bearer xapp-")):
                    scripted.body = {"ok": False, "error": "not_authed"}
                with fake.changed:
                    queue = fake.scripted.get(method)
                    if queue:
                        scripted = queue.popleft()
                    fake.calls.append(call)
                    fake.changed.notify_all()
                gate = fake.held.get(method)
                if gate is not None:
                    gate.wait(60)
                if scripted.stall:
                    fake.closing.wait()
                if scripted.drop or scripted.stall:
                    self.close_connection = True
                    return
                answer = scripted.body
                data = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
                self.send_response(scripted.status)
                self.send_header("Content-Type", scripted.content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in scripted.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler


def view_problems(view: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a modal (views.open answers invalid_arguments, saying these)."""
    problems = []
    for key in ("title", "submit", "close"):
        if len(view.get(key, {}).get("text", "")) > 24:
            problems.append(f"[ERROR] {key} must be at most 24 characters")
    if not view.get("title", {}).get("text"):
        problems.append("[ERROR] missing title")
    if len(view.get("private_metadata", "")) > 3000:
        problems.append("[ERROR] private_metadata must be at most 3000 characters")
    blocks = view.get("blocks", [])
    if len(blocks) > 100:
        problems.append("[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]")
    ids = [block.get("block_id") for block in blocks]
    if len(set(ids)) != len(ids):
        problems.append("[ERROR] block_ids must be unique")
    for number, block in enumerate(blocks):
        where = f"[json-pointer:/view/blocks/{number}]"
        element = block.get("element", {})
        limit = element.get("max_length", 3000)
        if len(str(block.get("block_id", ""))) > 255 or len(block["label"]["text"]) > 2000:
            problems.append(f"[ERROR] block_id or label too long {where}")
        if not 0 < limit <= 3000:
            problems.append(f"[ERROR] max_length must be between 1 and 3000 {where}")
        if len(element.get("initial_value", "")) > limit:
            problems.append(f"[ERROR] initial_value longer than max_length {where}")
        if len(element.get("placeholder", {}).get("text", "")) > 150:
            problems.append(f"[ERROR] placeholder must be at most 150 characters {where}")
    return problems


# ---------------------------------------------------------------- requests as Slack sends them


def signed_headers(
    body: str | bytes,
    content_type: str,
    timestamp: float | None = None,
    secret: str = SIGNING_SECRET,
) -> dict[str, str]:
    stamp = str(int(timestamp if timestamp is not None else time.time()))
    raw = body.encode() if isinstance(body, str) else body
    signed = b"v0:" + stamp.encode() + b":" + raw
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }


_triggers = itertools.count(1)


def trigger_id() -> str:
    """Slack gives every command and interaction its own trigger_id: two are never the same body,
    even in the same second (a replayed request is)."""
    return f"13345224609.738474920.{next(_triggers):031x}"


def slash_command(
    text: str,
    response_url: str,
    user: str = "U0ALICE",
    channel: str = "C0GENERAL",
    team: str = TEAM,
) -> str:
    """The form body of `/hub <text>`, field for field as Slack posts it."""
    return urlencode(
        {
            "token": "verification-token-unused",
            "team_id": team,
            "team_domain": "hubteam",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": "alice",
            "command": "/hub",
            "text": text,
            "api_app_id": "A0HUB",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id(),
        }
    )


def interaction(payload: dict[str, Any]) -> str:
    """The form body of an interactivity request (buttons, shortcuts): `payload=<json>`."""
    return urlencode({"payload": json.dumps(payload)})


def block_actions(
    action_id: str,
    value: str,
    response_url: str,
    ephemeral: bool = True,
    user: str = "U0ALICE",
    channel: str = "C0GENERAL",
    team: str = TEAM,
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "alice", "name": "alice", "team_id": team},
        "api_app_id": "A0HUB",
        "token": "verification-token-unused",
        "container": {
            "type": "message",
            "message_ts": "1700000000.000100",
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        },
        "trigger_id": trigger_id(),
        "team": {"id": team, "domain": "hubteam"},
        "channel": {"id": channel, "name": "general"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "block_id": "b1",
                "action_id": action_id,
                "text": {"type": "plain_text", "text": "button"},
                "value": value,
                "action_ts": "1700000001.000200",
            }
        ],
    }


def message_shortcut(
    text: str,
    response_url: str,
    thread_ts: str | None = None,
    callback_id: str = "find_fix",
    channel: str = "C0GENERAL",
    team: str = TEAM,
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "message",
        "user": "U0BOB",
        "ts": "1700000000.000300",
        "text": text,
    }
    if thread_ts:
        message["thread_ts"] = thread_ts
    return {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": trigger_id(),
        "message_ts": message["ts"],
        "team": {"id": team, "domain": "hubteam"},
        "channel": {"id": channel, "name": "general"},
        "user": {"id": "U0ALICE", "username": "alice", "name": "alice", "team_id": team},
        "message": message,
        "response_url": response_url,
        "token": "verification-token-unused",
    }


def view_submission(
    view: dict[str, Any],
    typed: dict[str, str],
    user: str = "U0ALICE",
    team: str = TEAM,
) -> dict[str, Any]:
    """The payload of a modal's submit: the view as opened, with `typed` (block_id → text) in
    its state."""
    values = {
        block["block_id"]: {
            block["element"]["action_id"]: {
                "type": "plain_text_input",
                "value": typed.get(block["block_id"]) or None,
            }
        }
        for block in view["blocks"]
        if block["type"] == "input"
    }
    return {
        "type": "view_submission",
        "team": {"id": team, "domain": "hubteam"},
        "user": {"id": user, "username": "alice", "name": "alice", "team_id": team},
        "api_app_id": "A0HUB",
        "token": "verification-token-unused",
        "trigger_id": trigger_id(),
        "view": {
            "id": view.get("id", "V0"),
            "team_id": team,
            "app_id": "A0HUB",
            "bot_id": "BHUB",
            "hash": "1700000000.abcdef",
            **{key: value for key, value in view.items() if key != "id"},
            "state": {"values": values},
        },
        "response_urls": [],
        "is_enterprise_install": False,
    }


def event_callback(event: dict[str, Any], event_id: str = "Ev0MENTION1") -> str:
    return json.dumps(
        {
            "token": "verification-token-unused",
            "team_id": TEAM,
            "api_app_id": "A0HUB",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "team_id": TEAM,
                    "user_id": BOT_USER,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
        }
    )


def app_mention(
    text: str, ts: str = "1700000000.000400", thread_ts: str | None = None
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": "C0GENERAL",
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event
