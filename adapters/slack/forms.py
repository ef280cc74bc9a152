"""The core's forms as Slack modals, within Slack's limits: one text box per part of an input (a
plain_text_input holds at most 3,000 characters), what was typed read back by box, and a problem
shown on the box that holds its input's first part.

Where the form was opened (the core's action and value, the channel and thread) rides in the
view's private_metadata. Slack hands it back on submit; it is checked again before use: the core
checks the value, the adapter the channel.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from adapters.forms import boxes
from bot.replies import Form, Input, Reply

VIEW_CALLBACK = "hub_form"
BOX_LIMIT = 3000  # a plain_text_input's max_length
TITLE_LIMIT = 24  # a view's title, submit and close
LABEL_LIMIT = 2000
PLACEHOLDER_LIMIT = 150
MAX_VIEW_BLOCKS = 100
TYPED = "typed"  # the action_id of every text box


@dataclass(frozen=True)
class Origin:
    """What a form is about and where it was opened; read back from a submitted view."""

    action: str
    value: str
    channel: str = ""
    thread: str | None = None

    def metadata(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def of(cls, view: dict[str, Any]) -> Origin:
        """The origin a view carries; empty (a form the core does not know) when it is not ours."""
        try:
            data = json.loads(str(view.get("private_metadata") or ""))
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return cls("", "")

        def text(name: str) -> str:
            value = data.get(name)
            return value if isinstance(value, str) else ""

        return cls(text("action"), text("value"), text("channel"), text("thread") or None)


def plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit], "emoji": False}


def modal(form: Form, origin: Origin) -> dict[str, Any]:
    """The view that shows `form`: an input block per box, its block_id the box's key."""
    blocks = []
    for box in boxes(form, BOX_LIMIT):
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": TYPED,
            "multiline": box.input.multiline,
            "max_length": box.max_length,
        }
        if box.value:
            element["initial_value"] = box.value
        if box.input.hint:
            element["placeholder"] = plain(box.input.hint, PLACEHOLDER_LIMIT)
        blocks.append(
            {
                "type": "input",
                "block_id": box.key,
                "label": plain(box.label(LABEL_LIMIT), LABEL_LIMIT),
                "optional": not (box.input.required and box.part == 1),
                "element": element,
            }
        )
    return {
        "type": "modal",
        "callback_id": VIEW_CALLBACK,
        "title": plain(form.title, TITLE_LIMIT),
        "submit": plain(form.submit_label, TITLE_LIMIT),
        "close": plain("Cancel", TITLE_LIMIT),
        "private_metadata": origin.metadata(),
        "blocks": blocks,  # a form of more than 100 boxes Slack refuses: the text is shown
    }


def shown_form(view: dict[str, Any]) -> Form:
    """The inputs a submitted view showed, as far as joining its boxes back needs: each input's
    name, with room for as many boxes as the view had for it."""
    blocks = [b for b in view.get("blocks") or [] if b.get("type") == "input"]
    parts = Counter(str(b.get("block_id", "")).partition(".")[0] for b in blocks[:MAX_VIEW_BLOCKS])
    inputs = tuple(Input(name, name, max_length=BOX_LIMIT * n) for name, n in parts.items())
    return Form(title="", action="", inputs=inputs)


def typed_values(view: dict[str, Any]) -> dict[str, str]:
    """What was typed into each box of a submitted view, by block_id."""
    values = (view.get("state") or {}).get("values") or {}
    typed: dict[str, str] = {}
    for block_id, actions in values.items():
        state = actions.get(TYPED) if isinstance(actions, dict) else None
        value = state.get("value") if isinstance(state, dict) else None
        typed[str(block_id)] = value if isinstance(value, str) else ""
    return typed


def view_errors(view: dict[str, Any], refused: Reply) -> dict[str, str]:
    """A refused submit's problems by the view's block_ids: each on the box that holds its
    input's first part; one that no box of the view holds (a refusal, a form gone stale) on the
    first box. Empty for a view with no boxes."""
    ids = [str(b.get("block_id", "")) for b in view.get("blocks") or [] if b.get("type") == "input"]
    laid = boxes(refused.form, BOX_LIMIT) if refused.form is not None else []
    errors = {box.key: box.error for box in laid if box.error and box.key in ids}
    return errors or ({ids[0]: refused.text} if ids else {})
