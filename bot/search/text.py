"""Turning text into search terms: words, compounds, a light stemmer and stop words."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import NamedTuple

import Stemmer

# A word, possibly joined to more words by `-`, `.` or `_` (re-render, react-dom, node.js).
WORD = re.compile(r"[a-z0-9][a-z0-9+#]*(?:[-._][a-z0-9][a-z0-9+#]*)*")
COMPOUND_SPLIT = re.compile(r"[-._]")
# Scripts written without spaces between words (Chinese, Japanese kana and kanji): a run of
# them is indexed as its overlapping pairs of characters, so a word is found inside a sentence.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
# The combining classes `fold` keeps: 0 (letters, and marks such as Devanagari vowel signs) and
# the marks that make another letter rather than accent one: nukta 7, kana voicing 8, virama 9.
# Every other combining mark (accents, Hebrew vowel points, Arabic harakat) folds away.
LETTER_MARKS = frozenset({0, 7, 8, 9})
APOSTROPHE = re.compile(r"(?<=[a-z])['’](?=[a-z])")
MAX_WORD = 40
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "cant",
        "could",
        "did",
        "do",
        "does",
        "doesnt",
        "dont",
        "for",
        "from",
        "get",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "isnt",
        "it",
        "its",
        "me",
        "my",
        "not",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "us",
        "was",
        "we",
        "were",
        "what",
        "whats",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)
# Endings the stemmer leaves alone: `class`, `status`, `axis`.
KEEP_S = ("ss", "us", "is")
UNDOUBLE = frozenset("bdfgmnprt")
# British spellings folded to American ones, so both meet: optimise, analyse, behaviour, centre,
# catalogue. Each rule is (pattern, replacement) on a whole lowercase word.
SPELLING = [
    (re.compile(r"^([a-z]{3,})is(e|es|ed|ing|er|ers|ation|ations)$"), r"\1iz\2"),
    (re.compile(r"^([a-z]{3,})ys(e|es|ed|ing|er|ers)$"), r"\1yz\2"),
    (
        re.compile(r"^([a-z]{2,})our(s|ed|ing|ite|ites|able|ably|ful|less|al|ally|er|ers)?$"),
        r"\1or\2",
    ),
    (re.compile(r"^([a-z]{2,}[tb])re(s?)$"), r"\1er\2"),
    (re.compile(r"^([a-z]{2,}[tb])red$"), r"\1ered"),
    (re.compile(r"^([a-z]{2,})logu(e|es|ed|ing)$"), r"\1log\2"),
]
SPELLING_KEEP = re.compile(
    r"(?:advert|advis|arise|chastis|compris|compromis|concis|cruis|demis|despis|devis|disguis"
    r"|enterpris|excis|exercis|expertis|franchis|improvis|incis|merchandis|noise|otherwis"
    r"|paradis|praise|precis|premis|promis|raise|revis|supervis|surmis|surpris|televis"
    r"|treatis|wise|scour|timbre|macabre)"
)
IRREGULAR = {
    "defence": "defense",
    "offence": "offense",
    "licence": "license",
    "pretence": "pretense",
    "programme": "program",
    "judgement": "judgment",
    "ageing": "aging",
}
DERIVED = (
    ("able", ""),
    ("able", "e"),
    ("ible", ""),
    ("ible", "e"),
    ("er", ""),
    ("er", "e"),
    ("ers", ""),
    ("less", ""),
    ("ful", ""),
    ("ly", ""),
)
# A camelCase identifier (useEffect) or a PascalCase one of three parts or more
# (NullReferenceException) is also found by its parts; JavaScript or WordPress are not split.
IDENTIFIER = re.compile(r"\b[A-Za-z][a-z0-9]*(?:[A-Z][a-z0-9]+|[A-Z]+(?![a-z]))+\b")
# WORD before folding, for ASCII text: a token as written (useEffect, don't), whose words
# `words` then finds; tokens repeat, so each distinct one is folded and split once.
RAW_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#]*(?:[-._'][A-Za-z0-9][A-Za-z0-9+#]*)*")
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@lru_cache(maxsize=200_000)
def spelling(word: str) -> str:
    """A lowercase word in American spelling (optimise → optimize, colour → color)."""
    if len(word) <= 4 or not word.isascii():
        return word
    if word in IRREGULAR:
        return IRREGULAR[word]
    for pattern, replacement in SPELLING:
        if pattern.match(word):
            return word if SPELLING_KEEP.search(word) else pattern.sub(replacement, word)
    return word


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light English stemmer: plurals, -ing, -ed and a final e, so forms of a word meet;
    British spellings first folded to American ones."""
    if len(word) <= 3 or not word.isalpha():
        return word
    word = spelling(word)
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(KEEP_S):
        word = word[:-1]
    for ending in ("ing", "ed"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            word = word[: -len(ending)]
            if word[-1] == word[-2] and word[-1] in UNDOUBLE:
                word = word[:-1]
            elif word.endswith("ell") and len(word) >= 6 and word[-4] in "bcdfgklmnrvuw":
                word = word[:-1]  # British modelling, cancelled
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


@lru_cache(maxsize=200_000)
def root(word: str) -> str:
    """The root a word shares with the rest of its family (Snowball: validation and validate →
    valid), after its spelling is folded; coarser than `stem`, for finding relatives only."""
    found: str = snowball().stemWord(spelling(word))
    return found


@cache
def snowball() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def derived(word: str) -> list[str]:
    """Terms a derived word may come from (parseable → parse, renderer → render)."""
    found = []
    for ending, base in DERIVED:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            found.append(stem(word[: -len(ending)] + base))
    return list(dict.fromkeys(found))


def fold(text: str) -> str:
    """Lowercase, accents removed, apostrophes dropped inside words (don't → dont)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = unicodedata.normalize("NFC", any_script().accents.sub("", text)).casefold()
    text = text.lower()
    return APOSTROPHE.sub("", text) if "'" in text or "’" in text else text


class AnyScript(NamedTuple):
    word: re.Pattern[str]
    accents: re.Pattern[str]


@cache
def any_script() -> AnyScript:
    """WORD for every script (letters, digits, and the marks inside a word: the vowel signs of
    Devanagari are marks), and the marks that fold away. The marks come from the Unicode
    database's Basic Multilingual Plane, which holds every script in use; built (in about 20 ms)
    when the first text that is not ASCII comes."""
    marks = [c for c in range(0x300, 0x10000) if unicodedata.category(chr(c))[0] == "M"]
    accents = [c for c in marks if unicodedata.combining(chr(c)) not in LETTER_MARKS]
    part = rf"[^\W_](?:[^\W_]|[{_ranges(marks)}+#])*"
    return AnyScript(re.compile(rf"{part}(?:[-._]{part})*"), re.compile(f"[{_ranges(accents)}]"))


def _ranges(codes: list[int]) -> str:
    """Code points as the ranges of a regex character class."""
    spans: list[list[int]] = []
    for code in codes:
        if spans and spans[-1][1] == code - 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in spans)


def split_identifiers(text: str) -> str:
    """Identifiers written as one word joined at their parts (useEffect → use_Effect), so they
    index as compounds: found by each part and by the whole."""
    return IDENTIFIER.sub(_split_identifier, text)


def _split_identifier(found: re.Match[str]) -> str:
    word = found.group()
    parts = CAMEL.split(word)
    return "_".join(parts) if word[0].islower() or len(parts) >= 3 else word


def matches(text: str) -> list[str]:
    """The words and compounds of a text as written (folded); CJK runs as pairs."""
    text = fold(split_identifiers(text))
    if text.isascii():
        return WORD.findall(text)
    found: list[str] = any_script().word.findall(text)
    if CJK.search(text) is None:
        return found
    out: list[str] = []
    for word in found:
        at = 0
        for run in CJK.finditer(word):
            out.extend(_piece(word[at : run.start()]))
            chars = run.group()
            out.extend(chars[i : i + 2] for i in range(max(len(chars) - 1, 1)))
            at = run.end()
        out.extend(_piece(word[at:]))
    return out


def tokens(text: str) -> list[str]:
    """Pieces of a text whose `words` are together the text's words: tokens as written when
    the text is ASCII, else its folded matches."""
    return RAW_WORD.findall(text) if text.isascii() else matches(text)


def _piece(between: str) -> list[str]:
    piece = between.strip("-._")
    return [piece] if piece else []


def words(text: str) -> list[str]:
    """The words of a text, lowercased; a compound gives its parts and the joined form."""
    out: list[str] = []
    for found in matches(text):
        word = found[:MAX_WORD]
        if "-" in word or "." in word or "_" in word:
            parts = [p for p in COMPOUND_SPLIT.split(word) if p]
            out.extend(parts)
            out.append("".join(parts))
        else:
            out.append(word)
    return out


def terms(text: str) -> list[str]:
    """Stemmed words, stop words included: the index keeps every term."""
    return [stem(w) for w in words(text)]


def query_words(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The words of a query in order, each with its parts when it is a compound (re-render)."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for found in matches(text):
        word = found[:MAX_WORD]
        parts = tuple(p for p in COMPOUND_SPLIT.split(word) if p)
        out.append(("".join(parts), parts))
    return out


def signature_terms(text: str) -> frozenset[str]:
    """The terms of an error message, compounds and identifiers by their parts only."""
    found = (COMPOUND_SPLIT.split(word[:MAX_WORD]) for word in matches(text))
    return frozenset(stem(part) for parts in found for part in parts if part)
