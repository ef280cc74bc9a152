"""*Save to hub*: the messages of the thread a message is in, or of the thread it started.

Other people's messages read through the REST API carry their text only when the application
has the *Message Content* intent enabled in the Developer Portal; without it only the message
the menu was used on (and mentions of the bot) has text, and empty messages are left out.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import discord

from adapters.references import named_references
from bot.commands import ThreadMessage

log = logging.getLogger(__name__)

HISTORY = 50  # messages read from a thread
UNREADABLE = "I could not read that thread (HubBot needs Read Message History there)."
SAID = (discord.MessageType.default, discord.MessageType.reply)


def message_text(message: discord.Message) -> str:
    """What a message says: its content and its embeds' text."""
    parts = [message.content, *(embed.description or "" for embed in message.embeds)]
    return "\n".join(part for part in parts if part).strip()


def thread_message(message: discord.Message) -> ThreadMessage:
    """A message as the core reads it; the people it mentions by the names Discord shows."""
    names = {str(person.id): person.display_name for person in message.mentions}
    return ThreadMessage(
        user_id=str(message.author.id),
        user_name=message.author.display_name,
        text=named_references(message_text(message), names),
    )


async def history(thread: discord.Thread) -> list[discord.Message]:
    """The thread's messages oldest first; its starter message (kept in the parent channel for a
    thread started from a message) in place of the notice that stands for it."""
    read: list[discord.Message] = []
    async for message in thread.history(limit=HISTORY, oldest_first=True):
        if message.type is discord.MessageType.thread_starter_message:
            resolved = message.reference.resolved if message.reference else None
            if isinstance(resolved, discord.Message):
                read.append(resolved)
        elif message.type in SAID:
            read.append(message)
    return read


async def started_from(message: discord.Message) -> discord.Thread | None:
    """The thread started from `message`, if any (it has the message's id)."""
    if message.guild is None:
        return None
    if message.thread is not None:
        return message.thread
    try:
        return await message.fetch_thread()
    except discord.NotFound:
        return None


async def read_thread(
    interaction: discord.Interaction[Any], message: discord.Message
) -> list[ThreadMessage] | str:
    """The thread's messages, oldest first, or why they cannot be read."""
    # The message's channel is a thread only when it is cached; the interaction's channel is
    # where the menu was used, which is where the message is.
    where = interaction.channel
    try:
        if isinstance(where, discord.Thread) and where.id == message.channel.id:
            read = await history(where)
        else:
            thread = await started_from(message)
            later = await history(thread) if thread is not None else []
            read = [message, *(m for m in later if m.id != message.id)]
    except (
        discord.HTTPException,
        discord.InvalidData,
        aiohttp.ClientError,
        OSError,
        TimeoutError,
    ) as exc:
        log.warning("could not read the thread of message %s: %s", message.id, exc)
        return UNREADABLE
    return [thread_message(m) for m in read if not m.author.bot and message_text(m)]
