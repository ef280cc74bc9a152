"""Persistent buttons: every button's custom_id is `hub:<action>:<value>` (opaque ids only).

`HubButton` is a DynamicItem: registered once in `setup_hook`, it answers clicks on any message,
including messages sent before the bot restarted. Nothing is kept in memory per message.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol, cast

import discord

from bot.replies import Button, Style

log = logging.getLogger(__name__)

CUSTOM_ID_CHARS = 100
LABEL_CHARS = 80
# Action names may hold `-` (`daily-answered`); they never hold `:`, which ends them.
TEMPLATE = re.compile(r"hub:(?P<action>[a-z][a-z0-9_-]{0,30}):(?P<value>[^\s]{0,90})")

STYLES = {
    Style.default: discord.ButtonStyle.secondary,
    Style.primary: discord.ButtonStyle.primary,
    Style.danger: discord.ButtonStyle.danger,
}


class ButtonHandler(Protocol):
    async def on_hub_button(
        self, interaction: discord.Interaction[Any], action: str, value: str
    ) -> None: ...


def custom_id(button: Button) -> str | None:
    """The button's custom_id, or None when it cannot be one (too long, odd characters)."""
    value = f"hub:{button.action}:{button.value}"
    if len(value) > CUSTOM_ID_CHARS or not TEMPLATE.fullmatch(value):
        return None
    return value


class HubButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    def __init__(
        self, action: str, value: str, label: str = "Open", style: Style = Style.default
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:LABEL_CHARS] or "Open",
                style=STYLES[style],
                custom_id=f"hub:{action}:{value}",
            )
        )
        self.action = action
        self.value = value

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> HubButton:
        label = getattr(item, "label", None) or "Open"
        return cls(match["action"], match["value"], label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = cast(ButtonHandler, interaction.client)
        await handler.on_hub_button(interaction, self.action, self.value)


def build_view(buttons: list[Button]) -> discord.ui.View | None:
    """A persistent view (timeout=None) of up to 25 buttons; None when there are none."""
    view = discord.ui.View(timeout=None)
    for button in buttons:
        if len(view.children) >= 25:
            break
        if custom_id(button) is None:
            log.warning("button %r %r cannot be a custom_id; left out", button.action, button.value)
            continue
        view.add_item(HubButton(button.action, button.value, button.label, button.style))
    return view if view.children else None
