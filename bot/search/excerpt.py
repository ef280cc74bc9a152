"""A short excerpt of an entry around the words a query matched, those words in bold."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Set
from functools import lru_cache

MARKUP = re.compile(r"<[^>]{0,200}>|!?\[([^\]]{0,200})\]\([^)]{0,500}\)|[*`#>|]+|&nbsp;")
# American spellings in a stem, and a pattern for either spelling (see text.SPELLING).
SPELLINGS = (("iz", "i[sz]"), ("yz", "y[sz]"), ("or", "ou?r"), ("ter", "t(?:er|re)"))
MAX_SCAN = 6000
MAX_MATCHES = 50
WIDTH = 200
LEAD = 40


def plain(text: str) -> str:
    """Markdown and HTML reduced to their words, on one line; link text kept."""
    return " ".join(MARKUP.sub(lambda m: m.group(1) or " ", text[:MAX_SCAN]).split())


@lru_cache(maxsize=512)
def term_pattern(terms: frozenset[str]) -> re.Pattern[str] | None:
    """Words that start with a matched term (a stem), e.g. `render` → renders, rendering."""
    stems = set()
    for term in terms:
        stems.add(term)
        if term.endswith("y") and len(term) > 3:  # property ← properties
            stems.add(term[:-1])
    if not stems:
        return None
    alternatives = "|".join(spelled(t) for t in sorted(stems, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})[\w'-]*", re.IGNORECASE)


def spelled(term: str) -> str:
    """A term as a pattern that also matches its British spelling (stem folds them together)."""
    pattern = re.escape(term)
    for american, either in SPELLINGS:
        pattern = pattern.replace(american, either)
    return pattern


def best_window(matches: list[re.Match[str]], width: int) -> int:
    """Where the window of `width` characters with the most distinct matched words starts."""
    inside: Counter[str] = Counter()
    keys = [m.group().lower()[:6] for m in matches]
    best, best_start, left = 0, matches[0].start(), 0
    for right, match in enumerate(matches):
        inside[keys[right]] += 1
        while match.start() - matches[left].start() >= width:
            inside[keys[left]] -= 1
            if not inside[keys[left]]:
                del inside[keys[left]]
            left += 1
        if len(inside) > best:
            best, best_start = len(inside), matches[left].start()
    return best_start


def excerpt(text: str, terms: Set[str], width: int = WIDTH) -> str:
    """The window of the text holding the most distinct matched terms, those words marked."""
    flat = plain(text)
    pattern = term_pattern(frozenset(terms))
    matches = list(pattern.finditer(flat))[:MAX_MATCHES] if pattern else []
    start = best_window(matches, width) if matches else 0
    start = flat.rfind(" ", 0, start - LEAD) + 1 if start > LEAD else 0
    cut = flat[start : start + width]
    if start + width < len(flat):
        cut = cut.rsplit(" ", 1)[0] + "…"
    if start:
        cut = "…" + cut
    return pattern.sub(lambda m: f"**{m.group()}**", cut) if pattern else cut
