"""The guards every test runs under (tests/conftest.py, pyproject.toml) do catch what they are for:
a command that crashed behind a polite reply, settings from the machine, a connection that leaves
it. The first two run in a pytest of their own (pytester), where a test is meant to fail."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pytest_socket import SocketConnectBlockedError

from bot.config import DEFAULT_STORE, Settings

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
INNER_CONFTEST = "from tests.conftest import no_failed_command, outside_settings_removed\n"
INNER_INI = """
[pytest]
markers =
    command_fails(*names): the test crashes these commands in the core on purpose
"""


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytest run in a folder of its own that uses this suite's guards."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest(INNER_CONFTEST)
    pytester.makeini(INNER_INI)
    return pytester


CRASHING = """
from pathlib import Path

import pytest

from bot.commands import ChatContext, command
from bot.config import Settings
from bot.hub import Hub

SORRY = "Something went wrong on our side; it has been logged."


@command("crash", "/hub crash", "always fails")
def crash(hub: Hub, ctx: ChatContext, args: str) -> None:
    raise RuntimeError("boom in the core")


def ask(tmp_path: Path, text: str) -> str:
    hub = Hub(Settings(HUB_DATABASE_URL=f"sqlite:///{tmp_path / 'hub.db'}"))
    return hub.handle(ChatContext("console", "ada"), text).text


def test_a_crash_that_only_looks_at_the_reply(tmp_path: Path) -> None:
    assert ask(tmp_path, "/hub crash") == SORRY


@pytest.mark.command_fails("crash")
def test_a_crash_on_purpose(tmp_path: Path) -> None:
    assert ask(tmp_path, "/hub crash") == SORRY


@pytest.mark.command_fails("search")
def test_a_crash_of_another_command_than_expected(tmp_path: Path) -> None:
    assert ask(tmp_path, "/hub crash") == SORRY


def test_no_crash(tmp_path: Path) -> None:
    assert "/hub search" in ask(tmp_path, "/hub help")
"""


def test_a_command_that_crashed_fails_the_test_unless_expected(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_crashing=CRASHING)
    result = inner.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, errors=2)  # each test passes; two fail at teardown
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_a_crash_that_only_looks_at_the_reply*",
            "the core logged a failed command:",
            "command crash failed",
            "RuntimeError: boom in the core",
            "*ERROR at teardown of test_a_crash_of_another_command_than_expected*",
        ]
    )


SETTINGS_READ = """
import os

import pytest

from bot.config import DEFAULT_STORE, Settings


def test_nothing_from_the_machine() -> None:
    assert not [name for name in os.environ if name.startswith(("HUB_", "SLACK_", "DISCORD_"))
                and name not in ("HUB_ENV_FILE", "HUB_TEST_POSTGRES_URL")]
    settings = Settings()
    assert settings.slack_bot_token is None and settings.discord_token is None
    assert settings.database_url == f"sqlite:///{DEFAULT_STORE}"  # not .env's or DATABASE_URL's
    assert settings.log_level is None


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
    assert settings.database_url == f"sqlite:///{DEFAULT_STORE}" and settings.secret_key is None


def test_a_connection_off_the_machine_fails_the_test() -> None:
    # pytest-socket warns (an error under filterwarnings), then raises.
    with pytest.raises(SocketConnectBlockedError), pytest.warns(UserWarning, match="192.0.2.1"):
        socket.create_connection(("192.0.2.1", 443), timeout=2)  # TEST-NET-1: no one is there


def test_loopback_connections_work() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        socket.create_connection(server.getsockname()).close()
