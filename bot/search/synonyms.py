"""The synonym and acronym table (synonyms.yml), as groups of stemmed phrases."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from bot.search.text import terms

SYNONYMS_FILE = Path(__file__).with_name("synonyms.yml")

Phrase = tuple[str, ...]


@cache
def synonym_groups(path: Path = SYNONYMS_FILE) -> tuple[tuple[Phrase, ...], ...]:
    """Each group: its phrases as stemmed term tuples (compounds as their parts only)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    groups = []
    for group in data.get("groups", []):
        phrases = tuple(dict.fromkeys(phrase_terms(str(member)) for member in group))
        groups.append(tuple(p for p in phrases if p))
    return tuple(groups)


def phrase_terms(phrase: str) -> Phrase:
    return tuple(terms(phrase.replace("-", " ")))


@cache
def synonyms_by_phrase() -> dict[Phrase, tuple[Phrase, ...]]:
    """Every phrase of the table, with the other phrases of its group."""
    found: dict[Phrase, list[Phrase]] = {}
    for group in synonym_groups():
        for phrase in group:
            found.setdefault(phrase, []).extend(p for p in group if p != phrase)
    return {phrase: tuple(dict.fromkeys(others)) for phrase, others in found.items()}
