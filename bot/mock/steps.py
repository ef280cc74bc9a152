"""What a mock session's transition is: the step that committed (for the runtime to say in the
chat), or a refusal (for the person who asked)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.mock.models import MockSession, State


class Refusal(Exception):
    """A short, clear answer for the person whose request cannot happen; nothing changed."""


class Kind(StrEnum):
    started = "started"  # open the thread, then ask the first question
    asked = "asked"  # the next question is up (after Next or Skip)
    revealed = "revealed"
    paused = "paused"
    resumed = "resumed"
    ticked = "ticked"  # the time-left figure changed
    ended = "ended"


@dataclass(frozen=True)
class Step:
    """A transition that committed: what the runtime must now say in the chat."""

    kind: Kind
    session: MockSession
    # The state before the transition (to know whether the question message is still open).
    before: str = State.asking
    # The question index whose message the step closes (skip, reveal, end), if any.
    closed: int | None = None
