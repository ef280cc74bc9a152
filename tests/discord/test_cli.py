"""`hub discord sync` and `hub serve discord` against the fake Discord."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import Fail, app
from tests.discord.fake import BOT_ID, FakeDiscord
from tests.hub_process import HUB, hub_env


async def hub_cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    """Run `hub …` in a real process, as people do (the fake keeps serving in this loop)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        *args,
        env={**os.environ, "HUB_CONTENT_DIR": env["HUB_DATABASE_URL"][10:] + ".none", **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_hub_discord_sync_registers_the_commands(fake: FakeDiscord, tmp_path: Path) -> None:
    env = {
        "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "DISCORD_TOKEN": "fake-token",
        "DISCORD_API_URL": fake.api_url,
    }
    result = await asyncio.to_thread(
        CliRunner().invoke, app, ["discord", "sync", "--guild", "77"], env=env
    )
    assert result.exit_code == 0, result.output
    assert "synced 3 commands to guild 77" in result.output  # /hub and two message menus
    assert fake.calls_to("PUT", rf"/applications/{BOT_ID}/guilds/77/commands")
    assert not fake.identifies  # REST only: no gateway connection


async def test_hub_discord_sync_explains_a_bad_token(fake: FakeDiscord, tmp_path: Path) -> None:
    fake.fail("GET", "/users/@me", 401, {"message": "401: Unauthorized", "code": 0})
    env = {
        "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "DISCORD_TOKEN": "wrong",
        "DISCORD_API_URL": fake.api_url,
    }
    result = await asyncio.to_thread(CliRunner().invoke, app, ["discord", "sync"], env=env)
    assert isinstance(result.exception, Fail)  # main() prints it as one line: error: …
    assert str(result.exception).startswith("Discord: the token was rejected")


async def test_hub_serve_discord_stops_on_a_rejected_token(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    fake.close_on_identify = 4004
    env = {
        "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "DISCORD_TOKEN": "revoked",
        "DISCORD_API_URL": fake.api_url,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
    }
    code, output = await hub_cli(env, "serve", "discord")
    assert code == 1
    assert "(4004 Authentication failed): check DISCORD_TOKEN" in output
    assert "Traceback" not in output
    assert len(fake.identifies) == 1
    assert "INFO discord.client: logging in" in output  # a bot logs at INFO unless told


async def test_sigterm_finishes_the_answer_in_flight_then_exits_0(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    env = hub_env(
        f"sqlite:///{tmp_path / 'hub.db'}",
        tmp_path,
        DISCORD_TOKEN="fake-token",
        DISCORD_API_URL=fake.api_url,
        DISCORD_GATEWAY_URL=fake.gateway_url,
    )
    log = tmp_path / "hub.log"
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            *HUB, "serve", "discord", env=env, stdout=out, stderr=out
        )
    gate = fake.hold("POST", r"/interactions/\d+/[^/]+/callback")  # Discord is slow to answer
    try:
        await fake.wait_for(lambda: fake.identifies, timeout=60)
        interaction = await fake.slash("search", query="django orm")
        await fake.wait_for(lambda: fake.callbacks(interaction), timeout=30)
        process.send_signal(signal.SIGTERM)
        for _ in range(600):
            if "SIGTERM" in log.read_text() or process.returncode is not None:
                break
            await asyncio.sleep(0.05)
        assert process.returncode is None, log.read_text()  # still finishing the answer
        gate.set()
        assert await asyncio.wait_for(process.wait(), 30) == 0, log.read_text()
    finally:
        gate.set()
        if process.returncode is None:
            process.kill()
            await process.wait()
    [answer] = fake.callbacks(interaction)
    assert "N+1" in str(answer.body)
