"""Whether a channel a command names is in the asker's workspace (conversations.info).

A channel the bot's token cannot see, or one whose workspaces (its own and, for Slack Connect,
those it is shared with) do not include the asker's, is not theirs to name. Channel settings are
for workspace admins (see ChannelManagers), so whoever may manage one channel may manage all.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import ChannelAccess

log = logging.getLogger(__name__)


async def in_team(client: AsyncWebClient, team: str, channel_id: str) -> bool:
    """Whether `channel_id` is a channel of workspace `team` (its own, or shared with it) that
    the bot's token can see."""
    try:
        info = await client.conversations_info(channel=channel_id)
    except SlackApiError as exc:  # channel_not_found: not one the bot's token can see
        log.info("conversations.info %s: %s", channel_id, exc.response.get("error"))
        return False
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        log.warning("conversations.info %s failed: %r", channel_id, exc)
        return False
    channel = info.get("channel") or {}
    teams = {channel.get("context_team_id"), *(channel.get("shared_team_ids") or [])}
    return bool(team) and team in teams


async def channel_access(
    client: AsyncWebClient,
    team: str,
    can_manage: Callable[[], Awaitable[bool | None]],
    channel_id: str,
) -> ChannelAccess:
    if not await in_team(client, team, channel_id):
        return ChannelAccess.elsewhere
    # users.info is asked only now, for a channel of theirs; no answer means not allowed.
    return ChannelAccess.manager if await can_manage() else ChannelAccess.member
