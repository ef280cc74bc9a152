"""Text for Slack: our Markdown to mrkdwn, escaped so it can never ping.

Slack's rules: `&`, `<` and `>` are control characters (`<!channel>`, `<@U123>`, `<url|label>`),
so every piece of user or content text has them escaped before we add our own links. Text we
render uses `verbatim` text objects, so Slack does not turn `@here` into a mention either; the
fallback `text` of a message gets a word joiner after `@` in the broadcast words, for the same
reason. Long text is cut to SECTION_LIMIT by the core (bot.chat_text.split_markdown).
"""

from __future__ import annotations

import re

from bot.chat_text import defuse_mentions

SECTION_LIMIT = 3000  # characters in a section block's text

FENCE = re.compile(r"^```[^\n`]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]+`")
LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^)\s]+)\)")
BARE_URL = re.compile(r"(?<![|\w/])(https?://[^\s<>|`]+[^\s<>|`.,;:!?)\]'\"])")
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+", re.MULTILINE)
CHANNEL_LINK = re.compile(r"&lt;#([CG][A-Z0-9]{2,20})(?:\|[^&<>|]{0,80})?&gt;")
SLACK_MARKUP = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
SLACK_CODE_BLOCK = re.compile(r"```(.*?)```", re.DOTALL)
BOLD_MARK = "\x00"  # stands for `*` while single-star italics are converted


def escape(text: str) -> str:
    """Escape Slack's control characters so text shows as typed and cannot mention anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str) -> str:
    """Text as typed, escaped: nothing in it can ping. Channel links (`<#C123>`) stay links:
    they notify no one, and the core names channels that way (both Slack and Discord read it)."""
    return CHANNEL_LINK.sub(r"<#\1>", defuse_mentions(escape(text)))


def from_slack(text: str) -> str:
    """What a person typed, from Slack's markup: links as typed, `<!here>` as @here, no entities.

    User and channel references (`<@U1>`, `<#C1|general>`) stay as they are, for
    adapters.references to turn into the core's `@U1` and `#C1`.
    """

    def unwrap(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith(("@", "#")):
            return match.group(0)
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        return label or target

    text = SLACK_MARKUP.sub(unwrap, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def fenced(text: str) -> str:
    """Slack's code blocks (```code```, on the lines of the text around them) as Markdown's
    fences, on lines of their own."""
    return SLACK_CODE_BLOCK.sub(lambda m: "\n```\n" + m.group(1).strip("\n") + "\n```\n", text)


def to_mrkdwn(markdown: str) -> str:
    """Our Markdown (bold, italics, headings, lists, links, inline and fenced code) as mrkdwn."""
    out: list[str] = []
    last = 0
    for fence in FENCE.finditer(markdown):
        out.append(_prose(markdown[last : fence.start()]))
        out.append("```\n" + escape(fence.group(1).rstrip("\n")) + "\n```")
        last = fence.end()
    out.append(_prose(markdown[last:]))
    return "".join(out).strip("\n")


def code_block(code: str) -> str:
    return "```\n" + escape(code.rstrip("\n")) + "\n```"


def _prose(text: str) -> str:
    parts: list[str] = []
    last = 0
    for span in INLINE_CODE.finditer(text):
        parts.append(_inline(text[last : span.start()]))
        parts.append(escape(span.group(0)))
        last = span.end()
    parts.append(_inline(text[last:]))
    return "".join(parts)


def _inline(text: str) -> str:
    links: list[str] = []

    def keep(rendered: str) -> str:
        links.append(rendered)
        return f"\x01{len(links) - 1}\x01"

    text = LINK.sub(lambda m: keep(f"<{escape(m.group(2))}|{plain(m.group(1))}>"), text)
    text = BARE_URL.sub(lambda m: keep(f"<{escape(m.group(1))}>"), text)
    text = plain(text)
    text = HEADING.sub(lambda m: f"{BOLD_MARK}{m.group(1)}{BOLD_MARK}", text)
    text = BOLD.sub(lambda m: f"{BOLD_MARK}{m.group(2)}{BOLD_MARK}", text)
    text = ITALIC.sub(r"_\1_", text)
    text = STRIKE.sub(r"~\1~", text)
    text = BULLET.sub(r"\1• ", text)
    text = text.replace(BOLD_MARK, "*")
    return re.sub("\x01(\\d+)\x01", lambda m: links[int(m.group(1))], text)
