"""`/hub suggest`, `/hub proposals`, `/hub moderators`, `/hub moderation channel`, and the
buttons of entry cards (*Suggest an edit*) and of proposal cards (*Approve*, *Edit*, *Reject*)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.chat_text import defuse_mentions
from bot.commands import Arg, ArgKind, ChannelAccess, ChatContext, action, command, form
from bot.content.schema import EntryData
from bot.content.store import entry_data
from bot.contrib import store
from bot.contrib.draft import TEMPLATES, draft_text, parse_draft, unified_diff
from bot.contrib.forms import credit_of, entry_form, read_form, values_of
from bot.contrib.models import Proposal, State
from bot.contrib.store import Refused
from bot.library import entry as stored_entry
from bot.member import Member
from bot.models import Kind
from bot.replies import Button, Card, Code, Form, Reply, Style, usage

if TYPE_CHECKING:
    from bot.hub import Hub

SUGGEST_USAGE = "/hub suggest <question|error|snippet|article|edit ID> then the entry as text"
PROPOSALS_USAGE = "/hub proposals list · show ID · approve ID · reject ID <reason> · withdraw ID"
MODERATORS_USAGE = "/hub moderators add @someone · remove @someone · list"
MODERATION_USAGE = "/hub moderation channel #channel"
PERSON = re.compile(r"^@([A-Za-z0-9_.-]{1,64})$")
CHANNEL = re.compile(r"^#([A-Za-z0-9_.-]{1,64})$")
NOT_MODERATOR = "Only this workspace's moderators can decide proposals."
GONE = Reply(text="That proposal is no longer available.", error=True)
GONE_FORM = Reply(
    text="That form is out of date: what it was opened for is gone. Nothing was sent.", error=True
)
MAX_DIFF = 2_800


def may_moderate(hub: Hub, ctx: ChatContext) -> bool:
    """Listed moderators, and people who may manage the channel (admins) by default."""
    return store.is_moderator(hub.engine, Member.of(ctx)) or ctx.may_manage_channel()


# --------------------------------------------------------------------------- suggesting


@command(
    "suggest",
    SUGGEST_USAGE,
    "propose a new entry (or an edit) to the moderators",
    args=(
        Arg("kind", "What to propose", ArgKind.choice, required=True,
            choices=("question", "error", "snippet", "article")),
        Arg("entry", "The entry as text: title:, topic:, level: lines, then ## sections",
            max_length=6000),
    ),
)  # fmt: skip
def suggest_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    first, _, body = args.strip().partition("\n")
    words = first.split(maxsplit=2)
    what = words[0].lower() if words else ""
    if what == "edit":
        target = words[1].lower()[:64] if len(words) > 1 else ""
        rest = (words[2] if len(words) > 2 else "") + "\n" + body
        return suggest_edit(hub, ctx, target, rest)
    if what not in Kind.__members__:
        return usage("What do you want to propose?", SUGGEST_USAGE)
    kind = Kind(what)
    text = " ".join(words[1:]) + "\n" + body
    if not text.strip():
        return form_reply(
            entry_form(kind, f"new:{kind.value}"), f"/hub suggest {kind.value}", TEMPLATES[kind]
        )
    return submit(hub, ctx, parse_draft(kind, text), None, None)


def form_reply(opened: Form, command_line: str, template: str) -> Reply:
    """A form to fill in; where none can be opened, how to send the entry as text instead."""
    return Reply(
        text=f"Send `{command_line}` followed by the entry on the next lines, like this "
        "(the `## ` sections as in the hub's content files):",
        cards=(Card(title="Template", code=Code("markdown", f"{command_line}\n{template}")),),
        form=opened,
    )


def suggest_edit(hub: Hub, ctx: ChatContext, target: str, text: str) -> Reply:
    row = stored_entry(hub.engine, target) if target else None
    if row is None:
        return usage(f"No entry with id `{target[:64]}`.", SUGGEST_USAGE)
    current = entry_data(row)
    before = draft_text(current)
    if not text.strip():
        opened = entry_form(
            current.kind,
            edit_value(current.id, before),
            values_of(current),
            title="Suggest an edit",
        )
        return form_reply(opened, f"/hub suggest edit {current.id}", before)
    return submit(hub, ctx, parse_draft(current.kind, text, current), current.id, before)


def edit_value(entry_id: str, text: str) -> str:
    """An edit form's value: the entry, and a fingerprint of its text when the form opened."""
    return f"edit:{entry_id}:{hashlib.sha256(text.encode()).hexdigest()[:10]}"


@form("suggest")
def suggest_form(hub: Hub, ctx: ChatContext, value: str, values: Mapping[str, str]) -> Reply:
    """A submitted entry form: `new:KIND`, `thread:error` (*Save to hub*, with *Credit*),
    `edit:ENTRY-ID:FINGERPRINT` (of the entry's text when the form opened) or a moderator's
    `proposal:NUMBER:VERSION` (the version it opened on)."""
    what, _, ref = value.partition(":")
    if what == "proposal":
        return edit_proposal(hub, ctx, ref, values)
    target_id: str | None = None
    base_text: str | None = None
    current: EntryData | None = None
    if what in ("new", "thread") and ref in Kind.__members__:
        kind = Kind(ref)
        values = shown_only(values, credit=what == "thread")
    elif what == "edit" and (row := stored_entry(hub.engine, ref.partition(":")[0][:64])):
        current = entry_data(row)
        kind, target_id, base_text = current.kind, current.id, draft_text(current)
        values = shown_only(values, credit="credit" in values_of(current))
        if value != (now := edit_value(current.id, base_text)):
            return Reply(
                text=f"Entry `{current.id}` changed since you opened this form; nothing was sent. "
                "What you typed is kept: check it against the entry as it is now "
                f"(`/hub show {current.id}`) and send it again.",
                error=True,
                form=entry_form(kind, now, values, title="Suggest an edit"),
            )
    else:
        return GONE_FORM
    parsed = read_form(kind, values, target_id, current)
    if isinstance(parsed, dict):
        opened = entry_form(
            kind, value, values, parsed, title="Suggest an edit" if target_id else ""
        )
        return not_sent(opened, parsed)
    return submit(hub, ctx, parsed, target_id, base_text)


def shown_only(values: Mapping[str, str], credit: bool) -> Mapping[str, str]:
    """The values of a form's inputs: *Credit* only on a form that showed it (a saved thread,
    an entry or proposal that has one), never because a payload named it."""
    return values if credit else {name: text for name, text in values.items() if name != "credit"}


def not_sent(opened: Form, errors: Mapping[str, str]) -> Reply:
    """The form again, with its first problem said."""
    name, problem = next(iter(errors.items()))
    return Reply(text=f"Not sent yet: {name}: {problem}", error=True, form=opened)


def submit(
    hub: Hub,
    ctx: ChatContext,
    parsed: EntryData | str,
    target_id: str | None,
    base_text: str | None,
) -> Reply:
    if isinstance(parsed, str):
        return usage(f"Not submitted — {parsed}. Fix it and send it again.", SUGGEST_USAGE)
    who = Member.of(ctx)
    moderated = store.channel(hub.engine, who.platform, who.workspace_id) is not None
    try:
        done = store.submit(hub.engine, who, parsed, target_id, base_text, announce=moderated)
    except Refused as exc:
        return Reply(text=str(exc), error=True)
    number = done.proposal.id
    if not done.new:
        return Reply(text=f"You already sent this: it is proposal #{number}.")
    hub.changed("proposals")
    where = "the moderators" if moderated else "a moderator (`/hub proposals list`)"
    return Reply(text=f"Thanks! Proposal #{number} is waiting for {where}. You'll get a DM.")


@action("suggest-edit")
def suggest_edit_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    return suggest_edit(hub, ctx, value.strip().lower()[:64], "")


# --------------------------------------------------------------------------- cards


def proposal_card(row: Proposal, buttons: bool = True) -> Card:
    """A proposal as the moderators see it; everything a person typed is defused."""
    data = EntryData.model_validate(row.entry)
    what = f"edit of `{row.target_id}`" if row.target_id else f"new {row.kind}"
    author = defuse_mentions(row.author_name or row.user_id)
    if credit := credit_of(data):
        author += f" · credit: {defuse_mentions(credit)}"
    shown = draft_text(data)
    if row.base_text is not None:
        shown = unified_diff(row.base_text, shown) or "(no change)"
    if len(shown) > MAX_DIFF:
        shown = shown[:MAX_DIFF] + "\n… (cut: `hub proposals show` has it all)"
    actions = (
        Button("Approve", "proposal-approve", str(row.id), Style.primary),
        Button("Edit", "proposal-edit", str(row.id)),
        Button("Reject", "proposal-reject", str(row.id), Style.danger),
    )
    return Card(
        title=defuse_mentions(f"Proposal #{row.id}: {data.title}"),
        subtitle=f"{what} · by {author} · {row.state}",
        code=Code("diff" if row.base_text is not None else "markdown", defuse_mentions(shown)),
        buttons=actions if buttons and row.state == State.pending else (),
        footer=f"proposal {row.id}" + (f" · {defuse_mentions(row.reason)}" if row.reason else ""),
    )


def outcome_reply(row: Proposal) -> Reply:
    title = defuse_mentions(str(row.entry.get("title", ""))[:200])
    if row.state == State.approved:
        text = f"Your proposal #{row.id} “{title}” was approved: `/hub show {row.entry_id}`."
    else:
        reason = defuse_mentions(row.reason or "no reason given")
        text = f"Your proposal #{row.id} “{title}” was not accepted. The moderator said: {reason}"
    return Reply(text=text)


# --------------------------------------------------------------------------- deciding


def pending_for_moderator(hub: Hub, ctx: ChatContext, value: str) -> Proposal | Reply:
    """The pending proposal `value` names, if it is of the caller's workspace and they may
    moderate it; else why not."""
    row = store.in_workspace(hub.engine, ctx.platform, ctx.workspace_id, value.strip())
    if row is None:
        return GONE
    if not may_moderate(hub, ctx):
        return Reply(text=NOT_MODERATOR, error=True)
    if row.state != State.pending:
        return Reply(text=f"Proposal #{row.id} was already {row.state}.")
    return row


def decide(hub: Hub, ctx: ChatContext, verb: str, value: str, reason: str = "") -> Reply:
    """Approve or reject the proposal `value` names, for a moderator of its workspace."""
    row = pending_for_moderator(hub, ctx, value)
    if isinstance(row, Reply):
        return row
    moderator = (ctx.user_name or ctx.user_id)[:80]
    if verb == "approve":
        try:
            written = store.approve(hub.engine, row, moderator, ctx.user_id)
        except Refused as exc:
            return Reply(text=str(exc), error=True)
        if written is None:
            return Reply(text=f"Proposal #{row.id} was already decided.")
        hub.changed("proposals")
        return Reply(text=f"Approved #{row.id}: `/hub show {written}`. The author gets a DM.")
    if not reason.strip():
        return usage(
            f"Say why, for the author: `/hub proposals reject {row.id} <reason>`.", PROPOSALS_USAGE
        )
    if not store.reject(hub.engine, row, moderator, reason.strip()[:1000], ctx.user_id):
        return Reply(text=f"Proposal #{row.id} was already decided.")
    hub.changed("proposals")
    return Reply(text=f"Rejected #{row.id}. The author gets a DM with your reason.")


@action("proposal-approve")
def approve_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    return decide(hub, ctx, "approve", value)


@action("proposal-reject")
def reject_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    return decide(hub, ctx, "reject", value)


def proposal_form(
    row: Proposal, typed: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None
) -> Form:
    """The entry form on a pending proposal as of its version: the proposed entry, or `typed`."""
    data = EntryData.model_validate(row.entry)
    values = values_of(data) if typed is None else typed
    value = f"proposal:{row.id}:{row.version}"
    return entry_form(data.kind, value, values, errors, title=f"Edit proposal #{row.id}")


@action("proposal-edit")
def edit_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    """*Edit* on a proposal's card: the entry form filled with the proposed entry."""
    row = pending_for_moderator(hub, ctx, value)
    if isinstance(row, Reply):
        return row
    text = f"Editing proposal #{row.id} needs a form, which cannot be opened here."
    return Reply(text=text, form=proposal_form(row))


def edit_proposal(hub: Hub, ctx: ChatContext, ref: str, values: Mapping[str, str]) -> Reply:
    """A moderator's edit of a pending proposal, from the form opened on `NUMBER:VERSION`; if
    the proposal changed since, the form comes back with what was typed, on the new version."""
    number, _, version = ref.partition(":")
    if not version.isdigit():
        return GONE_FORM
    row = pending_for_moderator(hub, ctx, number)
    if isinstance(row, Reply):
        return row
    if row.version != int(version):
        return changed_meanwhile(row, values)
    proposed = EntryData.model_validate(row.entry)
    values = shown_only(values, credit="credit" in values_of(proposed))
    parsed = read_form(proposed.kind, values, row.target_id, proposed)
    if isinstance(parsed, dict):
        return not_sent(proposal_form(row, values, parsed), parsed)
    if not store.edit(hub.engine, row, parsed):
        now = store.get(hub.engine, row.id or 0)
        if now is None or now.state != State.pending:
            return Reply(text=f"Proposal #{row.id} was decided meanwhile; nothing was changed.")
        return changed_meanwhile(now, values)
    edited = store.get(hub.engine, row.id or 0)
    if edited is None:
        return GONE
    return Reply(text=f"Edited proposal #{row.id}.", cards=(proposal_card(edited),))


def changed_meanwhile(row: Proposal, typed: Mapping[str, str]) -> Reply:
    return Reply(
        text=f"Proposal #{row.id} changed meanwhile; nothing was changed. What you typed is "
        "kept: save it again to replace the new version, or cancel.",
        error=True,
        form=proposal_form(row, typed),
    )


@command(
    "proposals",
    PROPOSALS_USAGE,
    "review proposed entries (moderators), or withdraw yours",
    args=(
        Arg("action", "list, show, approve, reject or withdraw", ArgKind.choice, required=True,
            choices=("list", "show", "approve", "reject", "withdraw")),
        Arg("id", "The proposal's number", ArgKind.word),
        Arg("reason", "Why it is rejected (for the author)", max_length=1000),
    ),
)  # fmt: skip
def proposals_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    verb, _, rest = args.strip().partition(" ")
    number, _, reason = rest.strip().partition(" ")
    verb = verb.lower() or "list"
    if verb in ("approve", "reject"):
        return decide(hub, ctx, verb, number, reason)
    if verb == "withdraw":
        row = store.in_workspace(hub.engine, ctx.platform, ctx.workspace_id, number)
        if row is None or row.user_id != ctx.user_id:
            return GONE
        if not store.withdraw(hub.engine, row):
            return Reply(text=f"Proposal #{row.id} was already {row.state}.")
        return Reply(text=f"Withdrawn #{row.id}.")
    if verb not in ("list", "show"):
        return usage(f"`{verb[:20]}` is not a proposals command.", PROPOSALS_USAGE)
    if not may_moderate(hub, ctx):
        return Reply(text=NOT_MODERATOR, error=True)
    if verb == "show":
        row = store.in_workspace(hub.engine, ctx.platform, ctx.workspace_id, number)
        return GONE if row is None else Reply(cards=(proposal_card(row),))
    rows = store.listing(hub.engine, State.pending, ctx.platform, ctx.workspace_id, limit=10)
    if not rows:
        return Reply(text="No proposals are waiting.")
    return Reply(text="Proposals waiting:", cards=tuple(proposal_card(row) for row in rows))


# --------------------------------------------------------------------------- moderators


@command(
    "moderators",
    MODERATORS_USAGE,
    "who may approve proposals here (admins)",
    args=(
        Arg("action", "add, remove or list", ArgKind.choice, required=True,
            choices=("add", "remove", "list")),
        Arg("who", "@someone"),
    ),
)  # fmt: skip
def moderators_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    verb, _, rest = args.strip().partition(" ")
    verb = verb.lower() or "list"
    by = Member.of(ctx)
    if verb == "list":
        names = store.moderators(hub.engine, by.platform, by.workspace_id)
        listed = ", ".join(f"<@{name}>" for name in names) or "nobody listed"
        return Reply(text=f"Moderators: {listed}; and whoever may manage the workspace.")
    if verb not in ("add", "remove"):
        return usage(f"`{verb[:20]}` is not a moderators command.", MODERATORS_USAGE)
    person = PERSON.match(rest.strip())
    if person is None:
        return usage("Name one person: @someone.", MODERATORS_USAGE)
    if not ctx.may_manage_channel():
        return Reply(text="Only people who may manage this workspace choose moderators.",
                     error=True)  # fmt: skip
    user = person.group(1)
    if verb == "add":
        added = store.add_moderator(hub.engine, by, user)
        return Reply(text=f"<@{user}> is {'now' if added else 'already'} a moderator.")
    removed = store.remove_moderator(hub.engine, by, user)
    return Reply(text=f"<@{user}> is {'no longer' if removed else 'not'} a moderator.")


@command(
    "moderation",
    MODERATION_USAGE,
    "where proposals are posted for moderators (admins)",
    args=(
        Arg("setting", "channel", ArgKind.choice, required=True, choices=("channel",)),
        Arg("channel", "#channel"),
    ),
)
def moderation_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    words = args.split()
    if len(words) != 2 or words[0].lower() != "channel" or not CHANNEL.match(words[1]):
        return usage("Name the moderators' channel.", MODERATION_USAGE)
    channel_id = words[1][1:]
    access = ctx.channel_access(channel_id)
    if access is ChannelAccess.elsewhere:
        return Reply(text="I can't find that channel here.", error=True)
    if access is not ChannelAccess.manager:
        return Reply(text="Only people who may manage that channel can choose it.", error=True)
    store.set_channel(hub.engine, Member.of(ctx), channel_id)
    return Reply(text=f"Proposals will be posted in <#{channel_id}>.")
