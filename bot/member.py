"""A person on a chat platform: who did something, or whom something is for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.commands import ChatContext


@dataclass(frozen=True)
class Member:
    """One person in one workspace (a Slack workspace, a Discord server; "" where a platform
    has none). `name` is the display name the platform gave, kept for showing, never for
    deciding anything; it may be empty."""

    platform: str
    workspace_id: str
    user_id: str
    name: str = ""

    @classmethod
    def of(cls, ctx: ChatContext) -> Member:
        """The person who sent a command or pressed a button."""
        return cls(ctx.platform, ctx.workspace_id, ctx.user_id, ctx.user_name)

    def same_workspace(self, platform: str, workspace_id: str) -> bool:
        return (self.platform, self.workspace_id) == (platform, workspace_id)

    @property
    def label(self) -> str:
        """How to name the person in a message: the display name, else the id."""
        return self.name or self.user_id


# Stands in for a forgotten person (`/hub forget me`) in rows shared with others.
FORGOTTEN = "(forgotten)"
