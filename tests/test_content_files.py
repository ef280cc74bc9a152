from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import load_paths, render_entry
from bot.content.files import entry_file

from .conftest import FIXTURES


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """---
id: q-x
kind: question
title: A question?
topic: python
level: mid
---
Short answer.

## Deep dive

Deep.
"""


def test_fixture_content_loads_clean() -> None:
    found = load_paths([FIXTURES / "content"])
    assert found.problems == []
    assert {e.id for e, _ in found.entries} >= {"q-django-n-plus-one", "err-node-eaddrinuse"}
    assert [p.id for p, _ in found.paths] == ["path-test"]


def test_sections_are_parsed(tmp_path: Path) -> None:
    write(tmp_path, "questions/python/q-x.md", GOOD)
    ((entry, _),) = load_paths([tmp_path]).entries
    assert entry.answer == "Short answer."
    assert entry.deep_dive == "Deep."
    assert entry.real_world is None


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("no front matter\n", 1, "missing front matter"),
        ("---\nid: q-x\nkind: question\n", 1, "not closed"),
        ("---\nid: q-x\nkind: question\ntitle: [oops\n---\n", 4, "invalid YAML"),
        ("---\nid: q-x\nkind: poem\ntitle: t\ntopic: python\n---\n", 3, "unknown kind 'poem'"),
        ("---\nid: q-x\nkind: question\ntitle: t\ntopic: python\nlevel: guru\n---\n", 6, "level"),
        ("---\nid: q-x\nkind: question\ntopic: python\n---\n", 6, "missing 'title'"),
        (
            "---\nid: q-x\nkind: question\ntitle: t\ntopic: python\ncolour: red\n---\n",
            6,
            "unknown key 'colour'",
        ),
        (
            "---\nid: q-x\nkind: error\ntitle: t\ntopic: python\n---\nhello\n## Fix\n\nx\n",
            7,
            "needs root_cause",
        ),
        (
            "---\nid: q-x\nkind: question\ntitle: t\ntopic: python\n---\na\n## Deep dive\nb\n"
            "## Deep dive\nc\n",
            10,
            "appears twice",
        ),
    ],
)
def test_problems_name_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, "questions/python/q-x.md", text)
    found = load_paths([tmp_path])
    assert found.entries == []
    assert len(found.problems) == 1, found.problems
    problem = found.problems[0]
    assert problem.file == str(path)
    assert problem.line == line
    assert message in problem.message


def test_error_needs_root_cause_and_fix(tmp_path: Path) -> None:
    write(
        tmp_path,
        "errors/python/err-x.md",
        "---\nid: err-x\nkind: error\ntitle: 'E: x'\ntopic: python\n---\n## Fix\n\nDo y.\n",
    )
    (problem,) = load_paths([tmp_path]).problems
    assert "needs root_cause" in problem.message


def test_binary_empty_and_missing_files(tmp_path: Path) -> None:
    write(tmp_path, "a/q-x.md", GOOD)
    (tmp_path / "a" / "bin.md").write_bytes(b"---\x00\x01")
    (tmp_path / "a" / "latin.md").write_bytes(b"---\nid: caf\xe9\n")
    found = load_paths([tmp_path / "a", tmp_path / "missing"])
    messages = sorted(p.message for p in found.problems)
    assert any("binary" in m for m in messages)
    assert any("not UTF-8" in m for m in messages)
    assert any("no such file" in m for m in messages)


def test_duplicate_ids_and_dangling_links(tmp_path: Path) -> None:
    write(tmp_path, "questions/python/q-x.md", GOOD)
    write(
        tmp_path,
        "more.jsonl",
        '{"id": "q-x", "kind": "question", "topic": "python", "title": "again"}\n',
    )
    write(
        tmp_path,
        "paths/p.yml",
        "id: p\ntitle: P\nlevel: mid\nsteps:\n  - title: s\n    entries: [nope]\n",
    )
    messages = [p.message for p in load_paths([tmp_path]).problems]
    assert any("duplicate id 'q-x'" in m for m in messages)
    assert any("unknown entry 'nope'" in m for m in messages)


def test_jsonl_problems_carry_line_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.jsonl",
        '{"id": "a", "kind": "question", "topic": "react", "title": "ok"}\n'
        "{not json\n"
        '{"id": "b", "kind": "recipe", "topic": "react", "title": "t"}\n',
    )
    problems = load_paths([path]).problems
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [
        (2, "invalid JSON"),
        (3, "kind"),
    ]


def test_folder_must_match_topic_and_kind(tmp_path: Path) -> None:
    write(tmp_path, "questions/django/q-x.md", GOOD)
    (problem,) = load_paths([tmp_path]).problems
    assert "does not match its folder 'django'" in problem.message


def test_render_then_parse_is_identity(tmp_path: Path) -> None:
    found = load_paths([FIXTURES / "content"])
    for entry, _ in found.entries:
        path = entry_file(tmp_path, entry)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_entry(entry))
    again = load_paths([tmp_path])
    assert again.problems == []
    assert {e.id: e for e, _ in again.entries} == {e.id: e for e, _ in found.entries}


def billion_laughs() -> str:
    """Nine levels of nine aliases each: 9**9 strings once expanded, a few hundred bytes here."""
    levels = ['&l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"&l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, 10)]
    return "[" + ", ".join(levels) + "]"


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    text = f"---\nid: q-x\nkind: question\ntitle: t\ntopic: python\ntags: {billion_laughs()}\n---\n"
    path = write(tmp_path, "questions/python/q-x.md", text)
    found = load_paths([tmp_path])
    assert found.entries == []
    assert [str(p) for p in found.problems] == [
        f"{path}:6: invalid YAML: aliases (*name) are not allowed"
    ]


def test_yaml_aliases_are_refused_in_learning_paths(tmp_path: Path) -> None:
    text = "id: p\ntitle: &t P\nlevel: mid\nsteps:\n  - title: *t\n"
    path = write(tmp_path, "paths/p.yml", text)
    (problem,) = load_paths([tmp_path]).problems
    assert str(problem) == f"{path}:5: invalid YAML: aliases (*name) are not allowed"


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("title: t\n" + "# padding\n" * 7000, 2, "front matter too large (70,031 bytes"),
        ("title: t\ntags: " + "[" * 20_000 + "]" * 20_000 + "\n", 5, "nested too deeply"),
    ],
)
def test_big_or_deep_front_matter_is_one_problem(
    tmp_path: Path, front: str, line: int, message: str
) -> None:
    path = write(tmp_path, "questions/python/q-x.md", f"---\nid: q-x\nkind: question\n{front}---\n")
    (problem,) = load_paths([tmp_path]).problems
    assert (problem.file, problem.line) == (str(path), line)
    assert message in problem.message


# In the canonical form that render_entry writes.
REPRODUCED = """---
id: err-x
kind: error
title: 'KeyError: ''<key>'''
variants: ['KeyError: <key>', 'KeyError: ''<key>'' (from an older version)']
topic: python
source: hubbot
---

Raised by a dict lookup.

## Root cause

The key is missing.

## Fix

Use `dict.get`.

## Reproduce

```python
{}["user_id"]
```
"""


def test_an_error_carries_its_reproduction_and_variants(tmp_path: Path) -> None:
    path = write(tmp_path, "errors/python/err-x.md", REPRODUCED)
    ((entry, _),) = load_paths([tmp_path]).entries
    assert entry.reproduce == '```python\n{}["user_id"]\n```'
    assert entry.variants == ("KeyError: <key>", "KeyError: '<key>' (from an older version)")
    assert entry.fix == "Use `dict.get`."
    assert render_entry(entry) == path.read_text()


@pytest.mark.parametrize(
    ("reproduce", "message"),
    [
        ("```cobol\nDISPLAY 'x'.\n```", "runs with 'cobol': name one of python, node"),
        ("```\nprint(1)\n```", "runs with 'no runtime'"),
        ("Run it:\n\n```python\nprint(1)\n```", "exactly one fenced code block"),
        ("```python\na()\n```\n\n```python\nb()\n```", "exactly one fenced code block"),
    ],
)
def test_a_reproduction_is_one_block_of_a_known_runtime(
    tmp_path: Path, reproduce: str, message: str
) -> None:
    text = REPRODUCED.replace('```python\n{}["user_id"]\n```', reproduce)
    path = write(tmp_path, "errors/python/err-x.md", text)
    found = load_paths([tmp_path])
    assert found.entries == []
    (problem,) = found.problems
    assert problem.file == str(path) and message in problem.message


def test_only_errors_have_reproductions_and_variants(tmp_path: Path) -> None:
    write(
        tmp_path, "questions/python/q-x.md", GOOD.replace("level: mid", "level: mid\nvariants: [x]")
    )
    write(
        tmp_path,
        "q.jsonl",
        '{"id": "q-y", "kind": "question", "topic": "python", '
        '"title": "t", "reproduce": "```python\\nx\\n```"}\n',
    )
    messages = sorted(p.message for p in load_paths([tmp_path]).problems)
    assert messages == ["a question cannot have reproduce", "a question cannot have variants"]


def test_a_path_links_only_entries_on_its_topics(tmp_path: Path) -> None:
    write(tmp_path, "questions/python/q-x.md", GOOD)
    step = "steps:\n  - title: s\n    entries: [q-x]\n"
    write(tmp_path, "paths/p.yml", f"id: p\ntitle: P\nlevel: mid\ntopics: [php, laravel]\n{step}")
    write(tmp_path, "paths/q.yml", f"id: q\ntitle: Q\nlevel: advanced\ntopics: [py]\n{step}")
    found = load_paths([tmp_path])
    assert [p.message for p in found.problems] == [
        "step 1 links 'q-x' on python, not a topic of the path"
    ]
    loaded = {path.id: path for path, _ in found.paths}
    assert loaded["q"].level == "senior" and loaded["q"].topics == ("python",)  # old words read


ASKED = GOOD.replace(
    "level: mid",
    "asked_as:\n- why is my  loop slow\n- why is my loop slow\n- python for loop too slow\n"
    "level: mid",
)


def test_an_entry_says_how_people_ask_for_it(tmp_path: Path) -> None:
    write(tmp_path, "questions/python/q-x.md", ASKED)
    ((entry, _),) = load_paths([tmp_path]).entries
    assert entry.asked_as == ("why is my loop slow", "python for loop too slow")
    rendered = render_entry(entry)
    assert "asked_as:\n- why is my loop slow\n- python for loop too slow\nlevel: mid\n" in rendered
    write(tmp_path, "questions/python/q-x.md", rendered)
    assert load_paths([tmp_path]).entries == [(entry, f"{tmp_path}/questions/python/q-x.md:1")]


@pytest.mark.parametrize(
    ("asked_as", "message"),
    [
        ("[" + ", ".join(f"way {n}" for n in range(9)) + "]", "at most 8 items"),
        ("[" + "a" * 121 + "]", "at most 120 characters"),
        ("{a: 1}", "valid tuple"),
        ("[[a, b]]", "valid string"),
        ("[yes]", "valid string"),
    ],
)
def test_bad_asked_as_is_one_problem(tmp_path: Path, asked_as: str, message: str) -> None:
    path = write(
        tmp_path, "questions/python/q-x.md", GOOD.replace("level: mid", f"asked_as: {asked_as}")
    )
    found = load_paths([tmp_path])
    assert found.entries == []
    (problem,) = found.problems
    assert (problem.file, problem.line) == (str(path), 6)
    assert message in problem.message
