"""The one door into the core: a command, a mention or a button click in, a reply out; and
everything else an adapter asks of the core (thread answers, suggestions, its own small stores).
Adapters import nothing else from bot/ but the modules of its public surface (pyproject.toml's
import-linter contracts list them)."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot import daily, suggest
from bot.chat_text import mention_command
from bot.commands import (
    ACTIONS,
    FORMS,
    ChatContext,
    CommandSpec,
    Suggest,
    ThreadMessage,
    clean_text,
    command_specs,
    parse,
)
from bot.config import Settings
from bot.contrib.thread import save_thread
from bot.db import is_busy, make_engine, ping
from bot.delivery import Pacer
from bot.keyed import Claims as Claims
from bot.keyed import KeyValues as KeyValues
from bot.lifecycle import Lifecycle
from bot.member import Member
from bot.ports import DeliveryError, OutboundPorts
from bot.replies import Reply
from bot.search import Searcher

if TYPE_CHECKING:
    from bot.mock.runtime import MockRuntime

log = logging.getLogger(__name__)

BUSY = "The hub is busy right now; try again in a moment."
MAX_INPUTS = 20

# Modules that register commands and actions when imported.
FEATURES = (
    "bot.lookup",
    "bot.learning.commands",
    "bot.daily.commands",
    "bot.mock.commands",
    "bot.review.commands",
    "bot.privacy",
    "bot.contrib.commands",
    "bot.contrib.stats",
)

for _feature in FEATURES:
    importlib.import_module(_feature)


class Hub:
    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        if engine is None:
            engine = make_engine(settings.database_url, settings.db_statement_timeout)
        self.engine = engine
        self.searcher = Searcher(
            self.engine, settings.freshness_interval, settings.search_cache_dir
        )
        # The outbound ports of the platforms that run, registered by their adapters.
        self.outbound = OutboundPorts()
        # Paces everything this process sends on its own, within the platforms' limits.
        self.pacer = Pacer()
        # The mock sessions' runtime while the process serves (started by the composition root
        # with bot.mock.runtime.mock_running); None in one-shot commands.
        self.mock: MockRuntime | None = None
        # Called with a feature name after a command changed scheduled work (jobs/ rebuilds).
        self.listeners: list[Callable[[str], None]] = []
        # The work in flight, and whether the process is stopping (SIGTERM).
        self.lifecycle = Lifecycle(settings.shutdown_grace)

    def changed(self, feature: str) -> None:
        for listener in list(self.listeners):
            listener(feature)

    def handle(self, ctx: ChatContext, text: str) -> Reply:
        parsed = parse(text)
        if isinstance(parsed, Reply):
            return parsed
        spec, rest = parsed
        return self._run(spec.name, lambda: spec.handler(self, ctx, rest))

    def handle_mention(self, ctx: ChatContext, text: str) -> Reply:
        """`@HubBot <text>`: a command as typed, an error lookup for what looks like an error,
        else a search."""
        return self.handle(ctx, mention_command(text))

    def handle_action(self, ctx: ChatContext, name: str, value: str) -> Reply:
        handler = ACTIONS.get(name)
        if handler is None:
            return Reply(text="That button no longer does anything.", error=True)
        return self._run(name, lambda: handler(self, ctx, clean_text(value)[:200]))

    def submit_form(
        self, ctx: ChatContext, action: str, value: str, values: Mapping[str, str]
    ) -> Reply:
        """A submitted form (`Form.action`, `Form.value`, the text of each input by name): the
        outcome, or the form again with the problems on its inputs."""
        handler = FORMS.get(action)
        if handler is None:
            return Reply(text="That form is out of date; nothing was sent.", error=True)
        typed = {clean_text(k)[:40]: clean_text(v) for k, v in list(values.items())[:MAX_INPUTS]}
        return self._run(action, lambda: handler(self, ctx, clean_text(value)[:200], typed))

    def save_thread(self, ctx: ChatContext, messages: Sequence[ThreadMessage]) -> Reply:
        """*Save to hub* on a thread, its messages oldest first: a drafted error entry's form."""
        cleaned = [
            ThreadMessage(
                clean_text(m.user_id)[:64], clean_text(m.user_name)[:80], clean_text(m.text)
            )
            for m in messages
        ]
        return self._run("save-thread", lambda: save_thread(self, ctx, cleaned))

    def commands(self) -> list[CommandSpec]:
        """Every command, with the arguments it declares (for platforms with typed options)."""
        return command_specs()

    def suggest(self, source: Suggest, typed: str) -> list[tuple[str, str]]:
        """(value, label) suggestions for an argument being typed (autocomplete)."""
        return suggest.suggestions(self.engine, source, typed)

    def record_thread_answer(
        self,
        platform: str,
        thread_id: str,
        user_id: str,
        user_name: str = "",
        channel_id: str | None = None,
    ) -> bool:
        """A person's message in a thread: True when it counted as an answer to a daily
        question. `channel_id` may be None where thread ids are unique across channels
        (Discord). A failure is logged, never raised: the message needs no answer."""
        try:
            return daily.record_thread_answer(
                self.engine, platform, channel_id, thread_id, user_id, user_name
            )
        except Exception:
            log.exception("could not count a message in thread %s as a daily answer", thread_id)
            return False

    async def send_direct(self, who: Member, reply: Reply, what: str) -> bool:
        """A direct message the hub sends on its own (a reminder, a nudge), through the one
        delivery policy; False, logged, when the platform is not served here or refuses it."""
        out = self.outbound.get(who.platform)
        if out is None:
            return False
        try:
            await self.pacer.send(
                who.platform, who.user_id, lambda: out.send_private(who.user_id, reply)
            )
        except DeliveryError as exc:
            log.warning("%s to %s not delivered: %s", what, who.user_id, exc)
            return False
        return True

    def ping(self) -> None:
        """Raise unless the store answers (health checks)."""
        ping(self.engine)

    def claims(self, table: sa.Table, keep: timedelta) -> Claims:
        """Keys claimed once across every process, in an adapter's table of (key, time)."""
        return Claims(self.engine, table, keep)

    def key_values(self, table: sa.Table) -> KeyValues:
        """One value per key, in an adapter's table of (key, value, time)."""
        return KeyValues(self.engine, table)

    def _run(self, name: str, call: Any) -> Reply:
        try:
            reply: Reply = call()
        except Exception as exc:
            if is_busy(exc):  # the store did not answer within its timeout: no traceback
                log.warning(
                    "command %s: the store is busy: %s", name, str(exc.__cause__).partition("\n")[0]
                )
                return Reply(text=BUSY, error=True)
            log.exception("command %s failed", name)
            return Reply(text="Something went wrong on our side; it has been logged.", error=True)
        return reply
