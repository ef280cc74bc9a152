"""Whether a channel a command names is in the asker's guild, and whether they manage it there.

Answered with discord.py's own objects: the guild's cached channel (or, when the cache doesn't
have it, GET /channels/{id}, which discord.py refuses for a channel of another guild) and the
member's permissions in that channel (roles and overwrites; owners and administrators have all).
"""

from __future__ import annotations

import logging

import aiohttp
import discord

from bot.commands import ChannelAccess

log = logging.getLogger(__name__)


async def channel_access(
    guild: discord.Guild | None, person: discord.abc.User, channel_id: str
) -> ChannelAccess:
    if guild is None or not isinstance(person, discord.Member) or not channel_id.isdigit():
        return ChannelAccess.elsewhere
    channel: discord.abc.GuildChannel | discord.Thread | None
    channel = guild.get_channel_or_thread(int(channel_id))
    if channel is None:
        try:
            channel = await guild.fetch_channel(int(channel_id))
        except (discord.NotFound, discord.Forbidden, discord.InvalidData):
            return ChannelAccess.elsewhere  # unknown, hidden from the bot, or another guild's
        except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.warning("could not look up channel %s: %s", channel_id, exc)
            return ChannelAccess.elsewhere
    if channel.permissions_for(person).manage_channels:
        return ChannelAccess.manager
    return ChannelAccess.member
