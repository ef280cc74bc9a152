"""Normalising an error message: dropping what changes from one occurrence to the next."""

from __future__ import annotations

import re

# The type an error message starts with (`django.db.utils.OperationalError: `), several when one
# wraps the next; the words after it say what went wrong.
ERROR_TYPE_PREFIX = re.compile(
    r"^(?:\s*[\w.$]*(?:Error|Exception|Warning|Rejection)\b[^:\n]{0,20}:)+"
)
PLACEHOLDER = re.compile(r"<[^<>\n]{1,40}>")
URL = re.compile(r"\b[a-z][\w+.-]*://\S+", re.IGNORECASE)  # URLs and sockets
PROCESS_ID = re.compile(r"\(\w+:\d+\)")  # (node:48213)
PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][\w.@~+-]+){2,}(?::\d+)*")  # with line:col
FILE = re.compile(r"\b[\w-]+\.(?:py|js|ts|tsx|jsx|php|java|cs|go|rb|rs|vb)(?::\d+)*\b")
ADDRESS = re.compile(r"\b0x[0-9a-f]+\b|\b[0-9a-f]{8}(?:-?[0-9a-f]{4,}){2,}\b", re.IGNORECASE)
ID = re.compile(r"\b(?=[\w-]*\d)[\w-]{12,}\b")  # ids and hashes
NOISE = [
    URL,
    PROCESS_ID,
    re.compile(r"(?<=\w)['’](?=\w)"),  # apostrophes inside words: can't
    # Quoted names and values; a quoted text with spaces is a message and stays.
    re.compile(r"\"[^\"\s]{0,300}\"|'[^'\s]{0,300}'|`[^`\s]{0,300}`"),
    PATH,
    FILE,
    ADDRESS,
    ID,
    re.compile(r"\b\d+(?:[.:]\d+)*\b"),  # numbers, versions, ports
]


def normalise(text: str) -> str:
    """An error message without the parts that change from one occurrence to the next."""
    text = PLACEHOLDER.sub(" ", text)
    for pattern in NOISE:
        text = pattern.sub(lambda m: "" if m.group().strip("'’") == "" else " ", text)
    return " ".join(text.split())


def message_part(text: str) -> str:
    """An error message without the type it starts with: what went wrong."""
    return ERROR_TYPE_PREFIX.sub(" ", text, count=1)
