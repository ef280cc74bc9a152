"""Text every chat adapter shares: what an @mention asks for, long Markdown cut to a platform's
limit with its code fences kept whole, and @-mentions made inert."""

from __future__ import annotations

import re

from bot.commands import COMMANDS

# Errno names (EPERM, ENOENT) only in capitals: under IGNORECASE they matched `event`.
LOOKS_LIKE_ERROR = re.compile(
    r"error|exception|traceback|fatal|failed|panic:|errno|warning:|(?-i:\bE[A-Z]{4,}\b)"
    r"|\bat .+:\d+",
    re.IGNORECASE,
)
FENCE = re.compile(r"^\s*```")
FENCE_CLOSE = "\n```"
# The `@` of a broadcast (@everyone, @here, Slack's @channel) or of a person or role (<@1>,
# <@!1>, <@&1>; Slack's <@U1>). Channel links (<#1>) notify no one and stay links.
PING = re.compile(r"@(?=(?:everyone|here|channel)\b)|(?<=<)@(?=[!&]?[A-Z0-9]+>)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def mention_command(text: str) -> str:
    """What `@HubBot <text>` asks: a command as typed, an error lookup for what looks like an
    error (a pasted message or traceback), else a search."""
    text = text.strip()
    first = text.split(maxsplit=1)[0].lower() if text else ""
    if not text or first in COMMANDS or first in {"/hub", "hub"}:
        return text
    return ("error " if LOOKS_LIKE_ERROR.search(text) else "search ") + text


def defuse_mentions(text: str, mark: str = WORD_JOINER) -> str:
    """Make @everyone, @here, @channel and <@id> inert: `mark` (an invisible character) after
    the `@`, where a platform's own setting (Discord's allowed_mentions) cannot reach."""
    return PING.sub("@" + mark, text)


def split_markdown(text: str, limit: int) -> list[str]:
    """Markdown in pieces of at most `limit` characters, cut at the end of a line (a longer line
    at a space, else anywhere but inside an `&…;` entity). A piece cut inside a code fence closes
    it, and the next piece reopens it the same way (its language kept)."""
    pieces: list[str] = []
    piece: list[str] = []
    size = 0
    fence = ""  # the line that opened the code fence the text is in, else ""
    opened = False  # whether the piece's last line is that opening line

    def cut() -> None:
        nonlocal piece, size, opened
        if opened:  # a fence opened just before the cut opens the next piece instead
            piece.pop()
        body = "\n".join(piece) + (FENCE_CLOSE if fence and not opened else "")
        if body.strip():
            pieces.append(body.strip("\n"))
        piece, size, opened = ([fence], len(fence), True) if fence else ([], 0, False)

    for source in text.split("\n"):
        marker = FENCE.match(source) is not None
        # Room a closing fence needs, unless this very line closes the fence.
        reserve = len(FENCE_CLOSE) if bool(fence) != marker else 0
        for line in _wrap(source, max(limit - len(FENCE_CLOSE) - len(fence) - 1, limit // 2)):
            if piece and size + 1 + len(line) + reserve > limit:
                cut()
            size += len(line) + (1 if piece else 0)
            piece.append(line)
            opened = False
        if marker:
            fence = "" if fence else source.strip()
            opened = bool(fence)
    body = "\n".join(piece)
    if body.strip():
        pieces.append(body.strip("\n"))
    return pieces


def _wrap(line: str, width: int) -> list[str]:
    """`line` in parts of at most `width` characters, broken at spaces where it can be."""
    parts: list[str] = []
    while len(line) > width:
        at = line.rfind(" ", 0, width)
        if at <= width // 2:
            amp = line.rfind("&", width - 6, width)
            at = amp if amp > 0 and ";" not in line[amp:width] else width
        parts.append(line[:at])
        line = line[at:].lstrip(" ")
    parts.append(line)
    return parts
