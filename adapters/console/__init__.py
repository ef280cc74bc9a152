"""The console chat: the whole bot in a terminal, and the fake chat the tests drive."""

from adapters.console.chat import ConsoleChat, ConsoleOutbound
from adapters.console.render import render_reply

__all__ = ["ConsoleChat", "ConsoleOutbound", "render_reply"]
