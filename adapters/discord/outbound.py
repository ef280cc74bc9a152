"""The core's outbound port on Discord: post, start a thread, update, and send privately (a DM).

discord.py already waits out short rate limits (under 30 s) itself; a longer one, or a 429 it
gave up on, becomes DeliveryError(retry_after=…). A missing channel, message or user, and
missing permissions (403, 404) are permanent.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

import aiohttp
import discord

from adapters.discord.embeds import Message, render_reply
from adapters.discord.respond import message_kwargs
from bot.ports import DeliveryError, MessageRef
from bot.replies import Reply

log = logging.getLogger(__name__)

THREAD_NAME_CHARS = 100
THREAD_ARCHIVE_MINUTES: Literal[1440] = 1440  # a day


@asynccontextmanager
async def delivery(what: str) -> AsyncIterator[None]:
    """Translate Discord's failures into DeliveryError."""
    try:
        yield
    except discord.RateLimited as exc:
        raise DeliveryError(f"{what}: rate limited", retry_after=exc.retry_after) from exc
    except (discord.Forbidden, discord.NotFound) as exc:
        raise DeliveryError(f"{what}: {exc.status} {exc.text[:100]}", permanent=True) from exc
    except discord.HTTPException as exc:
        retry_after = None
        if exc.status == 429:
            header = exc.response.headers.get("Retry-After")
            retry_after = float(header) if header else 1.0
        raise DeliveryError(
            f"{what}: {exc.status} {exc.text[:100]}", retry_after=retry_after
        ) from exc
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise DeliveryError(f"{what}: {type(exc).__name__}") from exc


class DiscordOutbound:
    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    def _channel(self, channel_id: str) -> discord.PartialMessageable:
        return self.client.get_partial_messageable(int(channel_id))

    async def _send_all(
        self, channel: discord.abc.Messageable, messages: list[Message]
    ) -> discord.Message:
        first = await channel.send(**message_kwargs(messages[0]))
        for message in messages[1:]:
            await channel.send(**message_kwargs(message))
        return first

    async def post(self, channel_id: str, reply: Reply, thread_id: str | None = None) -> MessageRef:
        async with delivery(f"post to {channel_id}"):
            sent = await self._send_all(self._channel(thread_id or channel_id), render_reply(reply))
        return MessageRef("discord", channel_id, str(sent.id), thread_id)

    async def start_thread(self, channel_id: str, reply: Reply, name: str) -> MessageRef:
        messages = render_reply(reply)
        async with delivery(f"thread in {channel_id}"):
            first = await self._channel(channel_id).send(**message_kwargs(messages[0]))
            # The port knows only ids (no guild), so the thread is created through the REST route.
            thread = await self.client.http.start_thread_with_message(
                channel_id,
                first.id,
                name=name[:THREAD_NAME_CHARS] or "HubBot",
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            )
            if messages[1:]:
                await self._send_all(self._channel(str(thread["id"])), messages[1:])
        return MessageRef("discord", channel_id, str(first.id), str(thread["id"]))

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        messages = render_reply(reply)
        # A thread's starter message lives in the parent channel (and shares the thread's id).
        in_thread = ref.thread_id is not None and ref.thread_id != ref.message_id
        channel = self._channel(ref.thread_id if in_thread and ref.thread_id else ref.channel_id)
        kwargs = message_kwargs(messages[0], edit=True)
        async with delivery(f"update {ref.message_id}"):
            await channel.get_partial_message(int(ref.message_id)).edit(**kwargs)
            for message in messages[1:]:  # the rest of a long entry follows the edited one
                await channel.send(**message_kwargs(message))

    async def send_private(self, user_id: str, reply: Reply, channel_id: str | None = None) -> None:
        """A direct message: bots can only show ephemeral messages as interaction answers."""
        async with delivery(f"DM to {user_id}"):
            dm = await self.client.create_dm(discord.Object(int(user_id)))
            await self._send_all(dm, render_reply(reply))
