"""A hub on each store with the learning-path test content: two Django paths, one of them
(named for architecture) holding a Django caching snippet, and an N+1 question in no path."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.commands import ChatContext
from bot.config import Settings
from bot.content import import_content
from bot.hub import Hub

CONTENT = Path(__file__).parent / "content"


def person(name: str, workspace: str = "T1", platform: str = "console") -> ChatContext:
    return ChatContext(platform, name, name.title(), channel_id="C1", workspace_id=workspace)


@pytest.fixture
def paths_hub(engine: Engine, settings: Settings) -> Hub:
    result = import_content(engine, [CONTENT])
    assert result.ok, result.problems
    return Hub(settings, engine)
