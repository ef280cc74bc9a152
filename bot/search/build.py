"""Postings for a collection, built with numpy: no Python work per token occurrence.

Fields are cut into raw tokens (text.RAW_WORD) a few MB of text at a time, by classifying the
bytes of the joined ASCII fields; a short token is known by its bytes packed in two integers, so
only the distinct tokens become strings and are numbered (fields that are not ASCII go through
`tokens` as before). A raw token is turned into its terms (the word, or a compound's parts and
the joined form, stemmed) once for the whole collection. Documents are taken a chunk at a time:
every occurrence in a chunk becomes one 64-bit key (term, document, field), one sort groups them
into the chunk's postings, and the chunks are then placed term-major (documents ascending) by
counting, without a global sort. The documents' texts are read once and not kept.
"""

from __future__ import annotations

import itertools
import string
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from bot.search.text import STOP_WORDS, stem, tokens, words

# Fields, in key order: a title's words (not stop words), its stop words, a variant of an error's
# message (counts as the title does), a tag, the text, a way people ask for the entry (its
# `asked_as`). Title and variants mark "in the title"; only the first counts in a title's length.
TITLE, TITLE_STOP, VARIANT, TAG, TEXT, ASKED = range(6)
FIELD_BITS = 3
FIELD_MASK = (1 << FIELD_BITS) - 1
FIELD_WEIGHTS = np.array([3.0, 3.0, 3.0, 2.0, 1.0, 2.0], np.float32)
# The fields of a document, in the order a build reads them.
READ_KINDS = np.array([TITLE, VARIANT, TAG, ASKED, TEXT], np.int8)
# A chunk's documents are numbered in 16 bits; small chunks keep the sort's arrays small
# (8k entries: the building process stays under 250 MB at 100k).
DOC_BITS = 16
CHUNK = 1 << 13
# Weighted frequencies up to this are exact in 16 bits.
EXACT_HALF = 2048
MAX_TEXT_CHARS = 200_000
# Bytes of ASCII text by what they may be in a raw token (text.RAW_WORD).
ALNUM, SIGN, JOINER = 1, 2, 4
BYTE_CLASS = np.zeros(256, np.uint8)
for _chars, _kind in (
    (string.ascii_letters + string.digits, ALNUM),
    ("+#", SIGN),
    ("-._'", JOINER),
):
    BYTE_CLASS[list(_chars.encode())] = _kind
# Fields are cut into tokens this many characters at a time (a few MB of arrays each).
CUT_CHARS = 1 << 21
# Tokens up to this many bytes are told apart by their bytes, in two 64-bit integers.
PACKED = 16
BYTE_MASKS = np.array([(1 << 8 * n) - 1 for n in range(9)], np.uint64)

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
    @property
    def asked_as(self) -> tuple[str, ...]: ...


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
    for text in (doc.title, *doc.variants, *doc.tags, *doc.asked_as, doc.text[:MAX_TEXT_CHARS]):
        for token in tokens(text):
            raw.number[token]
    raw.expand()
    return raw.surface


def chunks(docs: Iterable[D], raw: Tokens, each: Callable[[D], None]) -> Iterator[Chunk]:
    # Fields read and not yet cut, in reading order: READ_KINDS of each document, a list (the
    # variants, tags, ways of asking) one field of a line an item; the documents (within the
    # chunk) they start from; and the occurrences of the chunk's fields cut so far.
    fields: list[str] = []
    cut: list[tuple[IntArray, npt.NDArray[np.uint16], npt.NDArray[np.int8]]] = []
    chars = first = count = cut_from = 0

    def cut_fields() -> None:
        nonlocal fields, chars, cut_from
        read = len(fields) // len(READ_KINDS)
        owner = np.repeat(np.arange(cut_from, cut_from + read, dtype=np.uint16), len(READ_KINDS))
        cut.append(_occurrences(raw, fields, owner, np.tile(READ_KINDS, read)))
        fields, chars, cut_from = [], 0, cut_from + read

    def whole_chunk(size: int) -> Chunk:
        nonlocal cut_from
        cut_fields()
        found = _chunk(
            raw, first, size, *(np.concatenate(parts) for parts in zip(*cut, strict=True))
        )
        cut.clear()
        cut_from = 0
        return found

    for doc in docs:
        each(doc)
        text = doc.text[:MAX_TEXT_CHARS]
        fields += (
            doc.title,
            "\n".join(doc.variants),
            "\n".join(doc.tags),
            "\n".join(doc.asked_as),
            text,
        )
        count += 1
        chars += len(text)
        if count - first == CHUNK:
            yield whole_chunk(CHUNK)
            first = count
        elif chars >= CUT_CHARS:
            cut_fields()
    if count > first or count == 0:
        yield whole_chunk(count - first)


def _occurrences(
    raw: Tokens, fields: list[str], owner: npt.NDArray[np.uint16], kinds: npt.NDArray[np.int8]
) -> tuple[IntArray, npt.NDArray[np.uint16], npt.NDArray[np.int8]]:
    """The raw tokens of `fields` in reading order, each as its number in `raw` (new tokens are
    numbered in the order they first occur), with its field's document and kind.

    The ASCII fields are joined and cut by `raw_spans`; a token of up to PACKED bytes is known
    by its bytes packed in two integers, so only the distinct ones become strings. A longer one
    and the tokens of a field that is not ASCII (`tokens` folds it) are strings each, placed at
    the blank that stands for their field in the joined text."""
    spelled: list[str] = []
    spelled_at, field_start = array("q"), array("q")
    joined_fields = []
    at = 0
    for text in fields:
        if not text.isascii():
            found = tokens(text)
            spelled.extend(found)
            spelled_at.extend(range(at, at + len(found)))
            text = "\0" * len(found)
        joined_fields.append(text)
        field_start.append(at)
        at += len(text) + 1
    joined = "\0".join(joined_fields) + "\0" * PACKED
    del joined_fields
    data = joined.encode("ascii")
    starts, ends = raw_spans(np.frombuffer(data, np.uint8))
    long = ends - starts > PACKED
    if long.any():
        _spell(joined, starts[long], ends[long], spelled, spelled_at)
        starts, ends = starts[~long], ends[~long]
    low, high = _packed(data, starts, ends - starts)
    del data
    group, first_of = _distinct(low, high)
    del low, high
    distinct = _strings(joined, starts[first_of], ends[first_of])
    first_at = starts[first_of]
    del joined, ends
    # Each token new to `raw` first occurs at one of these places: numbered in their order.
    places = np.concatenate((first_at, np.frombuffer(spelled_at, np.int64)))
    candidates = distinct + spelled
    number = np.empty(len(candidates), np.int32)
    lookup = raw.number.__getitem__
    in_order = np.argsort(places, kind="stable")
    number[in_order] = np.fromiter(
        map(lookup, map(candidates.__getitem__, in_order.tolist())), np.int32, len(candidates)
    )
    occurrences = number[: len(distinct)][group]
    if spelled:
        at_all = np.concatenate((starts, np.frombuffer(spelled_at, np.int64)))
        in_order = np.argsort(at_all, kind="stable")
        occurrences = np.concatenate((occurrences, number[len(distinct) :]))[in_order]
        starts = at_all[in_order]
    # Each field's occurrences: those from its start to the next field's.
    bounds = np.searchsorted(starts, np.frombuffer(field_start, np.int64))
    per_field = np.diff(bounds, append=len(starts))
    return (
        occurrences,
        np.repeat(owner, per_field),
        np.repeat(kinds, per_field),
    )


def _spell(
    joined: str, starts: Offsets, ends: Offsets, spelled: list[str], spelled_at: array[int]
) -> None:
    spelled.extend(_strings(joined, starts, ends))
    spelled_at.extend(starts.tolist())


def _strings(joined: str, starts: Offsets, ends: Offsets) -> list[str]:
    return [joined[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]


def _distinct(
    low: npt.NDArray[np.uint64], high: npt.NDArray[np.uint64]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Occurrences numbered by their (low, high) pair, without a sort: each and the first of
    its number. Every occurrence looks in a table at the slot its pair hashes to; whichever was
    written there last stands for those it equals, the others try again with another hash."""
    count = len(low)
    bits = min(max(count.bit_length() - 1, 8), 20)
    table = np.empty(1 << bits, np.int32)
    mixed = high * np.uint64(0x9E3779B97F4A7C15)
    mixed ^= low
    representative = np.empty(count, np.int32)
    left = np.arange(count, dtype=np.int32)
    multiplier = 0xD6E8FEB86659FD93
    while len(left):
        slot = mixed * np.uint64(multiplier)
        slot >>= np.uint64(64 - bits)
        at = slot.astype(np.intp)
        del slot
        table[at] = left
        found = table[at]
        if len(left) == count:  # the first round: every occurrence, no need to gather
            same = low[found] == low
            same &= high[found] == high
        else:
            same = low[found] == low[left]
            same &= high[found] == high[left]
        representative[left[same]] = found[same]
        again = ~same
        left, mixed = left[again], mixed[again]
        multiplier = (multiplier + 2) & ((1 << 64) - 1)
    number = np.zeros(count, np.intp)
    representatives = np.flatnonzero(representative == np.arange(count, dtype=np.int32))
    number[representatives] = np.arange(len(representatives))
    group = number[representative]
    first = np.full(len(representatives), count, np.intp)
    np.minimum.at(first, group, np.arange(count))
    return group, first


def raw_spans(data: npt.NDArray[np.uint8]) -> tuple[Offsets, Offsets]:
    """Where each token `tokens` finds in ASCII text (text.RAW_WORD) starts and ends: a token is
    a run of letters, digits, `+` and `#`, joined by `-._'` between such a character and a
    letter or digit, from its first letter or digit on. `data` ends with a zero byte."""
    # Classes by comparisons rather than a table look-up, which costs more than all of these.
    alnum = (data | np.uint8(0x20)) - np.uint8(ord("a")) < 26
    alnum |= data - np.uint8(ord("0")) < 10
    member = alnum | (data == ord("+"))
    member |= data == ord("#")
    change = np.flatnonzero(member[1:] != member[:-1]) + 1
    if member[0]:
        change = np.concatenate(([0], change))
    del member
    starts, ends = change[0::2], change[1::2]
    # A joiner between two runs, the second beginning with a letter or digit, makes them one.
    joined = starts[1:] == ends[:-1] + 1
    joined &= BYTE_CLASS[data[ends[:-1]]] == JOINER
    joined &= alnum[starts[1:]]
    if joined.any():
        starts = starts[np.concatenate(([True], ~joined))]
        ends = ends[np.concatenate((~joined, [True]))]
    odd = np.flatnonzero(~alnum[starts])
    if len(odd):
        # A run that begins with `+` or `#`: its token begins at its first letter or
        # digit, if it has one.
        keep = np.ones(len(starts), np.bool_)
        for run in odd.tolist():
            start, end = int(starts[run]), int(ends[run])
            offset = int(np.argmax(alnum[start:end]))
            if alnum[start + offset]:
                starts[run] = start + offset
            else:
                keep[run] = False
        starts, ends = starts[keep], ends[keep]
    return starts, ends


def _packed(
    data: bytes, starts: Offsets, size: Offsets
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """Tokens of up to PACKED bytes as two integers (their bytes, little-endian, zero after the
    end: no token holds a zero byte); `data` ends with PACKED zero bytes."""
    window = np.ndarray((len(data) - 7,), "<u8", data, 0, (1,))
    low = window[starts]
    low &= BYTE_MASKS[np.minimum(size, 8)]
    high = np.zeros(len(starts), np.uint64)
    longer = np.flatnonzero(size > 8)
    high[longer] = window[starts[longer] + 8] & BYTE_MASKS[size[longer] - 8]
    return low, high


def _chunk(
    raw: Tokens,
    first: int,
    size: int,
    token: IntArray,
    doc_of: npt.NDArray[np.uint16],
    field_of: npt.NDArray[np.int8],
) -> Chunk:
    raw.expand()
    starts = np.frombuffer(raw.starts, np.int64).astype(np.int32)  # `flat` is < 2**31 long
    per_token = np.diff(starts)[token]
    # Position in `flat` of each term of each occurrence: most tokens stand for one term, a
    # compound for its parts and its joined form (those come after the others).
    at = starts[token]
    other = per_token != 1
    if other.any():
        many = per_token[other]
        terms_at = np.repeat(at[other] - np.cumsum(many) + many, many)
        terms_at += np.arange(len(terms_at))
        one = ~other
        at = np.concatenate((at[one], terms_at))
        doc_of = np.concatenate((doc_of[one], np.repeat(doc_of[other], many)))
        field_of = np.concatenate((field_of[one], np.repeat(field_of[other], many)))
        del many, terms_at, one
    del per_token, other
    keys = np.frombuffer(raw.flat, np.int32)[at].astype(np.int64)
    keys <<= DOC_BITS
    keys |= doc_of
    keys <<= FIELD_BITS
    kind = field_of.copy()
    kind[(kind == TITLE) & np.frombuffer(raw.stop, np.bool_)[at]] = TITLE_STOP
    keys |= kind
    del at, kind
    keys.sort()
    # The field of each key (its low bits, which a cast to 8 bits keeps), then the key made its
    # (term, document) pair in place: no second array the size of the keys.
    fields = keys.astype(np.int8)
    fields &= FIELD_MASK
    keys >>= FIELD_BITS
    starts_of_pair = np.flatnonzero(_starts(keys))
    if len(keys):
        tf = np.add.reduceat(FIELD_WEIGHTS[fields], starts_of_pair)
    else:
        tf = np.zeros(0, np.float32)
    pairs = keys[starts_of_pair]
    doc_mask = (1 << DOC_BITS) - 1
    titled = _distinct_sorted(keys[fields <= VARIANT])
    words = _distinct_sorted(keys[fields == TITLE])
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
    offsets, title_offsets = offsets_of(df), offsets_of(title_df)
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


def offsets_of(counts: npt.NDArray[np.floating] | npt.NDArray[np.integer]) -> Offsets:
    """Where each run of `counts` starts, and the total last."""
    return np.concatenate(([0], np.cumsum(counts))).astype(np.int64)


def _distinct_sorted(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """np.unique of values already sorted."""
    return values[_starts(values)]


def _starts(values: npt.NDArray[np.integer]) -> npt.NDArray[np.bool_]:
    """Where each run of equal values begins."""
    found = np.ones(len(values), np.bool_)
    found[1:] = values[1:] != values[:-1]
    return found
