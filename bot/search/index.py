"""An in-memory inverted index with BM25 over title and text, title weighted."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*")
MAX_QUERY_CHARS = 500
TITLE_WEIGHT = 3.0
K1, B = 1.2, 0.75
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "my",
        "of",
        "on",
        "or",
        "the",
        "this",
        "to",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
        "you",
        "your",
    ]
)


def tokenize(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


@dataclass(frozen=True)
class Doc:
    id: str
    kind: str
    topic: str
    level: str | None
    title: str
    text: str


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    title: str
    topic: str
    level: str | None
    score: float
    excerpt: str = ""


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    corrected: str | None = None
    suggestions: tuple[str, ...] = ()


class SearchIndex:
    def __init__(self, docs: Iterable[Doc]) -> None:
        self.docs: list[Doc] = list(docs)
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        lengths: list[float] = []
        for number, doc in enumerate(self.docs):
            counts: dict[str, float] = defaultdict(float)
            for token in tokenize(doc.title):
                counts[token] += TITLE_WEIGHT
            for token in tokenize(doc.text):
                counts[token] += 1.0
            lengths.append(sum(counts.values()))
            for token, weight in counts.items():
                self.postings[token].append((number, weight))
        self.lengths = lengths
        self.average = (sum(lengths) / len(lengths)) if lengths else 1.0
        self.vocabulary = list(self.postings)
        self.topics = sorted({doc.topic for doc in self.docs})

    def correct(self, term: str) -> str | None:
        if term in self.postings or len(term) < 4 or term.isdigit():
            return None
        limit = 1 if len(term) < 7 else 2
        match = process.extractOne(
            term, self.vocabulary, scorer=Levenshtein.distance, score_cutoff=limit
        )
        return match[0] if match else None

    def search(
        self,
        query: str,
        kind: str | None = None,
        topic: str | None = None,
        level: str | None = None,
        limit: int = 10,
    ) -> SearchResult:
        query = query[:MAX_QUERY_CHARS]
        terms = [t for t in tokenize(query) if t not in STOP_WORDS] or tokenize(query)
        corrected_terms = []
        changed = False
        for term in terms:
            fixed = self.correct(term)
            corrected_terms.append(fixed or term)
            changed = changed or fixed is not None
        scores: dict[int, float] = defaultdict(float)
        total = len(self.docs) or 1
        for term in dict.fromkeys(corrected_terms):
            postings = self.postings.get(term, [])
            if not postings:
                continue
            idf = math.log(1 + (total - len(postings) + 0.5) / (len(postings) + 0.5))
            for number, tf in postings:
                norm = K1 * (1 - B + B * self.lengths[number] / self.average)
                scores[number] += idf * tf * (K1 + 1) / (tf + norm)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], self.docs[item[0]].id))
        hits = []
        for number, score in ranked:
            doc = self.docs[number]
            if (kind and doc.kind != kind) or (topic and doc.topic != topic):
                continue
            if level and doc.level != level:
                continue
            hits.append(
                Hit(
                    doc.id,
                    doc.kind,
                    doc.title,
                    doc.topic,
                    doc.level,
                    round(score, 4),
                    excerpt(doc.text, corrected_terms),
                )
            )
            if len(hits) >= limit:
                break
        result = SearchResult(query=query, hits=hits)
        if changed:
            result.corrected = " ".join(corrected_terms)
        if not hits:
            result.suggestions = tuple(self.topics[:5])
        return result


def excerpt(text: str, terms: list[str], width: int = 160) -> str:
    lowered = text.lower()
    positions = [lowered.find(t) for t in terms if lowered.find(t) >= 0]
    start = max(0, min(positions) - 40) if positions else 0
    snippet = " ".join(text[start : start + width].split())
    for term in sorted(set(terms), key=len, reverse=True):
        snippet = re.sub(rf"(?i)\b({re.escape(term)}\w*)", r"**\1**", snippet, count=2)
    return ("…" if start else "") + snippet + ("…" if start + width < len(text) else "")
