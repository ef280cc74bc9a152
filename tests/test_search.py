"""The search engine on small generated data: ranking, expansion, filters, errors, bad input."""

from __future__ import annotations

import time

import pytest

from bot.search import Doc, SearchIndex
from bot.search.errors import match_error
from bot.search.paste import normalise

DOCS = [
    Doc("q-a", "question", "react", "mid", "Why does strict mode render twice?",
        "StrictMode renders components twice in development to surface side effects."),
    Doc("q-b", "question", "react", "junior", "What is the useCallback hook?",
        "useCallback memoizes a function between re-renders of a component."),
    Doc("q-c", "question", "react", "senior", "How you implement server side rendering?",
        "Render on the server with renderToString, then hydrate on the client."),
    Doc("q-d", "question", "django", "mid", "How do you fix N+1 queries in the Django ORM?",
        "Use select_related and prefetch_related to load related rows up front."),
    Doc("q-e", "question", "react", "junior", "What are fragments?",
        "Fragments group children without adding extra nodes to the DOM."),
    Doc("q-f", "question", "react", "junior", "What are keyed fragments?",
        "Fragments with a key, used when mapping a collection to fragments."),
    Doc("e-a", "error", "node", None, "Error: listen EADDRINUSE: address already in use :::<port>",
        "Another process already listens on the port. Stop it or pick another port."),
    Doc("e-b", "error", "python", None, "KeyError: '<key>'",
        "The dict has no such key. Use dict.get with a default."),
    Doc("s-a", "snippet", "python", None, "Retry with exponential backoff",
        "A decorator that retries a flaky call, waiting longer each time.", ("resilience",)),
    Doc("s-b", "snippet", "python", None, "Retry with exponential backoff",
        "The same idea, written as a loop.", ("resilience",)),
]  # fmt: skip


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(DOCS)


def ids(index: SearchIndex, query: str, **filters: str) -> list[str]:
    return [hit.id for hit in index.search(query, **filters).hits]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("why does my component render twice", "q-a"),
        ("usecalback", "q-b"),  # a typo, corrected
        ("ssr", "q-c"),  # an acronym, from the synonym table
        ("server-side rendering", "q-c"),
        ("n+1 django", "q-d"),
        ("fragmants", "q-e"),  # a typo, and the shorter title wins
        ("strict mo", "q-a"),  # the last word is still being typed
        ("use callback", "q-b"),  # two words that the corpus writes as one
    ],
)
def test_finds_the_right_entry_first(index: SearchIndex, query: str, expected: str) -> None:
    assert ids(index, query)[0] == expected


def test_did_you_mean_only_when_corrected(index: SearchIndex) -> None:
    assert index.search("usecalback").corrected == "usecallback"
    assert index.search("usecallback").corrected is None


def test_filters_and_unknown_filter_values(index: SearchIndex) -> None:
    assert set(ids(index, "fragments", level="junior")) == {"q-e", "q-f"}
    assert ids(index, "fragments", kind="error") == []
    assert ids(index, "render", topic="django") == []
    assert ids(index, "render", topic="nope") == []


def test_ties_are_broken_by_id(index: SearchIndex) -> None:
    assert ids(index, "retry backoff")[:2] == ["s-a", "s-b"]


def test_excerpt_marks_matched_words(index: SearchIndex) -> None:
    hit = index.search("prefetch related rows").hits[0]
    assert "**prefetch_related**" in hit.excerpt and "**rows**" in hit.excerpt


def test_no_result_suggests_close_topics(index: SearchIndex) -> None:
    result = index.search("pythn zzzzqqq")
    assert not result.good
    assert result.suggestions[0] == "python"
    assert index.search("the of and").hits == []


@pytest.mark.parametrize(
    "query",
    [
        "x" * 20_000,
        "word " * 5000,
        "!!! ??? ...",
        "🚀🔥 😅",
        "a\x00b\x00",
        '" * NEAR OR AND NOT ( ) ^ :',
        "(a|b)*+ [[:alpha:]] \\d{3}",
        "",
    ],
)
def test_bad_input_answers_fast(index: SearchIndex, query: str) -> None:
    started = time.perf_counter()
    result = index.search(query)
    match_error(index, query)
    assert time.perf_counter() - started < 1.0
    assert isinstance(result.hits, list)


def test_empty_index_answers() -> None:
    empty = SearchIndex([])
    assert empty.search("anything").hits == []
    assert match_error(empty, "KeyError: 'x'").hits == []


# --------------------------------------------------------------------- errors


def test_normalise_drops_what_varies() -> None:
    assert normalise("File \"/srv/app/x.py\", line 12: KeyError: 'user_id' at 0x7f3a") == (
        "File , line : KeyError: at"
    )
    assert "MySQL server has gone away" in normalise("(2006, 'MySQL server has gone away')")


@pytest.mark.parametrize(
    "paste",
    [
        "Error: listen EADDRINUSE: address already in use :::3000\n"
        "    at Server.setupListenHandle [as _listen2] (node:net:1817:16)\n"
        "    at Object.<anonymous> (/home/dev/api/server.js:31:5)\n",
        "listen EADDRINUSE :::8080",
        "port 3000 already in use",
    ],
)
def test_error_paste_finds_entry(index: SearchIndex, paste: str) -> None:
    result = match_error(index, paste)
    assert result.hits[0].id == "e-a" and result.good


def test_traceback_finds_entry(index: SearchIndex) -> None:
    paste = (
        "Traceback (most recent call last):\n"
        '  File "/srv/app/worker.py", line 88, in handle\n'
        '    user_id = payload["user_id"]\n'
        "KeyError: 'user_id'\n"
    )
    assert [h.id for h in match_error(index, paste).hits] == ["e-b"]


@pytest.mark.parametrize(
    "paste",
    [
        "ZeroDivisionError: division by zero",
        "Segmentation fault (core dumped)",
        "how do I center a div",
        'Traceback (most recent call last):\n  File "/a.py", line 3\nValueError: bad value',
    ],
)
def test_unrelated_paste_returns_nothing(index: SearchIndex, paste: str) -> None:
    result = match_error(index, paste)
    assert result.hits == [] and not result.good


def test_a_variant_is_found_like_the_title() -> None:
    unbound = Doc(
        "e-c",
        "error",
        "python",
        None,
        "UnboundLocalError: cannot access local variable '<name>' where it is not associated"
        " with a value",
        "The function assigns the name somewhere, so every use in it is local.",
        variants=("UnboundLocalError: local variable '<name>' referenced before assignment",),
    )
    index = SearchIndex([*DOCS, unbound])
    paste = "UnboundLocalError: local variable 'total' referenced before assignment"
    assert [hit.id for hit in match_error(index, paste).hits] == ["e-c"]
    assert ids(index, "referenced before assignment") == ["e-c"]
