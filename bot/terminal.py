"""Text bound for a terminal: what comes from content or chat must not clear the screen, move
the cursor, retitle the window or ring the bell."""

from __future__ import annotations

import re

CONTROL = re.compile(
    # CSI (7- and 8-bit): parameters, intermediates, final byte.
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    # OSC, DCS, SOS, PM and APC strings, up to BEL or ST (or the end of the line).
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    # Any other escape (ESC c resets the terminal), then every other C0 or C1 control.
    r"|\x1b[ -/]*[0-~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def terminal_safe(text: str) -> str:
    """The text without control sequences and control characters; newlines and tabs stay."""
    return CONTROL.sub("", text)
