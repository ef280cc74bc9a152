"""`/hub daily …`: set up, inspect and trigger a channel's daily question; its two buttons."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot import library
from bot.commands import Arg, ArgKind, ChannelAccess, ChatContext, action, command
from bot.daily import store
from bot.daily.models import DailyPost, DailySubscription, PostStatus
from bot.daily.participation import answered_in, leaderboard, record_answer, streak
from bot.daily.posting import answer_card
from bot.daily.schedule import (
    BadSchedule,
    days_label,
    next_occurrence,
    parse_days,
    parse_duration,
    parse_time,
    parse_zone,
    zone,
)
from bot.daily.store import Plan
from bot.member import Member
from bot.models import Entry, Level, utcnow
from bot.replies import Reply, Visibility, usage
from bot.topics import canonical_topic, unknown_topic

if TYPE_CHECKING:
    from bot.hub import Hub

DAILY_USAGE = (
    "/hub daily on [#channel] at HH:MM [time zone] [days mon-fri] [topic …] [level …] "
    "[reveal after 4h | reveal at HH:MM] · off · status · preview · now · leaderboard · mine"
)
CHANNEL = re.compile(r"^#([A-Za-z0-9_.-]{1,64})$")  # adapters give channels as #id
KEYWORDS = {"at", "days", "topic", "topics", "level", "levels", "reveal", "tz"}
MINE_LIMIT = 10  # channels listed by `/hub daily mine`
REFUSAL = "Only people who can manage this channel can change its daily question."
NOT_HERE = "I can't find that channel here: name a channel of this workspace (or server)."
GONE = Reply(text="That daily question is no longer available.", error=True)


def split_channel(ctx: ChatContext, words: list[str]) -> tuple[str, list[str]]:
    """An optional leading `#channel`; else the current one."""
    if words and words[0].startswith("#"):
        match = CHANNEL.match(words[0])
        if not match:
            raise BadSchedule(f"`{words[0][:40]}` is not a channel: use #channel.")
        return match.group(1), words[1:]
    if not ctx.channel_id:
        raise BadSchedule("Run this in a channel, or name one: #channel.")
    return ctx.channel_id, words


def parse_plan(channel: str, words: list[str], known_topics: set[str]) -> Plan:
    plan = Plan(channel)
    i = 0
    while i < len(words):
        word = words[i].lower()
        rest = words[i + 1 :]
        if word == "at" and rest:
            plan.post_time = parse_time(rest[0])
            i += 2
            if i < len(words) and words[i].lower() not in KEYWORDS:
                plan.timezone = parse_zone(words[i])
                i += 1
        elif word == "tz" and rest:
            plan.timezone = parse_zone(rest[0])
            i += 2
        elif word == "days" and rest:
            plan.days = parse_days(rest[0])
            i += 2
        elif word in ("topic", "topics", "level", "levels"):
            values: list[str] = []
            i += 1
            while i < len(words) and words[i].lower() not in KEYWORDS:
                values.extend(v for v in words[i].lower().split(",") if v)
                i += 1
            if not values:
                raise BadSchedule(f"`{word}` needs at least one value.")
            if word.startswith("topic"):
                values = [canonical_topic(v) for v in values]
                unknown = [v for v in values if v not in known_topics]
                if unknown:
                    raise BadSchedule(unknown_topic(unknown[0], known_topics))
                plan.topics = sorted(set(values))
            else:
                unknown = [v for v in values if v not in Level.__members__]
                if unknown:
                    raise BadSchedule(
                        f"Unknown level `{unknown[0][:30]}`: use {', '.join(Level.__members__)}."
                    )
                plan.levels = sorted(set(values))
        elif word == "reveal" and len(rest) >= 2 and rest[0].lower() in ("after", "at"):
            if rest[0].lower() == "after":
                plan.reveal_after, plan.reveal_time = parse_duration(rest[1]), None
            else:
                plan.reveal_time, plan.reveal_after = parse_time(rest[1]), None
            i += 3
        else:
            raise BadSchedule(f"I don't understand `{words[i][:30]}` here.")
    return plan


def describe(sub: DailySubscription) -> str:
    parts = [f"<#{sub.channel_id}> at {sub.post_time} {sub.timezone}, {days_label(sub.days)}"]
    if sub.topics:
        parts.append("topics " + ", ".join(sub.topics))
    if sub.levels:
        parts.append("levels " + ", ".join(sub.levels))
    if sub.reveal_time:
        parts.append(f"answer revealed at {sub.reveal_time}")
    elif sub.reveal_after_minutes:
        hours, minutes = divmod(sub.reveal_after_minutes, 60)
        parts.append(f"answer revealed after {hours}h{minutes:02d}" if minutes else
                     f"answer revealed after {hours}h")  # fmt: skip
    return ", ".join(parts)


def next_label(hub: Hub, sub: DailySubscription, now: datetime) -> str:
    """The next scheduled post that has not gone out yet."""
    taken = store.taken_days(hub.engine, sub, now)
    found = next_occurrence(sub.post_time, sub.timezone, sub.days, now, taken)
    if found is None:
        return "not scheduled"
    local = found[1].astimezone(zone(sub.timezone))
    return f"{local:%a %d %b %H:%M} {sub.timezone}"


@command(
    "daily",
    DAILY_USAGE,
    "a daily interview question in this channel",
    args=(
        Arg(
            "action",
            "on, off, status, preview, now or leaderboard (on, off, now: Manage Channels)",
            ArgKind.choice,
            required=True,
            choices=("on", "off", "status", "preview", "now", "leaderboard"),
        ),
        Arg(
            "options",
            "For on: [#channel] at HH:MM [time zone] [days mon-fri] [topics] [levels] "
            "[reveal after 4h | reveal at HH:MM]",
            max_length=500,
        ),
    ),
)
def daily_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    verb, _, rest = args.strip().partition(" ")
    verb = verb.lower() or "status"
    if verb == "mine":  # about the person, in no channel (the Slack Home tab has none)
        return mine(hub, ctx)
    handlers = {
        "on": turn_on,
        "off": turn_off,
        "status": status,
        "preview": preview,
        "now": post_now,
        "leaderboard": show_leaderboard,
    }
    handler = handlers.get(verb)
    if handler is None:
        return usage(f"`{verb[:20]}` is not a daily command.", DAILY_USAGE)
    try:
        channel, words = split_channel(ctx, rest.split())
        # A named channel is the platform's to vouch for: in the asker's workspace, and theirs
        # to manage when the command changes it.
        access = ctx.channel_access(channel)
        if access is ChannelAccess.elsewhere:
            return Reply(text=NOT_HERE, error=True)
        if verb in ("on", "off", "now") and access is not ChannelAccess.manager:
            return Reply(text=REFUSAL, error=True)
        return handler(hub, ctx, channel, words)
    except BadSchedule as exc:
        return usage(str(exc), DAILY_USAGE)


def turn_on(hub: Hub, ctx: ChatContext, channel: str, words: list[str]) -> Reply:
    plan = parse_plan(channel, words, library.question_topics(hub.engine))
    now = utcnow()
    sub, size = store.subscribe(hub.engine, Member.of(ctx), plan, now)
    if size == 0:
        return Reply(text="No questions match those topics and levels; nothing changed.",
                     error=True)  # fmt: skip
    hub.changed("daily")
    return Reply(
        text=f"Daily question on: {describe(sub)}. Next: {next_label(hub, sub, now)}. "
        f"{size} question{'s' if size != 1 else ''} in the pool."
    )


def turn_off(hub: Hub, ctx: ChatContext, channel: str, words: list[str]) -> Reply:
    who = Member.of(ctx)
    if not store.pause(hub.engine, who, channel, f"turned off by {who.label}", utcnow()):
        return Reply(text=f"There is no daily question running in <#{channel}>.")
    hub.changed("daily")
    return Reply(text=f"Daily question off in <#{channel}>. `/hub daily on` turns it back on.")


def status(hub: Hub, ctx: ChatContext, channel: str, words: list[str]) -> Reply:
    now = utcnow()
    sub = store.subscription(hub.engine, Member.of(ctx), channel)
    if sub is None:
        return no_daily_question(channel)
    last = store.last_post(hub.engine, sub)
    lines = [f"Daily question: {describe(sub)}."]
    if sub.active:
        lines.append(f"Next: {next_label(hub, sub, now)}.")
    else:
        lines.append(f"Paused — {sub.paused_reason or 'turned off'}.")
    if last is not None:
        note = f" ({last.error})" if last.error and last.status != PostStatus.posted else ""
        lines.append(f"Last post: {last.day.isoformat()}, {last.status}{note}.")
    return Reply(text="\n".join(lines))


def no_daily_question(channel: str) -> Reply:
    return Reply(text=f"No daily question in <#{channel}>. Start one: `/hub daily on at 09:30`.")


def preview(hub: Hub, ctx: ChatContext, channel: str, words: list[str]) -> Reply:
    now = utcnow()
    sub = store.subscription(hub.engine, Member.of(ctx), channel)
    if sub is None:
        return no_daily_question(channel)
    state, rows = store.pool_mix(hub.engine, sub)
    mix = Counter(f"{topic}/{level or '-'}" for topic, level in rows)
    round_note = (
        f"{state.left} of {state.size} questions not yet asked in this round"
        if state.left
        else f"all {state.size} questions asked: the next post starts a new round"
    )
    lines = [
        f"Next post: {next_label(hub, sub, now) if sub.active else 'paused'}.",
        f"Pool: {round_note}.",
        "Mix: " + ", ".join(f"{k} {v}" for k, v in sorted(mix.items())[:20]),
    ]
    return Reply(text="\n".join(lines))


def post_now(hub: Hub, ctx: ChatContext, channel: str, words: list[str]) -> Reply:
    sub = store.subscription(hub.engine, Member.of(ctx), channel)
    if sub is None:
        return Reply(text=f"Set up <#{channel}> first: `/hub daily on at 09:30`.", error=True)
    if store.queue_post(hub.engine, sub, utcnow()) is None:
        return Reply(text="No questions match this channel's topics and levels.", error=True)
    hub.changed("daily")
    return Reply(text=f"Posting a question in <#{channel}> now.")


def show_leaderboard(hub: Hub, ctx: ChatContext, channel: str, words: list[str]) -> Reply:
    sub = store.subscription(hub.engine, Member.of(ctx), channel)
    standings = leaderboard(hub.engine, sub.id, today_in(sub.timezone)) if sub and sub.id else []
    if not standings:
        return Reply(text="Nobody has answered a daily question here yet.")
    lines = [f"*Daily question leaderboard* — <#{channel}> (this week · all time · streak)"]
    for rank, s in enumerate(standings[:10], 1):
        lines.append(f"{rank}. {s.name or s.user_id}: {s.week} · {s.total} · {s.streak}")
    return Reply(text="\n".join(lines), visibility=Visibility.channel)


def mine(hub: Hub, ctx: ChatContext) -> Reply:
    """The daily questions the person takes part in (has answered) here, with their streak."""
    now = utcnow()
    subs = store.active_here(hub.engine, ctx.platform, ctx.workspace_id)
    if not subs:
        return Reply(text="No channel here has a daily question yet: `/hub daily on at 09:30`.")
    taking_part = answered_in(hub.engine, ctx.user_id, [s.id for s in subs if s.id is not None])
    yours = [s for s in subs if s.id in taking_part][:MINE_LIMIT]
    if not yours:
        channels = ", ".join(f"<#{s.channel_id}>" for s in subs[:MINE_LIMIT])
        return Reply(
            text=f"You have not answered a daily question yet. They are posted in {channels}: "
            "press *I answered* or reply in the question's thread."
        )
    lines = ["Daily questions you answer (your streak · the next question):"]
    for sub in yours:
        assert sub.id is not None
        days = streak(hub.engine, sub.id, Member.of(ctx))
        lines.append(f"• <#{sub.channel_id}>: {days} in a row · {next_label(hub, sub, now)}")
    return Reply(text="\n".join(lines))


def today_in(tz: str) -> date:
    return utcnow().astimezone(zone(tz)).date()


def _post(hub: Hub, ctx: ChatContext, value: str) -> tuple[DailyPost, Entry] | None:
    """The post a button names, if it is one of the clicker's workspace."""
    if not value.isdigit() or len(value) > 9:
        return None
    found = store.posted(hub.engine, int(value))
    if found is None or found.subscription is None or found.entry is None:
        return None
    sub = found.subscription
    if not Member.of(ctx).same_workspace(sub.platform, sub.workspace_id):
        return None
    return found.post, found.entry


@action("daily-answered")
def answered_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    found = _post(hub, ctx, value)
    if found is None:
        return GONE
    post, _ = found
    assert post.id is not None
    who = Member.of(ctx)
    counted = record_answer(hub.engine, post.id, who)
    days = streak(hub.engine, post.subscription_id, who)
    head = "Counted — thanks for answering!" if counted else "You're already counted for this one."
    return Reply(text=f"{head} Your streak here: {days}.")


@action("daily-reveal")
def reveal_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    found = _post(hub, ctx, value)
    if found is None:
        return GONE
    return Reply(cards=(answer_card(found[1]),))
