"""Every benchmark runs end to end at a tiny size, so one that breaks is noticed by the suite.

The figures are not checked here (speed belongs to the benchmarks, run on demand); what is
checked is that each script starts, measures and prints its table.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]
BLIND = ROOT / "bench" / "queries" / "blind"
QUERIES = (
    "why does my component render twice\tq-react-render-twice\ndjango n+1\tq-django-n-plus-one\n"
)
PASTES = """\
- expect: err-node-eaddrinuse
  paste: "Error: listen EADDRINUSE: address already in use :::8080"
- expect: null
  paste: "INFO server started in 120 ms"
"""


def bench(tmp_path: Path, script: str, *args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert len(rows) >= 3, done.stdout  # a header, its rule, and at least one measured row
    return rows


def test_relevance_queries_and_errors(tmp_path: Path) -> None:
    (tmp_path / "q.tsv").write_text(QUERIES)
    (tmp_path / "pastes.yml").write_text(PASTES)
    rows = bench(tmp_path, "relevance.py", "queries", str(FIXTURES / "content"), "q.tsv")
    assert any("hubbot" in row.lower() for row in rows)
    bench(tmp_path, "relevance.py", "errors", str(FIXTURES / "content"), "pastes.yml")


def test_relevance_errors_on_the_judged_blind_pastes(tmp_path: Path) -> None:
    frozen, judged = BLIND / "error-pastes-blind.yml", BLIND / "error-pastes-blind.judged.yml"
    args = (str(FIXTURES / "content"), str(frozen), "--judged", str(judged), "--sample", "8")
    rows = bench(tmp_path, "relevance.py", "errors", *args)
    assert [row.split("|")[1].strip() for row in rows[2:]] == ["hubbot", "fts5-bm25", "tantivy"]


def test_relevance_on_held_out_phrasings(tmp_path: Path) -> None:
    content = shutil.copytree(FIXTURES / "content", tmp_path / "content")
    entry = content / "questions" / "react" / "q-react-render-twice.md"
    asked = "asked_as:\n- my component runs twice in dev\n- strict mode double render\n"
    entry.write_text(entry.read_text().replace("level: junior\n", "level: junior\n" + asked))
    rows = bench(tmp_path, "relevance.py", "phrasings", str(content), "--fold", "0", "1")
    assert [row.split("|")[1:4] for row in rows[2:5]] == [
        [" 0 ", " hubbot ", " 1 "],
        [" 0 ", " hubbot words only ", " 1 "],
        [" 0 ", " fts5-bm25 ", " 1 "],
    ]
    assert len(rows) == 8


def test_search_speed(tmp_path: Path) -> None:
    bench(tmp_path, "search.py", "--entries", "200")


def test_slack_http(tmp_path: Path) -> None:
    bench(tmp_path, "slack_http.py", "--requests", "4", "--concurrency", "2")


def test_mock_sessions(tmp_path: Path) -> None:
    args = ("--sessions", "2", "--people", "2", "--questions", "1", "--seconds", "1")
    bench(tmp_path, "mock_sessions.py", *args, "--rounds", "1")


def test_daily_fanout(tmp_path: Path) -> None:
    bench(tmp_path, "daily_fanout.py", "--subs", "3", "--runs", "sqlite:1")
