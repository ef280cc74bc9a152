"""Core forms as Discord modals: five text boxes of at most 4,000 characters a modal, so a longer
form is filled in page by page.

What is typed is kept for an hour after it last changed, under a random token that is the only
thing the modal's and the *Continue* / *Fix it* buttons' custom ids carry, and only for the
person (in the guild) who opened the form: in memory, and in the store (`discord_form`), so a
restart between two pages loses nothing. The form's own value (ids only) goes back to the core,
which checks it again on submit.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import discord
from sqlalchemy import Column, DateTime, MetaData, String, Table, Text

from adapters.forms import Box, boxes, joined, pages
from bot.replies import Button, Form, Input, Reply, Style

if TYPE_CHECKING:
    from bot.hub import KeyValues

log = logging.getLogger(__name__)
T = TypeVar("T")

BOX_CHARS = 4000  # a text input's max_length and value
PER_MODAL = 5  # text inputs in a modal
TITLE_CHARS = 45
LABEL_CHARS = 45
PLACEHOLDER_CHARS = 100
KEEP_SECONDS = 3600.0
OPEN_A_PERSON = 5  # forms one person may have open at once; a sixth closes their oldest
OPEN_PAGE = "form-page"  # the action of the *Continue* and *Fix it* buttons: `hub:form-page:TOKEN`
CUSTOM_ID = re.compile(r"form:(?P<token>[A-Za-z0-9_-]{1,40})")
GONE = "That form is no longer open (it was sent, or an hour has passed); nothing was changed."
NOT_YOURS = "That form belongs to someone else; nothing was changed."
PRUNE_EVERY = 100  # forms saved between deletions of those past their hour

form_table = Table(
    "discord_form",
    MetaData(),
    Column("token", String(40), primary_key=True),
    Column("filling", Text, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)


@dataclass
class Filling:
    """A form one person is filling in: what they typed so far, box by box."""

    token: str
    user_id: int
    guild_id: int | None
    form: Form
    expires: float
    typed: dict[str, str] = field(default_factory=dict)
    page: int = 0  # the page *Continue* or *Fix it* opens

    @property
    def pages(self) -> list[list[Box]]:
        return pages(self.form, BOX_CHARS, PER_MODAL)

    def keep(self, typed: Mapping[str, str]) -> int:
        """Keep what was typed into one page's boxes; the number of that page."""
        for number, page in enumerate(self.pages):
            keys = {box.key for box in page}
            if keys & typed.keys():
                self.typed.update({key: typed[key] for key in keys if key in typed})
                return number
        return 0

    def values(self) -> dict[str, str]:
        """The core's values: the boxes joined back into its inputs."""
        return joined(self.form, BOX_CHARS, self.typed)

    def refill(self, form: Form) -> None:
        """The core's form again, with what was typed and its problems: *Fix it* opens the page
        holding the first problem."""
        self.form = form
        self.typed = {box.key: box.value for box in boxes(form, BOX_CHARS)}
        self.page = next(
            (n for n, page in enumerate(self.pages) if any(box.error for box in page)), 0
        )

    def dumps(self) -> str:
        kept = {"user": self.user_id, "guild": self.guild_id, "typed": self.typed}
        return json.dumps({**kept, "page": self.page, "form": dataclasses.asdict(self.form)})

    @classmethod
    def loads(cls, token: str, text: str, expires: float) -> Filling:
        """Raises ValueError (or KeyError, TypeError, AttributeError) for anything but what
        `dumps` wrote."""
        kept = json.loads(text)
        form = dict(kept["form"])
        inputs = tuple(Input(**each) for each in form.pop("inputs"))
        typed = {str(k): str(v) for k, v in kept["typed"].items()}
        guild = None if kept["guild"] is None else int(kept["guild"])
        return cls(
            token,
            int(kept["user"]),
            guild,
            Form(**form, inputs=inputs),
            expires,
            typed,
            int(kept["page"]),
        )


class Fillings:
    """The forms being filled in, by token; each expires `keep` seconds after it last changed.
    Kept in memory and in `store`; a token this process does not hold is looked up there."""

    def __init__(self, store: KeyValues, keep: float = KEEP_SECONDS) -> None:
        self.store = store
        self.keep = keep
        self.saves = 0
        self._open: dict[str, Filling] = {}
        # Forms this process sent or closed, until their hour is out: never read back from the
        # store, whether or not their rows are gone yet.
        self._closed: dict[str, float] = {}

    async def start(self, interaction: discord.Interaction[Any], form: Form) -> Filling:
        """A new form, in memory only until `save`; a person's sixth closes their oldest."""
        now = time.monotonic()
        self._open = {t: f for t, f in self._open.items() if f.expires > now}
        self._closed = {t: until for t, until in self._closed.items() if until > now}
        theirs = sorted(
            (f for f in self._open.values() if f.user_id == interaction.user.id),
            key=lambda f: f.expires,
        )
        closed = [f.token for f in theirs[: max(0, len(theirs) - OPEN_A_PERSON + 1)]]
        for token in closed:
            self._close(token)
        if closed:
            await self._stored(lambda: self.store.delete(*closed), None)
        filling = Filling(
            token=secrets.token_urlsafe(12),
            user_id=interaction.user.id,
            guild_id=interaction.guild_id,
            form=form,
            expires=now + self.keep,
            typed={box.key: box.value for box in boxes(form, BOX_CHARS)},
        )
        self._open[filling.token] = filling
        return filling

    async def save(self, filling: Filling) -> None:
        """Keep the form as it is now, for another `keep` seconds."""
        filling.expires = time.monotonic() + self.keep
        self.saves += 1

        def write() -> None:
            if self.saves % PRUNE_EVERY == 0:
                self.store.prune(timedelta(seconds=self.keep))
            self.store.set(filling.token, filling.dumps())

        await self._stored(write, None)

    async def find(self, interaction: discord.Interaction[Any], token: str) -> Filling | str:
        """The caller's form under `token`, or why there is none to continue."""
        filling = self._open.get(token)
        if filling is None and token not in self._closed:
            filling = await self._stored(lambda: self._read(token), None)
            if filling is not None:
                self._open[token] = filling
        if filling is None or filling.expires <= time.monotonic():
            self._open.pop(token, None)
            return GONE
        if (filling.user_id, filling.guild_id) != (interaction.user.id, interaction.guild_id):
            return NOT_YOURS
        return filling

    async def finish(self, filling: Filling) -> None:
        self._close(filling.token)
        await self._stored(lambda: self.store.delete(filling.token), None)

    def _close(self, token: str) -> None:
        self._open.pop(token, None)
        self._closed[token] = time.monotonic() + self.keep

    def _read(self, token: str) -> Filling | None:
        text = self.store.get(token, within=timedelta(seconds=self.keep))
        if text is None:
            return None
        try:
            return Filling.loads(token, text, time.monotonic() + self.keep)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("form %s in the store cannot be read: %s", token, exc)
            return None

    @staticmethod
    async def _stored(call: Callable[[], T], failed: T) -> T:
        """`call` in a thread (the store may be slow; the event loop is not held); `failed` when
        the store fails, which leaves the form to this process's memory."""
        try:
            return await asyncio.to_thread(call)
        except Exception as exc:
            log.warning("the store of open forms failed: %s", exc)
            return failed


class FormHolder(Protocol):
    forms: Fillings


def fillings(interaction: discord.Interaction[Any]) -> Fillings:
    return cast(FormHolder, interaction.client).forms


def modal(filling: Filling, number: int) -> discord.ui.Modal:
    """Page `number` of the form as a modal, holding what was typed so far."""
    laid = filling.pages
    title = filling.form.title
    if len(laid) > 1:
        title = f"{title} ({number + 1}/{len(laid)})"
    # The person may dismiss it: discord.py forgets it after the hour the form is kept.
    shown = discord.ui.Modal(
        title=title[:TITLE_CHARS], custom_id=f"form:{filling.token}", timeout=KEEP_SECONDS
    )
    for box in laid[number]:
        typed = filling.typed.get(box.key, "")
        hint = box.error or box.input.hint
        shown.add_item(
            discord.ui.TextInput(
                label=box.label(LABEL_CHARS),
                custom_id=box.key,
                style=discord.TextStyle.paragraph
                if box.input.multiline
                else discord.TextStyle.short,
                placeholder=hint[:PLACEHOLDER_CHARS] or None,
                default=typed or None,
                required=box.input.required and box.part == 1,
                max_length=box.max_length,
            )
        )
    return shown


async def open_form(interaction: discord.Interaction[Any], form: Form) -> bool:
    """Answer the interaction with the form's first page; False when it has nothing to fill in."""
    if not pages(form, BOX_CHARS, PER_MODAL):
        return False
    forms = fillings(interaction)
    filling = await forms.start(interaction, form)
    await interaction.response.send_modal(modal(filling, 0))
    await forms.save(filling)
    return True


def typed_in(components: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Each text input's value in a modal submit, by custom id (in rows or labels)."""
    found: dict[str, str] = {}
    for component in components:
        inner = component.get("components") or (
            [component["component"]] if "component" in component else []
        )
        found.update(typed_in(inner))
        if component.get("type") == discord.ComponentType.text_input.value:
            found[str(component.get("custom_id", ""))] = str(component.get("value") or "")
    return found


def page_saved(filling: Filling, number: int) -> Reply:
    return Reply(
        text=f"Part {number + 1} of {len(filling.pages)} saved.",
        buttons=(Button("Continue", OPEN_PAGE, filling.token, Style.primary),),
    )


def problems(filling: Filling, said: str) -> Reply:
    """The problems of a refilled form, each on its input, and *Fix it*."""
    lines = [f"**{field.label}**: {field.error}" for field in filling.form.inputs if field.error]
    return Reply(
        text="\n".join(["Not sent yet:", *lines]) if lines else said,
        buttons=(Button("Fix it", OPEN_PAGE, filling.token, Style.primary),),
        error=True,
    )
