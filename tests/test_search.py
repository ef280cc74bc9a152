"""The search engine on small generated data: ranking, expansion, filters, errors, bad input."""

from __future__ import annotations

import pytest

from bot.search import Doc, SearchIndex
from bot.search.errors import match_error
from bot.search.excerpt import excerpt
from bot.search.paste import normalise
from bot.search.query import parse_query
from bot.search.text import stem, words

from .bad_input import BAD_QUERIES

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


# Hostile queries: bench/search.py times them too (its "bad input" column), where a regex that
# backtracks catastrophically shows as seconds instead of milliseconds.
@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_input_is_answered(index: SearchIndex, query: str) -> None:
    result = index.search(query)
    match_error(index, query)
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


# ------------------------------------------------------- chat-style queries

CHAT_DOCS = [
    Doc("c-opt", "question", "react", "mid", "How do you optimize rendering of long lists?",
        "Virtualize the list so only the visible rows render."),
    Doc("c-behavior", "question", "javascript", "mid", "What is the default behavior of a form?",
        "Submitting a form reloads the page unless preventDefault is called."),
    Doc("c-effect", "question", "react", "mid", "How do you clean up in useEffect?",
        "Return a function from the hook; React calls it before the next run."),
    Doc("c-valid", "question", "python", "junior", "Where does input validation belong?",
        "Check types and ranges at the boundary, before the data reaches the domain."),
    Doc("c-404", "question", "react", "junior", "How do you show a NotFound page?",
        "A route without a path renders when nothing else matched."),
    Doc("c-other", "question", "react", "junior", "What are props?",
        "Props are the inputs a parent passes to a component; a page renders components."),
]  # fmt: skip


@pytest.fixture(scope="module")
def chat_index() -> SearchIndex:
    return SearchIndex(CHAT_DOCS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("optimise rendering", "c-opt"),  # British spelling
        ("behaviour of forms", "c-behavior"),
        ("effect cleanup", "c-effect"),  # a part of an identifier written as one word
        ("validate user input", "c-valid"),  # a verb where the entry has a noun
    ],
)
def test_chat_queries_find_their_entry(chat_index: SearchIndex, query: str, expected: str) -> None:
    assert ids(chat_index, query)[0] == expected


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("optimise", "optimize"),
        ("optimised", "optimizing"),
        ("behaviours", "behavior"),
        ("favourite", "favorite"),
        ("analyse", "analyze"),
        ("centre", "center"),
        ("catalogue", "catalog"),
        ("modelling", "modeling"),
        ("cancelled", "canceled"),
        ("defence", "defense"),
    ],
)
def test_british_spellings_meet_american_ones(british: str, american: str) -> None:
    assert stem(british) == stem(american)


def test_words_that_only_look_british_are_kept() -> None:
    assert [stem(w) for w in ("promise", "exercise", "installed", "spelling", "tour")] == [
        "promis", "exercis", "install", "spell", "tour",
    ]  # fmt: skip
    assert words("useEffect NullReferenceException JavaScript") == [
        "use", "effect", "useeffect", "null", "reference", "exception", "nullreferenceexception",
        "javascript",
    ]  # fmt: skip


def test_a_compound_is_found_across_a_stop_word(chat_index: SearchIndex) -> None:
    slots = parse_query(chat_index, "page not found").slots
    assert (("notfound",), 1.0) in slots[-1].alternatives


def test_excerpt_marks_either_spelling() -> None:
    assert excerpt("The colour wheel.", {"color"}) == "The **colour** wheel."


def test_excerpt_marks_no_stop_word_a_phrase_brought_in() -> None:
    text = "Compared to merge, rebase rewrites history to keep it linear."
    assert excerpt(text, {"compar", "to", "merg", "rebas"}) == (
        "**Compared** to **merge**, **rebase** rewrites history to keep it linear."
    )
    assert excerpt("How to undo it.", {"to"}) == "How **to** undo it."  # stop words alone


def test_excerpt_marks_forms_of_a_term_not_longer_words_it_starts() -> None:
    text = "Git rebases; GitHub and gitignore are not git, nor is rendered a render's renderer."
    assert excerpt(text, {"git", "render"}) == (
        "**Git** rebases; GitHub and gitignore are not **git**, nor is **rendered** a"
        " **render's** renderer."
    )


ERROR_DOCS = [
    Doc("e-cors", "error", "javascript", None,
        "Access to fetch at '<url>' from origin '<origin>' has been blocked by CORS policy: No "
        "'Access-Control-Allow-Origin' header is present on the requested resource.",
        "The server did not send the Access-Control-Allow-Origin header for this origin."),
    Doc("e-rejection", "error", "node", None,
        "UnhandledPromiseRejection: This error originated either by throwing inside of an async "
        "function without a catch block, or by rejecting a promise which was not handled.",
        "A promise rejected and nothing caught it."),
    Doc("e-refused", "error", "node", None, "Error: connect ECONNREFUSED <host>:<port>",
        "Nothing listens on that host and port: the database or service is not running."),
    Doc("e-nre", "error", "csharp", None,
        "System.NullReferenceException: Object reference not set to an instance of an object.",
        "A member was used on a null reference."),
    Doc("e-esm", "error", "node", None,
        "Error [ERR_REQUIRE_ESM]: require() of ES Module <path> from <caller> not supported.",
        "The package is ESM only; import it instead of requiring it."),
    Doc("q-other", "question", "node", "mid", "How does the event loop work?",
        "Callbacks wait in queues; the loop runs them when the stack is empty."),
]  # fmt: skip


@pytest.fixture(scope="module")
def error_index() -> SearchIndex:
    return SearchIndex(ERROR_DOCS)


def test_short_paraphrase_of_an_error_is_a_likely_match(error_index: SearchIndex) -> None:
    result = match_error(error_index, "cors error no allow origin header")
    assert [h.id for h in result.hits][:1] == ["e-cors"]
    assert result.good and result.likely
    exact = match_error(error_index, "Error: connect ECONNREFUSED 127.0.0.1:5432")
    assert exact.hits[0].id == "e-refused" and not exact.likely


def test_wrapped_error_matches_each_error_innermost_first(error_index: SearchIndex) -> None:
    paste = (
        "(node:123) UnhandledPromiseRejectionWarning: Error: connect ECONNREFUSED 127.0.0.1:6379\n"
        "    at TCPConnectWrap.afterConnect [as oncomplete] (net.js:1146:16)\n"
    )
    assert [h.id for h in match_error(error_index, paste).hits] == ["e-refused", "e-rejection"]
    without_cause = SearchIndex([d for d in ERROR_DOCS if d.id != "e-refused"])
    assert [h.id for h in match_error(without_cause, paste).hits] == ["e-rejection"]


@pytest.mark.parametrize(
    ("paste", "expected"),
    [
        ("UnhandledPromiseRejectionWarning", "e-rejection"),
        ("NullReferenceException", "e-nre"),
        ("ERR_REQUIRE_ESM", "e-esm"),
    ],
)
def test_identifiers_match_their_parts(error_index: SearchIndex, paste: str, expected: str) -> None:
    assert [h.id for h in match_error(error_index, paste).hits][:1] == [expected]


@pytest.mark.parametrize(
    "paste",
    [
        "ZeroDivisionError: division by zero",
        "Error: connect ETIMEDOUT 10.0.0.1:443",
        "how does the event loop work",
        "npm ERR! code ERESOLVE unable to resolve dependency tree",
    ],
)
def test_unrelated_pastes_still_answer_nothing(error_index: SearchIndex, paste: str) -> None:
    assert match_error(error_index, paste).hits == []


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


TOPIC_DOCS = [
    Doc("t-fact", "question", "sql", "mid", "What is a fact table?",
        "A fact table holds the facts of a star schema: one row a sale, with its measures."),
    Doc("t-dims", "question", "sql", "mid", "What is a dimension table?",
        "A dimension table describes the facts: customers, products, dates."),
    Doc("t-made", "question", "ai", "mid", "Why does a language model hallucinate?",
        "It predicts likely words, so with no grounding it invents plausible answers."),
    Doc("t-eval", "question", "ai", "mid", "How do you evaluate an LLM's answers?",
        "Score the answers on held-out prompts; check them against known facts."),
    Doc("t-rag", "question", "ai", "senior", "What is retrieval-augmented generation?",
        "The model answers from retrieved documents, which keeps it grounded."),
]  # fmt: skip


def test_the_topic_the_query_points_at_wins_an_ambiguous_word() -> None:
    # "facts" is strongest in the SQL entries (a fact table's title), but it is in an AI entry
    # too, and "model" leads to AI alone: the AI entries come before the fact table.
    index = SearchIndex(TOPIC_DOCS)
    hits = index.search("the model makes up facts").hits
    assert [hit.topic for hit in hits[:2]] == ["ai", "ai"]


def test_no_topic_focus_from_one_word_or_one_topic(index: SearchIndex) -> None:
    topics = SearchIndex(TOPIC_DOCS)
    assert topics.score(parse_query(topics, "facts")).focus is None
    one_topic = SearchIndex([d for d in TOPIC_DOCS if d.topic == "ai"])
    assert one_topic.score(parse_query(one_topic, "model answers")).focus is None
    focus = topics.score(parse_query(topics, "model answers")).focus
    assert focus is not None and focus[topics.topics.names.index("ai")] == 1.0


def test_the_way_people_ask_finds_an_entry_its_own_words_do_not() -> None:
    plain = Doc("q-keys", "question", "react", "mid", "How does reconciliation use keys?",
                "Keys let React match children between renders.")  # fmt: skip
    other = Doc("q-state", "question", "react", "mid", "What is state?",
                "State is data a component owns and changes over time.")  # fmt: skip
    asked = plain._replace(asked_as=("typed text jumps to another row after sorting the list",))
    query = "my typed text jumps rows when i sort"
    assert "q-keys" not in ids(SearchIndex([plain, other]), query)
    assert ids(SearchIndex([asked, other]), query)[0] == "q-keys"
    # ... but not ahead of an entry whose title says it.
    titled = Doc("q-sort", "question", "react", "mid", "Why does typed text jump rows when I sort?",
                 "Sorting moves the rows under their inputs.")  # fmt: skip
    assert ids(SearchIndex([asked, titled, other]), query)[:2] == ["q-sort", "q-keys"]
