"""Search speed and memory: HubBot against SQLite FTS5 on synthetic stores of N entries.

    .venv/bin/python bench/search.py --entries 1000 10000 100000

For each size it writes a synthetic store (a SQLite file in a temporary folder), then in fresh
child processes measures, for HubBot and for FTS5: index build time, p50/p95 query latency in a
long-running process, and peak memory (max RSS of the process, Python included). For HubBot the
first build, which makes every entry's meaning (bot/search/meaning.py) and keeps them in the
store, runs in a process of its own (its time and peak memory); the other figures are of a
process that starts on the kept meanings, as every one after the first does. HubBot also gives
the p95 of the CPU time each query took (its thread's time: on a loaded machine the wall-clock
p95 is mostly waiting for a core), times the slowest hostile query (tests/bad_input.py: a
regex that backtracks shows here) and a one-shot `hub search` (process start included), cold
(builds and caches the index) and warm (loads the cached index), and once more after ten
entries were added to the store as `hub import` adds them (loads the cached index and updates
it, bot/search/update.py). tantivy (bench/tantivy_engine.py) builds an on-disk index
with two threads and answers each query with every word also matched within one edit.
`--engines` runs some engines only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.schema import EntryData  # noqa: E402
from bot.content.store import bump_version, save_entry  # noqa: E402
from bot.db import make_engine, session_scope, upgrade  # noqa: E402
from bot.models import Entry, utcnow  # noqa: E402
from bot.search import Searcher, SearchIndex  # noqa: E402
from bot.search.errors import match_error  # noqa: E402
from tests.bad_input import BAD_QUERIES  # noqa: E402

TOPICS = ["php", "python", "django", "javascript", "react", "sql", "postgresql", "go", "docker"]
TECH = [
    "react",
    "hook",
    "state",
    "props",
    "render",
    "component",
    "effect",
    "context",
    "reducer",
    "memo",
    "callback",
    "ref",
    "query",
    "index",
    "join",
    "transaction",
    "lock",
    "cache",
    "session",
    "cookie",
    "token",
    "jwt",
    "csrf",
    "cors",
    "middleware",
    "router",
    "docker",
    "container",
    "image",
    "volume",
    "network",
    "compose",
    "kubernetes",
    "pod",
    "deploy",
    "rollback",
    "migration",
    "schema",
    "python",
    "django",
    "orm",
    "queryset",
    "model",
    "view",
    "template",
    "serializer",
    "celery",
    "async",
    "await",
    "promise",
    "closure",
    "goroutine",
    "channel",
    "mutex",
    "deadlock",
    "interface",
    "pointer",
    "slice",
    "map",
    "struct",
    "error",
    "exception",
    "traceback",
    "php",
    "laravel",
    "eloquent",
    "composer",
    "namespace",
    "trait",
    "closure",
    "generator",
    "iterator",
    "stream",
    "buffer",
    "socket",
    "postgres",
    "vacuum",
    "analyze",
    "explain",
    "plan",
    "partition",
    "replica",
    "primary",
    "foreign",
    "constraint",
    "trigger",
]
QUERIES = 300


def vocabulary(rng: random.Random, size: int = 60_000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    made = {"".join(rng.choices(letters, k=rng.randint(3, 10))) for _ in range(size)}
    return TECH + sorted(made)


def zipf_words(rng: random.Random, words: list[str], count: int) -> list[str]:
    # Ranks follow a power law, as words do in natural text (a long tail of rare words).
    return [words[min(len(words) - 1, int(rng.paretovariate(0.7)) - 1)] for _ in range(count)]


def make_store(path: Path, entries: int, asked_as: int = 8, seed: int = 7) -> list[str]:
    """A store of synthetic entries, each with `asked_as` phrasings of 4-12 words (as the shipped
    entries have); returns chat-style queries (some typos, some half-typed)."""
    rng = random.Random(seed)
    # Phrasings from a random stream of their own: the rest of the store is the same without.
    asking = random.Random(seed + 1)
    words = vocabulary(rng)
    rng.shuffle(words)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    now = utcnow()
    titles: list[list[str]] = []
    with session_scope(engine) as session:
        batch: list[dict[str, Any]] = []
        for number in range(entries):
            title = zipf_words(rng, words, rng.randint(5, 10))
            titles.append(title)
            batch.append(
                {
                    "id": f"q-syn-{number:06d}",
                    "kind": "question",
                    "title": " ".join(title).capitalize() + "?",
                    "topic": rng.choice(TOPICS),
                    "tags": [],
                    "asked_as": [
                        " ".join(zipf_words(asking, words, asking.randint(4, 12)))
                        for _ in range(asked_as)
                    ],
                    "level": rng.choice(["junior", "mid", "senior", "architect"]),
                    "source": "bench",
                    "answer": " ".join(zipf_words(rng, words, rng.randint(60, 160))) + ".",
                    "retired": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if len(batch) == 5000:
                session.execute(insert(Entry), batch)
                batch = []
        if batch:
            session.execute(insert(Entry), batch)
        bump_version(session)
    engine.dispose()
    queries = []
    for _ in range(QUERIES):
        picked = rng.sample(rng.choice(titles), 3)
        style = rng.random()
        if style < 0.2 and len(picked[0]) > 4:  # a typo: two letters swapped
            word = picked[0]
            at = rng.randrange(1, len(word) - 1)
            picked[0] = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        elif style < 0.4 and len(picked[-1]) > 4:  # the last word half-typed
            picked[-1] = picked[-1][: len(picked[-1]) // 2 + 1]
        queries.append(" ".join(picked))
    return queries


def add_entries(db: Path, count: int) -> None:
    """New entries written as an import writes them (one transaction, the version bumped)."""
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine) as session:
        for number in range(count):
            entry = EntryData(
                id=f"q-syn-added-{number:03d}",
                kind="question",
                title=f"How do I add entry {number} to a big store?",
                topic="python",
                answer="An import adds a few entries; the cached index is updated, not rebuilt.",
            )
            save_entry(session, entry)
    engine.dispose()


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def measure_first_build(db: Path, queries: list[str]) -> dict[str, float]:
    """The first build of a store: it makes every entry's meaning and keeps them."""
    started = time.perf_counter()
    Searcher(make_engine(f"sqlite:///{db}")).index()
    return {"build": time.perf_counter() - started}


def measure_hubbot(db: Path, queries: list[str]) -> dict[str, float]:
    """A process that starts on a store whose meanings are kept, as every one after the first."""
    engine = make_engine(f"sqlite:///{db}")
    searcher = Searcher(engine, freshness_interval=2.0)
    started = time.perf_counter()
    searcher.index()
    build = time.perf_counter() - started
    samples, cpu = [], []
    for query in queries * 2:
        started, started_cpu = time.perf_counter(), time.thread_time()
        searcher.search(query, limit=10)
        samples.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
    p50, p95 = percentiles(samples)
    return {
        "build": build,
        "p50": p50,
        "p95": p95,
        "p95_cpu": percentiles(cpu)[1],
        "bad": worst_bad_input(searcher.index()),
    }


def worst_bad_input(index: SearchIndex) -> float:
    """The slowest hostile query (tests/test_search.py), searched and looked up as an error."""
    worst = 0.0
    for query in BAD_QUERIES:
        started = time.perf_counter()
        index.search(query)
        match_error(index, query)
        worst = max(worst, time.perf_counter() - started)
    return worst


def measure_fts5(db: Path, queries: list[str]) -> dict[str, float]:
    conn = sqlite3.connect(":memory:")
    source = sqlite3.connect(db)
    started = time.perf_counter()
    conn.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body,"
        " tokenize='porter unicode61')"
    )
    conn.executemany(
        "INSERT INTO docs VALUES (?, ?, ?)",
        source.execute("SELECT id, title, answer || char(10) || asked_as FROM entry"),
    )
    build = time.perf_counter() - started
    samples = []
    for query in queries * 2:
        match = " OR ".join(f'"{w}"' for w in query.split())
        started = time.perf_counter()
        conn.execute(
            "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0, 3.0, 1.0) LIMIT 10",
            (match,),
        ).fetchall()
        samples.append(time.perf_counter() - started)
    p50, p95 = percentiles(samples)
    return {"build": build, "p50": p50, "p95": p95}


def measure_tantivy(db: Path, queries: list[str]) -> dict[str, float]:
    from bench.tantivy_engine import Tantivy
    from bot.search.service import iter_docs

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        engine = Tantivy(iter_docs(make_engine(f"sqlite:///{db}")), Path(folder))
        build = time.perf_counter() - started
        samples = []
        for query in queries * 2:
            started = time.perf_counter()
            engine.search(query, limit=10, fuzzy=True)
            samples.append(time.perf_counter() - started)
    p50, p95 = percentiles(samples)
    return {"build": build, "p50": p50, "p95": p95}


MEASURES = {"hubbot": measure_hubbot, "fts5": measure_fts5, "tantivy": measure_tantivy}


def child(engine_name: str, db: Path, queries_file: Path) -> None:
    queries = json.loads(queries_file.read_text())
    measure = measure_first_build if engine_name == "hubbot-first" else MEASURES[engine_name]
    result = measure(db, queries)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def one_shot(db: Path, cache: Path, query: str) -> float:
    env = {
        **os.environ,
        "HUB_DATABASE_URL": f"sqlite:///{db}",
        "HUB_SEARCH_CACHE_DIR": str(cache),
        "HUB_CONTENT_DIR": str(db.parent / "no-content"),
    }
    # `hub search`, run from the code next to this script (not whichever is installed).
    hub = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from bot.cli import main; main()"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", hub, "search", query],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"hub search failed: {done.stderr}")
    return elapsed


def measured(name: str, db: Path, queries_file: Path) -> dict[str, float]:
    """What `child` measures, in a fresh process."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", name, str(db), str(queries_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, float] = json.loads(out.stdout)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--engines", nargs="+", choices=list(MEASURES), default=list(MEASURES))
    parser.add_argument(
        "--asked-as", type=int, default=8, help="phrasings per entry (the shipped content has 8)"
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    print(
        "| entries | engine | first build s | first build peak MB | build s | p50 ms | p95 ms"
        " | p95 CPU ms | bad input max ms | one-shot cold s"
        " | one-shot warm s | one-shot after import s | peak MB |"
    )
    print("| ---: | --- |" + " ---: |" * 11)
    for entries in args.entries:
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "bench.db"
            queries = make_store(db, entries, args.asked_as)
            queries_file = Path(folder) / "queries.json"
            queries_file.write_text(json.dumps(queries))
            # HubBot last: its one-shot after an import adds entries to the store.
            for name in sorted(args.engines, key=lambda engine: engine == "hubbot"):
                cold = warm = bad = imported = cpu = first = first_peak = "—"
                if name == "hubbot":
                    found = measured("hubbot-first", db, queries_file)
                    first, first_peak = f"{found['build']:.2f}", f"{found['peak_mb']:.0f}"
                found = measured(name, db, queries_file)
                if name == "hubbot":
                    bad = f"{found['bad'] * 1000:.1f}"
                    cpu = f"{found['p95_cpu'] * 1000:.2f}"
                    cache = Path(folder) / "cache"
                    cold = f"{one_shot(db, cache, queries[0]):.2f}"
                    warm = f"{min(one_shot(db, cache, q) for q in queries[1:4]):.2f}"
                    add_entries(db, 10)
                    imported = f"{one_shot(db, cache, queries[4]):.2f}"
                print(
                    f"| {entries:,} | {name} | {first} | {first_peak} | {found['build']:.2f}"
                    f" | {found['p50'] * 1000:.2f} | {found['p95'] * 1000:.2f} | {cpu} | {bad}"
                    f" | {cold} | {warm} | {imported}"
                    f" | {found['peak_mb']:.0f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
