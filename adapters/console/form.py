"""A form in the terminal: one prompt per input, its label, whether it is needed, its limit and
what it holds now; typed answers are read one line at a time from the console's own reader."""

from __future__ import annotations

from collections.abc import Callable

from bot.replies import Form, Input

CANCEL = "cancel"
END = "."  # alone on a line: ends a several-line answer, or empties a one-line input
HOW = (
    "Answer each field in turn: Enter keeps what is shown, `.` alone empties it; a field of "
    "several lines ends at a line holding only `.` (an empty first line keeps what is shown); "
    "`cancel` abandons the form."
)

# The next line typed, with its newline; "" when the input has ended.
ReadLine = Callable[[], str]
Write = Callable[[str], None]


class Abandoned(Exception):
    """`cancel` was typed, or the input ended, in the middle of a form."""


def fill(form: Form, read: ReadLine, write: Write, prompt: str = "") -> dict[str, str]:
    """Every input's text: what is typed for each input (only those with a problem, when the
    form has some), the others as they are. Raises Abandoned."""
    values = {field.name: field.value for field in form.inputs}
    asked = [field for field in form.inputs if field.error or not form.has_errors]
    if not form.has_errors:
        write(f"== {form.title} ==\n{HOW}\n")
    for number, field in enumerate(asked, 1):
        write(f"\n{describe(field, number, len(asked))}\n{prompt}")
        values[field.name] = answer(field, read)
    return values


def describe(field: Input, number: int, count: int) -> str:
    need = "needed" if field.required else "optional"
    lines = [f"[{number}/{count}] {field.label} ({need}, at most {field.max_length:,} characters)"]
    if field.error:
        lines.append(f"  problem: {field.error}")
    if field.value:
        shown = field.value.replace("\n", "\n  | ")
        lines.append(f"  now: {shown}" if not field.multiline else f"  now:\n  | {shown}")
    elif field.hint:
        lines.append(f"  e.g. {field.hint}")
    if field.multiline:
        lines.append("  (several lines; end with a line holding only `.`)")
    return "\n".join(lines)


def answer(field: Input, read: ReadLine) -> str:
    first = next_line(read)
    if first.strip().lower() == CANCEL:
        raise Abandoned
    if not first.strip():
        return field.value
    if first.strip() == END:
        return ""
    if not field.multiline:
        return first.strip()
    lines = [first]
    while (line := next_line(read)).strip() != END:
        lines.append(line)
    return "\n".join(lines)


def next_line(read: ReadLine) -> str:
    line = read()
    if not line:
        raise Abandoned
    return line.rstrip("\r\n")
