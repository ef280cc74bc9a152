"""Matching a pasted error (a traceback, one line of it, or a paraphrase) to the debug archive.

A paste is normalised first: stack frames, paths, URLs, quoted names, addresses, ids and numbers
go; the exception type and the message's words stay. An entry is a plausible match when the paste
holds most of the entry's message (weighted by how rare each word is), or, for a short paste,
when the entry holds almost every word of it. Otherwise the answer is nothing.
"""

from __future__ import annotations

import re

from bot.search.index import SearchIndex, SearchResult
from bot.search.paste import normalise
from bot.search.query import parse_query
from bot.search.text import terms

MAX_PASTE_CHARS = 20_000
MAX_LINES = 400
MESSAGE_LINES = 6
CANDIDATES = 20
# Share of an entry's message (idf-weighted) the paste must contain.
TITLE_MATCH = 0.6
# A short paste (a paraphrase) must be covered this much by the entry.
SHORT_PASTE_SLOTS = 6
PARAPHRASE_MATCH = 0.75

FRAME = re.compile(
    r"""^\s*(?:File\ ".*",\ line\ \d+.*      # Python
    |at\ .*[(\s].*:\d+(?::\d+)?\)?\s*$       # Node, Java with file:line
    |at\ [\w.$<>]+\(.*\)\s*$                 # Java, C#
    |at\ [\w.$<>/\\]+\s*$                    # Node without location
    |\#\d+\ .*                               # PHP
    |[\^~\s]+$                               # Python 3.11 carets
    |goroutine\ \d+.*|\S+\.go:\d+.*          # Go
    |Traceback\ \(most\ recent\ call\ last\):|During\ handling.*|The\ above\ exception.*
    )""",
    re.VERBOSE,
)
MESSAGE = re.compile(
    r"error|exception|warning|fatal|panic|denied|failed|refused|rejected|invalid|cannot|can't"
    r"|unable|not found|no such|does not exist|undefined|forbidden|killed|abort",
    re.IGNORECASE,
)


def message_of(paste: str) -> str:
    """The lines of a paste that carry the message: frames dropped, error lines preferred."""
    lines = [line for line in paste[:MAX_PASTE_CHARS].splitlines()[:MAX_LINES] if line.strip()]
    kept = [line for line in lines if not FRAME.match(line)]
    messages = [line for line in kept if MESSAGE.search(line)]
    chosen = (messages[:2] + messages[2:][-MESSAGE_LINES:]) if messages else kept[:MESSAGE_LINES]
    return "\n".join(normalise(line) for line in chosen)


def title_share(index: SearchIndex, doc: int, paste_terms: set[str]) -> float:
    """How much of an entry's message (idf-weighted) appears in the paste, in the form (the
    title or a variant) that the paste holds most of."""
    best = 0.0
    for signature in index.error_signatures.get(doc, ()):
        total = sum(index.term_idf(t) for t in signature)
        if total > 0:
            found = sum(index.term_idf(t) for t in signature if t in paste_terms)
            best = max(best, found / total)
    return best


def match_error(index: SearchIndex, paste: str, limit: int = 5) -> SearchResult:
    message = message_of(paste)
    query = parse_query(index, message + " ", expand=False)
    result = SearchResult(query=" ".join(message.split())[:200])
    mask = index.mask(kind="error")
    if not query.slots or mask is None:
        return result
    scored = index.score(query, mask)
    if not len(scored.docs):
        return result
    paste_terms = set(terms(message))
    short = len(query.slots) <= SHORT_PASTE_SLOTS
    top_bm25 = float(scored.scores.max())
    ranked = []
    for position in index.top(scored, CANDIDATES):
        doc = int(scored.docs[position])
        share = title_share(index, doc, paste_terms)
        coverage = float(scored.coverage[position])
        plausible = share >= TITLE_MATCH or (short and coverage >= PARAPHRASE_MATCH)
        if plausible:
            rank = 2 * share + coverage + 0.1 * float(scored.scores[position]) / top_bm25
            ranked.append((-rank, index.ids[doc], doc, rank))
    ranked.sort()
    result.hits = [
        index.make_hit(number, rank, index.text(number)[:200])
        for _, _, number, rank in ranked[:limit]
    ]
    result.good = bool(result.hits)
    return result
