"""Run the chat platforms the settings name, side by side in one process."""

from __future__ import annotations

from bot.hub import Hub


class PlatformUnavailable(Exception):
    pass


def run_platforms(
    hub: Hub, platforms: list[str], http: bool = False, port: int = 3000, shards: int | None = None
) -> None:
    raise PlatformUnavailable(f"the {', '.join(platforms)} adapter is not built yet")
