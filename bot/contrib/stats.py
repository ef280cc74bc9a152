"""`/hub stats` for moderators: what the workspace searched this week and found nothing good
for (each gap with *Suggest an entry*), daily-question turnout, open proposals, live mock
sessions. `hub stats` prints the same for every workspace."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from bot import searchlog
from bot.chat_text import defuse_mentions
from bot.commands import ChatContext, action, command
from bot.content.schema import MAX_ASKED_CHARS
from bot.contrib import store as proposals
from bot.contrib.commands import form_reply, may_moderate
from bot.contrib.draft import MAX_TITLE, TEMPLATES, titled
from bot.contrib.forms import entry_form
from bot.contrib.models import Proposal
from bot.daily.participation import ChannelTurnout, turnout
from bot.mock import store as mock_store
from bot.models import Kind, utcnow
from bot.replies import Button, Card, Field, Reply, usage
from bot.search.stats import SearchCounts, Searched, count_searches

if TYPE_CHECKING:
    from bot.hub import Hub

STATS_USAGE = "/hub stats"
WEEK = 7
TOP = 5
NOT_MODERATOR = "Only this workspace's moderators can see its stats."
GONE = Reply(text="That search is no longer in the log.", error=True)


@dataclass(frozen=True)
class Summary:
    days: int
    scoped: bool  # one workspace's (the card), or every workspace's (`hub stats`)
    searches: SearchCounts
    channels: list[ChannelTurnout]
    open_proposals: int
    oldest_proposal: Proposal | None
    mock_sessions: int

    def as_json(self) -> dict[str, Any]:
        oldest = self.oldest_proposal
        return {
            "days": self.days,
            "searches": self.searches.searches,
            "people": self.searches.people,
            "no_good_result": self.searches.no_good_result,
            "top_topics": [{"topic": t, "count": n} for t, n in self.searches.top_topics],
            "top_queries": [row.fields() for row in self.searches.top_queries],
            "top_gaps": [row.fields() for row in self.searches.top_gaps],
            "daily": [vars(row) for row in self.channels],
            "open_proposals": self.open_proposals,
            "oldest_proposal": None if oldest is None else {
                "id": oldest.id, "platform": oldest.platform,
                "workspace_id": oldest.workspace_id, "created_at": oldest.created_at.isoformat(),
            },
            "mock_sessions": self.mock_sessions,
        }  # fmt: skip


def summary(
    engine: Engine,
    days: int = WEEK,
    platform: str | None = None,
    workspace_id: str | None = None,
    now: datetime | None = None,
) -> Summary:
    """The last `days` days of one platform's workspace, or (None, None) of every workspace."""
    since = (now or utcnow()) - timedelta(days=days)
    count, oldest = proposals.open_proposals(engine, platform, workspace_id)
    return Summary(
        days=days,
        scoped=platform is not None,
        searches=count_searches(engine, since, TOP, platform, workspace_id),
        channels=turnout(engine, since.date(), platform, workspace_id),
        open_proposals=count,
        oldest_proposal=oldest,
        mock_sessions=mock_store.live_count(engine, platform, workspace_id),
    )


def shown(query: str) -> str:
    """A logged query as inline code that cannot ping or break out of its backticks."""
    return "`" + defuse_mentions(query.replace("`", "'"))[:80] + "`"


def counted(rows: list[Searched]) -> str:
    return "\n".join(f"{shown(row.query)} ×{row.count}" for row in rows) or "none"


def stats_card(found: Summary, buttons: bool = True) -> Card:
    """The summary as one card; with buttons, *Suggest an entry* on each search without a
    good result (its value: the newest such search in the log)."""
    searches = found.searches
    topics = " · ".join(f"{topic} {n}" for topic, n in searches.top_topics) or "none named"

    def channel(row: ChannelTurnout) -> str:
        where = "" if found.scoped else f"{row.platform}:{row.workspace_id} "
        return f"{where}<#{row.channel_id}> {row.answers} / {row.posts}"

    turnouts = " · ".join(map(channel, found.channels)) or "nothing posted"
    waiting = f"{found.open_proposals} waiting" if found.open_proposals else "none"
    if (oldest := found.oldest_proposal) is not None:
        waiting += f", the oldest #{oldest.id} from {oldest.created_at:%Y-%m-%d}"
    people = "person" if searches.people == 1 else "people"
    suggest = [
        Button(f"Suggest an entry: {defuse_mentions(row.query)}"[:75], "stats-suggest",
               str(row.log_id))
        for row in searches.top_gaps
    ]  # fmt: skip
    return Card(
        title=f"Hub stats: the last {found.days} days",
        subtitle=f"{searches.searches} searches by {searches.people} {people}, "
        f"{searches.no_good_result} without a good result",
        fields=(
            Field("Most searched topics", topics),
            Field("Most searched", counted(searches.top_queries)),
            Field("No good result", counted(searches.top_gaps)),
            Field("Daily question (answers / posts)", turnouts),
            Field("Open proposals", waiting),
            Field("Mock sessions", f"{found.mock_sessions} running"),
        ),
        buttons=tuple(suggest) if buttons else (),
    )


@command("stats", STATS_USAGE, "what this workspace searched and missed this week (moderators)")
def stats_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    if args.strip():
        return usage("`/hub stats` takes nothing after it.", STATS_USAGE)
    if not may_moderate(hub, ctx):
        return Reply(text=NOT_MODERATOR, error=True)
    found = summary(hub.engine, WEEK, ctx.platform, ctx.workspace_id)
    return Reply(cards=(stats_card(found),))


@action("stats-suggest")
def suggest_gap_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    """*Suggest an entry* on a gap: the `/hub suggest` template, titled with the search."""
    if not may_moderate(hub, ctx):
        return Reply(text=NOT_MODERATOR, error=True)
    row = searchlog.logged(hub.engine, int(value)) if value.isdigit() and len(value) < 13 else None
    if row is None or (row.platform, row.workspace) != (ctx.platform, ctx.workspace_id):
        return GONE
    kind = Kind(row.command) if row.command in Kind.__members__ else Kind.question
    searched = " ".join(row.query.split())
    title = defuse_mentions(searched)[:MAX_TITLE]
    # The entry it makes is asked for as it was searched.
    asked = textwrap.shorten(searched, MAX_ASKED_CHARS, placeholder="")
    opened = entry_form(kind, f"new:{kind.value}", {"title": title, "asked_as": asked})
    return form_reply(opened, f"/hub suggest {kind.value}", titled(TEMPLATES[kind], title))
