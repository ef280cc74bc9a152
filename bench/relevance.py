"""Search quality: HubBot against SQLite FTS5 BM25 on the same corpus, in the same run.

    .venv/bin/python bench/relevance.py queries CORPUS.jsonl QUERIES.tsv [QUERIES.tsv ...]
    .venv/bin/python bench/relevance.py errors CORPUS.jsonl PASTES.yml [--extra OTHER.jsonl]

Beside FTS5 it runs tantivy (bench/tantivy_engine.py): plain, and as the candidate finder under
HubBot's ranking (`tantivy+hubbot`).

`queries` prints MRR@10 and hit@5 for each query file (query<TAB>relevant ids, first is best);
a query none of whose relevant ids is in the corpus is skipped (one file may serve two corpora).
`errors` prints top-1 accuracy on pastes that name an entry, and how many unrelated pastes
(expect: null) wrongly got an answer; `--extra` imports more content beside the errors so they
compete with a realistic hub. `--show-misses` lists the queries that missed.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tantivy_engine import Reranked, Tantivy
from bot.content import import_content
from bot.db import make_engine, upgrade
from bot.search import Searcher
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

    def __init__(self, searcher: Searcher) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, kind UNINDEXED, title, body,"
            " tokenize='porter unicode61')"
        )
        self.db.executemany(
            "INSERT INTO docs VALUES (?, ?, ?, ?)",
            ((d.id, d.kind, d.title, d.text) for d in load_docs(searcher.engine)),
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


def run_queries(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        searcher = load_store([args.corpus], Path(folder))
        fts = Fts5(searcher)
        engine = Tantivy(load_docs(searcher.engine))
        rerank = Reranked(engine, searcher.index())
        rankers: dict[str, Ranker] = {
            "hubbot": lambda q: [h.id for h in searcher.search(q, limit=10).hits],
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


def run_errors(args: argparse.Namespace) -> None:
    cases = yaml.safe_load(args.pastes.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        searcher = load_store([args.corpus, *args.extra], Path(folder))
        fts = Fts5(searcher)
        rust = Tantivy(load_docs(searcher.engine))
        engines: dict[str, Callable[[str], list[str]]] = {
            "hubbot": lambda p: [h.id for h in searcher.match_error(p, limit=3).hits],
            "fts5-bm25": lambda p: fts.search(normalise(p), kind="error", limit=3),
            "tantivy": lambda p: rust.search(normalise(p), kind="error", limit=3),
        }
        known = [c for c in cases if c["expect"]]
        unrelated = [c for c in cases if not c["expect"]]
        print(f"corpus: {args.corpus} + {[str(e) for e in args.extra]}")
        print(f"pastes: {len(known)} of known errors, {len(unrelated)} unrelated\n")
        print("| engine | top-1 | unrelated answered | ms/paste |")
        print("| --- | ---: | ---: | ---: |")
        for name, engine in engines.items():
            started = time.perf_counter()
            right, wrong = 0, []
            for case in known:
                found = engine(case["paste"])
                if found[:1] == [case["expect"]]:
                    right += 1
                else:
                    wrong.append(f"{case['expect']}: got {found[:2]}")
            answered = [c["paste"][:60] for c in unrelated if engine(c["paste"])]
            ms = (time.perf_counter() - started) * 1000 / max(1, len(cases))
            print(
                f"| {name} | {right / max(1, len(known)):.3f} | {len(answered)}/{len(unrelated)}"
                f" | {ms:.2f} |"
            )
            if args.show_misses and name == "hubbot":
                print("  misses: " + json.dumps(wrong) + "\n  answered: " + json.dumps(answered))


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
    errors.add_argument("--extra", type=Path, action="append", default=[])
    errors.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)
    if args.mode == "queries":
        run_queries(args)
    else:
        run_errors(args)


if __name__ == "__main__":
    main()
