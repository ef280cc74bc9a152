"""What a query asks for: one slot per word or known phrase, each with the terms that satisfy it
(the word itself, its correction, its completions, its synonyms, compounds it forms)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import yaml

from bot.search.synonyms import Phrase, synonyms_by_phrase
from bot.search.text import STOP_WORDS, derived, query_words, stem

MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 32
MAX_PHRASE = 4
SYNONYM_WEIGHT = 0.8
CORRECTION_WEIGHT = 0.9
PREFIX_WEIGHT = 0.6
# Other words of the same family (validate for validation, memoize for memoization).
FAMILY_WEIGHT = 0.8
FAMILY_SIZE = 4
COMMON_WORDS_FILE = Path(__file__).with_name("common_words.yml")


class Vocabulary(Protocol):
    terms: dict[str, int]
    surface: dict[str, str]

    def correct(self, term: str) -> str | None: ...

    def complete(self, prefix: str) -> list[str]: ...

    def term_idf(self, term: str) -> float: ...

    def family(self, word: str) -> list[str]: ...


@dataclass(frozen=True)
class Slot:
    text: str
    alternatives: tuple[tuple[Phrase, float], ...]
    weight: float


@dataclass(frozen=True)
class Query:
    text: str
    slots: tuple[Slot, ...]
    corrected: str | None = None
    # The slots of the words that were corrected.
    fixed: tuple[Slot, ...] = ()

    def matched_terms(self) -> frozenset[str]:
        return frozenset(t for s in self.slots for phrase, _ in s.alternatives for t in phrase)


@dataclass(frozen=True)
class Unit:
    """One word of the query; `joined` is the whole compound this word ends (react-dom);
    `before` the word written before it, stop words included (not found → notfound)."""

    word: str
    term: str
    joined: str | None
    before: str | None = None


def units_of(text: str) -> list[Unit]:
    units: list[Unit] = []
    for joined, parts in query_words(text):
        for number, part in enumerate(parts):
            last = number == len(parts) - 1 and len(parts) > 1
            before = units[-1].word if units else None
            units.append(Unit(part, stem(part), stem(joined) if last else None, before))
    return units[:MAX_QUERY_WORDS]


def parse_query(vocabulary: Vocabulary, text: str, expand: bool = True) -> Query:
    """`expand`: correct typos and complete the last word; off for pasted errors."""
    text = text[:MAX_QUERY_CHARS]
    typing = expand and bool(text) and not text[-1].isspace()
    every = units_of(text)
    units = [u for u in every if u.word not in STOP_WORDS]
    synonyms = synonyms_by_phrase()
    slots: list[Slot] = []
    corrections: dict[str, str] = {}
    position = 0
    while position < len(units):
        phrase_slot = synonym_slot(vocabulary, units[position:], synonyms)
        if phrase_slot is not None:
            slot, used = phrase_slot
            slots.append(slot)
            position += used
            continue
        is_last = position == len(units) - 1 and typing
        slots.append(word_slot(vocabulary, units[position], is_last, expand, corrections))
        position += 1
    corrected = None
    if corrections:
        corrected = " ".join(corrections.get(u.word, u.word) for u in every)
    fixed = tuple(s for s in slots if s.text in corrections)
    return Query(text=text.strip(), slots=tuple(slots), corrected=corrected, fixed=fixed)


@cache
def common_words() -> frozenset[str]:
    """Real words that a query may hold and the index may lack: never corrected."""
    data = yaml.safe_load(COMMON_WORDS_FILE.read_text(encoding="utf-8"))
    return frozenset(str(data["words"]).split())


def synonym_slot(
    vocabulary: Vocabulary, units: list[Unit], synonyms: dict[Phrase, tuple[Phrase, ...]]
) -> tuple[Slot, int] | None:
    """The longest phrase of the synonym table that starts here, as one slot."""
    for length in range(min(MAX_PHRASE, len(units)), 0, -1):
        phrase = tuple(u.term for u in units[:length])
        others = synonyms.get(phrase)
        if others is None:
            continue
        alternatives = [(p, w) for p, w in [(phrase, 1.0)] + [(o, SYNONYM_WEIGHT) for o in others]]
        known = tuple((p, w) for p, w in alternatives if all(t in vocabulary.terms for t in p))
        if not known:
            return None
        weight = max(vocabulary.term_idf(t) for p, _ in known for t in p)
        return Slot(" ".join(u.word for u in units[:length]), known, weight), length
    return None


def word_slot(
    vocabulary: Vocabulary,
    unit: Unit,
    is_last: bool,
    expand: bool,
    corrections: dict[str, str],
) -> Slot:
    known = vocabulary.terms
    alternatives: list[tuple[Phrase, float]] = []
    weight_terms: list[str] = []
    if unit.term in known:
        alternatives.append(((unit.term,), 1.0))
        weight_terms.append(unit.term)
    completions = vocabulary.complete(unit.term) if is_last else []
    alternatives.extend(((t,), PREFIX_WEIGHT) for t in completions)
    joins = [unit.joined]
    if unit.before:
        joins += [stem(unit.before + unit.word), stem(stem(unit.before) + unit.word)]
    for joined in dict.fromkeys(joins):
        if joined and joined in known and joined != unit.term:
            alternatives.append(((joined,), 1.0))
    if expand:
        relatives = [t for t in vocabulary.family(unit.word) if t != unit.term][:FAMILY_SIZE]
        if unit.term not in known:
            relatives += [t for t in derived(unit.word) if t in known and t not in relatives]
        alternatives.extend(((t,), FAMILY_WEIGHT) for t in relatives)
    if expand and len(alternatives) == 0 and unit.word not in common_words():
        # An unknown word with no relative: a typo of a known one, most likely.
        fixed = vocabulary.correct(unit.term)
        if fixed is not None:
            alternatives.append(((fixed,), CORRECTION_WEIGHT))
            weight_terms.append(fixed)
            corrections[unit.word] = vocabulary.surface.get(fixed, fixed)
    if not weight_terms:
        weight_terms = [t for phrase, _ in alternatives for t in phrase][:1] or [unit.term]
    weight = min(vocabulary.term_idf(t) for t in weight_terms)
    return Slot(unit.word, tuple(alternatives), weight)
