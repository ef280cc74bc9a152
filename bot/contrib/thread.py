"""*Save to hub*: an error entry drafted from a chat thread where an error was solved. The first
message holds the error, the replies the candidate fix, and the people in it are credited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.commands import ChatContext, ThreadMessage, clean_text
from bot.contrib.draft import MAX_SECTION, MAX_TITLE
from bot.contrib.forms import MAX_CREDIT, entry_form
from bot.models import Kind
from bot.replies import Reply
from bot.search.errors import message_lines

if TYPE_CHECKING:
    from bot.hub import Hub

MAX_MESSAGES = 50


def thread_draft(messages: Sequence[ThreadMessage]) -> dict[str, str]:
    """The form's values for a thread: the error line as the title, the first message as where
    it shows up, the replies as the fix, and everyone who wrote as the credit."""
    first, replies = messages[0], messages[1:MAX_MESSAGES]
    lines = message_lines(clean_text(first.text))
    title = " ".join(lines[0].split())[:MAX_TITLE] if lines else ""
    fix = "\n\n".join(clean_text(m.text).strip() for m in replies if m.text.strip())
    people = list(dict.fromkeys(m.user_name or m.user_id for m in messages[:MAX_MESSAGES]))
    return {
        "title": title,
        "description": clean_text(first.text).strip()[:MAX_SECTION],
        "fix": fix[:MAX_SECTION],
        "credit": ("solved in a thread by " + ", ".join(people))[:MAX_CREDIT],
    }


def save_thread(hub: Hub, ctx: ChatContext, messages: Sequence[ThreadMessage]) -> Reply:
    if not messages or not messages[0].text.strip():
        return Reply(text="There is nothing in that thread to save.", error=True)
    opened = entry_form(Kind.error, "new:error", thread_draft(messages), title="Save to hub")
    return Reply(
        text="Check the draft, write the root cause, and send it to the moderators.", form=opened
    )
