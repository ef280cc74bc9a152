"""Reading content from Markdown, YAML and JSON Lines files, and writing it back canonically."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.content.schema import EntryData, PathData
from bot.models import Kind

MAX_FILE_BYTES = 2_000_000
MAX_JSONL_BYTES = 200_000_000
# Front matter (and a learning path's YAML) is a handful of keys: a few KB.
MAX_YAML_BYTES = 64 * 1024
MAX_YAML_DEPTH = 32
KIND_FOLDERS = {
    "questions": Kind.question,
    "errors": Kind.error,
    "snippets": Kind.snippet,
    "articles": Kind.article,
}
FOLDER_OF_KIND = {kind: folder for folder, kind in KIND_FOLDERS.items()}
SECTION_HEADINGS: dict[Kind, dict[str, str]] = {
    Kind.question: {
        "deep dive": "deep_dive",
        "real-world": "real_world",
        "common mistakes": "common_mistakes",
        "production scenario": "production_scenario",
    },
    Kind.error: {"root cause": "root_cause", "fix": "fix", "reproduce": "reproduce"},
    Kind.snippet: {"code": "code"},
    Kind.article: {},
}
# The field that holds the text before the first heading.
PREAMBLE_FIELD = {
    Kind.question: "answer",
    Kind.error: "description",
    Kind.snippet: "description",
    Kind.article: "body",
}
FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w+#.-]*)\s*$")


class RefusedYAML(yaml.YAMLError):
    def __init__(self, problem: str, event: yaml.Event) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = event.start_mark


class ContentLoader(yaml.SafeLoader):
    """Safe YAML without aliases (a few bytes of `*name` can expand to gigabytes: the billion
    laughs) and without deep nesting (each level is a Python call)."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            raise RefusedYAML("aliases (*name) are not allowed", event)
        if self.depth >= MAX_YAML_DEPTH:
            raise RefusedYAML("nested too deeply", event)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


@dataclass(frozen=True, order=True)
class ContentProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class ContentSet:
    """What a set of files holds: entries and paths with where each came from, and problems."""

    entries: list[tuple[EntryData, str]] = field(default_factory=list)
    paths: list[tuple[PathData, str]] = field(default_factory=list)
    problems: list[ContentProblem] = field(default_factory=list)


# ---------------------------------------------------------------- reading


def load_paths(paths: Sequence[Path], known_ids: Iterable[str] = ()) -> ContentSet:
    """Read every content file under `paths`; duplicate ids and dangling links are problems."""
    found = ContentSet()
    for path in paths:
        if not path.exists():
            found.problems.append(ContentProblem(str(path), 0, "no such file or directory"))
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _is_content_file(p))
            if not files:
                found.problems.append(ContentProblem(str(path), 0, "no content files found"))
            for file in files:
                _load_file(file, found, root=path)
        else:
            _load_file(path, found, root=None)
    _check_duplicates(found)
    _check_links(found, set(known_ids))
    return found


def _is_content_file(path: Path) -> bool:
    return path.suffix in {".md", ".yml", ".yaml", ".jsonl"} and not path.name.startswith(".")


def _load_file(path: Path, found: ContentSet, root: Path | None) -> None:
    name = str(path)
    if path.suffix not in {".md", ".yml", ".yaml", ".jsonl"}:
        found.problems.append(ContentProblem(name, 0, "not a content file (.md, .yml or .jsonl)"))
        return
    limit = MAX_JSONL_BYTES if path.suffix == ".jsonl" else MAX_FILE_BYTES
    size = path.stat().st_size
    if size > limit:
        found.problems.append(ContentProblem(name, 0, f"file too large ({size:,} bytes)"))
        return
    raw = path.read_bytes()
    if b"\x00" in raw:
        found.problems.append(ContentProblem(name, 1, "binary file (contains NUL bytes)"))
        return
    try:
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        found.problems.append(ContentProblem(name, line, "not UTF-8 text"))
        return
    if path.suffix == ".jsonl":
        _load_jsonl(name, text, found)
    elif path.suffix == ".md":
        entry = _parse_markdown(name, text, found.problems)
        if entry is not None:
            _check_location(path, entry, root, found.problems)
            found.entries.append((entry, f"{name}:1"))
    else:
        path_data = _parse_path_yaml(name, text, found.problems)
        if path_data is not None:
            found.paths.append((path_data, f"{name}:1"))


def _load_jsonl(name: str, text: str, found: ContentSet) -> None:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            found.problems.append(ContentProblem(name, number, f"invalid JSON: {exc.msg}"))
            continue
        if not isinstance(record, dict):
            found.problems.append(ContentProblem(name, number, "expected a JSON object"))
            continue
        try:
            found.entries.append((EntryData.model_validate(record), f"{name}:{number}"))
        except ValidationError as exc:
            found.problems.append(ContentProblem(name, number, _first_error(exc)))


def _split_front_matter(
    name: str, text: str, problems: list[ContentProblem]
) -> tuple[str, list[str], int] | None:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(
            ContentProblem(name, 1, "missing front matter (the file must start with ---)")
        )
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), lines[index + 1 :], index + 2
    problems.append(ContentProblem(name, 1, "front matter is not closed with ---"))
    return None


def _yaml_mapping(
    name: str, text: str, first_line: int, problems: list[ContentProblem], what: str
) -> tuple[dict[str, Any], yaml.Node | None] | None:
    size = len(text.encode())
    if size > MAX_YAML_BYTES:
        problems.append(
            ContentProblem(
                name, first_line, f"{what} too large ({size:,} bytes, at most {MAX_YAML_BYTES:,})"
            )
        )
        return None
    loader = ContentLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        reason = getattr(exc, "problem", None) or "invalid YAML"
        problems.append(ContentProblem(name, line, f"invalid YAML: {reason}"))
        return None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        problems.append(ContentProblem(name, first_line, "expected a YAML mapping of keys"))
        return None
    return {str(k): v for k, v in data.items()}, node


def _node_line(node: yaml.Node | None, loc: Sequence[int | str], first_line: int) -> int:
    """The line of the YAML node that a validation error's location points at."""
    best = node
    for part in loc:
        if isinstance(best, yaml.MappingNode):
            match = next((v for k, v in best.value if k.value == part), None)
            if match is None:
                break
            best = match
        elif isinstance(best, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(best.value):
                break
            best = best.value[part]
        else:
            break
    return first_line + (best.start_mark.line if best is not None else 0)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"unknown key {where!r}"
    if error["type"] == "missing":
        return f"missing {where!r}"
    return f"{where}: {message}" if where else message


def _parse_markdown(name: str, text: str, problems: list[ContentProblem]) -> EntryData | None:
    split = _split_front_matter(name, text, problems)
    if split is None:
        return None
    front_text, body_lines, body_line = split
    parsed = _yaml_mapping(name, front_text, 2, problems, "front matter")
    if parsed is None:
        return None
    front, node = parsed
    return entry_from_parts(name, front, body_lines, body_line, problems, node)


def entry_from_parts(
    name: str,
    front: dict[str, Any],
    body_lines: list[str],
    body_line: int,
    problems: list[ContentProblem],
    node: yaml.Node | None = None,
) -> EntryData | None:
    """The entry of a file's front matter and body (the `## ` sections), validated; None with
    the first problem added to `problems`."""
    try:
        kind = Kind(str(front.get("kind", "")))
    except ValueError:
        line = _node_line(node, ["kind"], 2)
        problems.append(
            ContentProblem(
                name,
                line,
                f"unknown kind {front.get('kind')!r} (question, error, snippet or article)",
            )
        )
        return None
    sections = _parse_sections(name, kind, body_lines, body_line, problems)
    if sections is None:
        return None
    clash = sorted(set(front) & set(sections))
    if clash:
        problems.append(ContentProblem(name, 1, f"{clash[0]!r} is both in front matter and body"))
        return None
    if kind is Kind.snippet and "code" in sections:
        code = _parse_code(name, sections, front, problems)
        if code is None:
            return None
        sections["code"] = code
    try:
        return EntryData.model_validate({**front, **sections})
    except ValidationError as exc:
        loc = exc.errors()[0]["loc"]
        line = _node_line(node, loc, 2) if loc and str(loc[0]) in front else body_line
        problems.append(ContentProblem(name, line, _first_error(exc)))
        return None


def _parse_sections(
    name: str, kind: Kind, lines: list[str], first_line: int, problems: list[ContentProblem]
) -> dict[str, str] | None:
    headings = SECTION_HEADINGS[kind]
    current = PREAMBLE_FIELD[kind]
    parts: dict[str, list[str]] = {current: []}
    fence: str | None = None
    for offset, line in enumerate(lines):
        marker = FENCE.match(line)
        if marker and (fence is None or marker.group(1)[0] == fence[0]):
            fence = marker.group(1) if fence is None else None
        heading = line[3:].strip().lower() if fence is None and line.startswith("## ") else None
        if heading is not None and heading in headings:
            current = headings[heading]
            if current in parts:
                problems.append(
                    ContentProblem(
                        name, first_line + offset, f"section {line[3:].strip()!r} appears twice"
                    )
                )
                return None
            parts[current] = []
            continue
        parts[current].append(line)
    return {key: "\n".join(value) for key, value in parts.items()}


def _parse_code(
    name: str, sections: dict[str, str], front: dict[str, Any], problems: list[ContentProblem]
) -> str | None:
    lines = sections["code"].strip("\n").split("\n")
    opening = FENCE.match(lines[0]) if lines else None
    if opening is None or len(lines) < 2 or lines[-1].strip() != opening.group(1):
        problems.append(ContentProblem(name, 1, "## Code must hold exactly one fenced code block"))
        return None
    if opening.group(2) and "language" not in front:
        front["language"] = opening.group(2)
    return "\n".join(lines[1:-1])


def _parse_path_yaml(name: str, text: str, problems: list[ContentProblem]) -> PathData | None:
    parsed = _yaml_mapping(name, text, 1, problems, "learning path")
    if parsed is None:
        return None
    data, node = parsed
    try:
        return PathData.model_validate(data)
    except ValidationError as exc:
        problems.append(
            ContentProblem(name, _node_line(node, exc.errors()[0]["loc"], 1), _first_error(exc))
        )
        return None


def _check_location(
    path: Path, entry: EntryData, root: Path | None, problems: list[ContentProblem]
) -> None:
    name = str(path)
    if path.stem != entry.id:
        problems.append(ContentProblem(name, 1, f"id {entry.id!r} does not match the file name"))
    if root is None:
        return
    parents = path.relative_to(root).parts[:-1]
    folder = FOLDER_OF_KIND[entry.kind]
    if folder in parents:
        rest = parents[parents.index(folder) + 1 :]
        if rest and rest[0] != entry.topic:
            problems.append(
                ContentProblem(
                    name, 1, f"topic {entry.topic!r} does not match its folder {rest[0]!r}"
                )
            )
    elif any(p in KIND_FOLDERS for p in parents):
        problems.append(ContentProblem(name, 1, f"a {entry.kind.value} in the wrong kind folder"))


def _check_duplicates(found: ContentSet) -> None:
    seen: dict[str, str] = {}
    items: list[tuple[EntryData | PathData, str]] = [*found.entries, *found.paths]
    for entry, origin in items:
        if entry.id in seen:
            file, _, line = origin.rpartition(":")
            found.problems.append(
                ContentProblem(
                    file, int(line), f"duplicate id {entry.id!r} (first at {seen[entry.id]})"
                )
            )
        else:
            seen[entry.id] = origin


def _check_links(found: ContentSet, known: set[str]) -> None:
    """Every step links entries that exist and, where the set holds them, are on the path's
    subject (an entry only in the store is checked for existence)."""
    topics = {entry.id: entry.topic for entry, _ in found.entries}
    for path, origin in found.paths:
        file = origin.rpartition(":")[0]
        for number, step in enumerate(path.steps, start=1):
            for entry_id in step.entries:
                topic = topics.get(entry_id)
                if topic is None and entry_id not in known:
                    problem = f"step {number} links to unknown entry {entry_id!r}"
                elif topic is not None and path.topics and topic not in path.topics:
                    problem = (
                        f"step {number} links {entry_id!r} on {topic}, not a topic of the path"
                    )
                else:
                    continue
                found.problems.append(ContentProblem(file, 1, problem))


# ---------------------------------------------------------------- writing

FRONT_KEYS = (
    "id",
    "kind",
    "title",
    "variants",
    "topic",
    "tags",
    "asked_as",
    "level",
    "role",
    "source",
    "stack",
    "language",
    "dialect",
    "summary",
)


def _dump_front(data: dict[str, Any]) -> str:
    """Block-style YAML, with lists of words (tags) kept on one line; an entry's `asked_as`
    (phrases) a line each."""
    lines = []
    for key, value in data.items():
        one_line = key != "asked_as" and isinstance(value, list)
        if one_line and all(isinstance(v, str) for v in value):
            flow = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=100_000)
            lines.append(f"{key}: {flow.strip()}\n")
        else:
            lines.append(
                yaml.safe_dump(
                    {key: value},
                    sort_keys=False,
                    allow_unicode=True,
                    width=100_000,
                    default_flow_style=False,
                )
            )
    return "".join(lines)


def render_entry(entry: EntryData) -> str:
    """The canonical Markdown file for an entry: parsing it gives the same entry back."""
    front: dict[str, Any] = {}
    for key in FRONT_KEYS:
        value = getattr(entry, key)
        if key == "kind":
            value = entry.kind.value
        elif key == "level" and value is not None:
            value = value.value
        elif key in ("tags", "variants", "asked_as"):
            value = list(value) or None
        if value is not None:
            front[key] = value
    parts = ["---\n" + _dump_front(front) + "---\n"]
    preamble = PREAMBLE_FIELD[entry.kind]
    if getattr(entry, preamble):
        parts.append(getattr(entry, preamble) + "\n")
    titles = {field: heading for heading, field in SECTION_HEADINGS[entry.kind].items()}
    for field_name, heading in titles.items():
        value = getattr(entry, field_name)
        if not value:
            continue
        if field_name == "code":
            fence = "````" if "```" in value else "```"
            value = f"{fence}{entry.language or ''}\n{value}\n{fence}"
        parts.append(f"## {_heading_case(heading)}\n\n{value}\n")
    return "\n".join(parts)


def _heading_case(heading: str) -> str:
    return heading[0].upper() + heading[1:]


def render_path(path: PathData) -> str:
    return _dump_front(path.model_dump(mode="json", exclude_defaults=False))


def entry_file(root: Path, entry: EntryData) -> Path:
    return root / FOLDER_OF_KIND[entry.kind] / entry.topic / f"{entry.id}.md"


def path_file(root: Path, path: PathData) -> Path:
    return root / "paths" / f"{path.id}.yml"
