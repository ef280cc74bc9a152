"""Postings for a collection, built with a few regex passes per document and numpy for the rest.

Each document's fields are cut into raw tokens by one regex; a raw token is turned into its terms
(the word, or a compound's parts and the joined form, stemmed) once for the whole collection, not
once per occurrence. Documents are taken a chunk at a time: every occurrence in a chunk becomes
one 64-bit key (term, document, field), one sort groups them into the chunk's postings, and the
chunks are then placed term-major (documents ascending) by counting, without a global sort. The
documents' texts are read once and not kept.
"""

from __future__ import annotations

import itertools
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from bot.search.text import STOP_WORDS, stem, tokens, words

# Fields, in key order: a title's words (not stop words), its stop words, a variant of an error's
# message (counts as the title does), a tag, the text. Title and variants mark "in the title";
# only the first counts in a title's length.
TITLE, TITLE_STOP, VARIANT, TAG, TEXT = range(5)
FIELD_BITS = 3
FIELD_MASK = (1 << FIELD_BITS) - 1
FIELD_WEIGHTS = np.array([3.0, 3.0, 3.0, 2.0, 1.0], np.float32)
# A chunk's documents are numbered in 16 bits; small chunks keep the sort's arrays small.
DOC_BITS = 16
CHUNK = 1 << 14
# Weighted frequencies up to this are exact in 16 bits.
EXACT_HALF = 2048
MAX_TEXT_CHARS = 200_000

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float32]
Offsets = npt.NDArray[np.int64]


class Fields(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def variants(self) -> tuple[str, ...]: ...


D = TypeVar("D", bound=Fields)


@dataclass
class Postings:
    terms: dict[str, int]
    surface: dict[str, str]
    df: IntArray
    offsets: Offsets
    docs: IntArray  # term-major, documents ascending
    tf: FloatArray  # weighted term frequency of each posting
    lengths: FloatArray  # each document's weighted length
    title_offsets: Offsets
    title_docs: IntArray
    title_lengths: FloatArray  # distinct words of a title, stop words left out


@dataclass
class Chunk:
    """One chunk's postings, (term, document) ascending; documents relative to `first`."""

    first: int
    terms: IntArray
    docs: npt.NDArray[np.uint16]
    tf: npt.NDArray[np.float16] | FloatArray
    title_terms: IntArray
    title_docs: npt.NDArray[np.uint16]
    lengths: FloatArray = field(default_factory=lambda: np.zeros(0, np.float32))
    title_lengths: FloatArray = field(default_factory=lambda: np.zeros(0, np.float32))


class Tokens:
    """Raw tokens, each numbered once, and the terms each stands for."""

    def __init__(self) -> None:
        self.number: defaultdict[str, int] = defaultdict(itertools.count().__next__)
        self.terms: dict[str, int] = {}
        self.surface: dict[str, str] = {}
        # Per raw token: where its terms start in `flat`, and whether each term is a stop word.
        self.starts = array("q", [0])
        self.flat = array("i")
        self.stop = array("b")

    def expand(self) -> None:
        """Finds the terms of the tokens numbered since the last call."""
        for token in itertools.islice(self.number, len(self.starts) - 1, None):
            for each in words(token):
                self.flat.append(self.term(each))
                self.stop.append(each in STOP_WORDS)
            self.starts.append(len(self.flat))

    def term(self, word: str) -> int:
        term = stem(word)
        number = self.terms.get(term)
        if number is None:
            number = self.terms[term] = len(self.terms)
            self.surface[term] = word
        return number


def first_words(doc: Fields) -> dict[str, str]:
    """Each term of a document and the word its first occurrence was, as a build sees them."""
    raw = Tokens()
    for text in (doc.title, *doc.variants, *doc.tags, doc.text[:MAX_TEXT_CHARS]):
        for token in tokens(text):
            raw.number[token]
    raw.expand()
    return raw.surface


def chunks(docs: Iterable[D], raw: Tokens, each: Callable[[D], None]) -> Iterator[Chunk]:
    # The occurrences' raw tokens, and for each run of them its document, field and length.
    occurrences, doc_of, field_of, runs = array("i"), array("H"), array("b"), array("i")
    lookup = raw.number.__getitem__

    def add(text: str, kind: int, doc: int) -> None:
        found = tokens(text)
        occurrences.extend(map(lookup, found))
        doc_of.append(doc)
        field_of.append(kind)
        runs.append(len(found))

    first = count = 0
    for doc in docs:
        each(doc)
        local = count - first
        add(doc.title, TITLE, local)
        for variant in doc.variants:
            add(variant, VARIANT, local)
        for tag in doc.tags:
            add(tag, TAG, local)
        add(doc.text[:MAX_TEXT_CHARS], TEXT, local)
        count += 1
        if count - first == CHUNK:
            yield _chunk(raw, first, CHUNK, occurrences, doc_of, field_of, runs)
            occurrences, doc_of, field_of, runs = array("i"), array("H"), array("b"), array("i")
            first = count
    if count > first or count == 0:
        yield _chunk(raw, first, count - first, occurrences, doc_of, field_of, runs)


def _chunk(
    raw: Tokens,
    first: int,
    size: int,
    occurrences: array[int],
    doc_of: array[int],
    field_of: array[int],
    runs: array[int],
) -> Chunk:
    raw.expand()
    run = np.frombuffer(runs, np.int32)
    starts = np.frombuffer(raw.starts, np.int64)
    token = np.frombuffer(occurrences, np.int32)
    per_token = np.diff(starts)[token]
    # Position in `flat` of each term of each occurrence.
    at = np.repeat(starts[token] - np.cumsum(per_token) + per_token, per_token)
    at += np.arange(len(at))
    keys = np.frombuffer(raw.flat, np.int32)[at].astype(np.int64)
    keys <<= DOC_BITS
    keys |= np.repeat(np.repeat(np.frombuffer(doc_of, np.uint16), run), per_token)
    keys <<= FIELD_BITS
    kind = np.repeat(np.repeat(np.frombuffer(field_of, np.int8), run), per_token)
    kind[(kind == TITLE) & np.frombuffer(raw.stop, np.bool_)[at]] = TITLE_STOP
    keys |= kind
    del at, kind, per_token
    keys.sort()
    pair = keys >> FIELD_BITS
    starts_of_pair = np.flatnonzero(np.concatenate(([True], pair[1:] != pair[:-1])))[: len(pair)]
    if len(keys):
        tf = np.add.reduceat(FIELD_WEIGHTS[keys & FIELD_MASK], starts_of_pair)
    else:
        tf = np.zeros(0, np.float32)
    pairs = pair[starts_of_pair]
    del pair
    doc_mask = (1 << DOC_BITS) - 1
    fields = keys & FIELD_MASK
    titled = np.unique(keys[fields <= VARIANT] >> FIELD_BITS)
    words = np.unique(keys[fields == TITLE] >> FIELD_BITS)
    docs = (pairs & doc_mask).astype(np.uint16)
    return Chunk(
        first=first,
        terms=(pairs >> DOC_BITS).astype(np.int32),
        docs=docs,
        tf=tf.astype(np.float16) if float(tf.max(initial=0)) <= EXACT_HALF else tf,
        title_terms=(titled >> DOC_BITS).astype(np.int32),
        title_docs=(titled & doc_mask).astype(np.uint16),
        lengths=np.bincount(docs, weights=tf, minlength=size).astype(np.float32),
        title_lengths=np.bincount(words & doc_mask, minlength=size).astype(np.float32),
    )


def build_postings(docs: Iterable[D], each: Callable[[D], None]) -> Postings:
    """The postings of `docs`; `each` is called with every document as it is read."""
    raw = Tokens()
    parts = list(chunks(docs, raw, each))
    vocabulary = len(raw.terms)
    # Terms are numbered in sorted order, so an index updated in place (update.py) numbers
    # them as a build of the same documents does.
    names = sorted(raw.terms)
    rank = np.empty(vocabulary, np.int32)
    rank[np.fromiter((raw.terms[t] for t in names), np.int64, vocabulary)] = np.arange(
        vocabulary, dtype=np.int32
    )
    for c in parts:
        c.terms, c.title_terms = rank[c.terms], rank[c.title_terms]
    df = sum((np.bincount(c.terms, minlength=vocabulary) for c in parts), np.zeros(vocabulary))
    title_df = sum(
        (np.bincount(c.title_terms, minlength=vocabulary) for c in parts), np.zeros(vocabulary)
    )
    offsets, title_offsets = _offsets(df), _offsets(title_df)
    post_docs, post_tf = _place(
        offsets, [(c.first, c.terms, c.docs, c.tf) for c in parts], with_values=True
    )
    title_docs, _ = _place(
        title_offsets, [(c.first, c.title_terms, c.title_docs, None) for c in parts]
    )
    return Postings(
        terms={term: number for number, term in enumerate(names)},
        surface=raw.surface,
        df=df.astype(np.int32),
        offsets=offsets,
        docs=post_docs,
        tf=post_tf,
        lengths=np.concatenate([c.lengths for c in parts]),
        title_offsets=title_offsets,
        title_docs=title_docs,
        title_lengths=np.concatenate([c.title_lengths for c in parts]),
    )


def _place(
    offsets: Offsets,
    parts: list[tuple[int, IntArray, npt.NDArray[np.uint16], npt.NDArray[np.floating] | None]],
    with_values: bool = False,
) -> tuple[IntArray, FloatArray]:
    """Chunks' (term, document) pairs laid out term-major, by counting: a chunk's pairs of a
    term follow those of the chunks before it, documents ascending. A chunk's pairs of a term
    are together, documents ascending, but its terms need not be in order."""
    total = int(offsets[-1])
    docs = np.empty(total, np.int32)
    values = np.empty(total if with_values else 0, np.float32)
    filled = offsets[:-1].copy()
    for first, terms, chunk_docs, chunk_values in parts:
        counts = np.bincount(terms, minlength=len(filled))
        at = np.arange(len(terms))
        first_of_term = np.maximum.accumulate(np.where(_starts(terms), at, 0))
        where = filled[terms] + (at - first_of_term)
        docs[where] = chunk_docs.astype(np.int32) + first
        if chunk_values is not None:
            values[where] = chunk_values
        filled += counts
    return docs, values


def _offsets(counts: npt.NDArray[np.floating] | npt.NDArray[np.integer]) -> Offsets:
    return np.concatenate(([0], np.cumsum(counts))).astype(np.int64)


def _starts(values: npt.NDArray[np.integer]) -> npt.NDArray[np.bool_]:
    """Where each run of equal values begins."""
    found = np.ones(len(values), np.bool_)
    found[1:] = values[1:] != values[:-1]
    return found
