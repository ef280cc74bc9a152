"""The `hub` command line."""

from __future__ import annotations

import json
import logging
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.db import (
    StoreUnavailable,
    describe,
    exclusive,
    has_schema,
    is_current,
    make_engine,
    upgrade,
)
from bot.models import Kind, Level
from bot.ports import PlatformStopped
from bot.terminal import terminal_safe

# Heavier modules load inside the commands that need them: `hub search` starts fast.
if TYPE_CHECKING:
    from bot.models import Entry
    from bot.search import Hit, Searcher, SearchResult

HIT_FIELDS = ("id", "kind", "title", "topic", "level", "score", "excerpt")

app = typer.Typer(
    help="HubBot: the developer knowledge hub in your chat.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: no `<bool>` beside flags
)
content_app = typer.Typer(help="Check and count content files.", no_args_is_help=True)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
app.add_typer(content_app, name="content")
app.add_typer(db_app, name="db")
stats_app = typer.Typer(help="What people do with the hub.", invoke_without_command=True)
bench_app = typer.Typer(
    help="Benchmarks (from a checkout: they live in bench/).", no_args_is_help=True
)
app.add_typer(stats_app, name="stats")
app.add_typer(bench_app, name="bench")
discord_app = typer.Typer(help="The Discord adapter.", no_args_is_help=True)
app.add_typer(discord_app, name="discord")
proposals_app = typer.Typer(help="Proposed entries and their moderation.", no_args_is_help=True)
app.add_typer(proposals_app, name="proposals")


def show_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        echo(f"hubbot {version('hubbot')}\nstore: {describe(settings().database_url)}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=show_version, is_eager=True, help="Version and store."),
    ] = False,
) -> None:
    """HubBot: the developer knowledge hub in your chat."""
    # Every command logs at HUB_LOG_LEVEL; unset, warnings and errors only (`hub serve`: INFO).
    logging.getLogger().setLevel(settings().log_level or logging.WARNING)


PROGRESS_THRESHOLD = 300
MAX_PASTE = 20_000
RAW_CONTROL = re.compile("[\x7f-\x9f]")


class Fail(Exception):
    """A one-line message for the user and an exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def echo(text: str, err: bool = False) -> None:
    """Print a line; text from content or chat never sends the terminal control sequences."""
    typer.echo(terminal_safe(text), err=err)


def settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = (
            f"{e['loc'][0]}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()
        )
        raise Fail("; ".join(problems)) from exc


def open_store(seed: bool = False) -> Engine:
    """The engine, with the schema current (SQLite upgrades itself); seeded when asked and empty."""
    from bot.content import import_content
    from bot.content.store import count_entries

    config = settings()
    engine = make_engine(config.database_url, config.db_statement_timeout)
    if config.database_url.startswith("sqlite"):
        if not has_schema(engine) or not is_current(engine):
            upgrade(engine)
    elif not has_schema(engine) or not is_current(engine):
        raise Fail("the database schema is not current: run `hub db upgrade`")
    if seed and count_entries(engine) == 0 and config.content_dir.is_dir():
        with exclusive(engine, "hub:seed"):  # replicas starting together: one seeds, the rest wait
            if count_entries(engine) == 0:
                result = import_content(engine, [config.content_dir])
                if not result.ok:
                    raise Fail(f"the shipped content has problems: {result.problems[0]}")
    return engine


def open_searcher() -> Searcher:
    """The searcher, quickly when content was imported before (no migration check: a search
    only reads); otherwise the store is set up and seeded first, as for every command."""
    from bot.search.service import Searcher, content_state

    config = settings()
    engine = make_engine(config.database_url, config.db_statement_timeout)
    if content_state(engine) is None:
        engine = open_store(seed=True)
    return Searcher(engine, config.freshness_interval, config.search_cache_dir)


def print_json(data: Any) -> None:
    """JSON for programs: strings as they are, control characters escaped (json.dumps leaves
    DEL and C1 raw with ensure_ascii off)."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    echo(RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def hit_fields(hit: Hit) -> dict[str, Any]:
    return {name: getattr(hit, name) for name in HIT_FIELDS}


def print_hits_json(result: SearchResult) -> None:
    print_json([hit_fields(hit) for hit in result.hits])


def did_you_mean(ids: list[str]) -> str:
    return f"; did you mean {' or '.join(ids)}?" if ids else ""


def render_entry(entry: Entry) -> str:
    """An entry in full, every section shown: a one-shot command has no buttons to press."""
    from dataclasses import replace

    from adapters.console import render_reply
    from bot.cards import entry_card
    from bot.models import QUESTION_SECTIONS
    from bot.replies import Reply

    card = replace(entry_card(entry, QUESTION_SECTIONS), buttons=())
    return render_reply(Reply(cards=(card,)))


def print_hits(result: SearchResult, empty: str) -> None:
    if result.corrected:
        echo(f"Did you mean: {result.corrected}")
    if not result.hits:
        echo(empty)
        if result.suggestions:
            echo("Topics: " + ", ".join(result.suggestions))
        return
    for hit in result.hits:
        meta = " · ".join(p for p in (hit.kind, hit.topic, hit.level) if p)
        echo(f"{hit.score:8.3f}  {hit.id}  [{meta}]\n          {hit.title}")


def read_query(text: str, may_be_empty: bool = False) -> str:
    text = "".join(ch for ch in text[:MAX_PASTE] if ch >= " " or ch in "\n\t")
    if not text.strip() and not may_be_empty:
        raise Fail("the query is empty", 2)
    return text


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='What to look for; "" lists what the filters hold.')],
    kind: Annotated[Kind | None, typer.Option(help="Only this kind.")] = None,
    topic: Annotated[str | None, typer.Option(help="Only this topic.")] = None,
    level: Annotated[Level | None, typer.Option(help="Only this level.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search the hub, or list a topic's or a kind's entries (an empty query and a filter)."""
    from bot.topics import TOPICS, canonical_topic, closest_topic

    query = read_query(
        query, may_be_empty=kind is not None or topic is not None or level is not None
    )
    if topic is not None and (topic := canonical_topic(topic)) not in TOPICS:
        close = closest_topic(topic)
        raise Fail(f"unknown topic {topic[:20]!r}" + (f"; did you mean {close}?" if close else ""))
    searcher = open_searcher()
    kind_value, level_value = (kind.value if kind else None), (level.value if level else None)
    if query.strip():
        result = searcher.search(
            query, kind=kind_value, topic=topic, level=level_value, limit=limit
        )
    else:
        from bot.lookup import browse

        result = browse(searcher.engine, kind_value, topic, level_value, limit)
    if as_json:
        print_hits_json(result)
    else:
        print_hits(result, "No results.")


@app.command()
def error(
    text: Annotated[
        str | None, typer.Argument(help="The error; read from stdin if omitted.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=20)] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Find the root cause and fix of a pasted error."""
    from bot.content.store import entries_by_id

    if text is None:
        if sys.stdin.isatty():
            raise Fail("paste the error as an argument or on stdin", 2)
        text = sys.stdin.read(MAX_PASTE)
    paste = read_query(text)
    searcher = open_searcher()
    result = searcher.match_error(paste, limit=limit)
    entries = entries_by_id(searcher.engine, [hit.id for hit in result.hits])
    if as_json:
        print_json(
            [
                hit_fields(hit)
                | {"likely": result.likely, "root_cause": e.root_cause, "fix": e.fix}
                for hit in result.hits
                if (e := entries.get(hit.id)) is not None
            ]
        )
        return
    best = entries.get(result.hits[0].id) if result.hits else None
    if best is None:
        echo("No known fix for this error.")
        return
    echo(("Likely match" if result.likely else "Best match") + f" ({result.hits[0].score:.3f}):")
    echo(render_entry(best))
    if len(result.hits) > 1:
        echo("\nAlso close:")
        for hit in result.hits[1:]:
            echo(f"{hit.score:8.3f}  {hit.id}\n          {hit.title}")


@app.command()
def show(
    entry_id: Annotated[str, typer.Argument(metavar="ID")],
    history: Annotated[
        bool, typer.Option("--history", help="Its revisions instead: who changed what, when.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one entry in full, or its revisions (newest first)."""
    from bot.content.store import entries_by_id, entry_data, similar_ids

    engine = open_store(seed=True)
    wanted = entry_id.strip().lower()[:64]
    entry = entries_by_id(engine, [wanted]).get(wanted)
    if entry is None:
        close = similar_ids(engine, wanted)
        raise Fail(f"no entry with id {entry_id[:64]!r}" + did_you_mean(close))
    if history:
        print_history(engine, entry.id, as_json)
    elif as_json:
        print_json(entry_data(entry).model_dump(mode="json"))
    else:
        echo(render_entry(entry))


def print_history(engine: Engine, entry_id: str, as_json: bool) -> None:
    from bot.content.revisions import history

    revisions = history(engine, entry_id)
    if as_json:
        print_json(
            [
                {"number": r.number, "at": r.at.isoformat(), "who": r.who, "changed": r.changed}
                for r in revisions
            ]
        )
        return
    if not revisions:
        echo(f"{entry_id} has no revisions yet: it was written before they were kept")
    for r in revisions:
        what = "created" if r.number == 1 else "changed " + ", ".join(r.changed)
        echo(f"{r.number:4}  {r.at:%Y-%m-%d %H:%M} UTC  {r.who}\n      {what}")


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="Folders, .md, .yml or .jsonl files.")],
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Replace entries even with shorter or less complete ones."),
    ] = False,
) -> None:
    """Import content (upsert by id; any problem imports nothing)."""
    from rich.progress import Progress

    from bot.content import import_content

    engine = open_store()
    progress = Progress(transient=True, disable=not sys.stderr.isatty())
    task = progress.add_task("importing", total=None)
    state: dict[str, Any] = {}

    def loaded(total: int) -> None:
        if total > PROGRESS_THRESHOLD:
            progress.update(task, total=total)
            progress.start()
            state["on"] = True

    def advance(n: int) -> None:
        if state.get("on"):
            progress.advance(task, n)

    try:
        result = import_content(engine, paths, progress=advance, on_loaded=loaded, replace=replace)
    finally:
        progress.stop()
    if not result.ok:
        for problem in result.problems[:50]:
            echo(str(problem), err=True)
        more = len(result.problems) - 50
        if more > 0:
            echo(f"... and {more} more problems", err=True)
        raise Fail(f"nothing imported: {len(result.problems)} problem(s)")
    echo(f"imported: {result.created} new, {result.updated} updated, {result.unchanged} unchanged")
    if result.updated_ids:
        shown = ", ".join(result.updated_ids[:50])
        more = len(result.updated_ids) - 50
        echo(f"updated: {shown}" + (f" and {more} more" if more > 0 else ""))


@app.command()
def export(
    target: Annotated[Path, typer.Argument(metavar="DIR")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace DIR and all it holds, even if it is not an export."),
    ] = False,
    contributions: Annotated[
        bool,
        typer.Option(
            "--contributions",
            help="Only the entries approved proposals wrote last, to copy into content/.",
        ),
    ] = False,
) -> None:
    """Write the store's content as content files in DIR, replacing a previous export."""
    from bot.content import ExportError, export_content
    from bot.content.revisions import contributed_ids

    engine = open_store()
    ids = contributed_ids(engine) if contributions else None
    if ids == []:
        echo("no approved contributions to export: nothing written")
        return
    try:
        written = export_content(engine, target, force=force, ids=ids)
    except ExportError as exc:
        raise Fail(str(exc)) from exc
    what = f"contributed entr{'y' if written == 1 else 'ies'}" if ids else "files"
    echo(f"exported {written} {what} to {target}")


@content_app.command("check")
def content_check(path: Annotated[Path | None, typer.Argument()] = None) -> None:
    """Validate content files; every problem as file:line: message."""
    from bot.content import load_paths

    target = path or settings().content_dir
    found = load_paths([target])
    for problem in sorted(found.problems):
        echo(str(problem))
    if found.problems:
        raise typer.Exit(1)
    echo(f"ok: {len(found.entries)} entries, {len(found.paths)} paths")


@content_app.command("stats")
def content_stats_command(
    path: Annotated[Path | None, typer.Argument()] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    floors: Annotated[
        bool, typer.Option("--floors", help="Fail when the question bank is under a floor.")
    ] = False,
) -> None:
    """Count entries by kind, topic and level, questions by topic × level and role, and paths:
    what the store holds, or the content files under PATH."""
    from bot.content import content_stats, load_paths
    from bot.content.quality import floor_shortfalls
    from bot.content.store import store_stats

    if path is None:
        stats = {"source": f"store {describe(settings().database_url)}"}
        stats |= store_stats(open_store(seed=True))
    else:
        found = load_paths([path])
        if found.problems:
            raise Fail(f"{found.problems[0]} (run `hub content check`)")
        stats = {"source": f"files in {path}"} | content_stats(found)
    if as_json:
        print_json(stats)
    else:
        _print_content_stats(stats)
    if floors and (short := floor_shortfalls(stats)):
        for shortfall in short:
            echo(f"under the floor: {shortfall}", err=True)
        raise Fail(f"{len(short)} floors of the question bank are not met")


def _print_content_stats(stats: dict[str, Any]) -> None:
    echo(f"counted: {stats['source']}")
    for name in ("kinds", "topics", "levels", "roles"):
        echo(f"{name}: " + ", ".join(f"{k} {v}" for k, v in stats[name].items()))
    echo(f"paths: {stats['paths']}")
    echo(f"errors with a reproduction: {stats['errors_reproduced']}")
    levels = [level.value for level in Level]
    echo(f"\n{'questions':14}" + "".join(f"{name:>10}" for name in [*levels, "total"]))
    for topic, counts in stats["topic_levels"].items():
        cells = [counts.get(level, 0) for level in levels]
        echo(f"{topic:14}" + "".join(f"{n:>10}" for n in [*cells, sum(counts.values())]))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration."""
    url = settings().database_url
    engine = make_engine(url)
    new = not has_schema(engine)
    applied = upgrade(engine)
    if new:
        echo(f"created the schema in {describe(url)} ({applied} migrations)")
    elif applied:
        echo(f"applied {applied} migration(s) to {describe(url)}; it is up to date")
    else:
        echo(f"{describe(url)} was already up to date")


@db_app.command("status")
def db_status() -> None:
    """Which store the commands use, and whether its schema is current."""
    from bot.content.store import count_entries

    url = settings().database_url
    engine = make_engine(url)
    echo(f"store: {describe(url)}")
    if not has_schema(engine):
        echo("schema: not created (`hub db upgrade`, or any command on SQLite, creates it)")
    elif not is_current(engine):
        echo("schema: out of date: run `hub db upgrade`")
    else:
        echo(f"schema: up to date\nentries: {count_entries(engine)}")


@stats_app.callback()
def stats_summary(
    context: typer.Context,
    days: Annotated[int, typer.Option(min=1, max=3650, help="Look this many days back.")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every workspace's `/hub stats`: searched topics, searches without a good result, daily
    question turnout per channel, open proposals, running mock sessions."""
    if context.invoked_subcommand is not None:
        return
    from adapters.console import render_reply
    from bot.contrib.stats import stats_card, summary
    from bot.replies import Reply

    found = summary(open_store(), days)
    if as_json:
        print_json(found.as_json())
        return
    echo(render_reply(Reply(cards=(stats_card(found, buttons=False),))))


@stats_app.command("searches")
def stats_searches(
    days: Annotated[int, typer.Option(min=1, max=3650, help="Look this many days back.")] = 30,
    top: Annotated[int, typer.Option(min=1, max=100, help="How many queries to list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The most frequent searches, and the most frequent with no good result (content gaps)."""
    from bot.search.stats import search_stats

    stats = search_stats(open_store(), days=days, top=top)
    if as_json:
        print_json(stats)
        return
    echo(
        f"{stats['searches']} searches by {stats['people']} people in {days} days,"
        f" {stats['no_good_result']} without a good result"
    )
    for title, key in (("Top queries", "top_queries"), ("Top content gaps", "top_gaps")):
        echo(f"\n{title}:")
        for row in stats[key] or [{"count": 0, "command": "-", "query": "(none)"}]:
            echo(f"{row['count']:6}  {row['command']:<8} {row['query']}")


BENCH_ARGS = {"allow_extra_args": True, "ignore_unknown_options": True}


def run_bench(script: str, args: list[str]) -> None:
    from bot.config import REPO_ROOT

    path = REPO_ROOT / "bench" / script
    if not path.is_file():
        raise Fail(f"{path} not found: benchmarks run from a checkout of the repository")
    raise typer.Exit(subprocess.run([sys.executable, str(path), *args], check=False).returncode)


@bench_app.command("relevance", context_settings=BENCH_ARGS)
def bench_relevance(ctx: typer.Context) -> None:
    """Search quality against FTS5 (arguments as for bench/relevance.py)."""
    run_bench("relevance.py", ctx.args)


@bench_app.command("search", context_settings=BENCH_ARGS)
def bench_search(ctx: typer.Context) -> None:
    """Search speed and memory against FTS5 (arguments as for bench/search.py)."""
    run_bench("search.py", ctx.args)


@discord_app.command("sync")
def discord_sync(
    guild: Annotated[
        int | None, typer.Option("--guild", help="Sync to this guild only (instant).")
    ] = None,
) -> None:
    """Register the /hub commands with Discord now: globally, or in one guild."""
    import asyncio

    from adapters.discord import DiscordStopped, sync_now
    from bot.hub import Hub

    config = settings()
    try:
        count = asyncio.run(sync_now(Hub(config, open_store()), config, guild))
    except DiscordStopped as exc:
        raise Fail(str(exc)) from exc
    echo(f"synced {count} commands " + (f"to guild {guild}" if guild else "globally"))


@app.command()
def console() -> None:
    """Chat with HubBot in the terminal (reads commands from stdin when piped)."""
    from adapters.console import ConsoleChat
    from adapters.run import serve_in_thread
    from bot.hub import Hub

    chat = ConsoleChat(Hub(settings(), open_store(seed=True)))
    stop_jobs = serve_in_thread(chat.hub)  # mock sessions and daily questions, in the console too
    signal.signal(signal.SIGTERM, lambda _signum, _frame: chat.stop())
    ended = False
    try:
        chat.run()
        ended = not chat.stopping  # input ended or `quit`; not a signal
    finally:
        # At the end of input what the session started and is due now (a `/hub daily now` post)
        # is done first; then running jobs get the shutdown grace and hand their claims back.
        stop_jobs(finish_due=ended)


@app.command()
def serve(
    platform: Annotated[str | None, typer.Argument(help="slack, discord or console")] = None,
    http: Annotated[
        bool, typer.Option("--http", help="Slack: HTTP mode, not Socket Mode.")
    ] = False,
    port: Annotated[int, typer.Option(help="Slack HTTP mode: the port.")] = 3000,
    host: Annotated[
        str, typer.Option(help="Slack HTTP mode: the address (0.0.0.0 for every interface).")
    ] = "127.0.0.1",
    shards: Annotated[int | None, typer.Option(help="Discord: shard count (auto-sharded).")] = None,
) -> None:
    """Run the bot on the configured platforms; the console when no tokens are set."""
    config = settings()
    chosen = [platform] if platform else (config.platforms or ["console"])
    unknown = [p for p in chosen if p not in {"slack", "discord", "console"}]
    if unknown:
        raise Fail(f"unknown platform {unknown[0]!r}: use slack, discord or console", 2)
    if chosen == ["console"]:
        if not config.platforms:
            echo("No SLACK_BOT_TOKEN or DISCORD_TOKEN set: starting the console chat.", err=True)
        console()
        return
    import asyncio

    from adapters.run import serve_platforms  # the composition root: adapters, jobs, the hub
    from bot.hub import Hub

    if config.log_level is None:  # a bot's log says what it does
        logging.getLogger().setLevel(logging.INFO)
    hub = Hub(config, open_store(seed=True))
    hub.searcher.warm()  # while the platforms connect
    asyncio.run(serve_platforms(hub, chosen, http=http, host=host, port=port, shards=shards))


# ---------------------------------------------------------------- proposals


def proposal_fields(row: Any) -> dict[str, Any]:
    fields = ("id", "platform", "workspace_id", "user_id", "author_name", "kind", "target_id")
    more = ("state", "reason", "decided_by", "entry_id", "entry", "base_text")
    data = {name: getattr(row, name) for name in (*fields, *more)}
    data["created_at"] = row.created_at.isoformat()
    return data


def found_proposal(engine: Engine, proposal_id: int) -> Any:
    from bot.contrib import store

    row = store.get(engine, proposal_id)
    if row is None:
        raise Fail(f"no proposal {proposal_id}")
    return row


@proposals_app.command("list")
def proposals_list(
    state: Annotated[str, typer.Option(help="pending, approved, rejected, withdrawn or all")] = (
        "pending"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The proposals in one state (every workspace)."""
    from bot.contrib import store
    from bot.contrib.models import State

    if state != "all" and state not in State.__members__:
        raise Fail(f"unknown state {state[:20]!r}: use {', '.join(State.__members__)} or all")
    rows = store.listing(open_store(), None if state == "all" else State(state), limit=1000)
    if as_json:
        print_json([proposal_fields(row) for row in rows])
        return
    for row in rows:
        title = str(row.entry.get("title", ""))[:80]
        target = f" edit of {row.target_id}" if row.target_id else ""
        echo(f"{row.id:6}  {row.state:9} {row.kind:8}{target}  {title}  ({row.author_name})")
    if not rows:
        echo(f"no {state} proposals")


@proposals_app.command("show")
def proposals_show(
    proposal_id: Annotated[int, typer.Argument(metavar="ID")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One proposal: the entry as proposed, or for an edit the diff."""
    from bot.content.schema import EntryData
    from bot.contrib.draft import draft_text, unified_diff

    row = found_proposal(open_store(), proposal_id)
    if as_json:
        print_json(proposal_fields(row))
        return
    text = draft_text(EntryData.model_validate(row.entry))
    echo(f"proposal {row.id} · {row.state} · {row.kind} · by {row.author_name or row.user_id}")
    echo(unified_diff(row.base_text, text) if row.base_text is not None else text)


@proposals_app.command("approve")
def proposals_approve(proposal_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Write the proposed entry (the author is told by the running bot)."""
    from bot.contrib import store

    engine = open_store()
    row = found_proposal(engine, proposal_id)
    written = store.approve(engine, row, "hub cli") if row.state == "pending" else None
    if written is None:
        raise Fail(f"proposal {proposal_id} is not pending")
    echo(f"approved: entry {written}")


@proposals_app.command("reject")
def proposals_reject(
    proposal_id: Annotated[int, typer.Argument(metavar="ID")],
    reason: Annotated[str, typer.Argument(help="Why, for the author.")],
) -> None:
    """Reject with a reason (the author is told by the running bot)."""
    from bot.contrib import store

    engine = open_store()
    row = found_proposal(engine, proposal_id)
    if not reason.strip():
        raise Fail("give a reason for the author")
    if not store.reject(engine, row, "hub cli", reason.strip()[:1000]):
        raise Fail(f"proposal {proposal_id} is not pending")
    echo(f"rejected: proposal {proposal_id}")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()  # usage errors and typer.Exit are handled (and exit) here
    except Fail as exc:
        echo(f"error: {exc}", err=True)
        sys.exit(exc.code)
    except (PlatformStopped, StoreUnavailable) as exc:
        echo(f"error: {exc}", err=True)
        sys.exit(1)
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        echo(f"error: database: {str(reason).splitlines()[0][:200]}", err=True)
        sys.exit(1)
    except Exception as exc:  # the last line of defence: one line, never a traceback
        logging.getLogger("hub").debug("unexpected", exc_info=True)
        echo(f"error: {type(exc).__name__}: {str(exc)[:200]}", err=True)
        sys.exit(1)
