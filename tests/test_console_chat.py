"""The console as a whole chat: a paste belongs to its command, every button shown can be pressed
by a number it keeps, a thread can be answered, `clear` and `/help` work. The real `hub console`
process (stdin piped, or a terminal), or the ConsoleChat on a real SQLite store with its jobs."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import termios
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.console import ConsoleChat
from adapters.run import serve_in_thread
from bot.hub import Hub

from .hub_process import HUB, hub_env, wait_until

NODE_PASTE = """node:events:497
      throw er; // Unhandled 'error' event
      ^

Error: listen EADDRINUSE: address already in use :::8080
    at Server.setupListenHandle [as _listen2] (node:net:1817:16)
    at listenInCluster (node:net:1865:12)
    hub.listen(8080)"""
TRACE = NODE_PASTE.split("\n\n")[1]  # no empty line: on a terminal that ends the paste
NODE_TITLE = "Error: listen EADDRINUSE: address already in use :::<port>"
SECTIONS = ("Deep dive", "Real-world", "Common mistakes", "Production scenario")


def console(tmp_path: Path, typed: str) -> str:
    """What piped `hub console` prints for `typed`."""
    done = subprocess.run(
        [*HUB, "console"], input=typed, capture_output=True, text=True,
        env=hub_env(f"sqlite:///{tmp_path / 'hub.db'}", tmp_path), cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


def console_on_a_terminal(tmp_path: Path, typed: str) -> str:
    """What `hub console` prints when `typed` comes from a terminal (all of it already waiting,
    as a paste is)."""
    parent, child = pty.openpty()
    modes = termios.tcgetattr(child)
    modes[3] &= ~termios.ECHO  # only the console's output, not the typing
    termios.tcsetattr(child, termios.TCSANOW, modes)
    os.write(parent, typed.encode())
    process = subprocess.Popen(
        [*HUB, "console"], stdin=child, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=hub_env(f"sqlite:///{tmp_path / 'hub.db'}", tmp_path), cwd=tmp_path,
    )  # fmt: skip
    os.close(child)
    try:
        out, err = process.communicate(timeout=120)
    finally:
        os.close(parent)
    assert process.returncode == 0, err
    return out


def test_a_piped_paste_belongs_to_the_command_before_it(tmp_path: Path) -> None:
    out = console(tmp_path, f"/hub error {NODE_PASTE}\n/hub show q-django-n-plus-one\n")
    assert "I don't know" not in out  # no line of the paste is taken for a command
    assert NODE_TITLE in out
    assert "How do you find and fix N+1 queries" in out  # the next /hub line is a command again


def test_a_paste_on_a_terminal_ends_at_an_empty_line(tmp_path: Path) -> None:
    typed = f"/hub error {TRACE}\n\nsearch n+1 django\n/hub nonsense\nquit\n"
    out = console_on_a_terminal(tmp_path, typed)
    assert out.startswith("HubBot console.")
    assert NODE_TITLE in out
    assert "I don't know `at`" not in out and "I don't know `throw`" not in out
    assert "How do you find and fix N+1 queries" in out  # after the empty line: a new command
    assert "I don't know `nonsense`" in out


def test_each_button_keeps_its_number_and_numbers_never_repeat(tmp_path: Path) -> None:
    out = console(tmp_path, "/hub show q-django-n-plus-one\n1\n2\n3\n4\n")
    assert "[1] Deep dive  [2] Real-world  [3] Common mistakes  [4] Production scenario" in out
    assert "No button" not in out
    opened = out.split("[5] Share to channel", 1)[1]
    assert [f"-- {name} --" in opened for name in SECTIONS] == [True] * 4
    numbers = [int(n) for n in re.findall(r"\[(\d+)\] ", out)]
    assert len(numbers) == len(set(numbers)), numbers


def test_clear_and_help_are_the_consoles_own(tmp_path: Path) -> None:
    out = console(tmp_path, "/help\n/hub show q-django-n-plus-one\nclear\n1\n")
    assert "I don't know" not in out
    assert "`/hub search" in out and "`reply N TEXT`" in out and "`clear`" in out
    assert "No button 1 on the screen." in out  # cleared with its message
    assert "-- Deep dive --" not in out


@pytest.fixture
def chat(sqlite_hub: Hub) -> Iterator[ConsoleChat]:
    """The console chat on a SQLite file, with its jobs running (daily posts, mock timers)."""
    console_chat = ConsoleChat(sqlite_hub, io.StringIO(), io.StringIO())
    stop = serve_in_thread(sqlite_hub)
    yield console_chat
    stop()


def shown(chat: ConsoleChat, pattern: str) -> re.Match[str]:
    """The first match of `pattern` in what the console has printed, once it has."""
    out = chat.stdout
    assert isinstance(out, io.StringIO)
    wait_until(lambda: re.search(pattern, out.getvalue()) is not None, 60, pattern)
    found = re.search(pattern, out.getvalue())
    assert found is not None
    return found


def test_a_daily_question_is_answered_by_button_and_in_its_thread(chat: ConsoleChat) -> None:
    assert "Daily question on" in (chat.handle_line("/hub daily on at 09:30") or "")
    assert "Posting a question" in (chat.handle_line("/hub daily now") or "")
    thread = shown(chat, r"\[#console new thread: Daily question [-\d]+ · message (\d+)\]")[1]
    reveal = shown(chat, r"\[(\d+)\] Reveal answer")[1]
    for _press in range(2):  # the same number, again: it stays its button
        assert "-- Model answer --\nLoad related rows up front" in (chat.handle_line(reveal) or "")
    said = chat.handle_line(f"reply {thread} select_related for the foreign keys")
    assert (
        said
        == f"Said in the thread of message {thread}. Counted as your answer to its daily question."
    )
    again = chat.handle_line(f"reply {thread} and prefetch_related for the rest")
    assert again == f"Said in the thread of message {thread}."
    board = chat.handle_line("/hub daily leaderboard") or ""
    assert f"1. {chat.ctx.user_name}: 1 · 1 · 1" in board


def test_a_mock_session_runs_from_its_thread(chat: ConsoleChat) -> None:
    assert "is starting in a new thread" in (
        chat.handle_line("/hub mock start django questions 1") or ""
    )
    shown(chat, r"new thread: Mock interview")
    question = shown(
        chat, r"\[#console thread of message \d+ · message (\d+)\]\n.*\n\s*Question 1 of 1"
    )[1]
    reveal = shown(chat, r"\[(\d+)\] Reveal")[1]
    assert "No button" not in (chat.handle_line(reveal) or "")
    shown(chat, r"Answer 1 of 1")
    graded = chat.handle_line(f"reply {question} /hub mock grade hard") or ""
    assert "Recorded: Hard on question 1." in graded
    chat.handle_line(f"reply {question} /hub mock next")
    shown(chat, r"Mock interview finished")
    assert chat.handle_line("reply 999 hello") == (
        "No message 999 on the screen: `reply N TEXT` answers in message N's thread."
    )
