"""Turning text into search terms: words, compounds, a light stemmer and stop words."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A word, possibly joined to more words by `-`, `.` or `_` (re-render, react-dom, node.js).
WORD = re.compile(r"[a-z0-9][a-z0-9+#]*(?:[-._][a-z0-9][a-z0-9+#]*)*")
COMPOUND_SPLIT = re.compile(r"[-._]")
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


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light English stemmer: plurals, -ing, -ed and a final e, so forms of a word meet."""
    if len(word) <= 3 or not word.isalpha():
        return word
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
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def fold(text: str) -> str:
    """Lowercase, accents removed, apostrophes dropped inside words (don't → dont)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return APOSTROPHE.sub("", text.lower())


def words(text: str) -> list[str]:
    """The words of a text, lowercased; a compound gives its parts and the joined form."""
    out: list[str] = []
    for found in WORD.findall(fold(text)):
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
    for match in WORD.finditer(fold(text)):
        word = match.group()[:MAX_WORD]
        parts = tuple(p for p in COMPOUND_SPLIT.split(word) if p)
        out.append(("".join(parts), parts))
    return out
