"""People and channels named in a message, in the form the core reads: `@id` and `#id`.

Slack writes `<@U123>`, `<@U123|name>`, `<#C123|name>`; Discord `<@123>`, `<@!123>`, `<#123>`.
Role mentions and Slack's `<!here>` are not people or channels and stay as they are.
"""

from __future__ import annotations

import re

REFERENCE = re.compile(r"<([#@])!?([A-Za-z0-9]+)(?:\|[^<>]*)?>")


def neutral_references(text: str) -> str:
    return REFERENCE.sub(r"\1\2", text)
