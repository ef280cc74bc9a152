"""`hub console`: type `/hub …` commands, a number to press a button, `reply N …` to answer in
the thread of message N."""

from __future__ import annotations

import getpass
import io
import os
import re
import secrets
import select
import sys
import threading
from dataclasses import dataclass, replace
from typing import TextIO

from adapters.console.form import HOW, Abandoned, fill
from adapters.console.render import render_reply
from bot.commands import ChatContext
from bot.hub import Hub
from bot.ports import MessageRef
from bot.replies import Button, Reply
from bot.terminal import terminal_safe

PROMPT = "hub> "
BANNER = "HubBot console. Type /help for the commands and the console's keys, or quit."
KEYS = f"""*Console keys*
`N` — press the button numbered [N]
`reply N TEXT` — say TEXT in the thread of message N (a daily question's answer), or run a \
command there: `reply N /hub mock next`
`clear` — clear the screen (its buttons and messages go with it)
`quit` — leave (or Ctrl-D)
A paste belongs to the command before it: on a terminal up to an empty line, from a pipe up to \
the next line that starts with `/hub` or `hub `.
*Forms* (`/hub suggest KIND`, *Suggest an edit*, *Edit*) ask for each field in turn. {HOW}
From a pipe, the lines after `/hub suggest KIND` are the entry as text (the template); a form \
opened by a button's number reads its answers from the lines after it. A `/hub` command typed \
into a form leaves the form (nothing is sent) and runs."""
QUIT = {"quit", "exit", "/quit"}
HELP = {"/help", "help"}
CLEAR_SCREEN = "\x1b[H\x1b[2J\x1b[3J"
REPLY = re.compile(r"reply\s+(\d{1,9})(?:\s+(.*))?", re.IGNORECASE | re.DOTALL)
COMMAND = re.compile(r"/?hub(?:\s|$)", re.IGNORECASE)
# A line that starts an input of its own, never part of the paste before it (it starts the line).
NEW_INPUT = re.compile(
    COMMAND.pattern + r"|(?:/?help|\d+|clear|quit|exit)\s*$|reply\s", re.IGNORECASE
)
# Lines that arrive within this many seconds of the one before are one paste.
PASTE_GAP = 0.1
ABANDONED = "Form abandoned; nothing was sent."


class Stopped(Exception):
    """Raised into a read of the next command when the console is told to stop."""


@dataclass(frozen=True)
class Place:
    """Where a message is: its channel and, inside a thread, that thread."""

    channel_id: str
    thread_id: str | None = None


class Screen:
    """What the console has shown. Each button, and each message posted, gets the next number
    of its kind, never reused in a session; a number works until `clear`. Printing is shared by
    the chat and the jobs' thread."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.lock = threading.RLock()
        self.last_button = 0
        self.last_message = 0
        self.session = secrets.token_hex(4)  # message ids stay unique across console processes
        self.buttons: dict[int, tuple[Button, Place]] = {}
        self.threads: dict[int, Place] = {}  # message number → the thread a reply to it joins
        self.numbers: dict[str, int] = {}  # message id → its number

    def render(self, reply: Reply, place: Place) -> str:
        def number(button: Button) -> int:
            self.last_button += 1
            self.buttons[self.last_button] = (button, place)
            return self.last_button

        with self.lock:
            return render_reply(reply, number)

    def name(self, message_id: str) -> str:
        return f"message {self.numbers.get(message_id, message_id)}"

    def write(self, text: str) -> None:
        with self.lock:
            self.out.write(terminal_safe(text))
            self.out.flush()

    def clear(self) -> None:
        with self.lock:
            self.buttons.clear()
            self.threads.clear()
            if self.out.isatty():
                self.out.write(CLEAR_SCREEN)
                self.out.flush()


class ConsoleOutbound:
    """The outbound port for the terminal: everything is printed, each message with its number."""

    platform = "console"

    def __init__(self, out: TextIO, screen: Screen | None = None) -> None:
        self.out = out
        self.screen = screen or Screen(out)

    def _print(self, place: Place, where: str, reply: Reply) -> MessageRef:
        screen = self.screen
        with screen.lock:
            screen.last_message += 1
            number = screen.last_message
            message_id = f"{screen.session}-{number}"
            screen.numbers[message_id] = number
            screen.threads[number] = Place(place.channel_id, place.thread_id or message_id)
            text = screen.render(reply, place)
            screen.write(f"[#{place.channel_id}{where} · message {number}]\n{text}\n\n")
        return MessageRef("console", place.channel_id, message_id, place.thread_id)

    async def post(self, channel_id: str, reply: Reply, thread_id: str | None = None) -> MessageRef:
        where = f" thread of {self.screen.name(thread_id)}" if thread_id else ""
        return self._print(Place(channel_id, thread_id), where, reply)

    async def start_thread(self, channel_id: str, reply: Reply, name: str) -> MessageRef:
        ref = self._print(Place(channel_id), f" new thread: {name}", reply)
        return replace(ref, thread_id=ref.message_id)

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        with self.screen.lock:
            text = self.screen.render(reply, Place(ref.channel_id, ref.thread_id))
            name = self.screen.name(ref.message_id)
            self.screen.write(f"[#{ref.channel_id} {name} updated]\n{text}\n\n")

    async def send_private(self, user_id: str, reply: Reply, channel_id: str | None = None) -> None:
        with self.screen.lock:
            text = self.screen.render(reply, Place(channel_id or ""))
            self.screen.write(f"[only for {user_id}]\n{text}\n\n")


class Lines:
    """What is typed, one input at a time: a line, with the lines pasted after it (the way a chat
    message keeps its newlines). Read straight from the file descriptor, so that whether more has
    been pasted can be asked without blocking."""

    def __init__(self, stdin: TextIO) -> None:
        self.stdin = stdin
        self.terminal = stdin.isatty()
        self.encoding = getattr(stdin, "encoding", None) or "utf-8"
        self.pending = b""
        self.held = ""  # a line read ahead that starts the next input
        try:
            self.fd: int | None = stdin.fileno()
        except (OSError, io.UnsupportedOperation):
            self.fd = None

    def next_input(self) -> str:
        """The next input; "" at the end."""
        line = self.line()
        if not line.strip() or _console_key(line):
            return line
        lines = [line.rstrip("\r\n")]
        while self._more():
            line = self.line()
            if not line or (self.terminal and not line.strip()):
                break
            if NEW_INPUT.match(line):
                self.held = line
                break
            lines.append(line.rstrip("\r\n"))
        return "\n".join(lines).rstrip() + "\n"

    def _more(self) -> bool:
        if self.fd is None or self.pending:
            return True
        return bool(select.select([self.fd], [], [], PASTE_GAP)[0])

    def line(self) -> str:
        """One line as typed, with its newline; "" at the end."""
        if self.held:
            line, self.held = self.held, ""
            return line
        if self.fd is None:
            return self.stdin.readline()
        while b"\n" not in self.pending:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                break
            self.pending += chunk
        read, newline, self.pending = self.pending.partition(b"\n")
        return (read + newline).decode(self.encoding, errors="replace")


def _console_key(line: str) -> bool:
    """A number, `clear`, help or quit: the console's own, so no paste follows it."""
    word = line.strip().lower()
    return word.isdigit() or word in {"clear", *HELP, *QUIT}


class ConsoleChat:
    def __init__(self, hub: Hub, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
        self.hub = hub
        self.stdin = stdin
        self.stdout = stdout
        self.screen = Screen(stdout)
        user = _user_name()
        self.ctx = ChatContext(
            platform="console",
            user_id=user,
            user_name=user,
            channel_id="console",
            can_manage_channel=True,
        )
        hub.outbound.register(ConsoleOutbound(stdout, self.screen))
        self.lines = Lines(stdin)
        self.reading = False
        self.stopping = False

    def stop(self) -> None:
        """Stop after the command being answered; while waiting for input, at once. For a
        signal handler (SIGTERM)."""
        self.stopping = True
        if self.reading:
            raise Stopped

    def handle_line(self, line: str) -> str | None:
        """One input (a line, or a command with its paste); the rendered answer, or None when
        there is nothing to say."""
        text = line.strip()
        word = text.lower()
        if not text:
            return None
        if word == "clear":
            self.screen.clear()
            return None
        if word in HELP:
            return self._render(self.hub.handle(self.ctx, "help")) + "\n\n" + KEYS
        if word.isdigit():
            return self._press(int(word))
        asked = REPLY.fullmatch(text)
        if asked:
            return self._in_thread(int(asked.group(1)), asked.group(2) or "")
        return self._answer(self.ctx, self.hub.handle(self.ctx, text))

    def _press(self, number: int) -> str:
        shown = self.screen.buttons.get(number)
        if shown is None:
            return f"No button {number} on the screen."
        button, place = shown
        ctx = replace(self.ctx, channel_id=place.channel_id, thread_id=place.thread_id)
        return self._answer(ctx, self.hub.handle_action(ctx, button.action, button.value), place)

    def _in_thread(self, number: int, text: str) -> str:
        place = self.screen.threads.get(number)
        if place is None:
            return (
                f"No message {number} on the screen: `reply N TEXT` answers in message N's thread."
            )
        if not text.strip():
            return f"Say what: `reply {number} TEXT`."
        assert place.thread_id is not None
        if COMMAND.match(text):  # a command typed in the thread
            ctx = replace(self.ctx, channel_id=place.channel_id, thread_id=place.thread_id)
            return self._answer(ctx, self.hub.handle(ctx, text), place)
        counted = self.hub.record_thread_answer(
            "console", place.thread_id, self.ctx.user_id, self.ctx.user_name, place.channel_id
        )
        said = f"Said in the thread of message {number}."
        return f"{said} Counted as your answer to its daily question." if counted else said

    def _render(self, reply: Reply, place: Place | None = None) -> str:
        return self.screen.render(reply, place or Place(self.ctx.channel_id))

    def _answer(self, ctx: ChatContext, reply: Reply, place: Place | None = None) -> str:
        """A reply rendered; one that opens a form is filled in first, prompt by prompt, and
        submitted until the answer holds no form (a problem: only its inputs are asked again)."""
        prompt = "> " if self.lines.terminal else ""
        while reply.form is not None:
            form = reply.form
            try:
                values = fill(form, self._read_answer, self.screen.write, prompt)
            except (Abandoned, Stopped):
                return ABANDONED
            reply = self.hub.submit_form(ctx, form.action, form.value, values)
            if reply.form is not None:  # it came back: say why before asking again
                self.screen.write(self._render(replace(reply, form=None)) + "\n")
        return self._render(reply, place)

    def _read_answer(self) -> str:
        """A line typed into a form; a `/hub` command instead leaves the form and runs next."""
        self.reading = True
        try:
            line = self.lines.line()
        finally:
            self.reading = False
        if line.lstrip().lower().startswith("/hub"):
            self.lines.held = line
            raise Abandoned
        return line

    def run(self) -> None:
        lines = self.lines
        if lines.terminal:
            self.stdout.write(BANNER + "\n")
        while not self.stopping:
            if lines.terminal:
                self.stdout.write(PROMPT)
                self.stdout.flush()
            try:
                self.reading = True
                line = lines.next_input()
            except Stopped:
                break
            finally:
                self.reading = False
            if not line or line.strip().lower() in QUIT:
                break
            answer = self.handle_line(line)
            if answer:
                self.screen.write(answer + "\n\n")


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "you"
