"""Forms in the console, on SQLite and PostgreSQL: each input asked in turn from what is typed
(piped), a problem asking again only for its input with the rest kept, `cancel` or the end of
the input sending nothing, a moderator's *Edit* pressed by its number; and the real `hub console`
process reading a form's answers from a pipe after a button's number."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import termios
from pathlib import Path

from adapters.console import ConsoleChat
from bot.commands import ChatContext
from bot.contrib import store as proposals
from bot.contrib.models import Proposal, State
from bot.hub import Hub
from tests.hub_process import HUB, hub_env, wait_until
from tests.test_console_chat import console

from .test_forms import ERROR

# The error form's inputs in order: title, topic, where it shows up, root cause, fix, stack, tags,
# also asked as.
ANSWERS = f"""{ERROR["title"]}
{ERROR["topic"]}

The session cookie was signed with another SECRET_KEY,
so it came back empty.
.
{ERROR["fix"]}
.



"""

# Someone in the console's workspace (the console's own user moderates it: it manages the channel).
AUTHOR = ChatContext("console", "ada", "ada", "console")


def chat_with(hub: Hub, typed: str) -> tuple[ConsoleChat, io.StringIO]:
    out = io.StringIO()
    return ConsoleChat(hub, io.StringIO(typed), out), out


def pending(hub: Hub) -> list[Proposal]:
    return proposals.listing(hub.engine, State.pending, limit=100)


def test_a_form_filled_in_the_console_becomes_a_proposal(hub: Hub) -> None:
    chat, out = chat_with(hub, ANSWERS)
    answer = chat.handle_line("/hub suggest error") or ""
    assert answer.startswith("Thanks! Proposal #1 is waiting"), answer
    asked = out.getvalue()
    assert "== Suggest an error ==" in asked and "Send `/hub suggest error`" not in asked
    assert "[1/8] The error message (needed, at most 200 characters)" in asked
    assert "[3/8] Where it shows up (optional, at most 4,000 characters)" in asked
    [row] = pending(hub)
    assert row.entry["title"] == ERROR["title"] and row.entry["fix"] == ERROR["fix"]
    assert row.entry["root_cause"] == (
        "The session cookie was signed with another SECRET_KEY,\nso it came back empty."
    )
    assert row.entry.get("description") is None  # an empty first line kept it empty


def test_a_problem_asks_again_only_for_its_input(hub: Hub) -> None:
    typed = ANSWERS.replace("\npython\n", "\npyhton\n", 1) + "python\n"
    chat, out = chat_with(hub, typed)
    answer = chat.handle_line("/hub suggest error") or ""
    assert answer.startswith("Thanks! Proposal #1"), answer
    again = out.getvalue().split("Not sent yet: topic:", 1)[1]
    assert re.findall(r"\[\d+/\d+\] [^\n]*", again) == [
        "[1/1] Topic (needed, at most 40 characters)"
    ]
    assert "problem: " in again and "now: pyhton" in again
    [row] = pending(hub)
    assert row.entry["topic"] == "python" and row.entry["fix"] == ERROR["fix"]


def test_cancel_or_the_end_of_the_input_sends_nothing(hub: Hub) -> None:
    for typed in (f"{ERROR['title']}\ncancel\n", f"{ERROR['title']}\npython\n\nhalf a cause\n"):
        chat, _out = chat_with(hub, typed)
        assert chat.handle_line("/hub suggest error") == "Form abandoned; nothing was sent."
    assert pending(hub) == []


def test_a_hub_command_typed_into_a_form_leaves_it_and_runs(hub: Hub) -> None:
    chat, _out = chat_with(hub, f"{ERROR['title']}\n/hub show q-django-n-plus-one\n")
    assert chat.handle_line("/hub suggest error") == "Form abandoned; nothing was sent."
    assert chat.lines.next_input().startswith("/hub show q-django-n-plus-one")
    assert pending(hub) == []


def test_a_moderator_edits_a_proposal_by_its_button(hub: Hub) -> None:
    assert "Proposal #1" in hub.submit_form(AUTHOR, "suggest", "new:error", ERROR).text
    # Every input but the fix kept as proposed: an empty line, an empty first line.
    kept_fix = "\n\n\n\nSet SECRET_KEY from the environment.\n.\n\n\n\n"
    chat, _out = chat_with(hub, kept_fix)
    card = chat.handle_line("/hub proposals show 1") or ""
    edit = re.search(r"\[(\d+)\] Edit", card)
    assert edit is not None, card
    answer = chat.handle_line(edit[1]) or ""
    assert answer.startswith("Edited proposal #1."), answer
    assert "+Set SECRET_KEY from the environment." not in answer  # a new entry: no diff
    assert "Set SECRET_KEY from the environment." in answer
    row = proposals.get(hub.engine, 1)
    assert row is not None and row.version == 2 and row.entry["title"] == ERROR["title"]
    assert row.entry["fix"] == "Set SECRET_KEY from the environment."


def test_a_piped_console_fills_the_form_a_button_opens(tmp_path: Path) -> None:
    edit = "/hub show q-django-n-plus-one\n6\n"
    kept = "\n" * 8  # title … production scenario kept as they are
    out = console(tmp_path, f"{edit}{kept}orm, n+1, queries\n\n/hub proposals show 1\n")
    assert "[6] Suggest an edit" in out
    assert "Thanks! Proposal #1 is waiting" in out, out
    assert "-tags: orm, performance, n+1\n+tags: orm, n+1, queries" in out


def test_on_a_terminal_the_prompts_wait_for_each_answer(tmp_path: Path) -> None:
    """`/hub suggest error` typed on a terminal opens the prompts (nothing pasted after it)."""
    parent, child = pty.openpty()
    modes = termios.tcgetattr(child)
    modes[3] &= ~termios.ECHO
    termios.tcsetattr(child, termios.TCSANOW, modes)
    process = subprocess.Popen(
        [*HUB, "console"], stdin=child, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=hub_env(f"sqlite:///{tmp_path / 'hub.db'}", tmp_path), cwd=tmp_path,
    )  # fmt: skip
    os.close(child)
    assert process.stdout is not None
    output = process.stdout.fileno()
    printed = b""

    def shows(text: str) -> bool:
        nonlocal printed
        if select.select([output], [], [], 0.05)[0]:
            printed += os.read(output, 65536)
        return text.encode() in printed

    try:
        os.write(parent, b"/hub suggest error\n")
        wait_until(lambda: shows("[1/8] The error message"), 60, "the first prompt")
        os.write(parent, (ANSWERS + "quit\n").encode())
        out, err = process.communicate(timeout=120)
    finally:
        os.close(parent)
        if process.poll() is None:
            process.kill()
            process.wait()
    shown = (printed + out).decode()
    assert process.returncode == 0, err
    assert "\n> " in shown and "Thanks! Proposal #1 is waiting" in shown, shown


def test_help_says_how_a_form_is_answered(hub: Hub) -> None:
    chat, _out = chat_with(hub, "")
    shown = chat.handle_line("/help") or ""
    assert "*Forms*" in shown and "`cancel` abandons the form" in shown
    assert "the lines after `/hub suggest KIND` are the entry as text" in shown
