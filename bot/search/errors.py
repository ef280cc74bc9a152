"""Matching a pasted error (a traceback, one line of it, or a paraphrase) to the debug archive.

A paste is normalised first: stack frames, paths, URLs, quoted names, addresses, ids and numbers
go; the exception type and the message's words stay. An entry is a plausible match when the paste
holds most of the entry's message (weighted by how rare each word is), or, for a short paste,
when the entry holds almost every word of it; a short paste whose best entry stands far above
the rest gets that entry as a likely match. Otherwise the answer is nothing.

A line may carry several errors, one wrapping the next (`UnhandledPromiseRejectionWarning: Error:
connect ECONNREFUSED`, `Caused by: …`): each is matched on its own as well, and the innermost
cause the archive holds comes first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.search.index import SearchIndex, SearchResult
from bot.search.paste import normalise
from bot.search.query import parse_query
from bot.search.text import terms

MAX_PASTE_CHARS = 20_000
MAX_LINES = 400
MESSAGE_LINES = 6
MAX_SEGMENTS = 6
CANDIDATES = 20
# Share of an entry's message (idf-weighted) the paste must contain.
TITLE_MATCH = 0.6
# Share of an entry's key words (its message without the error type) the paste must contain.
KEY_MATCH = 0.5
# A short paste (a paraphrase) must be covered this much by the entry.
SHORT_PASTE_SLOTS = 6
PARAPHRASE_MATCH = 0.75
# A likely match: the best entry covers this much of a short paste and scores this many times
# the next one.
LIKELY_COVERAGE = 0.6
DOMINANCE = 3.0

FRAME = re.compile(
    r"""^\s*(?:File\ ".*",\ line\ \d+.*      # Python
    |at\ .*[(\s].*:\d+(?::\d+)?\)?\s*$       # Node, Java with file:line
    |at\ [\w.$<>]+\(.*\)\s*$                 # Java, C#
    |at\ [\w.$<>/\\]+\s*$                    # Node without location
    |\#\d+\ .*                               # PHP
    |[\^~\s]+$                               # Python 3.11 carets
    |\#\ [\w./-]+\s*$                         # Go: the package of the errors below
    |goroutine\ \d+.*|\S+\.go:\d+(?:\ \+0x[0-9a-f]+)?\s*$   # Go: `\t/app/x.go:12 +0x45`
    |created\ by\ .*|[\w./*()-]+\((?:\.\.\.|0x[^)]*)?\)$   # Go: a frame's function, `main.f(...)`
    |Traceback\ \(most\ recent\ call\ last\):|During\ handling.*|The\ above\ exception.*
    )""",
    re.VERBOSE,
)
MESSAGE = re.compile(
    r"error|exception|warning|fatal|panic|denied|failed|refused|rejected|invalid|cannot|can't"
    r"|unable|not found|no such|does not exist|undefined|forbidden|killed|abort",
    re.IGNORECASE,
)
# Where a wrapped error starts inside a line: its type, then a colon (`Error: …`, `Caused by: …`).
TYPE = r"[\w.$]*(?:Error|Exception|Warning|Rejection)(?:\s*\[\w+\])?:"
INNER = re.compile(rf"(?<=\S)\s+(?={TYPE})")
ERROR_TYPE = re.compile(TYPE)
CAUSED = re.compile(r"^\s*Caused by:", re.IGNORECASE)


@dataclass
class Match:
    doc: int
    rank: float
    depth: int
    likely: bool


def message_lines(paste: str) -> list[str]:
    """The lines of a paste that carry the message: frames dropped, error lines preferred."""
    lines = [line for line in paste[:MAX_PASTE_CHARS].splitlines()[:MAX_LINES] if line.strip()]
    kept = [line for line in lines if not FRAME.match(line)]
    messages = [
        line
        for n, line in enumerate(kept)
        if MESSAGE.search(line) or (n and line[0].isspace() and MESSAGE.search(kept[n - 1]))
    ]
    return (messages[:2] + messages[2:][-MESSAGE_LINES:]) if messages else kept[:MESSAGE_LINES]


def message_of(paste: str) -> str:
    return "\n".join(normalise(line) for line in message_lines(paste))


def segments(lines: list[str]) -> list[tuple[int, str]]:
    """The errors of the message lines, each with its depth (a wrapped error is deeper than its
    wrapper, a `Caused by` line deeper than the lines before it); only when a line wraps one."""
    found: list[tuple[int, str]] = []
    base = 0
    for line in lines:
        if CAUSED.match(line):
            base += 1
        parts: list[str] = []
        for part in INNER.split(line):
            if parts and not ERROR_TYPE.search(parts[-1]):
                parts[-1] += " " + part  # `(node:123) Warning: …`: the prefix joins its error
            else:
                parts.append(part)
        found.extend((base + depth, normalise(part)) for depth, part in enumerate(parts))
    nested = len(found) > len(lines) or base > 0
    return found[:MAX_SEGMENTS] if nested else []


def title_share(index: SearchIndex, doc: int, paste_terms: set[str]) -> float:
    """How much of an entry's message (idf-weighted) appears in the paste, in the form (the
    title or a variant) that the paste holds most of; a form counts only when the paste holds
    most of its key words (the words after the error's type), or `OperationalError: no such
    table` would answer any OperationalError."""
    best = 0.0
    keys = index.error_keys.get(doc, ())
    for signature, key in zip(index.error_signatures.get(doc, ()), keys, strict=True):
        if share(index, key, paste_terms) >= KEY_MATCH:
            best = max(best, share(index, signature, paste_terms))
    return best


def share(index: SearchIndex, wanted: frozenset[str], paste_terms: set[str]) -> float:
    """The share of `wanted` (idf-weighted) that the paste holds; all of nothing."""
    total = sum(index.term_idf(t) for t in wanted)
    if total <= 0:
        return 1.0
    return sum(index.term_idf(t) for t in wanted if t in paste_terms) / total


def find(
    index: SearchIndex, message: str, depth: int, dominant: bool, words: int = 1
) -> list[Match]:
    """Plausible entries for one message of at least `words` words; with `dominant`, a short
    message with none gets its best entry as a likely match when that entry stands far above
    the others."""
    query = parse_query(index, message + " ", expand=False)
    mask = index.mask(kind="error")
    if len(query.slots) < words or mask is None:
        return []
    scored = index.score(query, mask)
    if not len(scored.docs):
        return []
    paste_terms = set(terms(message))
    short = len(query.slots) <= SHORT_PASTE_SLOTS
    top_bm25 = float(scored.scores.max())
    best = index.top(scored, CANDIDATES)
    found = []
    for position in best:
        doc = int(scored.docs[position])
        share = title_share(index, doc, paste_terms)
        coverage = float(scored.coverage[position])
        if share >= TITLE_MATCH or (short and coverage >= PARAPHRASE_MATCH):
            rank = 2 * share + coverage + 0.1 * float(scored.scores[position]) / top_bm25
            found.append(Match(doc, rank, depth, likely=share < TITLE_MATCH))
    if found or not dominant or not short:
        return found
    first = best[0]
    runner_up = float(scored.scores[best[1]]) if len(best) > 1 else 0.0
    coverage = float(scored.coverage[first])
    # The entry must hold the rarest of the paste's words the archive knows: an error the archive
    # lacks is told apart by a word the archive holds elsewhere, or not at all (coverage).
    rarest = max((s for s in query.slots if s.alternatives), key=lambda slot: slot.weight)
    holds = index.holds(int(scored.docs[first]), rarest)
    if (
        holds
        and coverage >= LIKELY_COVERAGE
        and float(scored.scores[first]) >= DOMINANCE * runner_up
    ):
        return [Match(int(scored.docs[first]), coverage, depth, likely=True)]
    return []


def match_error(index: SearchIndex, paste: str, limit: int = 5) -> SearchResult:
    lines = message_lines(paste)
    message = "\n".join(normalise(line) for line in lines)
    result = SearchResult(query=" ".join(message.split())[:200])
    nested = segments(lines)
    found = find(index, message, 0, dominant=not nested)
    for depth, part in nested:
        found += find(index, part, depth, dominant=True, words=2)
    best: dict[int, Match] = {}
    for match in found:
        known = best.get(match.doc)
        if known is None:
            best[match.doc] = match
        else:
            known.depth = max(known.depth, match.depth)
            known.rank = max(known.rank, match.rank)
            known.likely = known.likely and match.likely
    ranked = sorted(best.values(), key=lambda m: (-m.depth, -m.rank, index.ids[m.doc]))[:limit]
    result.hits = [index.make_hit(m.doc, m.rank, index.text(m.doc)[:200]) for m in ranked]
    result.good = bool(result.hits)
    result.likely = bool(ranked) and ranked[0].likely
    return result
