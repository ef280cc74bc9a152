"""A short excerpt of an entry around the words a query matched, those words in bold.

The excerpt is Markdown on one line: prose markup (emphasis, headings, links, tables) is dropped,
code is kept as written, as inline code (a fenced block becomes one code span), and is not
marked. Escaping for a platform is the adapters' job."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Set
from functools import lru_cache

from bot.search.text import STOP_WORDS
from bot.search.text import terms as terms_of

# Code first (kept), then prose markup (dropped; link text kept).
CODE = re.compile(
    r"^[ \t]*```[^\n]*\n(.*?)(?:^[ \t]*```[ \t]*$|\Z)|`([^`\n]+)`", re.DOTALL | re.MULTILINE
)
MARKUP = re.compile(
    r"!?\[([^\]]{0,200})\]\([^)]{0,500}\)|\*+|(?<!\w)_+|_+(?!\w)|^[ \t]*(?:#+|>+)[ \t]|\||&nbsp;",
    re.MULTILINE,
)
SPAN = re.compile(r"`[^`]*`")
# American spellings in a stem, and a pattern for either spelling (see text.SPELLING).
SPELLINGS = (("iz", "i[sz]"), ("yz", "y[sz]"), ("or", "ou?r"), ("ter", "t(?:er|re)"))
MAX_SCAN = 6000
MAX_MATCHES = 50
WIDTH = 200
LEAD = 40
SHORT_STEM = 2


def plain(text: str) -> str:
    """Markdown reduced to its words and its code, on one line; link text kept."""
    out: list[str] = []
    last = 0
    text = text[:MAX_SCAN]
    for code in CODE.finditer(text):
        out.append(prose(text[last : code.start()]))
        block = code.group(1) is not None
        inside = " ".join((code.group(1) if block else code.group(2)).split())
        out.append((f" `{inside}` " if block else f"`{inside}`") if inside else " ")
        last = code.end()
    out.append(prose(text[last:]))
    return " ".join("".join(out).split())


def prose(text: str) -> str:
    return MARKUP.sub(lambda m: m.group(1) or " ", text)


@lru_cache(maxsize=512)
def term_pattern(terms: frozenset[str]) -> re.Pattern[str] | None:
    """Words that start with a matched term (a stem), e.g. `render` → renders, rendering: the
    candidates, of which `is_term` keeps those the term is the stem of (not GitHub for git)."""
    stems = set()
    for term in terms:
        stems.add(term)
        if term.endswith("y") and len(term) > 3:  # property ← properties
            stems.add(term[:-1])
    if not stems:
        return None
    ordered = sorted(stems, key=len, reverse=True)
    # A stem of one or two letters (the n of n+1) marks only itself, not every word it starts.
    words = "|".join(spelled(t) for t in ordered if len(t) <= SHORT_STEM)
    starts = "|".join(spelled(t) for t in ordered if len(t) > SHORT_STEM)
    parts = [rf"(?:{starts})(?:\w|['-](?=\w))*"] if starts else []
    parts += [rf"(?:{words})(?!\w)"] if words else []
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})", re.IGNORECASE)


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
    # A stop word is matched only inside a phrase (`vs` → "compared to"): alone it marks noise.
    wanted = frozenset(t for t in terms if t not in STOP_WORDS) or frozenset(terms)
    pattern = term_pattern(wanted)

    def is_term(found: re.Match[str]) -> bool:
        return not wanted.isdisjoint(terms_of(found.group()))

    if pattern is None:
        return cut_around(flat, [], width)
    matches = list(itertools.islice(filter(is_term, pattern.finditer(flat)), MAX_MATCHES))
    return marked(cut_around(flat, matches, width), pattern, is_term)


def cut_around(flat: str, matches: list[re.Match[str]], width: int) -> str:
    """About `width` characters of `flat` around its best window of matches, cut at spaces."""
    start = best_window(matches, width) if matches else 0
    start = flat.rfind(" ", 0, start - LEAD) + 1 if start > LEAD else 0
    cut = flat[start : start + width]
    if start + width < len(flat):
        cut = cut.rsplit(" ", 1)[0]
    if flat[:start].count("`") % 2:  # starts inside a code span
        cut = "`" + cut
    if cut.count("`") % 2:
        cut += "`"
    return ("…" if start else "") + cut + ("…" if start + width < len(flat) else "")


def marked(text: str, pattern: re.Pattern[str], is_term: Callable[[re.Match[str]], bool]) -> str:
    """Matched words in bold, outside code: a code span stays exactly as written (bold around
    code does not render on every platform)."""

    def bold(found: re.Match[str]) -> str:
        return f"**{found.group()}**" if is_term(found) else found.group()

    out: list[str] = []
    last = 0
    for span in SPAN.finditer(text):
        out.append(pattern.sub(bold, text[last : span.start()]))
        out.append(span.group())
        last = span.end()
    out.append(pattern.sub(bold, text[last:]))
    return "".join(out)
