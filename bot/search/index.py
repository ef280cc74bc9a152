"""An in-memory inverted index: BM25F over title, tags and text, with typo, prefix and synonym
expansion of the query, filters, and ranking that rewards covering the whole query."""

from __future__ import annotations

import bisect
import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.search.build import EXACT_HALF, MAX_TEXT_CHARS, build_postings
from bot.search.excerpt import excerpt
from bot.search.meaning import BYTES, Bits, meanings, query_vector, similarity
from bot.search.paste import message_part, normalise
from bot.search.query import Query, Slot, parse_query
from bot.search.text import root, signature_terms, terms

TITLE_WEIGHT, TEXT_WEIGHT = 3.0, 1.0
K1, B = 1.2, 0.75
# How much covering every word of the query counts, against how often the words occur.
COVERAGE_FLOOR = 0.25
COVERAGE_POWER = 1.0
TITLE_BONUS = 0.5
# Rewards titles made of the query's words alone ("What are fragments?" over "Keyed fragments").
TITLE_PRECISION_BONUS = 0.3
# A hit is "good" (not a content gap) when it covers at least this share of the query.
GOOD_COVERAGE = 0.5
# When the best hit covers the whole query, a hit covering less than this share of it matched
# on a weak word or a fuzzy expansion alone: dropped.
TAIL_COVERAGE = 0.34
PREFIX_EXPANSIONS = 8
MAX_REMEMBERED = 50_000
# Texts read from the store, remembered for the next searches.
READ_TEXTS = 2000
# Above this many postings in a query, only documents matching a selective word (one held by
# at most this share of documents) are scored; the rest could not cover enough of the query.
DENSE_POSTINGS = 20_000
SELECTIVE_SHARE = 0.05
# In a big enough index, a word in more than this share of documents acts as a stop word.
COMMON_SHARE = 0.5
COMMON_MIN_DOCS = 1000
# Each document's strongest terms (by BM25 impact), for feedback from the best hits.
KEYWORDS = 16
FEEDBACK_DOCS = 10
FEEDBACK_TERMS = 20
FEEDBACK_BOOST = 0.5
# A best hit covering this much of the query is trusted as it is.
FEEDBACK_COVERED = 0.99
# The topics the query's words point at (see `topic_focus`) raise their documents by up to this
# much: "the model makes up facts" is about AI, not fact tables.
TOPIC_BOOST = 1.0
# The best this many hits are re-ranked by meaning (meaning.py): the closest to the query gains
# up to this share of the best hit's score.
MEANING_CANDIDATES = 100
MEANING_BOOST = 0.4
# Closeness is measured against the candidates' median: too few candidates say nothing of it.
MEANING_MIN_CANDIDATES = 10
# Meanings are made this many texts at a time, so a big collection is not held whole.
MEANING_BATCH = 2000
# BM25 impacts are computed this many postings at a time (a few MB of temporaries).
IMPACT_BLOCK = 1 << 20

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]


class Doc(NamedTuple):
    # A named tuple: a build makes one per entry, and a frozen dataclass is five times slower.
    id: str
    kind: str
    topic: str
    level: str | None
    title: str
    text: str
    tags: tuple[str, ...] = ()
    # An error's message as other versions print it: searched like the title.
    variants: tuple[str, ...] = ()
    # How people ask for the entry in their own words.
    asked_as: tuple[str, ...] = ()
    # When the entry last changed, in microseconds, as the store says (update.py finds the
    # changed entries by it).
    stamp: int = 0
    # What the entry is about (meaning.py), when the store kept it for the entry as it is.
    meaning: bytes = b""


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
    # False when nothing plausible was found: logged as a gap in the hub's content.
    good: bool = False
    # True when the best hit is a likely match rather than a certain one (an error paraphrased).
    likely: bool = False


@dataclass(frozen=True)
class Scored:
    """Documents that match a query, best first, with how much of the query each covers."""

    docs: IntArray
    scores: FloatArray
    coverage: FloatArray
    # How much the query points at each topic (by topic code), 1 for the strongest; None when
    # it says nothing (a single word, a single topic).
    focus: FloatArray | None = None


class Codes:
    """A column of short strings (kind, topic, level) as small integer codes, for fast masks."""

    def __init__(self, values: Sequence[str | None]) -> None:
        self.names = sorted({v or "" for v in values})
        lookup = {name: code for code, name in enumerate(self.names)}
        self.codes = np.fromiter((lookup[v or ""] for v in values), np.int16, len(values))

    @classmethod
    def restore(cls, names: list[str], codes: npt.NDArray[np.int16]) -> Codes:
        column = cls([])
        column.names, column.codes = names, codes
        return column

    def mask(self, value: str) -> npt.NDArray[np.bool_] | None:
        if value not in self.names:
            return None
        return np.asarray(self.codes == self.names.index(value))


def compact(tf: FloatArray) -> npt.NDArray[np.float16] | FloatArray:
    """Term frequencies as float16 when that holds them exactly."""
    return tf.astype(np.float16) if float(tf.max(initial=0)) <= EXACT_HALF else tf.copy()


class SearchIndex:
    def __init__(self, docs: Iterable[Doc], keep_texts: bool = True) -> None:
        """`keep_texts`: hold the documents' texts for excerpts; without, they come from
        `fetch_texts` (a store), and a big collection is streamed through once. The meanings
        the documents do not bring (the store keeps them: service.py) are made here."""
        # Columns rather than Doc objects: a cached index loads many times faster.
        self.ids: list[str] = []
        self.titles: list[str] = []
        stamps = array("q")
        self.texts: list[str] | None = [] if keep_texts else None
        # Where texts come from when the index holds none (see snapshot.py, service.py): the
        # texts of some ids, in one read; the last ones read are remembered.
        self.fetch_texts: Callable[[list[str]], dict[str, str]] | None = None
        self._read: dict[int, str] = {}
        # For errors: the terms of each form of the message with its variable parts dropped.
        self.error_signatures: dict[int, tuple[frozenset[str], ...]] = {}
        # The same without the error's type: the key words, which a matching paste must hold.
        self.error_keys: dict[int, tuple[frozenset[str], ...]] = {}
        columns: tuple[list[str], list[str], list[str | None]] = ([], [], [])
        known = bytearray()
        unknown: list[tuple[int, Doc]] = []

        def understand() -> None:
            made = meanings([doc for _, doc in unknown])
            for (number, _), bits in zip(unknown, made, strict=True):
                known[number * BYTES : (number + 1) * BYTES] = bits.tobytes()
            unknown.clear()

        seen: dict[str, str] = {}
        same = seen.setdefault

        def read(doc: Doc) -> None:
            if doc.kind == "error":
                forms = [normalise(form) for form in (doc.title, *doc.variants)]
                self.error_signatures[len(self.ids)] = tuple(map(signature_terms, forms))
                self.error_keys[len(self.ids)] = tuple(
                    signature_terms(message_part(form)) for form in forms
                )
            if len(doc.meaning) == BYTES:
                known.extend(doc.meaning)
            else:
                known.extend(bytes(BYTES))
                unknown.append((len(self.ids), doc))
                if len(unknown) >= MEANING_BATCH:
                    understand()
            self.ids.append(doc.id)
            self.titles.append(doc.title)
            stamps.append(doc.stamp)
            if self.texts is not None:
                self.texts.append(doc.text)
            # One copy of each: every row read brings its own of these few words (16 MB at 100k).
            columns[0].append(same(doc.kind, doc.kind))
            columns[1].append(same(doc.topic, doc.topic))
            columns[2].append(same(doc.level, doc.level) if doc.level else None)

        postings = build_postings(docs, read)
        if unknown:
            understand()
        self.size = len(self.ids)
        self.meanings: Bits = np.frombuffer(known, np.uint8).reshape(-1, BYTES).copy()
        self.stamps: npt.NDArray[np.int64] = np.frombuffer(stamps, np.int64).copy()
        self.terms = postings.terms
        # The word people typed first for each stem, to show in "did you mean".
        self.surface = postings.surface
        self.df, self.offsets, self.post_docs = postings.df, postings.offsets, postings.docs
        self.lengths = postings.lengths
        # Each posting's weighted term frequency, kept to recompute the impacts when the
        # collection changes (update.py); whole numbers, so float16 holds them exactly to 2048.
        self.tf = compact(postings.tf)
        self.refresh(postings.tf)
        self.title_offsets, self.title_docs = postings.title_offsets, postings.title_docs
        self.title_lengths = np.maximum(postings.title_lengths, 1.0)
        self.kinds, self.topics, self.levels = (Codes(c) for c in columns)
        self._sorted_terms: list[str] | None = None
        self._neighbours: dict[tuple[int, str], list[str]] | None = None
        self._corrections: dict[str, str | None] = {}
        self._families: dict[str, list[str]] | None = None
        self._keywords: dict[int, tuple[IntArray, FloatArray]] = {}

    def refresh(self, tf: FloatArray | None = None) -> None:
        """The collection's statistics and each posting's BM25 impact, from `self.tf` (or `tf`,
        the same as float32, which is used up)."""
        self.size = len(self.ids)
        self.average_length = float(self.lengths.mean()) if self.size else 1.0
        self.idf = np.log1p((self.size - self.df + 0.5) / (self.df + 0.5)).astype(np.float32)
        self.impacts: FloatArray = self._impacts(self.tf.astype(np.float32) if tf is None else tf)

    def _impacts(self, tf: FloatArray) -> FloatArray:
        """BM25 of each posting (computed in place over `tf`, which is used up), the postings of
        a run of terms at a time: the temporaries stay small beside the postings."""
        doc_norm = self.lengths * np.float32(B / self.average_length)
        doc_norm += np.float32(1 - B)
        doc_norm *= np.float32(K1)
        term, terms = 0, len(self.df)
        while term < terms:
            start = int(self.offsets[term])
            last = int(np.searchsorted(self.offsets, start + IMPACT_BLOCK, side="right")) - 1
            last = min(max(last, term + 1), terms)
            end = int(self.offsets[last])
            part = tf[start:end]
            norm = doc_norm[self.post_docs[start:end]]
            norm += part
            part *= np.float32(K1 + 1)
            part /= norm
            part *= np.repeat(self.idf[term:last], self.df[term:last])
            term = last
        return tf

    def keywords(self, doc: int) -> tuple[IntArray, FloatArray]:
        """A document's KEYWORDS strongest terms (by BM25 impact) and their impacts, from its
        title and text."""
        found = self._keywords.get(doc)
        if found is not None:
            return found
        counts: dict[int, float] = {}
        text: str
        for text, weight in ((self.titles[doc], TITLE_WEIGHT), (self.text(doc), TEXT_WEIGHT)):
            for term, times in Counter(terms(text[:MAX_TEXT_CHARS])).items():
                number = self.terms.get(term)
                if number is not None:
                    counts[number] = counts.get(number, 0.0) + weight * times
        numbers = np.fromiter(counts, np.int32, len(counts))
        tf = np.fromiter(counts.values(), np.float32, len(counts))
        norm = K1 * (1 - B + B * self.lengths[doc] / self.average_length)
        impacts = self.idf[numbers] * tf * (K1 + 1) / (tf + norm)
        best = np.argsort(-impacts, kind="stable")[:KEYWORDS]
        found = numbers[best], impacts[best].astype(np.float32)
        if len(self._keywords) < MAX_REMEMBERED:
            self._keywords[doc] = found
        return found

    # ------------------------------------------------------------------ vocabulary

    def doc_frequency(self, term: str) -> int:
        number = self.terms.get(term)
        return 0 if number is None else int(self.df[number])

    def term_idf(self, term: str) -> float:
        number = self.terms.get(term)
        if number is None:
            return math.log1p(self.size + 0.5)
        return float(self.idf[number])

    def correct(self, term: str) -> str | None:
        """The closest frequent term of the vocabulary within one or two edits."""
        if len(term) < 4 or not term.isalpha():
            return None
        if term in self._corrections:
            return self._corrections[term]
        if self._neighbours is None:
            # Terms by length and by their first and by their second letter: one edit leaves
            # at least one of those two letters in place, so two buckets hold every candidate.
            neighbours: dict[tuple[int, str], list[str]] = {}
            for known in self.terms:
                for letter in dict.fromkeys(known[:2]):
                    neighbours.setdefault((len(known), letter), []).append(known)
            self._neighbours = neighbours
        limit = 1 if len(term) < 8 else 2
        best: tuple[int, int, str] | None = None
        for length in range(len(term) - limit, len(term) + limit + 1):
            for letter in dict.fromkeys(term[:2]):
                choices = self._neighbours.get((length, letter), [])
                for known, distance, _ in process.extract(
                    term, choices, scorer=OSA.distance, score_cutoff=limit, limit=None
                ):
                    rank = (int(distance), -self.doc_frequency(known), known)
                    if best is None or rank < best:
                        best = rank
        found = best[2] if best else None
        if len(self._corrections) < MAX_REMEMBERED:
            self._corrections[term] = found
        return found

    def family(self, word: str) -> list[str]:
        """Terms of the index that share the word's root, the most frequent first."""
        if self._families is None:
            families: dict[str, list[str]] = {}
            for term, surface in self.surface.items():
                if surface.isalpha() and len(surface) > 3:
                    families.setdefault(root(surface), []).append(term)
            for members in families.values():
                members.sort(key=lambda t: (-self.doc_frequency(t), t))
            self._families = families
        if len(word) <= 3 or not word.isalpha():
            return []
        return self._families.get(root(word), [])

    def complete(self, prefix: str) -> list[str]:
        """The most frequent terms that start with `prefix` (the word being typed)."""
        if len(prefix) < 2:
            return []
        if self._sorted_terms is None:
            self._sorted_terms = sorted(self.terms)
        start = bisect.bisect_left(self._sorted_terms, prefix)
        found = []
        for known in self._sorted_terms[start : start + 2000]:
            if not known.startswith(prefix):
                break
            if known != prefix:
                found.append(known)
        found.sort(key=lambda t: (-self.doc_frequency(t), t))
        return found[:PREFIX_EXPANSIONS]

    # ------------------------------------------------------------------ scoring

    def postings(self, term: str) -> tuple[IntArray, FloatArray]:
        number = self.terms[term]
        start, end = self.offsets[number], self.offsets[number + 1]
        return self.post_docs[start:end], self.impacts[start:end]

    def in_title(self, term: str) -> IntArray:
        number = self.terms[term]
        return self.title_docs[self.title_offsets[number] : self.title_offsets[number + 1]]

    def _phrase(
        self, phrase: tuple[str, ...], weight: float
    ) -> tuple[IntArray, FloatArray, IntArray]:
        """Docs holding every term of a phrase, their weighted mean impact, docs with all in
        the title."""
        docs, impacts = self.postings(phrase[0])
        title = self.in_title(phrase[0])
        for term in phrase[1:]:
            more_docs, more_impacts = self.postings(term)
            common, left, right = np.intersect1d(
                docs, more_docs, assume_unique=True, return_indices=True
            )
            docs, impacts = common, impacts[left] + more_impacts[right]
            title = np.intersect1d(title, self.in_title(term), assume_unique=True)
        scale = weight / len(phrase)
        return docs, impacts * np.float32(scale) if scale != 1 else impacts, title

    def _slot(self, slot: Slot, scratch: FloatArray) -> tuple[IntArray, FloatArray, IntArray]:
        """The docs a slot matches, the best score each gets from any alternative, and the docs
        that hold an alternative in the title. Uses `scratch` (zeros, left as zeros)."""
        found = [self._phrase(phrase, weight) for phrase, weight in slot.alternatives]
        if len(found) == 1:
            return found[0]
        for docs, impacts, _ in found:
            scratch[docs] = np.maximum(scratch[docs], impacts)
        docs = np.flatnonzero(scratch).astype(np.int32)
        best = scratch[docs]
        scratch[docs] = 0
        for _, _, title in found:
            scratch[title] = 1
        titles = np.flatnonzero(scratch).astype(np.int32)
        scratch[titles] = 0
        return docs, best, titles

    def score(self, query: Query, mask: npt.NDArray[np.bool_] | None = None) -> Scored:
        total_weight = sum(slot.weight for slot in query.slots)
        if not self.size or total_weight <= 0:
            return Scored(np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(0, np.float32))
        slots = [s for s in query.slots if s.alternatives and not self.everywhere(s)]
        if len(slots) < len([s for s in query.slots if s.alternatives]):
            # Words found nearly everywhere say nothing, like stop words: leave them out.
            query = Query(query.text, tuple(slots), query.corrected)
            total_weight = sum(slot.weight for slot in slots)
        scratch = np.zeros(self.size, np.float32)
        matched = [(s, *self._slot(s, scratch)) for s in slots]
        selective = [m for m in matched if len(m[1]) <= self.size * SELECTIVE_SHARE]
        if selective and sum(len(m[1]) for m in matched) > DENSE_POSTINGS:
            # Only documents that match a selective word can rank: score just those.
            marks = np.zeros(self.size, np.bool_)
            for _, docs, _, _ in selective:
                marks[docs] = True
            candidates = np.flatnonzero(marks).astype(np.int32)
            if mask is not None:
                candidates = candidates[mask[candidates]]
            scored = self._combine(candidates, matched, total_weight, sparse=True)
        else:
            everything = np.arange(self.size, dtype=np.int32)
            scored = self._combine(everything, matched, total_weight, sparse=False, mask=mask)
        return replace(scored, focus=self.topic_focus(matched))

    def topic_focus(
        self, matched: list[tuple[Slot, IntArray, FloatArray, IntArray]]
    ) -> FloatArray | None:
        """Where each word of the query leads, learned from the content: the share of its BM25
        mass in each topic's documents, averaged over the words by their weight, scaled so the
        strongest topic is 1."""
        count = len(self.topics.names)
        if len(matched) < 2 or count < 2:
            return None
        focus = np.zeros(count, np.float64)
        for slot, docs, best, _ in matched:
            mass = np.bincount(self.topics.codes[docs], weights=best, minlength=count)
            if mass.sum() > 0:
                focus += slot.weight * mass / mass.sum()
        if focus.max() <= 0:
            return None
        scaled: FloatArray = (focus / focus.max()).astype(np.float32)
        return scaled

    def focused(self, scored: Scored) -> Scored:
        """Raises the documents of the topics the query points at (TOPIC_BOOST)."""
        if scored.focus is None or TOPIC_BOOST <= 0:
            return scored
        boost = scored.focus[self.topics.codes[scored.docs]]
        scores = scored.scores * (1 + np.float32(TOPIC_BOOST) * boost)
        return replace(scored, scores=scores.astype(np.float32))

    def feedback(self, query: Query, scored: Scored) -> Scored:
        """Pseudo-relevance feedback: the terms the best hits share, beyond the query's own,
        raise the documents that hold them too (a paraphrase lands near its answer)."""
        best = self.top(scored, FEEDBACK_DOCS)
        if len(best) < 2 or FEEDBACK_BOOST <= 0 or scored.coverage[best[0]] >= FEEDBACK_COVERED:
            return scored
        self.read_texts(int(scored.docs[i]) for i in best)
        share = scored.scores[best] / scored.scores[best[0]]
        strongest = [self.keywords(int(scored.docs[i])) for i in best]
        keys = np.concatenate([k for k, _ in strongest])
        weight = np.concatenate([w * s for (_, w), s in zip(strongest, share, strict=True)])
        known = {self.terms[t] for t in query.matched_terms() if t in self.terms}
        ok = ~np.isin(keys, list(known))
        terms, inverse = np.unique(keys[ok], return_inverse=True)
        if not len(terms):
            return scored
        total = np.bincount(inverse, weights=weight[ok])
        seen = np.bincount(inverse)
        total[seen < 2] = 0  # a term of one document only says nothing shared
        chosen = np.argsort(-total)[:FEEDBACK_TERMS]
        chosen = chosen[total[chosen] > 0]
        if not len(chosen):
            return scored
        extra = np.zeros(self.size, np.float32)
        for number, term_weight in zip(terms[chosen], total[chosen], strict=True):
            start, end = self.offsets[number], self.offsets[number + 1]
            extra[self.post_docs[start:end]] += np.float32(term_weight) * self.impacts[start:end]
        gain = extra[scored.docs]
        top_gain = float(gain.max())
        if top_gain <= 0:
            return scored
        scores = scored.scores * (1 + FEEDBACK_BOOST * gain / top_gain)
        return replace(scored, scores=scores.astype(np.float32))

    def understood(self, text: str, scored: Scored, best: list[int]) -> Scored:
        """The best hits (`best`, the top MEANING_CANDIDATES) re-ranked by how close their
        meaning is to the query's: each gains up to MEANING_BOOST of the best score, by where it
        stands between the candidates' median closeness and the closest."""
        if len(best) < MEANING_MIN_CANDIDATES or MEANING_BOOST <= 0:
            return scored
        closeness = similarity(self.meanings[scored.docs[best]], query_vector(text))
        middle, closest = float(np.median(closeness)), float(closeness.max())
        if closest <= middle:
            return scored
        lift = np.clip((closeness - middle) / (closest - middle), 0, 1)
        scores = scored.scores.copy()
        scores[best] += np.float32(MEANING_BOOST) * scores[best[0]] * lift.astype(np.float32)
        return replace(scored, scores=scores)

    def holds(self, doc: int, slot: Slot) -> bool:
        """Whether a document holds any alternative of a slot."""
        for phrase, weight in slot.alternatives:
            docs, _, _ = self._phrase(phrase, weight)
            at = int(np.searchsorted(docs, doc))
            if at < len(docs) and docs[at] == doc:
                return True
        return False

    def everywhere(self, slot: Slot) -> bool:
        """Whether every alternative of a slot is in more than COMMON_SHARE of the documents."""
        if self.size < COMMON_MIN_DOCS:
            return False
        limit = self.size * COMMON_SHARE
        return all(self.doc_frequency(t) > limit for phrase, _ in slot.alternatives for t in phrase)

    def _combine(
        self,
        candidates: IntArray,
        matched: list[tuple[Slot, IntArray, FloatArray, IntArray]],
        total_weight: float,
        sparse: bool,
        mask: npt.NDArray[np.bool_] | None = None,
    ) -> Scored:
        """BM25 summed over slots, times how much of the query and the title each doc covers."""
        if sparse:
            size = len(candidates)

            def place(docs: IntArray) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
                """Positions in `candidates` of the candidates in (sorted) `docs`, and in docs."""
                if not len(docs):
                    return np.zeros(0, np.intp), np.zeros(0, np.intp)
                at = np.minimum(np.searchsorted(docs, candidates), len(docs) - 1)
                ok = np.flatnonzero(docs[at] == candidates)
                return ok, at[ok]
        else:
            size = self.size

            def place(docs: IntArray) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
                return docs.astype(np.intp), np.arange(len(docs))

        bm25 = np.zeros(size, np.float32)
        covered = np.zeros(size, np.float32)
        titled = np.zeros(size, np.float32)
        titled_slots = np.zeros(size, np.float32)
        for slot, docs, best, title in matched:
            at, which = place(docs)
            bm25[at] += best[which]
            covered[at] += slot.weight
            title_at, _ = place(title)
            titled[title_at] += slot.weight
            titled_slots[title_at] += 1
        if mask is not None and not sparse:
            bm25[~mask] = 0
        keep = np.flatnonzero(bm25 > 0)
        candidates = candidates[keep]
        bm25, covered, titled, titled_slots = (
            a[keep] for a in (bm25, covered, titled, titled_slots)
        )
        coverage = covered / total_weight
        final = bm25 * (COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * coverage**COVERAGE_POWER)
        final *= 1 + TITLE_BONUS * titled / total_weight
        precision = np.minimum(titled_slots / self.title_lengths[candidates], 1.0)
        final *= 1 + TITLE_PRECISION_BONUS * precision
        return Scored(candidates, final.astype(np.float32), coverage.astype(np.float32))

    def top(self, scored: Scored, limit: int) -> list[int]:
        """Positions in `scored` of the best `limit`, ties broken by document order (id)."""
        count = len(scored.docs)
        if count == 0:
            return []
        if count > limit:
            kth = np.partition(scored.scores, count - limit)[count - limit]
            chosen = np.flatnonzero(scored.scores >= kth)
        else:
            chosen = np.arange(count)
        order = np.lexsort((scored.docs[chosen], -scored.scores[chosen]))
        return [int(i) for i in chosen[order][:limit]]

    def mask(
        self, kind: str | None = None, topic: str | None = None, level: str | None = None
    ) -> npt.NDArray[np.bool_] | None:
        """A filter over documents; all False when a value is unknown, None when no filter."""
        mask: npt.NDArray[np.bool_] | None = None
        for codes, value in ((self.kinds, kind), (self.topics, topic), (self.levels, level)):
            if value is None:
                continue
            part = codes.mask(value)
            if part is None:
                return np.zeros(self.size, np.bool_)
            mask = part if mask is None else mask & part
        return mask

    def search(
        self,
        text: str,
        kind: str | None = None,
        topic: str | None = None,
        level: str | None = None,
        limit: int = 10,
    ) -> SearchResult:
        query = parse_query(self, text)
        scored = self.feedback(query, self.score(query, self.mask(kind, topic, level)))
        scored = self.focused(scored)
        candidates = self.top(scored, MEANING_CANDIDATES)
        # Decided on the words' best hit: meaning re-ranks the hits, and never changes which.
        covered = bool(candidates) and scored.coverage[candidates[0]] >= FEEDBACK_COVERED
        scored = self.understood(query.text, scored, candidates)
        best = self.top(scored, limit)
        if covered:
            best = [i for i in best if scored.coverage[i] >= TAIL_COVERAGE]
        self.read_texts(int(scored.docs[i]) for i in best)
        hits = [self.hit(int(scored.docs[i]), float(scored.scores[i]), query) for i in best]
        # A correction the best hit does not hold found nothing better: not worth suggesting.
        corrected = query.corrected
        if not best or not any(self.holds(int(scored.docs[best[0]]), s) for s in query.fixed):
            corrected = None
        result = SearchResult(query=query.text, hits=hits, corrected=corrected)
        result.good = bool(best) and float(scored.coverage[best[0]]) >= GOOD_COVERAGE
        if not hits:
            result.suggestions = self.suggest_topics(query)
        return result

    def hit(self, number: int, score: float, query: Query) -> Hit:
        text = excerpt(self.text(number), query.matched_terms())
        return self.make_hit(number, score, text)

    def text(self, number: int) -> str:
        if self.texts is not None:
            return self.texts[number]
        self.read_texts([number])
        return self._read.get(number, "")

    def read_texts(self, numbers: Iterable[int]) -> None:
        """Reads the texts of these documents that are not at hand, in one go."""
        if self.texts is not None or self.fetch_texts is None:
            return
        missing = [n for n in numbers if n not in self._read]
        if not missing:
            return
        found = self.fetch_texts([self.ids[n] for n in missing])
        if len(self._read) + len(missing) > READ_TEXTS:
            self._read.clear()
        self._read.update((n, found.get(self.ids[n], "")) for n in missing)

    def make_hit(self, number: int, score: float, text: str) -> Hit:
        return Hit(
            self.ids[number],
            self.kinds.names[self.kinds.codes[number]],
            self.titles[number],
            self.topics.names[self.topics.codes[number]],
            self.levels.names[self.levels.codes[number]] or None,
            round(score, 4),
            text,
        )

    def suggest_topics(self, query: Query, count: int = 5) -> tuple[str, ...]:
        """The topics closest to what was asked, else the biggest ones."""
        topics = [t for t in self.topics.names if t]
        close = []
        for slot in query.slots:
            found = process.extractOne(slot.text, topics, score_cutoff=70)
            if found and found[0] not in close:
                close.append(found[0])
        sizes = np.bincount(self.topics.codes, minlength=len(self.topics.names))
        biggest = sorted(topics, key=lambda t: (-sizes[self.topics.names.index(t)], t))
        return tuple(dict.fromkeys([*close, *biggest]))[:count]


__all__ = ["Doc", "Hit", "Scored", "SearchIndex", "SearchResult", "Slot"]
