"""The outbound port: what the core (and jobs) may ask of a chat platform. Adapters implement it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.replies import Reply


@dataclass(frozen=True)
class MessageRef:
    platform: str
    channel_id: str
    message_id: str
    thread_id: str | None = None


class DeliveryError(Exception):
    """A message could not be delivered.

    `permanent` means retrying will not help (bot removed, channel deleted, no permission);
    otherwise `retry_after` says when to try again, if the platform said so.
    """

    def __init__(self, message: str, permanent: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


class PlatformStopped(Exception):
    """A platform cannot run for a reason a retry will not fix; the message says what to change."""


class Outbound(Protocol):
    platform: str

    async def post(self, channel_id: str, reply: Reply, thread_id: str | None = None) -> MessageRef:
        """Post in a channel, or in a thread of it when `thread_id` is given."""
        ...

    async def start_thread(self, channel_id: str, reply: Reply, name: str) -> MessageRef:
        """Post `reply` as the first message of a new thread; the ref's thread_id is that thread."""
        ...

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        """Replace the content of a message the bot posted."""
        ...

    async def send_private(self, user_id: str, reply: Reply, channel_id: str | None = None) -> None:
        """Show `reply` to one person only: ephemeral in `channel_id`, or a direct message."""
        ...


@runtime_checkable
class KnowsTimeZones(Protocol):
    """An outbound port whose platform tells a person's time zone (Slack's users.info does)."""

    async def time_zone(self, user_id: str) -> str | None:
        """The person's IANA time zone ("Europe/Berlin"), or None when the platform has none."""
        ...


class OutboundPorts:
    """The outbound ports of the platforms this process runs, by platform name. Adapters register
    theirs when they start; the core and the jobs look one up by the platform a row names."""

    def __init__(self) -> None:
        self._ports: dict[str, Outbound] = {}

    def register(self, port: Outbound) -> None:
        self._ports[port.platform] = port

    def get(self, platform: str) -> Outbound | None:
        return self._ports.get(platform)

    def platforms(self) -> list[str]:
        return list(self._ports)
