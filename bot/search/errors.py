"""Matching a pasted error (a traceback, one line of it, or a paraphrase) to the debug archive.

A paste is normalised first: stack frames, paths, URLs, quoted names, addresses, ids and numbers
go; the exception type and the message's words stay. An entry is a plausible match when the paste
holds most of the entry's message (weighted by how rare each word is) and the entry explains the
paste's error: some clauses of one line (`log prefix: wrapper: message`) hold most of the entry's
key words, and the entry holds most of theirs, so sharing `error`, `failed` or `does not exist`
is not enough. An exception class the paste names must be named by the entry too
(`ZeroDivisionError: division by zero` is not PostgreSQL's `ERROR: division by zero`), and a
MySQL error number must agree. A one-line paraphrase (no `prefix: `, no log time) is a match
when the entry holds almost every word of it; one whose best entry stands far above the rest
gets that entry as a likely match. Otherwise the answer is nothing.

A line may carry several errors, one wrapping the next (`UnhandledPromiseRejectionWarning: Error:
connect ECONNREFUSED`, `Caused by: …`): each is matched on its own as well, and the innermost
cause the archive holds comes first.
"""

from __future__ import annotations

import builtins
import functools
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from bot.search.index import SearchIndex, SearchResult
from bot.search.paste import message_part, normalise
from bot.search.query import parse_query
from bot.search.text import signature_terms, terms

MAX_PASTE_CHARS = 20_000
MAX_LINES = 400
MESSAGE_LINES = 6
MAX_SEGMENTS = 6
CANDIDATES = 20
# Share of an entry's message (idf-weighted) the paste must contain.
TITLE_MATCH = 0.6
# Share of an entry's key words (its message without the error type) the paste must contain.
KEY_MATCH = 0.5
# Share of the words of some clauses of one line of the paste (idf-weighted) that an entry's
# form must hold: it must explain the error, not just share its generic words (`error`, `not`).
EXPLAINED = 0.55
# Share of an entry's key words the clauses that it explains must hold.
UNIT_KEY_MATCH = 0.68
# A likely match (a paraphrase) must have this share of the paste's words in its message.
LIKELY_TITLED = 0.5
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
    |at\ node:[\w/.-]+:\d+:\d+\s*$             # Node's own code
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
    r"|unable|not found|no such|does not exist|undefined|forbidden|killed|abort|conflict",
    re.IGNORECASE,
)
# Where a wrapped error starts inside a line: its type, then a colon (`Error: …`, `Caused by: …`).
TYPE = r"[\w.$]*(?:Error|Exception|Warning|Rejection)(?:\s*\[\w+\])?:"
INNER = re.compile(rf"(?<=\S)\s+(?={TYPE})")
ERROR_TYPE = re.compile(TYPE)
CAUSED = re.compile(r"^\s*Caused by:", re.IGNORECASE)
# An exception class (`ZeroDivisionError`, `java.lang.ArithmeticException`). A paste naming a
# language's own class, unqualified (`ZeroDivisionError`, `RangeError`) or from Java's or .NET's
# standard library, is answered only by an entry that names one of its classes too; a library's
# class alone (`asyncpg...UndefinedTableError`, `SequelizeDatabaseError`) may wrap a message the
# archive holds under another name.
EXCEPTION_CLASS = re.compile(
    r"(?<![\w$.])([\w$.]*?)\b([A-Z]\w*?[a-z0-9](?:Error|Exception|Warning))\b"
)
OWN_CLASSES = frozenset(
    name.lower()
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
) | {"rangeerror", "referenceerror", "evalerror", "urierror", "aggregateerror", "internalerror"}
STANDARD = re.compile(r"^(?:java\.(?:lang|util|io|nio|time)|System)\.")
# The words that tag a line as an error (`PHP Fatal error: Uncaught Error:`, `ERROR:`): no key
# words, which say what went wrong.
TAGS = signature_terms("error fatal uncaught exception warning notice panic")
# MySQL's error number (`ERROR 1146 (42S02)`): a paste and an entry that both have one agree.
MYSQL_NUMBER = re.compile(r"\bERROR (\d{4})\b")
# A quoted literal in an entry's title (`'NoneType' object has no attribute`), not a placeholder.
LITERAL = re.compile(r"'([^'<>\s]+)'")
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
# A placeholder whose value a paste shows as words (`undefined: <name>`), not as a quoted value
# (`KeyError: '<key>'`), which normalising drops.
UNQUOTED_PLACEHOLDER = re.compile(r"(?<!['\"`“])<[^<>\n]{1,40}>(?!['\"`”])")
# PHP's `in /var/www/x.php on line 12`, `in /var/www/x.php:12`: where, not what.
PHP_WHERE = re.compile(r"\s+in\s+\S+?(?:(?::\d+)|\s+on\s+line\s+\d+)\s*$")
# Where a line's clauses end: `context: message`, `One sentence. Another`.
CLAUSE = re.compile(r"(?<=[:.;)])\s+")
MAX_CLAUSES = 8
# The topics of the entries a paste's source files point at (`File "app.py"`, `at f (app.js:2:5)`):
# a tie between `TypeError: 'int' object is not iterable` and `TypeError: x is not iterable` goes
# to the language the stack trace is in.
LANGUAGES = [
    (re.compile(r"\.py\b"), {"python", "django", "ai"}),
    (re.compile(r"\.(?:[mc]?js|jsx|tsx?)\b"), {"javascript", "nodejs", "react", "typescript"}),
    (re.compile(r"\.java\b"), {"java"}),
    (re.compile(r"\.go\b"), {"go"}),
    (re.compile(r"\.php\b"), {"php", "laravel", "wordpress"}),
    (re.compile(r"\.cs\b"), {"csharp"}),
    (re.compile(r"\.vb\b"), {"vbnet"}),
]
LANGUAGE_BONUS = 0.2
# A line shaped like a tool's output (`prefix: message`, a log line's time or address) rather
# than a person's paraphrase.
PREFIXED = re.compile(r"\S:\s|\d:\d\d|\b\d{1,3}(?:\.\d{1,3}){3}\b")


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


def segments(lines: list[str]) -> list[tuple[int, str, str]]:
    """The errors of the message lines, each with its depth (a wrapped error is deeper than its
    wrapper, a `Caused by` line deeper than the lines before it); only when a line wraps one."""
    found: list[tuple[int, str, str]] = []
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
        found.extend((base + depth, normalise(part), part) for depth, part in enumerate(parts))
    nested = len(found) > len(lines) or base > 0
    return found[:MAX_SEGMENTS] if nested else []


@functools.lru_cache(maxsize=4096)
def first_sentence_form(title: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """The signature and key words of a title's first sentence, when it has more than one: a
    paste often stops there (React's warnings go on)."""
    first = SENTENCE.split(title)[0]
    if first == title:
        return None
    form = normalise(first)
    return signature_terms(form), signature_terms(message_part(form))


def title_share(
    index: SearchIndex, doc: int, paste_terms: set[str], paste: Paste
) -> tuple[float, float]:
    """How much of an entry's message (idf-weighted) appears in the paste, in the form (the
    title or a variant) that the paste holds most of, and how much of the paste's error that
    form explains. A form counts only when the paste holds most of its key words (the words
    after the error's type), or `OperationalError: no such table` would answer any
    OperationalError; and when some clauses of one line of the paste hold most of its key words
    and the form explains most of theirs, or `panic: config file missing` would answer `missing
    return`."""
    best = (0.0, 0.0)
    if not paste.numbers_agree(index, doc):
        return best
    title = index.titles[doc]
    forms = list(
        zip(index.error_signatures.get(doc, ()), index.error_keys.get(doc, ()), strict=True)
    )
    first = first_sentence_form(title)
    if first is not None:
        forms.append(first)
    literal = literals_held(title, paste.raw)
    slack = len(UNQUOTED_PLACEHOLDER.findall(title))
    for form, (signature, tagged) in enumerate(forms):
        key = tagged - TAGS or tagged
        variant = 0 < form < len(forms) - (first is not None)
        if not (variant or literal) or share(index, key, paste_terms) < KEY_MATCH:
            continue
        # A variant's placeholders are not known: one at least.
        most = max(
            (
                explained(index, signature, tokens, max(slack, variant))
                for words, tokens in paste.units
                if share(index, key, words) >= UNIT_KEY_MATCH
            ),
            default=0.0,
        )
        if most >= EXPLAINED:
            best = max(best, (share(index, signature, paste_terms), most))
    return best


def share(index: SearchIndex, wanted: frozenset[str], paste_terms: AbstractSet[str]) -> float:
    """The share of `wanted` (idf-weighted) that the paste holds; all of nothing."""
    total = sum(index.term_idf(t) for t in wanted)
    if total <= 0:
        return 1.0
    return sum(index.term_idf(t) for t in wanted if t in paste_terms) / total


def titled(index: SearchIndex, doc: int, message: str) -> float:
    """The share (idf-weighted) of a message's words that an entry's message holds (a form, or
    its title with the names of the placeholders: `port` in `address already in use :::<port>`)."""
    forms = index.error_signatures.get(doc, ())
    named = signature_terms(index.titles[doc].replace("<", " ").replace(">", " "))
    return share(index, signature_terms(message), named.union(*forms))


def explained(
    index: SearchIndex, form: frozenset[str], tokens: list[frozenset[str]], slack: int
) -> float:
    """The share (idf-weighted) of a text's words that a form of an entry holds; the `slack`
    tokens it explains least are the values of the form's placeholders (`undefined: <name>`,
    `TypeError: <expression> is not a function` for `this.props.onSave is not a function`)."""
    held = sum(index.term_idf(t) for words in tokens for t in words if t in form)
    lacking = sorted(
        (sum(index.term_idf(t) for t in words if t not in form) for words in tokens),
        reverse=True,
    )
    total = held + sum(lacking[slack:])
    return held / total if total > 0 else 0.0


def literals_held(title: str, raw: str) -> bool:
    """Whether the paste holds the quoted literals of the first sentence of an entry's title
    (`'NoneType'`; not `'no-cors'` in the advice that ends the CORS message)."""
    return all(word.lower() in raw for word in LITERAL.findall(SENTENCE.split(title)[0]))


def units(line: str) -> list[str]:
    """The runs of consecutive clauses of a line (`context: context: message. More.`): an error
    is one of them, among a log prefix, a wrapper's words and what follows."""
    parts = CLAUSE.split(line)[:MAX_CLAUSES]
    runs = [" ".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)]
    return runs if runs[-1] == line else [*runs, line]


@dataclass(frozen=True)
class Paste:
    """One message to match: the units of its lines (each as its terms and its tokens' terms),
    its raw text in lowercase, the exception classes it names when one is a language's own (see
    EXCEPTION_CLASS) and its MySQL error numbers."""

    units: list[tuple[frozenset[str], list[frozenset[str]]]]
    raw: str
    classes: frozenset[str]
    numbers: frozenset[str]

    @classmethod
    def of(cls, raw: str) -> Paste:
        found = []
        for line in raw.splitlines():
            whole = units(line)
            if PHP_WHERE.search(line):
                whole += units(PHP_WHERE.sub("", line))
            for unit in whole:
                tokens = [signature_terms(token) for token in normalise(unit).split()]
                found.append((frozenset().union(*tokens), tokens))
        named = EXCEPTION_CLASS.findall(raw)
        own = any(
            STANDARD.match(module) or (not module and name.lower() in OWN_CLASSES)
            for module, name in named
        )
        names = {name.lower() for _, name in named} if own else set()
        numbers = frozenset(MYSQL_NUMBER.findall(raw))
        return cls(found, raw.lower(), frozenset(names), numbers)

    def numbers_agree(self, index: SearchIndex, doc: int) -> bool:
        """Whether the paste's MySQL error number is the entry's (its title's, or one its text
        names, for its variants), when both have one: 1051 `Unknown table` is not 1146."""
        if not self.numbers or not MYSQL_NUMBER.search(index.titles[doc]):
            return True
        entry = f"{index.titles[doc]}\n{index.text(doc)}"
        return any(re.search(rf"\b{number}\b", entry) for number in self.numbers)

    def names_class_of(self, index: SearchIndex, doc: int) -> bool:
        """Whether the entry (its title or text) names one of the paste's exception classes, or
        the paste names none: `ZeroDivisionError: division by zero` is not PostgreSQL's."""
        if not self.classes:
            return True
        entry = f"{index.titles[doc]}\n{index.text(doc)}".lower()
        # A variant's class shows in its terms when it is one word (`SyntaxError`, not
        # `ZeroDivisionError`, which is three).
        named = frozenset().union(*index.error_signatures.get(doc, ()))
        if any(
            len(parts := signature_terms(name)) == 1 and parts <= named for name in self.classes
        ):
            return True
        return any(re.search(rf"\b{name}\b", entry) for name in self.classes)


def find(
    index: SearchIndex, raw: str, message: str, depth: int, dominant: bool, words: int = 1
) -> list[Match]:
    """Plausible entries for one message of at least `words` words; with `dominant`, a short
    message with none gets its best entry as a likely match when that entry stands far above
    the others. A short message is taken for a paraphrase only when it is one line without a
    `prefix: ` (a tool's output is matched by its message, not its words)."""
    query = parse_query(index, message + " ", expand=False)
    mask = index.mask(kind="error")
    if len(query.slots) < words or mask is None:
        return []
    scored = index.score(query, mask)
    if not len(scored.docs):
        return []
    paste = Paste.of(raw)
    paste_terms = set(terms(message))
    short = (
        len(query.slots) <= SHORT_PASTE_SLOTS
        and len(message.splitlines()) == 1
        and not PREFIXED.search(raw)
    )
    top_bm25 = float(scored.scores.max())
    best = index.top(scored, CANDIDATES)
    if paste.classes or paste.numbers:
        index.read_texts(int(scored.docs[position]) for position in best)
    found = []
    for position in best:
        doc = int(scored.docs[position])
        if not paste.names_class_of(index, doc):
            continue
        share, most = title_share(index, doc, paste_terms, paste)
        coverage = float(scored.coverage[position])
        if share >= TITLE_MATCH or (
            short
            and coverage >= PARAPHRASE_MATCH
            # A word or two (`Killed`, `Segmentation fault`) must be the entry's message's.
            and (len(query.slots) > 2 or titled(index, doc, message) >= LIKELY_TITLED)
        ):
            rank = 2 * share + most + coverage + 0.1 * float(scored.scores[position]) / top_bm25
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
        and titled(index, int(scored.docs[first]), message) >= LIKELY_TITLED
        and paste.names_class_of(index, int(scored.docs[first]))
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
    found = find(index, "\n".join(lines), message, 0, dominant=not nested)
    for depth, part, raw in nested:
        found += find(index, raw, part, depth, dominant=True, words=2)
    best: dict[int, Match] = {}
    for match in found:
        known = best.get(match.doc)
        if known is None:
            best[match.doc] = match
        else:
            known.depth = max(known.depth, match.depth)
            known.rank = max(known.rank, match.rank)
            known.likely = known.likely and match.likely
    topics = {t for pattern, named in LANGUAGES if pattern.search(paste) for t in named}
    for match in best.values():
        if index.topics.names[index.topics.codes[match.doc]] in topics:
            match.rank += LANGUAGE_BONUS
    ranked = sorted(best.values(), key=lambda m: (-m.depth, -m.rank, index.ids[m.doc]))[:limit]
    result.hits = [index.make_hit(m.doc, m.rank, index.text(m.doc)[:200]) for m in ranked]
    result.good = bool(result.hits)
    result.likely = bool(ranked) and ranked[0].likely
    return result
