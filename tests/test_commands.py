from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.commands import ChatContext, parse
from bot.content import import_content
from bot.hub import Hub
from bot.models import SearchLog
from bot.replies import Reply, Visibility

CTX = ChatContext(platform="console", user_id="u1", user_name="Ada", channel_id="c1")


@pytest.mark.parametrize("text", ["/hub search x", "hub search x", "search x", "/hub   search x"])
def test_prefix_is_optional(text: str) -> None:
    parsed = parse(text)
    assert not isinstance(parsed, Reply)
    spec, rest = parsed
    assert (spec.name, rest) == ("search", "x")


def test_unknown_command_gets_usage() -> None:
    reply = parse("/hub dance now")
    assert isinstance(reply, Reply) and reply.error
    assert "dance" in reply.text and "/hub help" in reply.text


def test_multiline_paste_keeps_its_lines() -> None:
    parsed = parse('/hub error\nTraceback (most recent call last):\n  File "x.py"')
    assert not isinstance(parsed, Reply)
    assert parsed[0].name == "error" and parsed[1].startswith("Traceback")


def test_help_lists_every_command(hub: Hub) -> None:
    reply = hub.handle(CTX, "/hub help")
    for name in ("search", "error", "snippet", "show", "topics", "path"):
        assert f"/hub {name}" in reply.text


def test_search_finds_and_pages(hub: Hub) -> None:
    reply = hub.handle(CTX, "/hub search django orm n+1 queries")
    assert reply.cards[0].entry_id == "q-django-n-plus-one"
    assert reply.private
    opened = hub.handle_action(CTX, "show", reply.cards[0].entry_id)
    card = opened.cards[0]
    assert card.text.startswith("Load related rows")
    labels = [b.label for b in card.buttons]
    assert labels == [
        "Deep dive",
        "Real-world",
        "Common mistakes",
        "Production scenario",
        "Share to channel",
        "Suggest an edit",
        "Add to my review",
    ]


def test_section_expands_in_place_and_share_goes_public(hub: Hub) -> None:
    reply = hub.handle_action(CTX, "section", "q-django-n-plus-one:deep_dive")
    assert reply.replace
    assert reply.cards[0].sections[0].heading == "Deep dive"
    assert "lazy" in reply.cards[0].sections[0].text
    shared = hub.handle_action(CTX, "share", "q-django-n-plus-one")
    assert shared.visibility is Visibility.channel
    assert "Shared by Ada" in shared.cards[0].footer


def test_search_filters_and_bad_filters(hub: Hub) -> None:
    reply = hub.handle(CTX, "/hub search production kind:error")
    assert all(card.subtitle.endswith("error") for card in reply.cards)
    bad = hub.handle(CTX, "/hub search x level:guru")
    assert bad.error and "Unknown level" in bad.text


def write_go_questions(folder: Path, count: int) -> Path:
    for n in range(count):
        (folder / f"q-go-{n}.md").write_text(
            f"---\nid: q-go-{n}\nkind: question\ntitle: Go question {n}\ntopic: go\n"
            f"level: junior\n---\nGoroutine answer {n}.\n\n## Deep dive\n\nChannels.\n"
        )
    return folder


def test_a_filter_alone_lists_what_it_holds_a_page_at_a_time(hub: Hub, tmp_path: Path) -> None:
    imported = import_content(hub.engine, [write_go_questions(tmp_path, 7)])
    assert imported.ok, imported.problems
    first = hub.handle(CTX, "/hub search topic:go")
    assert not first.error and "topic:go" in first.text
    assert [card.entry_id for card in first.cards] == [f"q-go-{n}" for n in range(5)]
    assert first.cards[0].text.startswith("Goroutine answer 0")
    [more] = first.buttons
    assert more.label == "More results"
    second = hub.handle_action(CTX, "more", more.value)
    assert [card.entry_id for card in second.cards] == ["q-go-5", "q-go-6"]
    assert not second.buttons
    # Articles are listed by their kind, or by their own command.
    for typed in ("/hub search kind:article", "/hub articles", "/hub articles topic:security"):
        assert [card.entry_id for card in hub.handle(CTX, typed).cards] == ["art-security-owasp"]
    # An unknown topic still says which one is closest.
    unknown = hub.handle(CTX, "/hub search topic:goo")
    assert unknown.error and "did you mean `go`" in unknown.text


def test_error_lookup(hub: Hub) -> None:
    reply = hub.handle(CTX, "/hub error Error: listen EADDRINUSE: address already in use :::3000")
    assert reply.cards[0].entry_id == "err-node-eaddrinuse"
    assert [s.heading for s in reply.cards[0].sections] == ["Root cause", "Fix"]


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("/hub search", "What should I search for?"),
        ("/hub error", "Paste the error after the command."),
        ("/hub show", "Which entry? Give its id."),
        ("/hub show nope", "No entry with id `nope`."),
        ("/hub search \x00\x00", "What should I search for?"),
        ("/hub search " + "a" * 20_000, "No results found for “aaaa"),
        ("/hub search '; DROP TABLE entry; --", "No results found for “'; DROP TABLE entry; --”."),
        ("/hub path show nope", "No learning path `nope`."),
        ("/hub snippet", "Which snippet are you looking for?"),
        ('/hub search " * NEAR OR', 'No results found for “" * NEAR OR”.'),
    ],
)
def test_bad_input_gets_a_short_answer(hub: Hub, text: str, told: str) -> None:
    reply = hub.handle(CTX, text)
    assert reply.text and len(reply.text) < 400
    assert "Traceback" not in reply.text
    assert reply.text.startswith(told)
    assert hub.handle(CTX, "/hub show q-django-n-plus-one").cards


def test_unknown_buttons_and_values(hub: Hub) -> None:
    assert hub.handle_action(CTX, "explode", "x").error
    assert hub.handle_action(CTX, "section", "nope:deep_dive").error
    assert hub.handle_action(CTX, "more", "not-a-number").error
    assert hub.handle_action(CTX, "more", "999999:1").error


def test_a_page_of_results_is_only_for_who_searched(hub: Hub) -> None:
    hub.handle(CTX, "/hub search secret django migration")
    with Session(hub.engine) as session:
        value = f"{session.exec(select(SearchLog.id)).one()}:0"
    for someone in (
        replace(CTX, user_id="u2"),
        replace(CTX, workspace_id="w2"),
        replace(CTX, platform="slack"),
    ):
        reply = hub.handle_action(someone, "more", value)
        assert reply.error and "no longer available" in reply.text and not reply.cards
        assert "secret" not in reply.text
    assert "secret" in hub.handle_action(CTX, "more", value).text


def test_topics_snippet_and_paths(hub: Hub) -> None:
    assert "`django` 1" in hub.handle(CTX, "/hub topics").text
    snippet = hub.handle(CTX, "/hub snippet retry backoff").cards[0]
    assert snippet.code is not None and "def retry" in snippet.code.text
    listing = hub.handle(CTX, "/hub path list")
    assert listing.cards[0].footer == "id: path-test"
    path = hub.handle(CTX, "/hub path show path-test").cards[0]
    assert path.sections[0].heading == "1. Start with the ORM"
    assert "How do you find and fix N+1" in path.sections[0].text
    assert "Milestone: You can ship" in path.sections[1].text


def test_console_shows_channel_references_as_names() -> None:
    from adapters.console import render_reply

    text = render_reply(Reply(text="Daily question off in <#C123>; see <#C9|general>."))
    assert text == "Daily question off in #C123; see #general."
