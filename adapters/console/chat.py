"""`hub console`: type `/hub …` commands, or a number to press a button of the last reply."""

from __future__ import annotations

import getpass
import sys
from typing import TextIO

from adapters.console.render import render_reply
from bot.commands import ChatContext
from bot.hub import Hub
from bot.ports import MessageRef
from bot.replies import Button, Reply
from bot.terminal import terminal_safe

PROMPT = "hub> "
BANNER = "HubBot console. Type /hub help, a number to press a button, or quit."


class Stopped(Exception):
    """Raised into a read of the next command when the console is told to stop."""


class ConsoleOutbound:
    """The outbound port for the terminal: everything is printed."""

    platform = "console"

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    def _print(self, header: str, reply: Reply) -> MessageRef:
        self.count += 1
        self.out.write(terminal_safe(f"[{header}]\n{render_reply(reply)}\n"))
        self.out.flush()
        return MessageRef("console", "console", str(self.count))

    async def post(self, channel_id: str, reply: Reply, thread_id: str | None = None) -> MessageRef:
        ref = self._print(f"#{channel_id}" + (f" thread {thread_id}" if thread_id else ""), reply)
        return MessageRef("console", channel_id, ref.message_id, thread_id)

    async def start_thread(self, channel_id: str, reply: Reply, name: str) -> MessageRef:
        ref = self._print(f"#{channel_id} new thread: {name}", reply)
        return MessageRef("console", channel_id, ref.message_id, ref.message_id)

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        self._print(f"#{ref.channel_id} message {ref.message_id} updated", reply)

    async def send_private(self, user_id: str, reply: Reply, channel_id: str | None = None) -> None:
        self._print(f"only for {user_id}", reply)


class ConsoleChat:
    def __init__(self, hub: Hub, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
        self.hub = hub
        self.stdin = stdin
        self.stdout = stdout
        self.buttons: list[Button] = []
        user = _user_name()
        self.ctx = ChatContext(
            platform="console",
            user_id=user,
            user_name=user,
            channel_id="console",
            can_manage_channel=True,
        )
        hub.outbound.register(ConsoleOutbound(stdout))
        self.reading = False
        self.stopping = False

    def stop(self) -> None:
        """Stop after the command being answered; while waiting for input, at once. For a
        signal handler (SIGTERM)."""
        self.stopping = True
        if self.reading:
            raise Stopped

    def handle_line(self, line: str) -> str | None:
        """One line typed; the rendered answer, or None when there is nothing to say."""
        line = line.strip()
        if not line:
            return None
        if line.isdigit():
            number = int(line)
            if not 1 <= number <= len(self.buttons):
                return f"No button {number} on the last answer."
            button = self.buttons[number - 1]
            reply = self.hub.handle_action(self.ctx, button.action, button.value)
        else:
            reply = self.hub.handle(self.ctx, line)
        if reply.error:
            return render_reply(reply)
        self.buttons = []
        return render_reply(reply, self.buttons)

    def run(self) -> None:
        interactive = self.stdin.isatty()
        if interactive:
            self.stdout.write(BANNER + "\n")
        while not self.stopping:
            if interactive:
                self.stdout.write(PROMPT)
                self.stdout.flush()
            try:
                self.reading = True
                line = self.stdin.readline()
            except Stopped:
                break
            finally:
                self.reading = False
            if not line or line.strip().lower() in {"quit", "exit", "/quit"}:
                break
            answer = self.handle_line(line)
            if answer:
                self.stdout.write(terminal_safe(answer) + "\n\n")
                self.stdout.flush()


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "you"
