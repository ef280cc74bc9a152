from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.content import ExportError, export_content, import_content
from bot.content.store import content_version, count_entries
from bot.models import Entry, LearningPath

from .conftest import FIXTURES


def jsonl(path: Path, *records: Mapping[str, object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_import_is_an_upsert_by_id(engine: Engine) -> None:
    first = import_content(engine, [FIXTURES / "content"])
    assert first.ok and first.created == 6 and first.updated == 0
    version = content_version(engine)
    again = import_content(engine, [FIXTURES / "content"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert content_version(engine) == version, "an import that changes nothing bumps nothing"
    with Session(engine) as session:
        assert len(session.exec(select(LearningPath)).all()) == 1
        entry = session.get(Entry, "q-django-n-plus-one")
        assert entry is not None and entry.tags == ["orm", "performance", "n+1"]


def test_changed_entry_is_updated(engine: Engine, tmp_path: Path) -> None:
    record = {
        "id": "e1",
        "kind": "error",
        "topic": "python",
        "title": "KeyError: '<key>'",
        "root_cause": "missing key",
        "fix": "use get",
    }
    import_content(engine, [jsonl(tmp_path / "a.jsonl", record)])
    result = import_content(engine, [jsonl(tmp_path / "b.jsonl", {**record, "fix": "use .get()"})])
    assert (result.created, result.updated) == (0, 1)
    with Session(engine) as session:
        row = session.get(Entry, "e1")
        assert row is not None and row.fix == "use .get()"
        assert row.updated_at > row.created_at


def test_any_problem_imports_nothing(engine: Engine, tmp_path: Path) -> None:
    good = {
        "id": "ok-1",
        "kind": "question",
        "topic": "react",
        "title": "What is JSX?",
        "answer": "Syntax.",
    }
    path = jsonl(tmp_path / "c.jsonl", good, {**good, "id": "ok-2"}, {**good, "id": "ok-1"})
    result = import_content(engine, [path])
    assert not result.ok
    assert result.problems[0].line == 3 and "duplicate id 'ok-1'" in result.problems[0].message
    assert count_entries(engine) == 0


# A longer fence around a script that prints a fence.
REPRODUCE = "````bash\necho '```'\necho 'Error: x: \"y\" <z>'\n````"


def test_round_trip_is_byte_identical(engine: Engine, tmp_path: Path) -> None:
    records: list[dict[str, object]] = [
        {
            "id": "r-1",
            "kind": "question",
            "topic": "react",
            "title": "What is  JSX?",
            "answer": "JSX is **syntax**:\n\n### Heading\n- a  \n  b\n\n## Not a section\n\ntext",
            "tags": ["Core React", "jsx"],
            "source": "somewhere (MIT)",
        },
        {"id": "r-2", "kind": "question", "topic": "react", "title": "Empty?", "answer": ""},
        {
            "id": "e-1",
            "kind": "error",
            "topic": "node",
            "title": 'Error: x: "y" <z>',
            "root_cause": "because\r\nof this",
            "fix": "```bash\nkill -9 <pid>\n```",
            "variants": ["Error: x: <z>", "x: 'y'"],
            "reproduce": REPRODUCE,
        },
    ]
    assert import_content(engine, [jsonl(tmp_path / "in.jsonl", *records), FIXTURES / "content"]).ok
    export_content(engine, tmp_path / "one")
    from bot.db import make_engine, upgrade

    second = make_engine(f"sqlite:///{tmp_path / 'second.db'}")
    upgrade(second)
    result = import_content(second, [tmp_path / "one"])
    assert result.ok, result.problems
    export_content(second, tmp_path / "two")
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.*"))
    two = sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*.*"))
    assert one == two and len(one) == 10  # nine files and the export marker
    for rel in one:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes()
    exported = (tmp_path / "two" / "errors" / "nodejs" / "e-1.md").read_text()  # node: an alias
    assert "variants: ['Error: x: <z>', 'x: ''y''']\n" in exported
    assert exported.endswith(f"## Reproduce\n\n{REPRODUCE}\n")
    with Session(second) as session:
        row = session.get(Entry, "e-1")
        assert row is not None and row.variants == ["Error: x: <z>", "x: 'y'"]
    second.dispose()


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder (links not followed) and what it holds."""
    return {
        str(p.relative_to(folder)): p.read_bytes() if not p.is_symlink() else b"-> link"
        for p in sorted(folder.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


def test_export_replaces_a_previous_export_without_following_links(
    engine: Engine, tmp_path: Path
) -> None:
    assert import_content(engine, [FIXTURES / "content"]).ok
    target = tmp_path / "exports" / "hub"
    assert export_content(engine, target) == 6
    expected = tree(target)
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    planted = target / "questions" / "django" / "q-django-n-plus-one.md"
    planted.unlink()
    planted.symlink_to(outside)
    (target / "questions" / "django" / "q-stale.md").write_text("an entry deleted since")
    (target / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    assert export_content(engine, target) == 6
    assert outside.read_text() == "precious"
    assert tree(target) == expected, "no stale files, no links, every file written anew"
    assert [p.name for p in target.parent.iterdir()] == ["hub"], "no temporary folder left"


def test_export_refuses_a_folder_that_is_not_an_export(engine: Engine, tmp_path: Path) -> None:
    assert import_content(engine, [FIXTURES / "content"]).ok
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="not empty and not a previous export: use --force"):
        export_content(engine, mine)
    assert tree(mine) == {"notes.txt": b"mine"}
    assert export_content(engine, mine, force=True) == 6
    assert not (mine / "notes.txt").exists() and (mine / ".hub-export").is_file()
    link = tmp_path / "link"
    link.symlink_to(mine, target_is_directory=True)
    with pytest.raises(ExportError, match="is a symbolic link"):
        export_content(engine, link, force=True)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="is not a directory"):
        export_content(engine, tmp_path / "file", force=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert export_content(engine, empty) == 6
