"""The `/hub` application commands, made from the core's command registry, and the message menus
"Find a fix for this error" and "Save to hub".

Each core command is a subcommand whose options are the arguments it declares; the values go
back into the core's text grammar (`search <query> topic:x`) and to the client. A command added
to the core needs nothing here.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import TYPE_CHECKING, Any, Protocol, cast

import discord
from discord import app_commands

from adapters.discord.threads import message_text
from bot.commands import Arg, ArgKind, CommandSpec, Suggest

if TYPE_CHECKING:
    from bot.hub import Hub

log = logging.getLogger(__name__)

FIND_FIX = "Find a fix for this error"
SAVE_TO_HUB = "Save to hub"
CHOICES = 25  # autocomplete suggestions Discord shows
CHOICE_CHARS = 100  # characters of a choice's name and value
INTERACTION = inspect.Parameter(
    "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
)


class CommandRunner(Protocol):
    hub: Hub

    async def run_command(self, interaction: discord.Interaction[Any], text: str) -> None: ...

    async def save_thread(
        self, interaction: discord.Interaction[Any], message: discord.Message
    ) -> None: ...


def runner(interaction: discord.Interaction[Any]) -> CommandRunner:
    return cast(CommandRunner, interaction.client)


def choices(pairs: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices within Discord's limits."""
    out = []
    for value, name in pairs[:CHOICES]:
        label = name if len(name) <= CHOICE_CHARS else name[: CHOICE_CHARS - 1] + "…"
        out.append(app_commands.Choice(name=label, value=value[:CHOICE_CHARS]))
    return out


def suggester(source: Suggest) -> Any:
    """The autocomplete callback of an argument whose suggestions come from `source`."""

    async def suggest(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        hub = runner(interaction).hub
        return choices(await asyncio.to_thread(hub.suggest, source, current))

    return suggest


def option(arg: Arg) -> inspect.Parameter:
    """The callback parameter discord.py reads an option from: its type, length and default."""
    annotation: Any = str
    if arg.max_length is not None:
        annotation = app_commands.Range[str, 1 if arg.required else 0, arg.max_length]
    if arg.required:
        return inspect.Parameter(arg.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)
    return inspect.Parameter(
        arg.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation | None, default=None
    )


def subcommand(spec: CommandSpec) -> app_commands.Command[Any, ..., None]:
    """`/hub <name>` with one option per argument the command declares."""

    async def run(interaction: discord.Interaction[Any], **values: str | None) -> None:
        await runner(interaction).run_command(interaction, spec.text(values))

    run.__dict__["__signature__"] = inspect.Signature([INTERACTION, *map(option, spec.args)])
    app_commands.describe(**{arg.name: arg.description for arg in spec.args})(run)
    app_commands.choices(
        **{
            arg.name: [app_commands.Choice(name=c, value=c) for c in arg.choices]
            for arg in spec.args
            if arg.kind is ArgKind.choice
        }
    )(run)
    app_commands.autocomplete(
        **{arg.name: suggester(arg.suggest) for arg in spec.args if arg.suggest}
    )(run)
    summary = spec.summary[:1].upper() + spec.summary[1:]
    return app_commands.Command(name=spec.name, description=summary, callback=run)


def hub_group(specs: list[CommandSpec]) -> app_commands.Group:
    """`/hub …`: every command of the core, with typed options."""
    group = app_commands.Group(name="hub", description="The developer knowledge hub")
    for spec in specs:
        group.add_command(subcommand(spec))
    return group


async def find_fix(interaction: discord.Interaction[Any], message: discord.Message) -> None:
    """The message menu: look the message's text up in the debug archive."""
    text = message_text(message)
    if not text:
        await interaction.response.send_message(
            "That message has no text I can read.", ephemeral=True
        )
        return
    await runner(interaction).run_command(interaction, f"error {text}")


async def save_to_hub(interaction: discord.Interaction[Any], message: discord.Message) -> None:
    """The message menu: the thread drafted as an error entry, in a form."""
    await runner(interaction).save_thread(interaction, message)


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


def build_tree(client: discord.Client, hub: Hub) -> app_commands.CommandTree[Any]:
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
    tree.add_command(hub_group(hub.commands()))
    tree.add_command(app_commands.ContextMenu(name=FIND_FIX, callback=find_fix))
    tree.add_command(app_commands.ContextMenu(name=SAVE_TO_HUB, callback=save_to_hub))
    tree.error(command_failed)
    return tree
