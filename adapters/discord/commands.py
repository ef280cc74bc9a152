"""The `/hub` application commands and the "Find a fix for this error" message menu.

Each subcommand turns its typed options into the core's text grammar (`search <words> topic:x`)
and hands it to the client; adding a subcommand is one short method here.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

import discord
from discord import app_commands

from bot import suggest

if TYPE_CHECKING:
    from bot.hub import Hub

log = logging.getLogger(__name__)

FIND_FIX = "Find a fix for this error"
Kind = Literal["question", "error", "snippet", "article"]


class CommandRunner(Protocol):
    hub: Hub

    async def run_command(self, interaction: discord.Interaction[Any], text: str) -> None: ...


def runner(interaction: discord.Interaction[Any]) -> CommandRunner:
    return cast(CommandRunner, interaction.client)


def word(value: str | None) -> str:
    """An option value as one safe token of the grammar (topics and ids have no spaces)."""
    return "-".join((value or "").split())[:64]


def choices(pairs: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices: names up to 100 characters, at most 25."""
    out = []
    for value, name in pairs[:25]:
        label = name if len(name) <= 100 else name[:99] + "…"
        out.append(app_commands.Choice(name=label, value=value[:100]))
    return out


async def topic_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    found = await asyncio.to_thread(suggest.topics, runner(interaction).hub.engine, current)
    return choices([(t, t) for t in found])


async def level_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    return choices([(level, level) for level in suggest.levels(current)])


async def entry_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    found = await asyncio.to_thread(suggest.entries, runner(interaction).hub.engine, current)
    return choices([(entry_id, f"{title} ({entry_id})") for entry_id, title in found])


async def path_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    found = await asyncio.to_thread(suggest.paths, runner(interaction).hub.engine, current)
    return choices([(path_id, f"{title} ({path_id})") for path_id, title in found])


class HubCommands(app_commands.Group):
    """`/hub …`: every command of the core, with typed options."""

    def __init__(self) -> None:
        super().__init__(name="hub", description="The developer knowledge hub")

    @app_commands.command(description="What HubBot can do")
    async def help(self, interaction: discord.Interaction[Any]) -> None:
        await runner(interaction).run_command(interaction, "help")

    @app_commands.command(description="Search questions, errors, snippets and articles")
    @app_commands.describe(
        query="What to look for",
        topic="Only this topic",
        level="Only this level",
        kind="Only this kind",
    )
    @app_commands.autocomplete(topic=topic_choices, level=level_choices)
    async def search(
        self,
        interaction: discord.Interaction[Any],
        query: app_commands.Range[str, 1, 500],
        topic: str | None = None,
        level: str | None = None,
        kind: Kind | None = None,
    ) -> None:
        filters = [
            f"{name}:{word(value)}"
            for name, value in (("topic", topic), ("level", level), ("kind", kind))
            if value
        ]
        await runner(interaction).run_command(interaction, " ".join(["search", query, *filters]))

    @app_commands.command(name="error", description="Find the root cause and fix of an error")
    @app_commands.describe(text="The error message or traceback")
    async def error_command(
        self, interaction: discord.Interaction[Any], text: app_commands.Range[str, 1, 4000]
    ) -> None:
        await runner(interaction).run_command(interaction, f"error {text}")

    @app_commands.command(description="Find a reusable code snippet")
    @app_commands.describe(query="What you need, e.g. debounce hook")
    async def snippet(
        self, interaction: discord.Interaction[Any], query: app_commands.Range[str, 1, 500]
    ) -> None:
        await runner(interaction).run_command(interaction, f"snippet {query}")

    @app_commands.command(description="Show one entry in full")
    @app_commands.describe(id="The entry's id (start typing its title)")
    @app_commands.autocomplete(id=entry_choices)
    async def show(self, interaction: discord.Interaction[Any], id: str) -> None:
        await runner(interaction).run_command(interaction, f"show {word(id)}")

    @app_commands.command(description="List the topics and how much each holds")
    async def topics(self, interaction: discord.Interaction[Any]) -> None:
        await runner(interaction).run_command(interaction, "topics")

    @app_commands.command(description="Learning paths, beginner to advanced")
    @app_commands.describe(id="A path to open; leave empty to list them")
    @app_commands.autocomplete(id=path_choices)
    async def path(self, interaction: discord.Interaction[Any], id: str | None = None) -> None:
        text = f"path show {word(id)}" if id and word(id) else "path list"
        await runner(interaction).run_command(interaction, text)

    @app_commands.command(description="Run a mock interview in a thread, or steer the one here")
    @app_commands.describe(
        action="start one, or move the session of this channel on",
        options="For start: topics, level <level>, questions N, minutes M, @candidates, "
        "interviewer @someone",
    )
    async def mock(
        self,
        interaction: discord.Interaction[Any],
        action: Literal["start", "next", "skip", "reveal", "pause", "resume", "end"],
        options: app_commands.Range[str, 0, 500] | None = None,
    ) -> None:
        await runner(interaction).run_command(interaction, f"mock {action} {options or ''}")

    @app_commands.command(description="The channel's daily interview question")
    @app_commands.describe(
        action="on, off, status, preview, now or leaderboard (on, off, now: Manage Channels)",
        options="For on: [#channel] at HH:MM [time zone] [days mon-fri] [topics] [levels] "
        "[reveal after 4h | reveal at HH:MM]",
    )
    async def daily(
        self,
        interaction: discord.Interaction[Any],
        action: Literal["on", "off", "status", "preview", "now", "leaderboard"],
        options: app_commands.Range[str, 0, 500] | None = None,
    ) -> None:
        await runner(interaction).run_command(interaction, f"daily {action} {options or ''}")

    @app_commands.command(description="Your questions due for review, one at a time")
    @app_commands.describe(remind="Turn the daily reminder by direct message on or off")
    async def review(
        self, interaction: discord.Interaction[Any], remind: Literal["on", "off"] | None = None
    ) -> None:
        text = f"review remind {remind}" if remind else "review"
        await runner(interaction).run_command(interaction, text)

    @app_commands.command(description="Delete everything HubBot holds about you")
    @app_commands.describe(who="Whose data: yours (me)")
    async def forget(self, interaction: discord.Interaction[Any], who: Literal["me"]) -> None:
        await runner(interaction).run_command(interaction, f"forget {who}")


async def find_fix(interaction: discord.Interaction[Any], message: discord.Message) -> None:
    """The message menu: look the message's text up in the debug archive."""
    parts = [message.content, *(e.description or "" for e in message.embeds)]
    text = "\n".join(p for p in parts if p).strip()
    if not text:
        await interaction.response.send_message(
            "That message has no text I can read.", ephemeral=True
        )
        return
    await runner(interaction).run_command(interaction, f"error {text}")


async def command_failed(
    interaction: discord.Interaction[Any], error: app_commands.AppCommandError
) -> None:
    """Any command that fails still gets a short answer, never silence or a traceback."""
    if isinstance(error, app_commands.CommandNotFound):
        text = "That command is out of date; Discord will offer the current ones shortly."
    else:
        log.error("command failed: %s", error, exc_info=error)
        text = "Something went wrong on our side; it has been logged."
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


def build_tree(client: discord.Client) -> app_commands.CommandTree[Any]:
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
    tree.add_command(HubCommands())
    tree.add_command(app_commands.ContextMenu(name=FIND_FIX, callback=find_fix))
    tree.error(command_failed)
    return tree
