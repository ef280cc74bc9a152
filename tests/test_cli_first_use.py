"""What a new user meets at the command line: whole answers, one store wherever they stand, and
messages that say what happened."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db import make_engine

from .conftest import FIXTURES, POSTGRES_URL, require_postgres
from .hub_process import HUB, hub_env

PASTE = "Error: listen EADDRINUSE: address already in use :::8080\n    at Server.listen\n"


def hub(
    folder: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HUB, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env or hub_env(f"sqlite:///{folder / 'cli.db'}", folder),
        cwd=folder,
        timeout=120,
    )


def test_error_prints_the_root_cause_and_the_fix(tmp_path: Path) -> None:
    out = hub(tmp_path, "error", stdin=PASTE)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Best match")
    assert "-- Root cause --" in out.stdout and "-- Fix --" in out.stdout
    assert "Another process already listens on the port" in out.stdout  # the fixture's root cause
    as_json = json.loads(hub(tmp_path, "error", "--json", stdin=PASTE).stdout)
    assert as_json[0]["root_cause"].startswith("Another process already listens on the port")
    assert as_json[0]["fix"].startswith("Stop the other process")


def test_show_prints_every_section_and_no_buttons(tmp_path: Path) -> None:
    out = hub(tmp_path, "show", "q-django-n-plus-one")
    assert out.returncode == 0, out.stderr
    for heading in ("Deep dive", "Real-world", "Common mistakes", "Production scenario"):
        assert f"-- {heading} --" in out.stdout
    assert "[1]" not in out.stdout and "Share to channel" not in out.stdout


def test_the_store_is_the_users_wherever_they_run(tmp_path: Path) -> None:
    env = hub_env("unused", tmp_path) | {"XDG_DATA_HOME": str(tmp_path / "data")}
    del env["HUB_DATABASE_URL"]
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    extra = tmp_path / "extra.jsonl"
    extra.write_text(
        json.dumps({"id": "q-python-only-here", "kind": "question", "topic": "python",
                    "title": "Where does the store live?", "answer": "In the data folder."})
    )  # fmt: skip
    assert hub(one, "import", str(extra), env=env).returncode == 0
    found = json.loads(hub(two, "search", "where does the store live", "--json", env=env).stdout)
    assert found[0]["id"] == "q-python-only-here"
    assert not list(one.iterdir()) and not list(two.iterdir())  # no hubbot.db beside the user
    store = tmp_path / "data" / "hubbot" / "hubbot.db"
    assert store.is_file()
    assert f"store: sqlite:///{store}" in hub(two, "--version", env=env).stdout
    status = hub(two, "db", "status", env=env).stdout
    assert f"store: sqlite:///{store}" in status and "schema: up to date" in status


def test_content_stats_counts_the_store_unless_given_files(tmp_path: Path) -> None:
    extra = tmp_path / "extra.jsonl"
    extra.write_text(
        json.dumps({"id": "q-go-extra", "kind": "question", "topic": "go",
                    "title": "An imported question", "answer": "Yes."})
    )  # fmt: skip
    assert hub(tmp_path, "show", "q-django-n-plus-one").returncode == 0  # seeded
    assert hub(tmp_path, "import", str(extra)).returncode == 0
    in_store = json.loads(hub(tmp_path, "content", "stats", "--json").stdout)
    in_files = json.loads(
        hub(tmp_path, "content", "stats", str(FIXTURES / "content"), "--json").stdout
    )
    assert in_store["source"].startswith("store sqlite:///")
    assert in_files["source"] == f"files in {FIXTURES / 'content'}"
    assert in_store["kinds"]["question"] == in_files["kinds"]["question"] + 1


def test_db_upgrade_says_what_it_did(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    env = hub_env(url, tmp_path)
    first = hub(tmp_path, "db", "upgrade", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"created the schema in {url} (")
    assert hub(tmp_path, "db", "upgrade", env=env).stdout == f"{url} was already up to date\n"


def test_db_upgrade_creates_the_schema_on_a_new_postgresql_database(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    require_postgres(request)
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text('CREATE SCHEMA "hubtest_cli_upgrade"'))
    try:
        env = hub_env(f"{POSTGRES_URL}?options=-csearch_path%3Dhubtest_cli_upgrade", tmp_path)
        out = hub(tmp_path, "db", "upgrade", env=env)
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith("created the schema in postgresql+psycopg://")
        assert "already up to date" in hub(tmp_path, "db", "upgrade", env=env).stdout
    finally:
        with admin.begin() as conn:
            conn.execute(text('DROP SCHEMA "hubtest_cli_upgrade" CASCADE'))
        admin.dispose()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "mysql://root@127.0.0.1/test",
            "error: unsupported database URL 'mysql': use sqlite:///path/to/hubbot.db or "
            "postgresql+psycopg://user@host/db\n",
        ),
        (
            "sqlite:////proc/hubbot/hub.db",
            "error: cannot create the store's folder /proc/hubbot: No such file or directory\n",
        ),
    ],
)
def test_a_store_that_cannot_be_used_is_one_line(tmp_path: Path, url: str, message: str) -> None:
    for args in (["search", "x"], ["db", "upgrade"], ["console"]):
        out = hub(tmp_path, *args, env=hub_env(url, tmp_path), stdin="")
        assert (out.returncode, out.stderr) == (1, message)


def test_plain_postgresql_urls_use_the_installed_driver(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    require_postgres(request)
    url = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    out = hub(tmp_path, "db", "status", env=hub_env(url, tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("store: postgresql://")


def test_help_shows_flags_without_a_type(tmp_path: Path) -> None:
    out = hub(tmp_path, "search", "--help")
    assert "--json" in out.stdout and "<bool>" not in out.stdout


def shorter(entry_id: str, topic: str = "django") -> str:
    return json.dumps(
        {
            "id": entry_id,
            "kind": "question",
            "topic": topic,
            "title": "N+1?",
            "answer": "Use joins.",
        }
    )


def test_import_refuses_to_replace_an_entry_with_a_lesser_one(tmp_path: Path) -> None:
    assert hub(tmp_path, "show", "q-django-n-plus-one").returncode == 0  # seeded
    lesser = tmp_path / "lesser.jsonl"
    lesser.write_text(shorter("q-django-n-plus-one") + "\n")
    refused = hub(tmp_path, "import", str(lesser))
    assert refused.returncode == 1
    assert "q-django-n-plus-one would replace a more complete entry: it has no Deep dive" in (
        refused.stderr
    )
    kept = json.loads(hub(tmp_path, "show", "q-django-n-plus-one", "--json").stdout)
    assert kept["deep_dive"].startswith("Test deep dive")
    replaced = hub(tmp_path, "import", str(lesser), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert "updated: q-django-n-plus-one\n" in replaced.stdout
    assert (
        json.loads(hub(tmp_path, "show", "q-django-n-plus-one", "--json").stdout)["deep_dive"]
        is None
    )


def test_topic_aliases_apply_on_import_and_in_queries(tmp_path: Path) -> None:
    aliased = tmp_path / "aliased.jsonl"
    aliased.write_text(shorter("q-node-streams", topic="Node") + "\n")
    assert hub(tmp_path, "import", str(aliased)).returncode == 0
    shown = json.loads(hub(tmp_path, "show", "q-node-streams", "--json").stdout)
    assert shown["topic"] == "nodejs"
    found = json.loads(hub(tmp_path, "search", "joins", "--topic", "node", "--json").stdout)
    assert [hit["id"] for hit in found] == ["q-node-streams"]
    unknown = tmp_path / "unknown.jsonl"
    unknown.write_text(shorter("q-rust-x", topic="rustt") + "\n")
    out = hub(tmp_path, "import", str(unknown))
    assert out.returncode == 1 and "unknown topic 'rustt'" in out.stderr
