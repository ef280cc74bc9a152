"""A running mock runtime on the console adapter, with a transcript to press buttons in."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest

from adapters.console import ConsoleOutbound
from bot.commands import ChatContext
from bot.delivery import Pacer
from bot.hub import Hub
from bot.mock.runtime import MockRuntime, mock_running
from bot.ports import DeliveryError, MessageRef
from bot.replies import Button, Reply


@dataclass
class Sent:
    kind: str  # thread | post | update | private
    to: str  # channel, thread or user
    reply: Reply
    ref: MessageRef | None = None

    def buttons(self) -> list[Button]:
        return [b for card in self.reply.cards for b in card.buttons] + list(self.reply.buttons)

    def button(self, label: str) -> Button:
        return next(b for b in self.buttons() if b.label == label)

    def text(self) -> str:
        from adapters.console import render_reply

        return render_reply(self.reply)


class Transcript(ConsoleOutbound):
    """The console outbound port (it prints everything), keeping what it sent for the test."""

    def __init__(self) -> None:
        super().__init__(io.StringIO())
        self.sent: list[Sent] = []
        self.gone: set[str] = set()  # threads deleted by someone
        self.refusals: dict[str, list[DeliveryError]] = {}  # the next posts/privates refused so

    def _refuse(self, kind: str) -> None:
        if self.refusals.get(kind):
            raise self.refusals[kind].pop(0)

    async def post(self, channel_id: str, reply: Reply, thread_id: str | None = None) -> MessageRef:
        if thread_id in self.gone:
            raise DeliveryError("thread not found", permanent=True)
        self._refuse("post")
        ref = await super().post(channel_id, reply, thread_id)
        self.sent.append(Sent("post", thread_id or channel_id, reply, ref))
        return ref

    async def start_thread(self, channel_id: str, reply: Reply, name: str) -> MessageRef:
        ref = await super().start_thread(channel_id, reply, name)
        self.sent.append(Sent("thread", channel_id, reply, ref))
        return ref

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        if ref.thread_id in self.gone:
            raise DeliveryError("thread not found", permanent=True)
        await super().update(ref, reply)
        self.sent.append(Sent("update", ref.message_id, reply, ref))

    async def send_private(self, user_id: str, reply: Reply, channel_id: str | None = None) -> None:
        self._refuse("private")
        await super().send_private(user_id, reply, channel_id)
        self.sent.append(Sent("private", user_id, reply))

    def of(self, kind: str, to: str | None = None) -> list[Sent]:
        return [s for s in self.sent if s.kind == kind and (to is None or s.to == to)]

    @property
    def printed(self) -> str:
        assert isinstance(self.out, io.StringIO)
        return self.out.getvalue()


def person(name: str) -> ChatContext:
    return ChatContext(platform="console", user_id=name, user_name=name.title(), channel_id="team")


@pytest.fixture
def chat(hub: Hub) -> Transcript:
    transcript = Transcript()
    hub.outbound.register(transcript)
    return transcript


@asynccontextmanager
async def serving(hub: Hub) -> AsyncIterator[MockRuntime]:
    """The hub's mock runtime, as the composition root runs it. Sends are not paced per channel
    here: the per-channel second is tested in tests/daily/test_delivery.py."""
    hub.pacer = Pacer(per_channel=0)
    async with mock_running(hub) as runtime:
        yield runtime


@pytest.fixture
async def runtime(hub: Hub, chat: Transcript) -> AsyncIterator[MockRuntime]:
    """Without the job scheduler: tests call `sweep(now)` to be the clock."""
    async with serving(hub) as rt:
        yield rt
