"""An index brought up to date by indexing only the entries that changed.

The store lists its live entries in order with their stamps (when each last changed); the
entries that are new or changed are indexed on their own, and their postings are merged into
the index's, the gone and changed ones' postings dropped. Terms are numbered in sorted order and
documents in the store's order, so the result is, array for array, the index a build of the same
entries makes: the collection's statistics (idf, average length, every impact) are recomputed
from the kept term frequencies, and a term whose first entry changed takes its surface word from
its new first entry, as a build does.
"""

from __future__ import annotations

import bisect
import itertools
import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from bot.search.build import first_words, offsets_of
from bot.search.index import Codes, Doc, SearchIndex, compact

# Above this share of the index changed, a build is about as fast: no update is tried.
MAX_CHANGED_SHARE = 0.2
MIN_CHANGED = 500

log = logging.getLogger(__name__)
T = TypeVar("T")
ReadDocs = Callable[[list[str]], list[Doc]]
Ints = npt.NDArray[np.int64]


def updated(
    index: SearchIndex, live: Sequence[tuple[str, int]], read_docs: ReadDocs
) -> SearchIndex | None:
    """`index` with the store's changes (`live`: each live entry's id and stamp, in the
    store's order); `index` itself when nothing changed, None when a build is the better way
    (too many changes, the store's order disagrees, or entries changed while being read)."""
    where = {entry_id: number for number, entry_id in enumerate(index.ids)}
    stamps = index.stamps.tolist()
    old_to_new = np.full(index.size, -1, np.int64)
    added: list[int] = []
    for number, (entry_id, stamp) in enumerate(live):
        old = where.get(entry_id)
        if old is not None and stamps[old] == stamp:
            old_to_new[old] = number
        else:
            added.append(number)
    kept = old_to_new >= 0
    if np.any(np.diff(old_to_new[kept]) <= 0):
        return None
    if not added and bool(kept.all()):
        return index
    if len(added) + int((~kept).sum()) > max(MIN_CHANGED, index.size * MAX_CHANGED_SHARE):
        return None
    docs = read_docs([live[n][0] for n in added])
    if [d.id for d in docs] != [live[n][0] for n in added]:
        return None
    part = SearchIndex(docs, keep_texts=index.texts is not None)
    new = _merge(index, part, old_to_new, np.asarray(added, np.int64), len(live), read_docs)
    if new is not None:
        dropped = index.size - int(kept.sum())
        log.info("search index updated: %d entries indexed, %d dropped", len(docs), dropped)
    return new


def _merge(
    index: SearchIndex,
    part: SearchIndex,
    old_to_new: Ints,
    part_to_new: Ints,
    size: int,
    read_docs: ReadDocs,
) -> SearchIndex | None:
    kept = old_to_new >= 0
    old_terms = list(index.terms)
    fresh = [t for t in part.terms if t not in index.terms]  # sorted, as part.terms is
    insert_at = np.asarray([bisect.bisect_left(old_terms, t) for t in fresh], np.int64)
    old_to_union = np.arange(len(old_terms)) + np.searchsorted(
        insert_at, np.arange(len(old_terms)), side="right"
    )
    fresh_to_union = dict(zip(fresh, (insert_at + np.arange(len(fresh))).tolist(), strict=True))
    union_size = len(old_terms) + len(fresh)
    part_to_union = np.fromiter(
        (
            fresh_to_union[t] if n is None else old_to_union[n]
            for t in part.terms
            for n in (index.terms.get(t),)
        ),
        np.int64,
        len(part.terms),
    )
    counts, docs, tf = _merge_postings(
        (index.offsets, index.post_docs, index.tf.astype(np.float32)),
        (part.offsets, part.post_docs, part.tf.astype(np.float32)),
        (old_to_new, old_to_union, part_to_new, part_to_union, union_size),
    )
    title_counts, title_docs, _ = _merge_postings(
        (index.title_offsets, index.title_docs, None),
        (part.title_offsets, part.title_docs, None),
        (old_to_new, old_to_union, part_to_new, part_to_union, union_size),
    )
    alive = np.flatnonzero(counts)
    union = [""] * union_size
    for number, term in zip(old_to_union.tolist(), old_terms, strict=True):
        union[number] = term
    for term, number in fresh_to_union.items():
        union[number] = term

    new = SearchIndex([], keep_texts=index.texts is not None)
    new.terms = {union[u]: number for number, u in enumerate(alive.tolist())}
    new.df = counts[alive].astype(np.int32)
    new.offsets = offsets_of(counts[alive])
    assert tf is not None
    new.post_docs, new.tf = docs, compact(tf)
    new.title_offsets, new.title_docs = offsets_of(title_counts[alive]), title_docs
    new.lengths = _place(index.lengths, part.lengths, old_to_new, part_to_new, size)
    new.title_lengths = _place(
        index.title_lengths, part.title_lengths, old_to_new, part_to_new, size
    )
    new.stamps = _place(index.stamps, part.stamps, old_to_new, part_to_new, size)
    new.meanings = _place(index.meanings, part.meanings, old_to_new, part_to_new, size)
    for name in ("ids", "titles", "texts"):
        old_list, part_list = getattr(index, name), getattr(part, name)
        if old_list is not None:
            setattr(new, name, _place_list(old_list, part_list, old_to_new, part_to_new, size))
    for name in ("kinds", "topics", "levels"):
        old_codes, part_codes = getattr(index, name), getattr(part, name)
        values = _place_list(
            [old_codes.names[c] for c in old_codes.codes.tolist()],
            [part_codes.names[c] for c in part_codes.codes.tolist()],
            old_to_new,
            part_to_new,
            size,
        )
        setattr(new, name, Codes(values))
    for name in ("error_signatures", "error_keys"):
        forms = {int(old_to_new[d]): f for d, f in getattr(index, name).items() if kept[d]}
        forms |= {int(part_to_new[d]): f for d, f in getattr(part, name).items()}
        setattr(new, name, dict(sorted(forms.items())))
    if not _surfaces(new, index, part, old_to_new, part_to_new, read_docs):
        return None
    new.refresh()
    return new


def _merge_postings(
    old: tuple[Ints, npt.NDArray[np.int32], npt.NDArray[np.float32] | None],
    part: tuple[Ints, npt.NDArray[np.int32], npt.NDArray[np.float32] | None],
    maps: tuple[Ints, Ints, Ints, Ints, int],
) -> tuple[Ints, npt.NDArray[np.int32], npt.NDArray[np.float32] | None]:
    """Postings per term of the union vocabulary: the old ones of kept documents and the
    part's, renumbered, documents ascending within each term; and each term's count."""
    old_offsets, old_docs, old_values = old
    part_offsets, part_docs, part_values = part
    old_to_new, old_to_union, part_to_new, part_to_union, union_size = maps
    mapped = old_to_new[old_docs]
    keep = mapped >= 0
    kept_before = np.zeros(len(keep) + 1, np.int64)
    np.cumsum(keep, out=kept_before[1:])
    kept_counts = np.zeros(union_size, np.int64)
    kept_counts[old_to_union] = np.diff(kept_before[old_offsets])
    kept_docs = mapped[keep].astype(np.int32)
    del mapped
    start = offsets_of(kept_counts)
    part_counts = np.diff(part_offsets)
    new_part_docs = part_to_new[part_docs].astype(np.int32)
    positions = np.empty(len(part_docs), np.int64)
    bounds = part_offsets.tolist()
    for term, (begin, end) in enumerate(itertools.pairwise(bounds)):
        u = int(part_to_union[term])
        block = kept_docs[start[u] : start[u + 1]]
        positions[begin:end] = start[u] + np.searchsorted(block, new_part_docs[begin:end])
    counts = kept_counts
    counts[part_to_union] += part_counts
    docs = np.insert(kept_docs, positions, new_part_docs)
    values = None
    if old_values is not None and part_values is not None:
        values = np.insert(old_values[keep], positions, part_values)
    return counts, docs, values


def _surfaces(
    new: SearchIndex,
    index: SearchIndex,
    part: SearchIndex,
    old_to_new: Ints,
    part_to_new: Ints,
    read_docs: ReadDocs,
) -> bool:
    """Each term's surface word, from its first entry as in a build; False when an entry to
    read again is gone."""
    first = new.post_docs[new.offsets[:-1]]
    old_first = old_to_new[index.post_docs[index.offsets[:-1]]]
    is_part = np.zeros(len(new.ids), np.bool_)
    is_part[part_to_new] = True
    surface: dict[str, str] = {}
    reread: dict[int, list[str]] = {}
    for term, doc in zip(new.terms, first.tolist(), strict=True):
        old = index.terms.get(term)
        if is_part[doc]:
            surface[term] = part.surface[term]
        elif old is not None and old_first[old] == doc:
            surface[term] = index.surface[term]
        else:
            reread.setdefault(doc, []).append(term)
    if reread:
        ids = [new.ids[d] for d in reread]
        docs = read_docs(ids)
        if [d.id for d in docs] != ids:
            return False
        for doc, terms in zip(docs, reread.values(), strict=True):
            words = first_words(doc)
            surface.update((t, words[t]) for t in terms)
    new.surface = {t: surface[t] for t in new.terms}
    return True


def _place(
    old: npt.NDArray[Any], part: npt.NDArray[Any], old_to_new: Ints, part_to_new: Ints, size: int
) -> npt.NDArray[Any]:
    """Per-document values (or rows) in the new order."""
    out = np.empty((size, *old.shape[1:]), old.dtype)
    kept = old_to_new >= 0
    out[old_to_new[kept]] = old[kept]
    out[part_to_new] = part
    return out


def _place_list(
    old: list[T], part: list[T], old_to_new: Ints, part_to_new: Ints, size: int
) -> list[T]:
    out: list[T | None] = [None] * size
    for number, value in zip(old_to_new.tolist(), old, strict=True):
        if number >= 0:
            out[number] = value
    for number, value in zip(part_to_new.tolist(), part, strict=True):
        out[number] = value
    return out  # type: ignore[return-value]
