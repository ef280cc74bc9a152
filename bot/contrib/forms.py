"""The entry form: one per kind, its fields as in the content schema, validated as `hub content
check` validates a file, with every problem on the input that has it."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from bot.content.schema import MAX_ASKED_AS, MAX_ASKED_CHARS, EntryData
from bot.contrib.draft import MAX_ARTICLE, MAX_CODE, MAX_SECTION, MAX_TITLE, slug
from bot.models import SECTION_TITLES, Kind
from bot.replies import Form, Input

MAX_CREDIT = 150
MAX_ASKED_INPUT = MAX_ASKED_AS * (MAX_ASKED_CHARS + 1)

HEADLINE = {
    Kind.question: "The question",
    Kind.error: "The error message",
    Kind.snippet: "What the snippet does",
    Kind.article: "Title",
}
HINTS = {
    "title": "",
    "topic": "react, python, postgresql… (/hub topics lists them)",
    "level": "junior, mid, senior or architect",
    "tags": "a few words, comma-separated",
    "answer": "The short answer, as you would say it in an interview",
    "root_cause": "Why it happens",
    "fix": "What makes it go away, with the command or code",
    "description": "",
    "stack": "the runtime or framework: node, django, spring…",
    "language": "python, typescript, go, sql…",
    "code": "The code, runnable as it stands",
    "summary": "Two or three sentences",
    "body": "The article, in Markdown",
    "credit": "Who found the fix",
    "asked_as": f"How people ask for it in their own words: one a line, up to {MAX_ASKED_AS}",
}
# (field, required, limit, multiline) of each kind's form, in order.
FIELDS: dict[Kind, tuple[tuple[str, bool, int, bool], ...]] = {
    Kind.question: (
        ("level", True, 16, False),
        ("answer", True, MAX_SECTION, True),
        ("deep_dive", False, MAX_SECTION, True),
        ("real_world", False, MAX_SECTION, True),
        ("common_mistakes", False, MAX_SECTION, True),
        ("production_scenario", False, MAX_SECTION, True),
    ),
    Kind.error: (
        ("description", False, MAX_SECTION, True),
        ("root_cause", True, MAX_SECTION, True),
        ("fix", True, MAX_SECTION, True),
        ("stack", False, 40, False),
    ),
    Kind.snippet: (
        ("language", True, 40, False),
        ("description", False, MAX_SECTION, True),
        ("code", True, MAX_CODE, True),
    ),
    Kind.article: (
        ("summary", False, MAX_SECTION, True),
        ("body", True, MAX_ARTICLE, True),
    ),
}
LABELS = {
    "topic": "Topic",
    "level": "Level",
    "tags": "Tags",
    "stack": "Stack",
    "language": "Language",
    "credit": "Credit",
    "description": "Where it shows up",
    "asked_as": "Also asked as",
}


def inputs_of(kind: Kind, credit: bool = False) -> tuple[Input, ...]:
    """The empty inputs of a kind's form (`credit`: a thread's people, for a saved thread)."""
    fields = [
        ("title", True, MAX_TITLE, False),
        ("topic", True, 40, False),
        *FIELDS[kind],
        ("tags", False, 200, False),
        ("asked_as", False, MAX_ASKED_INPUT, True),
    ]
    if credit:
        fields.append(("credit", False, MAX_CREDIT, False))
    return tuple(
        Input(
            name=name,
            label=HEADLINE[kind] if name == "title" else label(name, kind),
            max_length=limit,
            multiline=multiline,
            required=required,
            hint=HINTS.get(name, ""),
        )
        for name, required, limit, multiline in fields
    )


def label(name: str, kind: Kind) -> str:
    if kind is Kind.snippet and name == "description":
        return "What it is for"
    return LABELS.get(name) or SECTION_TITLES.get(name, name.replace("_", " ").capitalize())


def values_of(entry: EntryData) -> dict[str, str]:
    """An entry as the form's values."""
    values = {name: str(getattr(entry, name) or "") for name in EntryData.model_fields}
    values["level"] = entry.level.value if entry.level else ""
    values["tags"] = ", ".join(entry.tags)
    values["asked_as"] = "\n".join(entry.asked_as)
    if credit := credit_of(entry):
        values["credit"] = credit
    return values


def credit_of(entry: EntryData) -> str:
    """Who an entry credits, when not the hub's own (a contributor, a saved thread's people)."""
    return "" if entry.source == EntryData.model_fields["source"].default else entry.source


def entry_form(
    kind: Kind,
    value: str,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    title: str = "",
    credit: bool = False,
) -> Form:
    """The form for `kind`, holding `values` (prefilled or as typed) and `errors` by input."""
    values = values or {}
    errors = errors or {}
    # A value longer than its input's limit (an entry's long title, text typed over the limit)
    # is shown whole, in an input wide enough to hold it: cutting it would lose it unseen.
    inputs = tuple(
        Input(
            name=field.name,
            label=field.label,
            value=values.get(field.name, ""),
            max_length=max(field.max_length, len(values.get(field.name, ""))),
            multiline=field.multiline,
            required=field.required,
            hint=field.hint,
            error=errors.get(field.name, ""),
        )
        for field in inputs_of(kind, credit or "credit" in values)
    )
    return Form(
        title=title or f"Suggest {'an' if kind in (Kind.error, Kind.article) else 'a'} {kind}",
        action="suggest",
        value=value,
        inputs=inputs,
        submit_label="Send for review",
    )


def read_form(
    kind: Kind,
    values: Mapping[str, str],
    entry_id: str | None = None,
    current: EntryData | None = None,
) -> EntryData | dict[str, str]:
    """The entry the form's values make, or the problem of each input that has one. For an edit,
    what the form does not show (the role, the reproduction…) is kept from `current`."""
    typed = {name: text.strip() for name, text in values.items()}  # cleaned at the hub's door
    errors: dict[str, str] = {}
    shown = inputs_of(kind, "credit" in typed)
    fields: dict[str, object] = {}
    limits = {field.name: field.max_length for field in shown}
    if current is not None:
        hidden = set(EntryData.model_fields) - set(limits) - {"id", "kind"}
        fields = current.model_dump(include=hidden, exclude_defaults=True)
        # What the entry already holds is not refused for being longer than a new text may be.
        for name, text in values_of(current).items():
            if name in limits:
                limits[name] = max(limits[name], len(text))
    for field in shown:
        text = typed.get(field.name, "")
        if len(text) > limits[field.name]:
            errors[field.name] = f"{len(text):,} characters; at most {limits[field.name]:,}"
        elif field.required and not text:
            errors[field.name] = "Needed."
        elif text:
            fields[field.name] = text
    if errors:
        return errors
    if "asked_as" in typed:
        fields["asked_as"] = typed["asked_as"].splitlines()
    credit = fields.pop("credit", None)
    if credit:
        fields["source"] = credit
    title = str(fields["title"])
    try:
        return EntryData.model_validate(
            {"id": entry_id or slug(title), "kind": kind.value, **fields}
        )
    except ValidationError as exc:
        return problems_by_input(exc)


def problems_by_input(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in exc.errors():
        where = str(problem["loc"][0]) if problem["loc"] else "title"
        where = "credit" if where == "source" else where
        message = str(problem["msg"]).removeprefix("Value error, ")
        if where == "asked_as" and len(problem["loc"]) > 1:
            message = f"line {int(problem['loc'][1]) + 1}: {message}"
        if where == "id":  # made from the title
            where, message = "title", "needs a few letters or digits"
        errors.setdefault(where, message[:300])
    return errors
