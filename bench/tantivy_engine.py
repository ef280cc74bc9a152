"""tantivy (Rust, via its Python bindings) as a search engine, for the benchmarks' comparison.

`Tantivy` indexes id, kind, title and text with tantivy's English stemming analyzer and ranks
with its BM25, the title boosted ×3, the query's words OR-ed (and, with `fuzzy`, each word also
matched within one edit). `reranked` is the other design the issue asks about: tantivy finds
the candidates, HubBot's own ranking orders them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import tantivy

from bot.search.index import Doc, SearchIndex
from bot.search.query import parse_query

WORD = re.compile(r"\w+")
CANDIDATES = 100


class Tantivy:
    def __init__(self, docs: Iterable[Doc], folder: Path | None = None, threads: int = 2) -> None:
        schema = tantivy.SchemaBuilder()
        schema.add_text_field("id", stored=True, tokenizer_name="raw")
        schema.add_text_field("kind", tokenizer_name="raw")
        schema.add_text_field("title", tokenizer_name="en_stem")
        schema.add_text_field("body", tokenizer_name="en_stem")
        self.index = tantivy.Index(schema.build(), path=str(folder) if folder else None)
        writer = self.index.writer(heap_size=200_000_000, num_threads=threads)
        for doc in docs:
            writer.add_document(
                tantivy.Document(
                    id=doc.id,
                    kind=doc.kind,
                    title=doc.title,
                    body="\n".join((*doc.variants, *doc.tags, *doc.asked_as, doc.text)),
                )
            )
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def search(
        self, text: str, kind: str | None = None, limit: int = 10, fuzzy: bool = False
    ) -> list[str]:
        words = WORD.findall(text.lower())[:64]
        if not words:
            return []
        fuzzy_fields = {"title": (False, 1, True), "body": (False, 1, True)} if fuzzy else None
        query = self.index.parse_query(
            " ".join(words),
            ["title", "body"],
            field_boosts={"title": 3.0},
            fuzzy_fields=fuzzy_fields,
        )
        if kind:
            kind_query = tantivy.Query.term_query(self.index.schema, "kind", kind)
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query), (tantivy.Occur.Must, kind_query)]
            )
        found = self.searcher.search(query, limit).hits
        return [self.searcher.doc(address)["id"][0] for _, address in found]


class Reranked:
    """tantivy's CANDIDATES best (each word also within one edit), ordered by HubBot's ranking
    (its score and feedback) alone."""

    def __init__(self, engine: Tantivy, index: SearchIndex) -> None:
        self.engine, self.index = engine, index
        self.numbers = {doc_id: number for number, doc_id in enumerate(index.ids)}

    def search(self, text: str, limit: int = 10) -> list[str]:
        index = self.index
        found = self.engine.search(text, limit=CANDIDATES, fuzzy=True)
        candidates = [self.numbers[i] for i in found]
        mask = np.zeros(index.size, np.bool_)
        mask[candidates] = True
        query = parse_query(index, text)
        scored = index.feedback(query, index.score(query, mask))
        return [index.ids[int(scored.docs[i])] for i in index.top(scored, limit)]
