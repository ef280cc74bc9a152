"""A short excerpt of an entry around the words a query matched, those words in bold."""

from __future__ import annotations

import re
from collections.abc import Set

from bot.search.text import WORD, fold, stem

MARKUP = re.compile(r"<[^>]{0,200}>|!?\[([^\]]{0,200})\]\([^)]{0,500}\)|[*`#>|]+|&nbsp;")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
MAX_SCAN = 6000
WIDTH = 200


def plain(text: str) -> str:
    """Markdown and HTML reduced to their words; link text kept."""
    return MARKUP.sub(lambda m: m.group(1) or " ", text[:MAX_SCAN])


def excerpt(text: str, terms: Set[str], width: int = WIDTH) -> str:
    """The sentence (or window) with the most distinct matched terms, matched words marked."""
    sentences = [s.strip() for s in SENTENCE_END.split(plain(text)) if s.strip()]
    if not sentences:
        return ""
    best, best_found = 0, -1
    for number, sentence in enumerate(sentences):
        found = {stem(m.group()) for m in WORD.finditer(fold(sentence))} & terms
        if len(found) > best_found:
            best, best_found = number, len(found)
    snippet = " ".join(" ".join(sentences[best:]).split())
    cut = snippet[:width]
    if len(snippet) > width:
        cut = cut.rsplit(" ", 1)[0] + "…"
    if best:
        cut = "…" + cut
    return mark(cut, terms)


def mark(text: str, terms: Set[str]) -> str:
    """Wrap every word whose stem is a matched term in **bold**."""
    out, last = [], 0
    lowered = text.lower()
    if len(lowered) != len(text):  # lowercasing changed lengths: mark nothing, misplace nothing
        return text
    for match in WORD.finditer(lowered):
        word = fold(match.group())
        if stem(word) in terms or any(stem(p) in terms for p in re.split(r"[-._]", word)):
            out.append(text[last : match.start()])
            out.append(f"**{text[match.start() : match.end()]}**")
            last = match.end()
    out.append(text[last:])
    return "".join(out)
