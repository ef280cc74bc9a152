"""Search quality: HubBot against SQLite FTS5 BM25 on the same corpus, in the same run.

    .venv/bin/python bench/relevance.py queries CORPUS.jsonl QUERIES.tsv [QUERIES.tsv ...]
    .venv/bin/python bench/relevance.py errors CORPUS.jsonl PASTES.yml [--extra OTHER.jsonl]
    .venv/bin/python bench/relevance.py errors content/ FROZEN.yml --judged FROZEN.judged.yml
    .venv/bin/python bench/relevance.py phrasings content/ --fold 4 7

Beside FTS5 it runs tantivy (bench/tantivy_engine.py): plain, and as the candidate finder under
HubBot's ranking (`tantivy+hubbot`); and HubBot without its re-ranking by meaning (`words only`).

`queries` prints MRR@10 and hit@5 for each query file (query<TAB>relevant ids, first is best);
a query none of whose relevant ids is in the corpus is skipped (one file may serve two corpora).
`errors` prints, for HubBot and FTS5 on the same store, top-1 and top-3 on pastes whose error the
store holds (any expected id counts), how many pastes of errors it lacks and how many unrelated
pastes still got an answer, and the time a paste. Pastes come either in the old format (`expect:
id`, or null for an error the archive lacks, beside each paste; `unrelated: true` beside a null for
output that is no error at all) or as a frozen set (`paste`,
`unrelated`) with `--judged`, a separate list of `{index, expect: [ids]}`; an expected id absent
from the store counts as no entry. `--extra` imports more content beside the errors so they
compete with a realistic hub; `--sample N` keeps about N evenly spaced pastes (smoke runs).
`--show-misses` lists the queries or pastes that missed.

`phrasings` makes a large tuning set of the corpus itself: for each `--fold` k (from 0), every
entry's k-th way of asking (`asked_as`) is taken out of the store (and out of the entry's
meaning) and searched for, the entry it came from counting as the one answer. It prints MRR@10
and hit@5 for HubBot, HubBot words only and FTS5 on the store without that fold. Phrasings are
written by people who read the entry, so this set is spoiled for reporting: tune on it, report
the blind sets.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tantivy_engine import Reranked, Tantivy
from bot.content import import_content
from bot.db import make_engine, upgrade
from bot.search import Searcher
from bot.search import index as search_index
from bot.search.index import Doc, SearchIndex
from bot.search.paste import normalise
from bot.search.service import load_docs

Ranker = Callable[[str], list[str]]
FTS_WORD = re.compile(r"\w+")


def load_store(paths: Sequence[Path], folder: Path) -> Searcher:
    engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
    upgrade(engine)
    result = import_content(engine, list(paths))
    if not result.ok:
        raise SystemExit(f"import failed: {result.problems[0]}")
    return Searcher(engine, freshness_interval=3600)


class Fts5:
    """The off-the-shelf baseline: an FTS5 table (porter stemming), bm25 with the title x3."""

    def __init__(self, docs: Iterable[Doc]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, kind UNINDEXED, title, body,"
            " tokenize='porter unicode61')"
        )
        self.db.executemany(
            "INSERT INTO docs VALUES (?, ?, ?, ?)",
            ((d.id, d.kind, d.title, "\n".join((*d.asked_as, d.text))) for d in docs),
        )

    def search(self, text: str, kind: str | None = None, limit: int = 10) -> list[str]:
        words = FTS_WORD.findall(text.lower())[:64]
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        sql = "SELECT id FROM docs WHERE docs MATCH ?"
        args: list[object] = [match]
        if kind:
            sql += " AND kind = ?"
            args.append(kind)
        sql += " ORDER BY bm25(docs, 0, 0, 3.0, 1.0), id LIMIT ?"
        args.append(limit)
        return [row[0] for row in self.db.execute(sql, args)]


def read_queries(path: Path) -> list[tuple[str, list[str]]]:
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, _, ids = line.partition("\t")
        queries.append((text, [i.strip() for i in ids.split(",") if i.strip()]))
    return queries


def rank_metrics(
    ranker: Ranker, queries: list[tuple[str, list[str]]]
) -> tuple[float, float, list[str], float]:
    """MRR@10, hit@5, the queries that missed the top 5, and the mean time a query."""
    reciprocal, hits, misses = 0.0, 0, []
    started = time.perf_counter()
    for text, relevant in queries:
        found = ranker(text)[:10]
        rank = next((n for n, doc in enumerate(found, 1) if doc in relevant), None)
        reciprocal += 1 / rank if rank else 0.0
        if rank and rank <= 5:
            hits += 1
        else:
            misses.append(f"{text!r}: got {found[:3]}, want {relevant}")
    elapsed = (time.perf_counter() - started) / max(1, len(queries))
    count = max(1, len(queries))
    return reciprocal / count, hits / count, misses, elapsed


def hubbot(index: SearchIndex) -> Ranker:
    return lambda query: [h.id for h in index.search(query, limit=10).hits]


def words_only(index: SearchIndex) -> Ranker:
    """HubBot without the re-ranking by meaning (bot/search/meaning.py), to show what it adds."""

    def rank(query: str) -> list[str]:
        boost, search_index.MEANING_BOOST = search_index.MEANING_BOOST, 0.0
        try:
            return hubbot(index)(query)
        finally:
            search_index.MEANING_BOOST = boost

    return rank


def run_queries(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        searcher = load_store([args.corpus], Path(folder))
        docs = load_docs(searcher.engine)
        fts = Fts5(docs)
        engine = Tantivy(docs)
        rerank = Reranked(engine, searcher.index())
        rankers: dict[str, Ranker] = {
            "hubbot": hubbot(searcher.index()),
            "hubbot words only": words_only(searcher.index()),
            "fts5-bm25": lambda q: fts.search(q),
            "tantivy": lambda q: engine.search(q),
            "tantivy+hubbot": rerank.search,
        }
        print(f"corpus: {args.corpus} ({searcher.index().size} entries)\n")
        print("| query set | engine | queries | MRR@10 | hit@5 | ms/query |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        all_misses = []
        known = set(searcher.index().ids)
        for query_file in args.queries:
            queries = [q for q in read_queries(query_file) if known.intersection(q[1])]
            for name, ranker in rankers.items():
                mrr, hit5, misses, seconds = rank_metrics(ranker, queries)
                print(
                    f"| {query_file.name} | {name} | {len(queries)} | {mrr:.3f} | {hit5:.3f}"
                    f" | {seconds * 1000:.2f} |"
                )
                if name == "hubbot":
                    all_misses += [f"{query_file.name}: {m}" for m in misses]
        if args.show_misses:
            print("\nHubBot misses (not in the top 5):")
            print("\n".join(all_misses) or "none")


@dataclass(frozen=True)
class Paste:
    """One paste and the ids that may answer it; no ids for an error the store lacks."""

    index: int
    text: str
    expect: tuple[str, ...]
    unrelated: bool


def read_pastes(path: Path, judged: Path | None) -> list[Paste]:
    """The old format (`expect: id|null` beside each paste) or a frozen set plus its judgments."""
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    if judged is None:
        return [
            Paste(n, c["paste"], (c["expect"],) if c["expect"] else (), bool(c.get("unrelated")))
            for n, c in enumerate(cases)
        ]
    judgments = yaml.safe_load(judged.read_text(encoding="utf-8"))
    if [j["index"] for j in judgments] != list(range(len(cases))):
        raise SystemExit(f"{judged} does not judge the {len(cases)} pastes of {path} in order")
    return [
        Paste(n, c["paste"], tuple(j["expect"]), bool(c.get("unrelated")))
        for n, (c, j) in enumerate(zip(cases, judgments, strict=True))
    ]


def run_errors(args: argparse.Namespace) -> None:
    pastes = read_pastes(args.pastes, args.judged)
    if args.sample:
        pastes = pastes[:: max(1, len(pastes) // args.sample)]
    with tempfile.TemporaryDirectory() as folder:
        searcher = load_store([args.corpus, *args.extra], Path(folder))
        docs = load_docs(searcher.engine)
        fts = Fts5(docs)
        rust = Tantivy(docs)
        engines: dict[str, Ranker] = {
            "hubbot": lambda p: [h.id for h in searcher.match_error(p, limit=3).hits],
            "fts5-bm25": lambda p: fts.search(normalise(p), kind="error", limit=3),
            "tantivy": lambda p: rust.search(normalise(p), kind="error", limit=3),
        }
        stored = set(searcher.index().ids)
        # An expected id missing from this store leaves the paste without an entry here.
        pastes = [replace(p, expect=tuple(i for i in p.expect if i in stored)) for p in pastes]
        held = [p for p in pastes if p.expect]
        lacking = [p for p in pastes if not p.expect and not p.unrelated]
        unrelated = [p for p in pastes if p.unrelated]
        print(f"corpus: {args.corpus} + {[str(e) for e in args.extra]}")
        print(
            f"pastes: {len(held)} with an entry, {len(lacking)} of errors without one,"
            f" {len(unrelated)} unrelated\n"
        )
        print("| engine | top-1 | top-3 | no-entry answered | unrelated answered | ms/paste |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name, engine in engines.items():
            started = time.perf_counter()
            by_index = {p.index: engine(p.text) for p in pastes}
            ms = (time.perf_counter() - started) * 1000 / max(1, len(pastes))
            first = [p for p in held if set(by_index[p.index][:1]) & set(p.expect)]
            top3 = sum(1 for p in held if set(by_index[p.index][:3]) & set(p.expect))
            share = max(1, len(held))
            wrong_lacking = [p.index for p in lacking if by_index[p.index]]
            wrong_unrelated = [p.index for p in unrelated if by_index[p.index]]
            print(
                f"| {name} | {len(first) / share:.3f} | {top3 / share:.3f}"
                f" | {len(wrong_lacking)}/{len(lacking)} | {len(wrong_unrelated)}/{len(unrelated)}"
                f" | {ms:.2f} |"
            )
            if args.show_misses and name == "hubbot":
                print("  misses (not first):")
                for p in held:
                    if p not in first:
                        print(f"    #{p.index}: got {by_index[p.index]}, want {list(p.expect)}")
                print("  no-entry answered:")
                for n in wrong_lacking:
                    print(f"    #{n}: {by_index[n]}")
                print("  unrelated answered:")
                for n in wrong_unrelated:
                    print(f"    #{n}: {by_index[n]}")


def held_out(docs: list[Doc], fold: int) -> tuple[list[Doc], list[tuple[str, list[str]]]]:
    """The docs without the fold-th way of asking of each (nor the meaning made with it), and
    those ways of asking as queries, each answered by its own entry."""
    kept, queries = [], []
    for doc in docs:
        if len(doc.asked_as) > fold:
            queries.append((doc.asked_as[fold], [doc.id]))
            asked = doc.asked_as[:fold] + doc.asked_as[fold + 1 :]
            doc = doc._replace(asked_as=asked, meaning=b"")
        kept.append(doc)
    return kept, queries


def run_phrasings(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        docs = load_docs(load_store([args.corpus], Path(folder)).engine)
    print(f"corpus: {args.corpus} ({len(docs)} entries)\n")
    print("| fold | engine | queries | MRR@10 | hit@5 | ms/query |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for fold in args.fold:
        kept, queries = held_out(docs, fold) if fold >= 0 else (docs, [])
        if not queries:
            raise SystemExit(f"no entry of {args.corpus} has a way of asking numbered {fold}")
        index = SearchIndex(kept)
        rankers = {
            "hubbot": hubbot(index),
            "hubbot words only": words_only(index),
            "fts5-bm25": Fts5(kept).search,
        }
        for name, ranker in rankers.items():
            mrr, hit5, _, seconds = rank_metrics(ranker, queries)
            print(
                f"| {fold} | {name} | {len(queries)} | {mrr:.3f} | {hit5:.3f}"
                f" | {seconds * 1000:.2f} |"
            )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    queries = sub.add_parser("queries", help="MRR@10 and hit@5 for query files")
    queries.add_argument("corpus", type=Path)
    queries.add_argument("queries", type=Path, nargs="+")
    queries.add_argument("--show-misses", action="store_true")
    errors = sub.add_parser("errors", help="top-1 on pasted errors, silence on unrelated ones")
    errors.add_argument("corpus", type=Path)
    errors.add_argument("pastes", type=Path)
    errors.add_argument("--judged", type=Path, help="judgments for a frozen paste set, by index")
    errors.add_argument("--sample", type=int, default=0, help="about N evenly spaced pastes")
    errors.add_argument("--extra", type=Path, action="append", default=[])
    errors.add_argument("--show-misses", action="store_true")
    phrasings = sub.add_parser("phrasings", help="each entry's k-th way of asking, held out")
    phrasings.add_argument("corpus", type=Path)
    phrasings.add_argument("--fold", type=int, nargs="+", default=[0])
    args = parser.parse_args(argv)
    {"queries": run_queries, "errors": run_errors, "phrasings": run_phrasings}[args.mode](args)


if __name__ == "__main__":
    main()
