"""The App Home tab: what HubBot can do, and panels that features add when they exist.

Hook: a panel is a heading and a core command run for the person looking at the tab, and it is
shown only when that command is registered, so the tab grows as features land. The Home tab has
no channel, so only person-scoped commands fit: the person's daily questions with their streak,
and their review queue.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from adapters.slack.blocks import MAX_HOME_BLOCKS, reply_blocks
from bot.commands import COMMANDS, ChatContext
from bot.replies import Reply

# (heading, core command run for the viewer)
HOME_PANELS: tuple[tuple[str, str], ...] = (
    ("Your daily questions", "daily mine"),
    ("Your review queue", "review"),
)

INTRO = (
    "*HubBot* is the developer knowledge hub in Slack: interview questions with model answers "
    "and deep dives, a debug archive of real errors with their fixes, code snippets, learning "
    "paths and articles.\n"
    "• `/hub search <words>` in any channel — answers only you see, one click deep\n"
    "• `@HubBot <question or error>` — answers in a thread\n"
    "• On any message: *More actions* (⋮) → *Find a fix for this error*"
)


async def home_view(
    run: Callable[[ChatContext, str], Awaitable[Reply]], ctx: ChatContext
) -> dict[str, Any]:
    """The Home tab for one person (a `home` view for views.publish); `run` calls the core."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "HubBot"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": INTRO, "verbatim": True}},
        {"type": "divider"},
    ]
    help_reply = await run(ctx, "help")
    blocks.extend(reply_blocks(help_reply))
    for heading, command in HOME_PANELS:
        if command.split()[0] not in COMMANDS:
            continue
        panel = await run(ctx, command)
        if panel.error:
            continue
        blocks.append({"type": "divider"})
        blocks.extend(
            reply_blocks(
                Reply(text=f"**{heading}**\n{panel.text}", cards=panel.cards, buttons=panel.buttons)
            )
        )
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}
