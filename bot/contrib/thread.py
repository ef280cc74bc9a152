"""*Save to hub*: an error entry drafted from a chat thread where an error was solved. The first
message holds the error, the replies the candidate fix, and the people in it are credited."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot.commands import ChatContext, ThreadMessage
from bot.contrib.commands import form_reply
from bot.contrib.draft import MAX_SECTION, MAX_TITLE
from bot.contrib.forms import MAX_CREDIT, entry_form
from bot.models import Kind
from bot.replies import Reply
from bot.search.errors import ERROR_TYPE, message_lines
from bot.search.paste import ADDRESS, FILE, ID, PATH, PROCESS_ID, URL

if TYPE_CHECKING:
    from bot.hub import Hub

MAX_MESSAGES = 50
LINE_NUMBERS = re.compile(r"(?::\d+)+$")
IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
PORT = re.compile(r"(?:(?<=::)|(?<=>:)|(?<=\]:)|(?<=localhost:)|(?<=\bport ))\d{2,5}\b")
LINE = re.compile(r"\bline \d+\b")
LONG_NUMBER = re.compile(r"\b\d{4,}\b")


def url(found: re.Match[str]) -> str:
    """A URL's placeholder, keeping the quote or punctuation that closes it."""
    text = found.group()
    return "<url>" + text[len(text.rstrip("'\"`:,;.)]")) :]


def file_name(found: re.Match[str]) -> str:
    return LINE_NUMBERS.sub(":<line>", found.group())


def address_or_id(found: re.Match[str]) -> str:
    return "<address>" if found.group().lower().startswith("0x") else "<id>"


# What changes from one occurrence of an error to the next, as the error lookup drops it
# (bot/search/paste.py), but written the way the archive's titles write it (`:::<port>`). Quoted
# names, apostrophes and short numbers stay: they are what makes the title say something.
VARYING: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (URL, url),
    (PROCESS_ID, ""),
    (PATH, "<path>"),
    (FILE, file_name),
    (ADDRESS, address_or_id),
    (ID, "<id>"),
    (IPV4, "<host>"),
    (PORT, "<port>"),
    (LINE, "line <line>"),
    (LONG_NUMBER, "<n>"),
)


def error_title(paste: str) -> str:
    """The error line of a paste (the first that names an error's type, else the first message
    line), with what varies from one occurrence to the next replaced by a placeholder."""
    lines = message_lines(paste)
    typed = [line for line in lines if ERROR_TYPE.search(line)]
    title = (typed or lines or [""])[0]
    for pattern, replacement in VARYING:
        title = pattern.sub(replacement, title)
    return " ".join(title.split())[:MAX_TITLE]


def thread_draft(hub: Hub, messages: Sequence[ThreadMessage]) -> dict[str, str]:
    """The form's values for a thread: the error line as the title, the topic of the error the
    archive knows it as (if any), the first message as where it shows up, the replies as the
    fix, and everyone who wrote as the credit."""
    first, replies = messages[0], messages[1:MAX_MESSAGES]
    paste = first.text
    match = hub.searcher.match_error(paste, limit=1)
    fix = "\n\n".join(m.text.strip() for m in replies if m.text.strip())
    people = list(dict.fromkeys(m.user_name or m.user_id for m in messages[:MAX_MESSAGES]))
    return {
        "title": error_title(paste),
        "topic": match.hits[0].topic if match.good and match.hits else "",
        "description": paste.strip()[:MAX_SECTION],
        "fix": fix[:MAX_SECTION],
        "credit": ("solved in a thread by " + ", ".join(people))[:MAX_CREDIT],
    }


def save_thread(hub: Hub, ctx: ChatContext, messages: Sequence[ThreadMessage]) -> Reply:
    if not messages or not messages[0].text.strip():
        return Reply(text="There is nothing in that thread to save.", error=True)
    draft = thread_draft(hub, messages)
    opened = entry_form(Kind.error, "thread:error", draft, title="Save to hub")
    as_text = (
        f"title: {draft['title']}\ntopic: {draft.get('topic', '')}\n\n{draft['description']}"
        f"\n\n## Root cause\n\n…\n\n## Fix\n\n{draft['fix']}"
    )
    return form_reply(opened, "/hub suggest error", as_text)
