"""The core's question about a channel a command names, answered on the adapter's event loop.

The core runs in a worker thread and is synchronous; the platform clients live on the loop. A
check runs the adapter's coroutine there and waits for its answer; none in time counts as not
found, so the command is refused rather than acting on a channel nobody vouched for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from bot.commands import ChannelAccess

log = logging.getLogger(__name__)

CHECK_SECONDS = 10.0

Ask = Callable[[str], Coroutine[Any, Any, ChannelAccess]]


def channel_check(ask: Ask) -> Callable[[str], ChannelAccess]:
    """A ChatContext.check_channel for the running loop; call this on the loop."""
    loop = asyncio.get_running_loop()

    def check(channel_id: str) -> ChannelAccess:
        future = asyncio.run_coroutine_threadsafe(ask(channel_id), loop)
        try:
            return future.result(timeout=CHECK_SECONDS)
        except TimeoutError:
            future.cancel()
            log.warning("no answer about channel %s in %.0f s; refused", channel_id, CHECK_SECONDS)
            return ChannelAccess.elsewhere

    return check
