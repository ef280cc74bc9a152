"""The Discord client: slash commands, button clicks and @mentions into the core, replies out."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, cast

import discord

from adapters.channels import channel_check
from adapters.discord.channels import channel_access
from adapters.discord.commands import build_tree
from adapters.discord.embeds import render_reply
from adapters.discord.forms import (
    CUSTOM_ID,
    OPEN_PAGE,
    Fillings,
    form_table,
    modal,
    page_saved,
    problems,
    typed_in,
)
from adapters.discord.outbound import DiscordOutbound
from adapters.discord.respond import (
    ACK_AFTER,
    NO_MENTIONS,
    answer,
    chat_context,
    deliver,
    message_kwargs,
    run_core,
    settle,
)
from adapters.discord.sync import sync_if_changed
from adapters.discord.threads import read_thread
from adapters.discord.views import HubButton
from adapters.references import neutral_references
from bot.commands import ChatContext
from bot.config import Settings
from bot.lifecycle import tracked
from bot.replies import Visibility

log = logging.getLogger(__name__)

DOUBLE_CLICK_SECONDS = 5.0
MAX_RATE_LIMIT_WAIT = 30.0  # seconds; discord.py's smallest allowed value

# HubBot never joins voice: no warnings about the voice libraries it does not need.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

if TYPE_CHECKING:
    from bot.hub import Hub

    _ClientBase = discord.Client
else:
    _ClientBase = object


def intents() -> discord.Intents:
    """Guilds, guild messages and DMs. Not the privileged message-content intent: slash
    commands, the message menu, @mentions and DMs all carry their text without it."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.guild_messages = True
    chosen.dm_messages = True
    return chosen


class HubClientMixin(_ClientBase):
    """Everything HubBot adds to a discord.py client; mixed into Client and AutoShardedClient."""

    def __init__(
        self,
        hub: Hub,
        settings: Settings,
        ack_after: float = ACK_AFTER,
        sync_on_start: bool = True,
        **options: Any,
    ) -> None:
        options.setdefault("intents", intents())
        # Longer rate limits raise (the outbound port turns them into retry_after) instead of
        # holding a job for minutes; shorter ones discord.py waits out and retries itself.
        options.setdefault("max_ratelimit_timeout", MAX_RATE_LIMIT_WAIT)
        super().__init__(allowed_mentions=NO_MENTIONS, **options)
        self.hub = hub
        self.settings = settings
        self.ack_after = ack_after
        self.sync_on_start = sync_on_start
        self.tree = build_tree(self, hub)
        self.outbound = DiscordOutbound(self)
        self._clicks: dict[tuple[int, int, str, str], float] = {}
        self.forms = Fillings(hub.key_values(form_table))
        hub.outbound.register(self.outbound)

    async def setup_hook(self) -> None:
        # Registered here, once per process, so buttons sent before a restart keep working.
        self.add_dynamic_items(HubButton)
        if self.sync_on_start:
            await sync_if_changed(self.tree, self.hub, self.settings.discord_guild_id)

    @tracked
    async def run_command(self, interaction: discord.Interaction[Any], text: str) -> None:
        ctx = chat_context(interaction)
        typed = neutral_references(text)
        await answer(interaction, lambda: self.hub.handle(ctx, typed), ack_after=self.ack_after)

    @tracked
    async def on_hub_button(
        self, interaction: discord.Interaction[Any], action: str, value: str
    ) -> None:
        if action == OPEN_PAGE:
            await self.open_page(interaction, value)
            return
        if self._repeated(interaction, action, value):
            await interaction.response.defer()  # acknowledged, nothing happens twice
            return
        ctx = chat_context(interaction)
        await answer(
            interaction,
            lambda: self.hub.handle_action(ctx, action, value),
            clicked=True,
            ack_after=self.ack_after,
        )

    @tracked
    async def save_thread(
        self, interaction: discord.Interaction[Any], message: discord.Message
    ) -> None:
        """*Save to hub*: the thread the message is in (or starts), drafted as an error entry."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        read = await read_thread(interaction, message)
        if isinstance(read, str):
            await interaction.response.send_message(read, ephemeral=True)
            return
        ctx = chat_context(interaction)
        # The form must be the first response: what reading the thread took is not left.
        left = max(0.0, self.ack_after - (loop.time() - started))
        await answer(interaction, lambda: self.hub.save_thread(ctx, read), ack_after=left)

    async def open_page(self, interaction: discord.Interaction[Any], token: str) -> None:
        """*Continue* or *Fix it*: the next page of a form being filled in."""
        filling = await self.forms.find(interaction, token)
        try:
            if isinstance(filling, str):
                await interaction.response.send_message(filling, ephemeral=True)
            else:
                await interaction.response.send_modal(modal(filling, filling.page))
        except discord.HTTPException:
            log.exception("could not answer interaction %s", interaction.id)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Modal submits of HubBot's forms (commands and buttons go through the tree and views)."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data = cast(dict[str, Any], interaction.data or {})
        match = CUSTOM_ID.fullmatch(str(data.get("custom_id", "")))
        if match is not None:
            await self.submit_page(
                interaction, match["token"], typed_in(data.get("components", []))
            )

    @tracked
    async def submit_page(
        self, interaction: discord.Interaction[Any], token: str, typed: dict[str, str]
    ) -> None:
        """A page of a form submitted: kept, and *Continue* to the next; the last page sends
        the whole form to the core, and its problems come back with *Fix it*."""
        filling = await self.forms.find(interaction, token)
        try:
            if isinstance(filling, str):
                await interaction.response.send_message(filling, ephemeral=True)
                return
            number = filling.keep(typed)
            if number + 1 < len(filling.pages):
                filling.page = number + 1
                await deliver(interaction, page_saved(filling, number), clicked=False)
                await self.forms.save(filling)
                return
            ctx = chat_context(interaction)
            form, values = filling.form, filling.values()
            reply = await settle(
                interaction,
                lambda: self.hub.submit_form(ctx, form.action, form.value, values),
                ack_after=self.ack_after,
            )
            if reply.form is not None:
                filling.refill(reply.form)
                await deliver(interaction, problems(filling, reply.text), clicked=False)
                await self.forms.save(filling)
            else:
                await self.forms.finish(filling)  # before the answer: a retried submit finds none
                reply = replace(reply, visibility=Visibility.private, replace=False)
                await deliver(interaction, reply, clicked=False)
        except discord.HTTPException:
            log.exception("could not answer interaction %s", interaction.id)

    def _repeated(self, interaction: discord.Interaction[Any], action: str, value: str) -> bool:
        now = time.monotonic()
        self._clicks = {k: t for k, t in self._clicks.items() if now - t < DOUBLE_CLICK_SECONDS}
        message_id = interaction.message.id if interaction.message else 0
        key = (interaction.user.id, message_id, action, value)
        if key in self._clicks:
            return True
        self._clicks[key] = now
        return False

    async def count_thread_answer(self, message: discord.Message) -> None:
        """A message in a daily question's thread counts as an answer (no content needed).

        The thread may not be in the cache, so the message's channel id is matched as a thread
        id alone: Discord ids are unique across channels.
        """
        author = message.author
        await asyncio.to_thread(
            self.hub.record_thread_answer,
            "discord",
            str(message.channel.id),
            str(author.id),
            author.display_name,
        )

    @tracked
    async def on_message(self, message: discord.Message) -> None:
        me = self.user
        if me is None or message.author.bot:
            return
        direct = isinstance(message.channel, discord.DMChannel)
        if not direct:
            await self.count_thread_answer(message)
        if not direct and me.id not in message.raw_mentions:
            return
        text = neutral_references(re.sub(rf"<@!?{me.id}>", " ", message.content))
        ctx = message_context(message)
        reply = await run_core(lambda: self.hub.handle_mention(ctx, text))
        try:
            for number, rendered in enumerate(render_reply(reply)):
                kwargs = message_kwargs(rendered)
                if number == 0:
                    await message.reply(mention_author=False, **kwargs)
                else:
                    await message.channel.send(**kwargs)
        except discord.HTTPException:
            log.exception("could not answer message %s", message.id)


def message_context(message: discord.Message) -> ChatContext:
    """Who wrote, where (call on the client's loop); permissions are theirs in this channel."""
    channel = message.channel
    thread_id = str(channel.id) if isinstance(channel, discord.Thread) else None
    channel_id = str(channel.parent_id) if isinstance(channel, discord.Thread) else str(channel.id)
    author = message.author
    can_manage = (
        isinstance(author, discord.Member)
        and isinstance(channel, discord.abc.GuildChannel | discord.Thread)
        and channel.permissions_for(author).manage_channels
    )
    return ChatContext(
        platform="discord",
        user_id=str(author.id),
        user_name=author.display_name,
        channel_id=channel_id,
        thread_id=thread_id,
        workspace_id=str(message.guild.id) if message.guild else "",
        can_manage_channel=can_manage,
        check_channel=channel_check(partial(channel_access, message.guild, author)),
    )


class HubClient(HubClientMixin, discord.Client):
    """One gateway connection: most bots."""


class ShardedHubClient(HubClientMixin, discord.AutoShardedClient):
    """`--shards N`: one process, N gateway connections."""
