"""`/hub path` is written once in the core and works in the console and on Slack (the fake,
through slack-bolt); tests/discord/test_paths.py drives it on Discord."""

from __future__ import annotations

import io

from adapters.console import ConsoleChat
from bot.hub import Hub
from tests.slack.conftest import running_slack
from tests.slack.fake_slack import FakeSlack


def test_the_console_follows_a_path_and_presses_its_buttons(sqlite_hub: Hub) -> None:
    chat = ConsoleChat(sqlite_hub, io.StringIO(), io.StringIO())
    started = chat.handle_line("/hub path start test") or ""
    assert "Step 1 of 2: Start with the ORM" in started and "[1] Mark done" in started
    assert "[2] Open" in started  # the step's linked entry
    done = chat.handle_line("1") or ""
    assert "Step 1 of 2 done" in done and "Step 2 of 2: Ship it" in done
    finished = chat.handle_line("/hub path done") or ""
    assert "Milestone reached: You can ship a small service." in finished
    assert "You've finished *Test path: zero to production*" in finished
    assert "[██████████] 2 of 2 steps" in (chat.handle_line("/hub path progress") or "")


async def test_slack_runs_it(sqlite_hub: Hub) -> None:
    fake = FakeSlack()
    try:
        async with running_slack(sqlite_hub, fake) as slack:
            assert await slack.command("path start zero") == 200
            [started] = await fake.wait_for("response_url")
            assert await slack.command("path progress", team="T0OTHER") == 200
            other = (await fake.wait_for("response_url", 2))[-1]
    finally:
        fake.close()
    assert "Step 1 of 2: Start with the ORM" in str(started.body["blocks"])
    assert "follow no learning path" in str(other.body)  # another workspace, no progress
