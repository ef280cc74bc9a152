"""The Slack adapter in HTTP mode on loopback, talking to the fake Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy.engine import Engine

from adapters.slack import SlackBot, build_app, start_http
from adapters.slack.server import EVENTS_PATH, bound_port
from bot.config import Settings
from bot.content import import_content
from bot.hub import Hub
from tests.conftest import FIXTURES
from tests.slack.fake_slack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    event_callback,
    interaction,
    signed_headers,
    slash_command,
)

FORM = "application/x-www-form-urlencoded"


@dataclass
class Slack:
    """Send requests to the running adapter as Slack would; read what it sent at `fake`."""

    fake: FakeSlack
    bot: SlackBot
    url: str
    session: aiohttp.ClientSession

    async def post(
        self,
        body: str,
        content_type: str,
        timestamp: float | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        signed = signed_headers(body, content_type, timestamp)
        return await self.raw(body.encode(), signed | (headers or {}))

    async def raw(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """POST exactly these bytes and headers (signed or not) to the events URL."""
        async with self.session.post(self.url, data=body, headers=headers) as response:
            return response.status, await response.text()

    async def command(self, text: str, response_url: str = "", **kwargs: Any) -> int:
        url = response_url or self.fake.response_url()
        status, _ = await self.post(slash_command(text, url, **kwargs), FORM)
        return status

    async def interact(self, payload: dict[str, Any]) -> int:
        status, _ = await self.post(interaction(payload), FORM)
        return status

    async def event(self, event: dict[str, Any], event_id: str, retry: int | None = None) -> int:
        headers: dict[str, str] = {}
        if retry is not None:
            headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        status, _ = await self.post(
            event_callback(event, event_id), "application/json", headers=headers
        )
        return status


@pytest.fixture
def hub(sqlite_hub: Hub) -> Hub:
    """The adapter's tests run on SQLite: the core's own tests cover both stores."""
    return sqlite_hub


@pytest.fixture
def store_hub(engine: Engine, settings: Settings) -> Hub:
    """A hub on each store (a SQLite file, then PostgreSQL): for what the adapter keeps there."""
    result = import_content(engine, [FIXTURES / "content"])
    assert result.ok, result.problems
    return Hub(settings, engine)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack()
    yield server
    server.close()


@asynccontextmanager
async def running_slack(hub: Hub, fake: FakeSlack) -> AsyncIterator[Slack]:
    """One HubBot process in HTTP mode on loopback (start two for two replicas)."""
    settings = hub.settings.model_copy(
        update={
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": fake.api_url,
            "slack_admins": "U0BOSS",
        }
    )
    app, bot = build_app(hub, settings)
    runner = await start_http(app, bot, SIGNING_SECRET, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{bound_port(runner)}{EVENTS_PATH}"
    try:
        async with aiohttp.ClientSession() as session:
            yield Slack(fake, bot, url, session)
    finally:
        await runner.cleanup()
        bot.close()


@pytest.fixture
async def slack(hub: Hub, fake: FakeSlack) -> AsyncIterator[Slack]:
    async with running_slack(hub, fake) as running:
        yield running


def add_content(hub: Hub, folder: Path, files: dict[str, str]) -> None:
    """Write content files (path under the content folder → text) and import them."""
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    result = import_content(hub.engine, [folder])
    assert result.ok, result.problems


def question(entry_id: str, title: str, answer: str, topic: str = "python", **sections: str) -> str:
    body = [
        "---",
        f"id: {entry_id}",
        "kind: question",
        f"title: {title}",
        f"topic: {topic}",
        "level: mid",
        "---",
        answer,
    ]
    for heading, text in sections.items():
        body += [
            "",
            f"## {heading.replace('_', ' ').capitalize().replace('Real world', 'Real-world')}",
            "",
            text,
        ]
    return "\n".join(body) + "\n"
