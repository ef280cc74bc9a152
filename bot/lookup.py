"""Finding content: help, search, error, snippet, show, topics, and the buttons on their cards."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot import library, searchlog
from bot.cards import entry_card
from bot.commands import Arg, ArgKind, ChatContext, Suggest, action, command, command_specs
from bot.content.store import similar_ids
from bot.member import Member
from bot.models import QUESTION_SECTIONS, Entry, Kind, Level, SearchLog
from bot.privacy import person_hash
from bot.replies import Button, Card, Reply, Visibility, usage
from bot.search import Hit, SearchResult
from bot.search.excerpt import excerpt
from bot.search.service import entry_doc
from bot.topics import TOPICS, canonical_topic, unknown_topic

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from bot.hub import Hub

PAGE = 5
FILTER = re.compile(r"\b(kind|topic|level):(\S+)", re.IGNORECASE)
SEARCH_USAGE = "/hub search [words] [topic:<topic>] [level:<level>] [kind:<kind>]"


@command("help", "/hub help", "what HubBot can do", aliases=("?",))
def help_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    specs = sorted(command_specs(), key=lambda s: s.name)
    lines = [f"`{spec.usage}` — {spec.summary}" for spec in specs]
    return Reply(text="*HubBot* — the developer knowledge hub in your chat.\n" + "\n".join(lines))


def split_filters(args: str) -> tuple[str, dict[str, str]]:
    filters = {m.group(1).lower(): m.group(2).lower() for m in FILTER.finditer(args)}
    if "topic" in filters:
        filters["topic"] = canonical_topic(filters["topic"])
    return FILTER.sub(" ", args).strip(), filters


def topic_problem(topic: str) -> str | None:
    return None if topic in TOPICS else unknown_topic(topic, TOPICS)


def filter_problem(filters: dict[str, str]) -> str | None:
    if "topic" in filters and (problem := topic_problem(filters["topic"])):
        return problem
    if "kind" in filters and filters["kind"] not in Kind.__members__:
        return f"Unknown kind `{filters['kind'][:20]}`: use {', '.join(Kind.__members__)}."
    if "level" in filters and filters["level"] not in Level.__members__:
        return f"Unknown level `{filters['level'][:20]}`: use {', '.join(Level.__members__)}."
    return None


def log_search(
    hub: Hub, ctx: ChatContext, command_name: str, query: str, result: SearchResult, good: bool
) -> int:
    top = result.hits[0].score if result.hits else 0.0
    row = SearchLog(
        command=command_name,
        query=query[:2000],
        result_count=len(result.hits),
        top_score=top,
        good=good,
        user_hash=person_hash(hub, Member.of(ctx)),
        platform=ctx.platform,
        workspace=ctx.workspace_id,
    )
    return searchlog.record(hub.engine, row)


def results_reply(result: SearchResult, title: str, page: int, log_id: int) -> Reply:
    start = page * PAGE
    shown = result.hits[start : start + PAGE]
    cards = tuple(
        Card(
            title=hit.title,
            subtitle=" · ".join(p for p in (hit.topic, hit.level, hit.kind) if p),
            text=hit.excerpt,
            buttons=(Button("Open", "show", hit.id),),
            entry_id=hit.id,
        )
        for hit in shown
    )
    lines = [title]
    if result.corrected:
        lines.append(f"Did you mean: _{result.corrected}_?")
    buttons: tuple[Button, ...] = ()
    if len(result.hits) > start + PAGE:
        buttons = (Button("More results", "more", f"{log_id}:{page + 1}"),)
    return Reply(text="\n".join(lines), cards=cards, buttons=buttons)


def no_results(result: SearchResult, what: str) -> Reply:
    text = f"No {what} found for “{result.query[:80]}”."
    if result.suggestions:
        text += " Try a topic: " + ", ".join(f"`{t}`" for t in result.suggestions) + "."
    return Reply(text=text)


def browse(
    engine: Engine, kind: str | None, topic: str | None, level: str | None, limit: int
) -> SearchResult:
    """What a filter holds, when no words were given: a topic's entries, the articles …"""
    found = library.listing(engine, kind, topic, level, limit)
    hits = [
        Hit(e.id, e.kind, e.title, e.topic, e.level, 0.0, excerpt(entry_doc(e).text, set()))
        for e in found
    ]
    given = (("kind", kind), ("topic", topic), ("level", level))
    label = " ".join(f"{name}:{value}" for name, value in given if value)
    return SearchResult(query=label, hits=hits, good=bool(hits))


def run_search(hub: Hub, args: str, limit: int = 50) -> tuple[SearchResult, str | None]:
    query, filters = split_filters(args)
    problem = filter_problem(filters)
    if problem:
        return SearchResult(query=query), problem
    if not query and filters:
        kind, topic, level = (filters.get(name) for name in ("kind", "topic", "level"))
        return browse(hub.engine, kind, topic, level, limit), None
    return hub.searcher.search(
        query,
        kind=filters.get("kind"),
        topic=filters.get("topic"),
        level=filters.get("level"),
        limit=limit,
    ), None


@command(
    "search",
    SEARCH_USAGE,
    "search questions, errors, snippets and articles",
    aliases=("s", "find"),
    args=(
        Arg("query", "What to look for (none: list what the filters hold)", max_length=500),
        Arg("topic", "Only this topic", ArgKind.word, suggest=Suggest.topic, prefix="topic:"),
        Arg("level", "Only this level", ArgKind.word, suggest=Suggest.level, prefix="level:"),
        Arg("kind", "Only this kind", ArgKind.choice, choices=tuple(Kind), prefix="kind:"),
    ),
)
def search_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    if not args.strip():
        return usage("What should I search for? Words, or a filter alone to list.", SEARCH_USAGE)
    result, problem = run_search(hub, args)
    if problem:
        return usage(problem, SEARCH_USAGE)
    log_id = log_search(hub, ctx, "search", args, result, good=result.good)
    if not result.hits:
        return no_results(result, "results")
    return results_reply(result, f"Results for “{result.query[:80]}”", 0, log_id)


@command(
    "articles",
    "",
    "list the articles (architecture, security …)",
    args=(Arg("topic", "Only this topic", ArgKind.word, suggest=Suggest.topic, prefix="topic:"),),
)
def articles_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    return search_command(hub, ctx, f"kind:article {args}")


@action("more")
def more_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    """The next page of a search: only for the person who searched (the log row is theirs)."""
    gone = Reply(text="That page of results is no longer available; search again.", error=True)
    log_id, _, page = value.partition(":")
    if not log_id.isdigit() or not page.isdigit() or len(log_id) > 18 or len(page) > 3:
        return gone
    logged = searchlog.logged(hub.engine, int(log_id))
    if logged is None or (logged.platform, logged.workspace, logged.user_hash) != (
        ctx.platform,
        ctx.workspace_id,
        person_hash(hub, Member.of(ctx)),
    ):
        return gone
    if logged.command == "error":
        result = hub.searcher.match_error(logged.query, limit=50)
    else:
        result, _ = run_search(hub, logged.query)
    return results_reply(
        result, f"More results for “{result.query[:80]}”", int(page), logged.id or 0
    )


ERROR_USAGE = "/hub error <paste an error message or traceback>"


@command(
    "error",
    ERROR_USAGE,
    "find the root cause and fix of an error",
    aliases=("err", "fix"),
    args=(Arg("text", "The error message or traceback", required=True, max_length=4000),),
)
def error_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    if not args.strip():
        return usage("Paste the error after the command.", ERROR_USAGE)
    result = hub.searcher.match_error(args)
    log_search(hub, ctx, "error", args, result, good=result.good)
    if not result.hits:
        return Reply(text="I don't know this error yet. It is logged so the hub can learn it.")
    best = library.entry(hub.engine, result.hits[0].id)
    if best is None:
        return Reply(text="That entry was just removed; try again.", error=True)
    others = tuple(
        Card(
            title=hit.title,
            subtitle=hit.topic,
            buttons=(Button("Open", "show", hit.id),),
            entry_id=hit.id,
        )
        for hit in result.hits[1:3]
    )
    heading = "Likely match" if result.likely else "Best match"
    return Reply(text=f"{heading} from the debug archive:", cards=(entry_card(best), *others))


SNIPPET_USAGE = "/hub snippet <what you need, e.g. debounce hook>"


@command(
    "snippet",
    SNIPPET_USAGE,
    "find a reusable code snippet",
    aliases=("code",),
    args=(Arg("query", "What you need, e.g. debounce hook", required=True, max_length=500),),
)
def snippet_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    if not args.strip():
        return usage("Which snippet are you looking for?", SNIPPET_USAGE)
    result = hub.searcher.search(args, kind="snippet", limit=PAGE)
    log_search(hub, ctx, "snippet", args, result, good=result.good)
    if not result.hits:
        return no_results(result, "snippets")
    best = library.entry(hub.engine, result.hits[0].id)
    if best is None:
        return Reply(text="That snippet was just removed; try again.", error=True)
    others = tuple(
        Card(
            title=h.title, subtitle=h.topic, buttons=(Button("Open", "show", h.id),), entry_id=h.id
        )
        for h in result.hits[1:]
    )
    return Reply(cards=(entry_card(best), *others))


SHOW_USAGE = "/hub show <id>"


def find_entry(hub: Hub, entry_id: str) -> Entry | None:
    return library.entry(hub.engine, entry_id.strip().lower()[:64])


def no_entry(hub: Hub, wanted: str) -> str:
    """What to say about an id no entry has, with the closest ids."""
    close = " or ".join(f"`{found}`" for found in similar_ids(hub.engine, wanted))
    maybe = f" Did you mean {close}?" if close else ""
    return f"No entry with id `{wanted}`.{maybe}"


@command(
    "show",
    SHOW_USAGE,
    "show one entry in full",
    args=(
        Arg(
            "id",
            "The entry's id (start typing its title)",
            ArgKind.word,
            required=True,
            suggest=Suggest.entry,
        ),
    ),
)
def show_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    if not args.strip():
        return usage("Which entry? Give its id.", SHOW_USAGE)
    wanted = args.split()[0].lower()[:64]
    entry = find_entry(hub, wanted)
    if entry is None:
        return usage(no_entry(hub, wanted), SHOW_USAGE)
    return Reply(cards=(entry_card(entry),))


@action("show")
def show_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    return show_command(hub, ctx, value)


@action("section")
def section_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    """Expand one deeper section of a question in place."""
    entry_id, _, name = value.partition(":")
    entry = find_entry(hub, entry_id)
    if entry is None or name not in QUESTION_SECTIONS or not entry.section(name):
        return Reply(text="That section is no longer available.", error=True)
    return Reply(cards=(entry_card(entry, expanded=(name,)),), replace=True)


@action("share")
def share_action(hub: Hub, ctx: ChatContext, value: str) -> Reply:
    entry = find_entry(hub, value)
    if entry is None:
        return Reply(text="That entry is no longer available.", error=True)
    card = entry_card(entry, share=False)
    who = ctx.user_name or "someone"
    card = Card(**{**card.__dict__, "footer": f"Shared by {who} · id: {entry.id}"})
    return Reply(cards=(card,), visibility=Visibility.channel)


@command("topics", "/hub topics", "list the topics and how much each holds")
def topics_command(hub: Hub, ctx: ChatContext, args: str) -> Reply:
    counts = library.topic_sizes(hub.engine)
    if not counts:
        return Reply(text="The hub is empty. Import content with `hub import content/`.")
    lines = [f"`{topic}` {n}" for topic, n in sorted(counts.items())]
    total = sum(counts.values())
    return Reply(text=f"{len(counts)} topics, {total} entries:\n" + " · ".join(lines))
