"""Search and error lookup on the shipped content: the points a new user tripped over (issue 13)."""

from __future__ import annotations

import pytest

from bot.config import SHIPPED_CONTENT
from bot.content.files import load_paths
from bot.search import Doc, SearchIndex
from bot.search.errors import match_error
from bot.search.excerpt import excerpt

# Real outputs of `go run .` on the Reproduce blocks of content/errors/go (Go 1.19): compiler
# errors are `file:line:col: message` under a `# package` line, not stack frames.
GO_OUTPUTS = [
    ("# example.com/x\n./main.go:7:2: total declared but not used", "err-go-declared-and-not-used"),
    (
        "# example.com/x\n./main.go:9:10: assignment mismatch: 1 variable but strconv.Atoi"
        " returns 2 values",
        "err-go-assignment-mismatch",
    ),
    ('# example.com/x\n./main.go:5:2: imported and not used: "os"', "err-go-imported-and-not-used"),
    ("# example.com/x\n./main.go:11:1: missing return", "err-go-missing-return"),
    (
        "# example.com/x\n./main.go:10:11: no new variables on left side of :=",
        "err-go-no-new-variables",
    ),
    ("# example.com/x\n./main.go:11:23: undefined: subtotal", "err-go-undefined"),
    (
        "# example.com/x\n./main.go:11:26: invalid operation: total / len(ratings) (mismatched"
        " types float64 and int)",
        "err-go-mismatched-types",
    ),
    (
        "# example.com/x\n./main.go:12:23: cannot use Temperature{…} (value of type Temperature)"
        " as type fmt.Stringer in variable declaration:\n\tTemperature does not implement"
        " fmt.Stringer (String method has pointer receiver)",
        "err-go-pointer-receiver",
    ),
    (
        "panic: sync: negative WaitGroup counter\n\ngoroutine 6 [running]:\n"
        "sync.(*WaitGroup).Add(0x0?, 0x498a3d?)\n\t/usr/lib/go-1.19/src/sync/waitgroup.go:83"
        " +0xda\nsync.(*WaitGroup).Done(...)\n\t/usr/lib/go-1.19/src/sync/waitgroup.go:108\n"
        "main.main.func1()\n\t/tmp/x/main.go:14 +0x65\ncreated by main.main\n"
        "\t/tmp/x/main.go:12 +0x3d\nexit status 2",
        "err-go-negative-waitgroup-counter",
    ),
]


@pytest.fixture(scope="module")
def shipped() -> SearchIndex:
    entries = load_paths([SHIPPED_CONTENT]).entries
    return SearchIndex(
        Doc(
            e.id,
            e.kind,
            e.topic,
            e.level,
            e.title,
            "\n".join(
                v
                for v in (e.answer, e.deep_dive, e.real_world, e.common_mistakes,
                          e.production_scenario, e.root_cause, e.fix, e.description,
                          e.summary, e.body, e.code)
                if v
            ),
            e.tags,
            e.variants,
        )
        for e, _ in entries
    )  # fmt: skip


@pytest.mark.parametrize(("paste", "expected"), GO_OUTPUTS)
def test_go_compiler_errors_are_messages_not_frames(
    shipped: SearchIndex, paste: str, expected: str
) -> None:
    result = match_error(shipped, paste, limit=3)
    assert [h.id for h in result.hits][:1] == [expected]


def test_an_error_whose_key_words_differ_is_not_a_match(shipped: SearchIndex) -> None:
    paste = "django.db.utils.OperationalError: could not connect to server: Connection refused"
    assert "err-django-no-such-table" not in [h.id for h in match_error(shipped, paste).hits]
    same = match_error(shipped, "django.db.utils.OperationalError: no such table: auth_user")
    assert [h.id for h in same.hits][:1] == ["err-django-no-such-table"]


CORRECTION_DOCS = [
    Doc("q-1", "question", "rust", "mid", "The borrow checker explained",
        "Ownership and borrowing rules that the checker enforces at compile time."),
    Doc("q-2", "question", "react", "junior", "Rules of hooks",
        "You must call hooks at the top level, never inside loops or conditions."),
]  # fmt: skip


def test_a_real_word_is_not_corrected_into_another() -> None:
    index = SearchIndex(CORRECTION_DOCS)
    result = index.search("rust borrow checker")
    assert result.corrected is None  # was "must borrow checker"
    assert [h.id for h in result.hits][:1] == ["q-1"]
    assert index.search("borow checker").corrected == "borrow checker"


def test_a_correction_the_best_hit_lacks_is_not_suggested() -> None:
    index = SearchIndex(CORRECTION_DOCS)
    result = index.search("borrow checker explained mustt")
    assert [h.id for h in result.hits][:1] == ["q-1"]
    assert result.corrected is None  # "must" finds only the other entry


def test_shipped_words_are_not_corrected(shipped: SearchIndex) -> None:
    for query in ("rust borrow checker", "system design url shortener"):
        assert shipped.search(query).corrected is None
    assert shipped.search("djnago orm n+1").corrected == "django orm n+1"


def test_a_hit_on_a_fuzzy_expansion_of_a_weak_word_alone_is_dropped() -> None:
    docs = [
        Doc("q-orm", "question", "django", "mid", "N+1 queries in the Django ORM",
            "Use select_related so no extra query runs per row."),
        Doc("q-note", "question", "git", "mid", "Git notes", "A note is never part of a commit."),
        *(Doc(f"q-{n}", "question", "git", "mid", f"Filler {n}", "Nothing to see, no words here.")
          for n in range(8)),
    ]  # fmt: skip
    assert [h.id for h in SearchIndex(docs).search("djnago orm no").hits] == ["q-orm"]


def test_excerpts_keep_code_intact() -> None:
    text = (
        "## Strict mode\nWrap the tree in `<React.StrictMode>` to surface bugs. An arrow such as"
        " `() => { run() }` keeps `this`; `attrs->'color'` reads a key. The _Virtual DOM_ is a"
        " copy.\n\n```jsx\nroot.render(<App />);\n```\n"
    )
    found = excerpt(text, frozenset({"strict", "virtual", "dom", "color", "root"}), width=400)
    assert "**Strict** mode Wrap the tree in `<React.StrictMode>` to surface" in found
    assert "`() => { run() }`" in found
    assert "`attrs->'color'`" in found
    assert "The **Virtual** **DOM** is" in found
    assert "`root.render(<App />);`" in found
    assert found.count("`") % 2 == 0


def test_a_short_term_marks_only_itself() -> None:
    found = excerpt("An N+1 is no fun: note that n queries never help.", frozenset({"n", "n+1"}))
    assert found == "An **N+1** is no fun: note that **n** queries never help."
