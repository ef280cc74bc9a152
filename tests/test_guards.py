"""The guards every test runs under (tests/conftest.py) do catch what they are for: settings
from the machine. They run in a pytest of their own (pytester)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
INNER_CONFTEST = "from tests.conftest import outside_settings_removed\n"


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytest run in a folder of its own that uses this suite's guards."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest(INNER_CONFTEST)
    return pytester


SETTINGS_READ = """
import os

import pytest

from bot.config import Settings


def test_nothing_from_the_machine() -> None:
    assert not [name for name in os.environ if name.startswith(("HUB_", "SLACK_", "DISCORD_"))
                and name not in ("HUB_ENV_FILE", "HUB_TEST_POSTGRES_URL")]
    settings = Settings()
    assert settings.slack_bot_token is None and settings.discord_token is None
    assert settings.database_url == "sqlite:///hubbot.db"  # not .env's, not DATABASE_URL's
    assert settings.log_level == "INFO"


def test_a_test_still_sets_what_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    assert Settings().platforms == ["slack"]
"""


def test_tests_see_no_settings_of_the_machine(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner.makepyfile(test_settings=SETTINGS_READ)
    (inner.path / ".env").write_text("HUB_DATABASE_URL=sqlite:///from-dotenv.db\n")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-a-real-workspace")
    monkeypatch.setenv("DISCORD_TOKEN", "a-real-bot")
    monkeypatch.setenv("HUB_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("DATABASE_URL", "postgresql://prod.example/app")
    monkeypatch.delenv("HUB_ENV_FILE")  # as on a developer's machine
    result = inner.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_settings_come_from_their_own_names_and_the_env_file_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-dotenv\n")
    (tmp_path / "other.env").write_text("SLACK_BOT_TOKEN=xoxb-other\n")
    monkeypatch.setenv("DATABASE_URL", "postgresql://prod.example/app")
    monkeypatch.setenv("SECRET_KEY", "another-programs-secret")
    assert Settings().slack_bot_token is None  # HUB_ENV_FILE is empty in the tests
    monkeypatch.setenv("HUB_ENV_FILE", "other.env")
    assert Settings().slack_bot_token == "xoxb-other"
    monkeypatch.delenv("HUB_ENV_FILE")
    settings = Settings()
    assert settings.slack_bot_token == "xoxb-dotenv"  # `.env` by default
    assert settings.database_url == "sqlite:///hubbot.db" and settings.secret_key is None
