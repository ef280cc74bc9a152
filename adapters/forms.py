"""A core form laid out within a platform's limits: an input longer than the platform's text
box becomes several boxes ("Code (2/3)"), and the boxes are put on pages of at most so many.
What was typed into the boxes is joined back into the core's inputs by name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.replies import Form, Input


@dataclass(frozen=True)
class Box:
    """One text box of a platform's form: part `part` of `of` of an input."""

    input: Input
    part: int
    of: int
    value: str
    max_length: int

    @property
    def key(self) -> str:
        """The box's id in the platform's payload: the input's name, and its part."""
        return self.input.name if self.of == 1 else f"{self.input.name}.{self.part}"

    def label(self, limit: int) -> str:
        suffix = "" if self.of == 1 else f" ({self.part}/{self.of})"
        return self.input.label[: limit - len(suffix)] + suffix

    @property
    def error(self) -> str:
        return self.input.error if self.part == 1 else ""


def cut(text: str, limit: int) -> list[str]:
    """`text` in pieces of `limit` characters (the last one shorter)."""
    return [text[start : start + limit] for start in range(0, len(text), limit)] or [""]


def boxes(form: Form, box_limit: int) -> list[Box]:
    """Every box of `form`, in order, for text boxes that hold at most `box_limit` characters."""
    laid: list[Box] = []
    for field in form.inputs:
        limit = max(field.max_length, len(field.value))  # a longer value is laid out whole
        count = max(1, -(-limit // box_limit))
        values = cut(field.value, box_limit)
        values += [""] * (count - len(values))
        for part, value in enumerate(values, start=1):
            size = min(box_limit, limit - box_limit * (part - 1))
            laid.append(Box(field, part, count, value, max(1, size)))
    return laid


def pages(form: Form, box_limit: int, per_page: int) -> list[list[Box]]:
    """The boxes on pages of at most `per_page` (Discord's modals hold five)."""
    laid = boxes(form, box_limit)
    return [laid[start : start + per_page] for start in range(0, len(laid), per_page)]


def joined(form: Form, box_limit: int, typed: Mapping[str, str]) -> dict[str, str]:
    """The core's values from what was typed into the boxes, by box key."""
    values: dict[str, str] = {}
    for box in boxes(form, box_limit):
        values[box.input.name] = values.get(box.input.name, "") + typed.get(box.key, "")
    return values
