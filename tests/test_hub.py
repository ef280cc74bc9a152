"""What adapters ask of the hub besides commands: thread answers and suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.commands import Suggest
from bot.config import Settings
from bot.db import make_engine
from bot.hub import Hub


@pytest.mark.command_fails("1700000000.000100")  # the thread whose answer cannot be stored
def test_a_thread_answer_that_cannot_be_stored_is_logged_not_raised(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    hub = Hub(settings, make_engine(f"sqlite:///{tmp_path / 'no-tables.db'}"))
    assert hub.record_thread_answer("slack", "1700000000.000100", "U1", channel_id="C1") is False
    assert "could not count a message in thread 1700000000.000100" in caplog.text


def test_suggestions_are_values_with_labels(sqlite_hub: Hub) -> None:
    assert ("react", "react") in sqlite_hub.suggest(Suggest.topic, "re")
    assert sqlite_hub.suggest(Suggest.level, "se") == [("senior", "senior")]
    assert sqlite_hub.suggest(Suggest.path, "zero") == [
        ("path-test", "Test path: zero to production (path-test)")
    ]
