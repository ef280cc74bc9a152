"""Running `hub` as a real process, the way an operator starts it, against a test store."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import FIXTURES, Store

HUB = [sys.executable, "-c", "from bot.cli import main; main()"]


def store_url(store: Store) -> str:
    """The store's URL for another process (the PostgreSQL schema goes in the URL)."""
    if store.schema:
        return f"{store.url}?options=-csearch_path%3D{store.schema}"
    return store.url


def hub_env(url: str, folder: Path, **settings: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "DISCORD_", "HUB_"))
    }
    return env | {
        "HUB_ENV_FILE": "",  # no `.env` either: a module-scoped fixture runs before the guard
        "HUB_DATABASE_URL": url,
        "HUB_CONTENT_DIR": str(FIXTURES / "content"),
        "HUB_SEARCH_CACHE_DIR": str(folder / "search-cache"),
        **settings,
    }


def spawn_hub(
    args: list[str], env: dict[str, str], log: Path, stdin: int | None = None
) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen([*HUB, *args], env=env, stdin=stdin, stdout=out, stderr=out)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
