"""People and channels named in a message, in the form the core reads: `@id` and `#id`.

Slack writes `<@U123>`, `<@U123|name>`, `<#C123|name>`; Discord `<@123>`, `<@!123>`, `<#123>`.
Role mentions and Slack's `<!here>` are not people or channels and stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

REFERENCE = re.compile(r"<([#@])!?([A-Za-z0-9]+)(?:\|[^<>]*)?>")


def neutral_references(text: str) -> str:
    return REFERENCE.sub(r"\1\2", text)


def named_references(text: str, names: Mapping[str, str]) -> str:
    """As `neutral_references`, with the people `names` knows written `@name`: a thread saved
    to the hub reads as its people read it, not as ids."""

    def named(found: re.Match[str]) -> str:
        sign, target = found.group(1), found.group(2)
        name = names.get(target) if sign == "@" else None
        return f"@{name}" if name else sign + target

    return REFERENCE.sub(named, text)


def people_named(text: str) -> list[str]:
    """The ids of the people a message names."""
    return [found.group(2) for found in REFERENCE.finditer(text) if found.group(1) == "@"]
