"""Adding a command is one registration in the core: a throwaway command, declared with its
arguments and registered by a fixture, works in the console, on Slack (the fake, through
slack-bolt) and on Discord (the fake, through discord.py), and no adapter knows about it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.console import ConsoleChat
from bot.commands import COMMANDS, Arg, ArgKind, ChatContext, Suggest, command
from bot.hub import Hub
from bot.replies import Reply
from tests.discord.conftest import StartClient
from tests.discord.fake import BOT_ID, FakeDiscord
from tests.slack.conftest import running_slack
from tests.slack.fake_slack import FakeSlack

ECHO_ARGS = (
    Arg("words", "What to say back", required=True, max_length=200),
    Arg("topic", "A topic to add", ArgKind.word, suggest=Suggest.topic, prefix="topic:"),
    Arg("loud", "Whether to shout", ArgKind.choice, choices=("yes", "no"), prefix="loud:"),
)


def echo(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    return Reply(text=f"echo for {ctx.platform}: {args}")


@pytest.fixture
def echo_command() -> Iterator[None]:
    command("echo", "", "say the words back", args=ECHO_ARGS)(echo)
    yield
    del COMMANDS["echo"]


def test_the_console_runs_it_and_help_lists_it(echo_command: None, adapter_hub: Hub) -> None:
    chat = ConsoleChat(adapter_hub, io.StringIO(), io.StringIO())
    assert chat.handle_line("/hub echo hello topic:react") == "echo for console: hello topic:react"
    helped = chat.handle_line("/hub help") or ""
    assert "`/hub echo <words> [topic:topic] [loud:yes|no]` — say the words back" in helped


async def test_slack_runs_it(echo_command: None, adapter_hub: Hub) -> None:
    fake = FakeSlack()
    try:
        async with running_slack(adapter_hub, fake) as slack:
            assert await slack.command("echo hi there loud:yes") == 200
            [answer] = await fake.wait_for("response_url")
    finally:
        fake.close()
    assert answer.body["text"] == "echo for slack: hi there loud:yes"


def hub_options(fake: FakeDiscord) -> dict[str, Any]:
    """The options of each /hub subcommand, as synced to Discord."""
    [put] = fake.calls_to("PUT", rf"/applications/{BOT_ID}/commands")
    [hub] = [c for c in put.body if c["name"] == "hub"]
    return {sub["name"]: sub.get("options", []) for sub in hub["options"]}


async def test_discord_offers_it_with_typed_options(
    echo_command: None, fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    words, topic, loud = hub_options(fake)["echo"]
    assert (words["name"], words["required"], words["max_length"]) == ("words", True, 200)
    assert (topic["name"], topic["autocomplete"]) == ("topic", True)
    assert loud["choices"] == [{"name": "yes", "value": "yes"}, {"name": "no", "value": "no"}]

    asked = await fake.slash("echo", words="hi there", topic="Re act", loud="yes")
    [answer] = await fake.wait_for(lambda: fake.callbacks(asked))
    assert answer.body["data"]["content"] == "echo for discord: hi there topic:Re-act loud:yes"

    typed = await fake.slash("echo", focused="topic", words="x", topic="re")
    [suggested] = await fake.wait_for(lambda: fake.callbacks(typed))
    assert {"name": "react", "value": "react"} in suggested.body["data"]["choices"]
