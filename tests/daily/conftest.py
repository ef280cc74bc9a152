"""Daily question fixtures: a hub with a pool of questions, the fake chat API, Slack's outbound."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from adapters.slack.outbound import SlackOutbound, port_outbound
from bot.commands import ChatContext
from bot.db import session_scope
from bot.models import Entry
from tests.daily.fake_chat import TOKEN, FakeChat

ADMIN = ChatContext(
    "slack", "U1", "Ada", channel_id="C1", workspace_id="T1", can_manage_channel=True
)
MEMBER = ChatContext("slack", "U2", "Bob", channel_id="C1", workspace_id="T1")


def add_questions(engine: Engine, topic: str, count: int, level: str = "mid") -> list[str]:
    ids = [f"q-{topic}-{level}-{i:03d}" for i in range(count)]
    with session_scope(engine) as session:
        for entry_id in ids:
            session.add(
                Entry(
                    id=entry_id,
                    kind="question",
                    title=f"{topic} question {entry_id}",
                    topic=topic,
                    level=level,
                    answer=f"The model answer of {entry_id}.",
                    common_mistakes=f"A common mistake about {entry_id}.",
                )
            )
    return ids


@pytest.fixture
def fake() -> Iterator[FakeChat]:
    chat = FakeChat()
    yield chat
    chat.close()


def slack_outbound(fake: FakeChat) -> SlackOutbound:
    return port_outbound(TOKEN, fake.api_url)
