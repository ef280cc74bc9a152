"""The shape of what Slack sends, as far as bolt and HubBot's listeners rely on it.

bolt indexes into a body before any listener runs (ids for its context, the first action, the
event's type), at every depth: `event.message.user` as much as `user`. A signed body that does not
have Slack's shape (a list where Slack sends an object, a number where it sends an id) would fail
somewhere inside with a traceback; it is refused with 400 before bolt sees it.

The rules hold at any depth: ids and timestamps are text; objects, lists of objects, references
(an id, or an object with a text id) and text (a string, or a text object) are what their names
say. Inside message content (attachments, blocks), written by people and other apps, only the
containers are checked: legacy attachments number their `id` and `ts`.
"""

from __future__ import annotations

from typing import Any

TEXT = frozenset({"type", "subtype", "ts", "response_url", "command", "callback_id", "action_id",
    "block_id", "tab", "bot_id", "channel_type", "token", "bot_access_token", "trigger_id",
    "user_team"})  # fmt: skip
OBJECTS = frozenset({"event", "view", "message", "previous_message", "item", "assistant_thread",
    "container", "function_data", "workflow_step", "state"})  # fmt: skip
LISTS_OF_OBJECTS = frozenset({"actions", "authorizations", "attachments", "blocks", "fields",
    "elements"})  # fmt: skip
CONTENT = frozenset({"attachments", "blocks"})
TEXT_OR_OBJECT = frozenset({"user", "team", "channel", "enterprise", "text"})
NEVER_NULL = frozenset({"event", "view", "actions", "authorizations"})


def fits(key: str, value: Any, content: bool = False) -> bool:
    """Whether `value`, found under `key` (inside message content or not), has Slack's shape."""
    if value is None:
        return key not in NEVER_NULL
    if not content and (key in TEXT or key.endswith(("_id", "_ts"))):
        return isinstance(value, str)
    if key in OBJECTS:
        return isinstance(value, dict) and fits_object(value, content)
    if key in TEXT_OR_OBJECT:
        if isinstance(value, dict):
            return fits_object(value, content) and (content or isinstance(value.get("id", ""), str))
        return isinstance(value, str)
    if key in LISTS_OF_OBJECTS:
        inner = content or key in CONTENT
        return isinstance(value, list) and all(
            isinstance(item, dict) and fits_object(item, inner) for item in value
        )
    if isinstance(value, dict):
        return fits_object(value, content)
    if isinstance(value, list):
        return all(fits("", item, content) for item in value)
    return True


def fits_object(value: dict[str, Any], content: bool = False) -> bool:
    return all(fits(key, item, content) for key, item in value.items())


def well_formed(body: object) -> bool:
    """Whether a parsed body has the shape that bolt and the listeners rely on."""
    if not isinstance(body, dict) or not fits_object(body):
        return False
    # What bolt and the listeners take for granted in some kinds of body.
    kind = body.get("type") or ""
    if "command" in body and not body.get("response_url"):  # a slash command answers there
        return False
    if any(key in body and not body[key].get("type") for key in ("event", "view")):
        return False
    if kind in ("block_actions", "interactive_message") and not body.get("actions"):
        return False
    if kind == "block_actions" and not all("action_id" in a for a in body["actions"]):
        return False
    # Workflow steps from apps (retired by Slack): bolt reads the step of their edits and saves.
    view = body.get("view") or {}
    step = kind == "workflow_step_edit" or view.get("type") == "workflow_step"
    return not step or bool(body.get("workflow_step"))
