"""The App Home tab: what HubBot can do, and panels that features add when they exist.

Hook: a feature that wants a panel on the Home tab registers a core command (for example the
daily-question feature's `daily`, `streak` or `review`) and adds its name to HOME_PANELS. A
panel shows that command's reply for the person looking; panels whose command is not registered
are left out, so the tab grows as features land, with no change to this adapter's code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from adapters.slack.blocks import MAX_HOME_BLOCKS, reply_blocks
from bot.commands import COMMANDS, ChatContext
from bot.replies import Reply

# (heading, core command run for the viewer)
HOME_PANELS: tuple[tuple[str, str], ...] = (
    ("Daily question", "daily status"),
    ("Your streak", "streak"),
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
