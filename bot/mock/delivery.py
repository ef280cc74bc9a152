"""Saying a committed step in the chat, through the platform's outbound port, by the hub's one
delivery policy (bot/delivery.py: paced, temporary failures waited out).

A message that can never be delivered (the thread was deleted, the bot was removed) ends the
session cleanly, and the starter gets the summary privately instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from bot import library
from bot.mock import session as machine
from bot.mock import store
from bot.mock.models import MockSession, Mode
from bot.mock.render import brief_reply, intro_reply, question_reply, reveal_reply
from bot.mock.steps import Kind, Step
from bot.mock.summary import summary_reply
from bot.models import Entry
from bot.ports import DeliveryError, MessageRef, Outbound

if TYPE_CHECKING:
    from bot.hub import Hub

log = logging.getLogger(__name__)
T = TypeVar("T")

CLOSED = {
    "revealed": "Answer revealed: it is below.",
    "skipped": "Skipped.",
    "ended": "The session ended.",
}


class Delivery:
    """Delivers the steps of one hub's sessions; one instance per process (held by the runtime)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        # The database work of timers and deliveries runs here, off the event loop and apart
        # from the threads that answer commands, so a burst of clicks doesn't delay a timer.
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mock-db")

    async def db(self, call: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, call, *args)

    async def send(self, ms: MockSession, to: str, call: Callable[[], Awaitable[T]]) -> T:
        """One call to the platform, paced for `to` (the session's channel, or a person)."""
        return await self.hub.pacer.send(ms.platform, to, call)

    async def deliver(self, step: Step) -> None:
        ms = step.session
        out = self.hub.outbound.get(ms.platform)
        if out is None:
            log.warning("mock session %s: no %s adapter in this process", ms.id, ms.platform)
            return
        try:
            await self._deliver(out, step)
        except DeliveryError as exc:
            if not exc.permanent:
                log.warning("mock session %s: %s not delivered: %s", ms.id, step.kind, exc)
                return
            await self._lost(out, ms, exc)

    async def _deliver(self, out: Outbound, step: Step) -> None:
        ms = step.session
        fresh = await self.db(store.load, self.hub.engine, ms.id or 0) or ms
        if step.kind == Kind.started:
            people = await self.db(store.people, self.hub.engine, ms.id)
            candidates = list(await self.db(store.people, self.hub.engine, ms.id, "candidate"))
            entries = await self.db(self._entries, ms.entry_ids)
            topics = sorted({e.topic for e in entries.values()})
            intro = intro_reply(ms, people, candidates, topics)
            ref = await self.send(
                ms,
                ms.channel_id,
                lambda: out.start_thread(ms.channel_id, intro, f"Mock interview {ms.id}"),
            )
            await self.db(self._set_refs, ms.id or 0, "thread_id", ref.thread_id)
            ms.thread_id = ref.thread_id
            await self._ask(out, ms)
            return
        # The thread is opened by the first step's delivery, which may come after this step's
        # transition: take it from the database (steps of a session are delivered in order).
        ms.thread_id = fresh.thread_id
        if ms.thread_id is None:
            raise DeliveryError("the session's thread was never opened", permanent=True)
        if step.closed is not None:
            how = "skipped" if step.closed in ms.skipped else step.kind.value
            await self._close(out, fresh, step.closed, CLOSED.get(how, CLOSED["ended"]))
        if step.kind == Kind.asked:
            await self._ask(out, ms)
        elif step.kind == Kind.revealed:
            entry = await self._entry(ms.entry_ids[ms.index])
            reply = reveal_reply(ms, entry, ms.index)
            await self.send(ms, ms.channel_id, lambda: out.post(ms.channel_id, reply, ms.thread_id))
        elif step.kind in (Kind.paused, Kind.resumed, Kind.ticked):
            await self._update_question(out, fresh, ms)
        elif step.kind == Kind.ended:
            summary = await self.db(summary_reply, self.hub.engine, ms)
            await self.send(
                ms, ms.channel_id, lambda: out.post(ms.channel_id, summary, ms.thread_id)
            )

    async def _ask(self, out: Outbound, ms: MockSession) -> None:
        entry = await self._entry(ms.entry_ids[ms.index])
        question = question_reply(ms, entry, ms.index)
        ref = await self.send(
            ms, ms.channel_id, lambda: out.post(ms.channel_id, question, ms.thread_id)
        )
        await self.db(self._set_refs, ms.id or 0, "question_message_id", ref.message_id)
        interviewer = ms.interviewer_id
        if ms.mode == Mode.pair and interviewer:
            people = await self.db(store.people, self.hub.engine, ms.id, "candidate")
            brief = brief_reply(ms, entry, ms.index, people)
            await self.send(
                ms, interviewer, lambda: out.send_private(interviewer, brief, ms.channel_id)
            )

    def _ref(self, fresh: MockSession) -> MessageRef | None:
        if not fresh.question_message_id:
            return None
        return MessageRef(
            fresh.platform, fresh.channel_id, fresh.question_message_id, fresh.thread_id
        )

    async def _close(self, out: Outbound, fresh: MockSession, index: int, line: str) -> None:
        ref = self._ref(fresh)
        if ref is None:
            return
        entry = await self._entry(fresh.entry_ids[index])
        reply = question_reply(fresh, entry, index, closed=line)
        await self.send(fresh, fresh.channel_id, lambda: out.update(ref, reply))

    async def _update_question(self, out: Outbound, fresh: MockSession, ms: MockSession) -> None:
        ref = self._ref(fresh)
        if ref is None or fresh.step != ms.step:
            return  # the session moved on since; that step updates the message
        entry = await self._entry(ms.entry_ids[ms.index])
        reply = question_reply(ms, entry, ms.index)
        await self.send(ms, ms.channel_id, lambda: out.update(ref, reply))

    async def _lost(self, out: Outbound, ms: MockSession, exc: DeliveryError) -> None:
        log.warning("mock session %s: the thread is gone (%s); ending it", ms.id, exc)
        step = await self.db(
            lambda: machine.act(
                self.hub.engine, ms.id or 0, "end", None, reason="ended: thread gone"
            )
        )
        if step is None:
            return  # someone ended it meanwhile
        summary = await self.db(summary_reply, self.hub.engine, step.session)
        try:
            await self.send(ms, ms.starter_id, lambda: out.send_private(ms.starter_id, summary))
        except DeliveryError:
            log.warning("mock session %s: could not send the summary to its starter", ms.id)

    def _set_refs(self, session_id: int, name: str, value: str | None) -> None:
        store.set_refs(self.hub.engine, session_id, **{name: value})

    async def _entry(self, entry_id: str) -> Entry:
        return (await self.db(self._entries, [entry_id]))[entry_id]

    def _entries(self, ids: list[str]) -> dict[str, Entry]:
        """The session's questions by id; one removed since stands in by its id."""
        found = library.entries(self.hub.engine, ids)
        for entry_id in ids:
            found.setdefault(
                entry_id, Entry(id=entry_id, kind="question", title=entry_id, topic="")
            )
        return found
