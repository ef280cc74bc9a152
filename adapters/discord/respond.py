"""Answering an interaction: respond within Discord's 3 seconds, or defer and follow up.

The core runs in a worker thread (it touches the database). When it answers within
`ack_after` seconds the reply is the interaction response itself; otherwise the interaction is
deferred first and the reply follows (interaction tokens live 15 minutes; the core answers in
well under that). A reply that carries a form opens it as a modal, which Discord accepts only
as the first response: so the core's reply is awaited first, and deferred only when slow.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

import discord

from adapters.channels import channel_check
from adapters.discord.channels import channel_access
from adapters.discord.embeds import Message, render_reply
from adapters.discord.forms import open_form
from adapters.discord.views import build_view
from bot.commands import ChatContext
from bot.replies import Reply

log = logging.getLogger(__name__)

ACK_AFTER = 2.0  # seconds; Discord allows 3 for the first response
NO_MENTIONS = discord.AllowedMentions.none()
FAILED = Reply(text="Something went wrong on our side; it has been logged.", error=True)


def chat_context(interaction: discord.Interaction[Any]) -> ChatContext:
    """Who clicked or typed, where (call on the client's loop)."""
    user = interaction.user
    channel = interaction.channel
    thread_id: str | None = None
    channel_id = str(interaction.channel_id or "")
    if isinstance(channel, discord.Thread):
        thread_id = str(channel.id)
        channel_id = str(channel.parent_id)
    permissions = interaction.permissions
    return ChatContext(
        platform="discord",
        user_id=str(user.id),
        user_name=user.display_name,
        channel_id=channel_id,
        thread_id=thread_id,
        workspace_id=str(interaction.guild_id or ""),
        can_manage_channel=bool(permissions.manage_channels or permissions.administrator),
        check_channel=channel_check(partial(channel_access, interaction.guild, user)),
    )


def message_kwargs(message: Message, edit: bool = False) -> dict[str, Any]:
    """Keyword arguments to send `message`; with `edit`, to replace a message's content,
    embeds and buttons (an edit without buttons removes the old ones)."""
    kwargs: dict[str, Any] = {"embeds": message.embeds, "allowed_mentions": NO_MENTIONS}
    if message.content or edit:
        kwargs["content"] = message.content or None
    view = build_view(message.buttons)
    if view is not None or edit:
        kwargs["view"] = view
    return kwargs


async def run_core(call: Callable[[], Reply]) -> Reply:
    try:
        return await asyncio.to_thread(call)
    except Exception:
        log.exception("the core failed")
        return FAILED


async def answer(
    interaction: discord.Interaction[Any],
    call: Callable[[], Reply],
    clicked: bool = False,
    ack_after: float = ACK_AFTER,
) -> None:
    """Run `call` (the core) off the event loop and show its reply as the interaction's answer."""
    try:
        await deliver(interaction, await settle(interaction, call, clicked, ack_after), clicked)
    except discord.HTTPException:
        # e.g. 10062 Unknown interaction: the 3 s (or, for follow-ups, 15 min) have passed.
        log.exception("could not answer interaction %s", interaction.id)


async def settle(
    interaction: discord.Interaction[Any],
    call: Callable[[], Reply],
    clicked: bool = False,
    ack_after: float = ACK_AFTER,
) -> Reply:
    """The core's reply to `call`; the interaction is deferred first when the core takes longer
    than `ack_after` (a deferred interaction can no longer open a form)."""
    task = asyncio.ensure_future(run_core(call))
    done, _ = await asyncio.wait({task}, timeout=ack_after)
    if not done:
        if clicked:
            await interaction.response.defer()  # a deferred update: nothing visible changes
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
    return await task


async def deliver(interaction: discord.Interaction[Any], reply: Reply, clicked: bool) -> None:
    """The reply as the interaction's answer: its form as a modal while the interaction has not
    been answered yet, else its messages (a form's text says what to do instead)."""
    form = reply.form
    if (
        form is not None
        and not interaction.response.is_done()
        and await open_form(interaction, form)
    ):
        return
    messages = render_reply(reply)
    ephemeral = reply.private or reply.error
    first, rest = messages[0], messages[1:]
    clicked_message = interaction.message
    edit = (
        clicked
        and reply.replace
        and clicked_message is not None
        and clicked_message.flags.ephemeral
        and not reply.error
    )
    if not interaction.response.is_done():
        if edit:
            await interaction.response.edit_message(**message_kwargs(first, edit=True))
        else:
            await interaction.response.send_message(ephemeral=ephemeral, **message_kwargs(first))
    elif edit or (not clicked and ephemeral):
        # The clicked card, or the deferred ephemeral "thinking…" message, becomes the answer.
        await interaction.edit_original_response(**message_kwargs(first, edit=True))
    elif not clicked:
        await interaction.edit_original_response(content="Posted in the channel.")
        await interaction.followup.send(ephemeral=False, **message_kwargs(first))
    else:
        await interaction.followup.send(ephemeral=ephemeral, **message_kwargs(first))
    for message in rest:
        await interaction.followup.send(ephemeral=ephemeral, **message_kwargs(message))
