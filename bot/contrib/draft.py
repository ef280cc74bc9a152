"""A proposal as chat text: the content files' Markdown, with optional `key: value` lines
first instead of YAML front matter. Parsed and validated as `hub content check` does."""

from __future__ import annotations

import difflib
import re

from bot.content.files import ContentProblem, entry_from_parts, render_entry
from bot.content.schema import TEXT_FIELDS, EntryData
from bot.models import SECTION_TITLES, Kind

# What a person may type into one field.
MAX_TITLE = 200
MAX_SECTION = 4_000
MAX_CODE = 10_000
MAX_ARTICLE = 12_000  # an article's body is the article: the longest shipped is under 11,000
LIMITS = {"code": MAX_CODE, "body": MAX_ARTICLE}  # the other sections: MAX_SECTION
ASKED = "asked"  # a line each way people ask for the entry (its `asked_as`)
HEADER_KEYS = ("title", "topic", "level", "tags", "language", "stack", ASKED)
# An entry's fields that its text (`draft_text`) does not show: an edit keeps them.
UNSHOWN = ("role", "source", "dialect", "summary", "variants")
HEADER = re.compile(r"^([a-z]+):[ \t]*(.*)$")

TEMPLATES: dict[Kind, str] = {
    Kind.question: (
        "title: What does useEffect's cleanup do?\ntopic: react\nlevel: mid\n\n"
        "The short answer.\n\n## Deep dive\n\n…\n\n## Real-world\n\n…\n\n"
        "## Common mistakes\n\n…\n\n## Production scenario\n\n…"
    ),
    Kind.error: (
        "title: TypeError: Cannot read properties of undefined (reading 'map')\n"
        "topic: javascript\n\nWhere it shows up.\n\n## Root cause\n\n…\n\n## Fix\n\n…"
    ),
    Kind.snippet: (
        "title: Debounce a function\ntopic: javascript\nlanguage: js\n\nWhat it is for.\n\n"
        "## Code\n\n```js\n…\n```"
    ),
    Kind.article: "title: CSRF in one page\ntopic: security\n\nThe article, in Markdown.",
}


def titled(template: str, title: str) -> str:
    """A template whose first line, its title, is `title`."""
    return f"title: {title}\n" + template.partition("\n")[2]


def slug(title: str) -> str:
    """An entry id made from a title."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return (words[:56].rstrip("-") or "entry").lstrip("-._") or "entry"


def parse_draft(kind: Kind, text: str, current: EntryData | None = None) -> EntryData | str:
    """The entry a person typed (an edit of `current`), validated; else the problem, naming the
    field."""
    lines = text.replace("\r\n", "\n").strip("\n").split("\n")  # cleaned at the hub's door
    front: dict[str, str] = {}
    asked: list[str] = []
    start = 0
    while start < len(lines):
        line = lines[start].strip()
        found = HEADER.match(line)
        if line == "---" or (not line and not front):
            start += 1
        elif found and found.group(1) == ASKED:
            asked.append(found.group(2))
            start += 1
        elif found and found.group(1) in HEADER_KEYS and found.group(1) not in front:
            front[found.group(1)] = found.group(2).strip()
            start += 1
        else:
            break
    if not front.get("title"):
        return "title: missing (start with a line `title: …`)"
    if not front.get("topic"):
        return "topic: missing (a line `topic: …`; `/hub topics` lists them)"
    problems: list[ContentProblem] = []
    # What the text does not show of the entry it edits is kept (as an edit's form keeps it).
    kept = (
        current.model_dump(mode="json", include=set(UNSHOWN), exclude_defaults=True)
        if current
        else {}
    )
    values = {
        **kept,
        "id": current.id if current else slug(front["title"]),
        "kind": kind.value,
        **front,
        "asked_as": asked,
    }
    entry = entry_from_parts("draft", values, lines[start:], start + 1, problems)
    if entry is None:
        return problems[0].message if problems else "not a valid entry"
    return too_long(entry, current) or entry


def too_long(entry: EntryData, current: EntryData | None = None) -> str | None:
    """The first field over its limit; an edit may keep what `current` already holds."""

    def limit_of(name: str, limit: int) -> int:
        return max(limit, len(getattr(current, name) or "")) if current else limit

    if len(entry.title) > (limit := limit_of("title", MAX_TITLE)):
        return f"title: {len(entry.title):,} characters, at most {limit:,}"
    for name in TEXT_FIELDS:
        value = getattr(entry, name) or ""
        limit = limit_of(name, LIMITS.get(name, MAX_SECTION))
        if len(value) > limit:
            label = SECTION_TITLES.get(name, name)
            return f"{label}: {len(value):,} characters, at most {limit:,}"
    return None


def draft_text(entry: EntryData) -> str:
    """An entry as a person edits it: `key: value` lines, then the body as in its file."""
    header = [f"title: {entry.title}", f"topic: {entry.topic}"]
    if entry.level:
        header.append(f"level: {entry.level.value}")
    if entry.tags:
        header.append("tags: " + ", ".join(entry.tags))
    if entry.stack:
        header.append(f"stack: {entry.stack}")
    header += (f"{ASKED}: {phrase}" for phrase in entry.asked_as)
    body = render_entry(entry).split("---\n", 2)[2]
    return "\n".join(header) + "\n\n" + body.strip("\n")


def unified_diff(before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.split("\n"), after.split("\n"), "current", "proposed", lineterm="", n=1
    )
    return "\n".join(lines)
