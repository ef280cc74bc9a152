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


# Real outputs (issue 15): python 3.11, node 20, java 17, psql 15 and mariadb 10.11 broken on
# purpose, some behind a journald or docker compose prefix (bench/queries/tuning-error-pastes.yml).
HELD_OUTPUTS = [
    (
        "Nov 30 12:04:00 web01 app[4121]: Traceback (most recent call last):\n"
        'Nov 30 12:04:01 web01 app[4121]:   File "/srv/app.py", line 1, in <module>\n'
        "Nov 30 12:04:02 web01 app[4121]:     age = int('twelve')\n"
        "Nov 30 12:04:04 web01 app[4121]: ValueError: invalid literal for int() with base 10:"
        " 'twelve'\n",
        "err-python-invalid-literal-int",
    ),
    (
        "api-1  | ReferenceError: totl is not defined\n"
        "api-1  |     at Object.<anonymous> (/app/app.js:1:13)\n"
        "api-1  |     at node:internal/main/run_main_module:28:49\n"
        "api-1  | \napi-1  | Node.js v20.20.2\n",
        "err-javascript-not-defined",
    ),
    (
        'Exception in thread "main" java.lang.ClassCastException: class java.lang.String cannot'
        " be cast to class java.lang.Integer (java.lang.String and java.lang.Integer are in module"
        " java.base of loader 'bootstrap')\n\tat Main.main(Main.java:4)\n",
        "err-java-class-cast",
    ),
    (
        "SET\nERROR:  function lenght(unknown) does not exist\nLINE 1: SELECT lenght('x');\n"
        "               ^\nHINT:  No function matches the given name and argument types. You"
        " might need to add explicit type casts.\n",
        "err-postgresql-function-does-not-exist",
    ),
    (
        "ERROR 1146 (42S02) at line 1: Table 'shop.invoices' doesn't exist\n",
        "err-mysql-1146-table-doesnt-exist",
    ),
    (
        # JavaScript says `x is not iterable` too: the Python traceback decides.
        'Traceback (most recent call last):\n  File "/srv/app.py", line 1, in <module>\n'
        "    for x in 42:\nTypeError: 'int' object is not iterable\n",
        "err-python-object-not-iterable",
    ),
]


@pytest.mark.parametrize(("paste", "expected"), HELD_OUTPUTS)
def test_real_outputs_of_errors_the_archive_holds_find_their_entry(
    shipped: SearchIndex, paste: str, expected: str
) -> None:
    assert [h.id for h in match_error(shipped, paste, limit=3).hits][:1] == [expected]


LACKING_OUTPUTS = [
    # Its words are PostgreSQL's, PHP's and Go's `division by zero`, its class none of theirs.
    'Traceback (most recent call last):\n  File "/srv/app.py", line 2, in <module>\n'
    "    print(total / count)\nZeroDivisionError: division by zero\n",
    'Traceback (most recent call last):\n  File "/srv/app.py", line 1, in <module>\n'
    "    open('.')\nIsADirectoryError: [Errno 21] Is a directory: '.'\n",
    'Traceback (most recent call last):\n  File "/srv/app.py", line 1, in <module>\n'
    "ImportError: cannot import name 'nosuchthing' from 'os' (/usr/lib/python3.11/os.py)\n",
    # `missing return` holds `missing`, and explains nothing else of it.
    "panic: config file missing\n\ngoroutine 1 [running]:\nmain.main()\n"
    "\t/srv/main.go:4 +0x27\nexit status 2\n",
    "RangeError: Invalid array length\n    at Object.<anonymous> (/app/app.js:1:1)\n"
    "    at node:internal/main/run_main_module:28:49\n\nNode.js v20.20.2\n",
    "ERROR 1051 (42S02) at line 1: Unknown table 'shop.invoices'\n",
    "ERROR 1060 (42S21) at line 1: Duplicate column name 'name'\n",
    "PHP Fatal error:  Uncaught Error: Cannot access private property A::$x in"
    " /var/www/index.php:3\nStack trace:\n#0 {main}\n  thrown in /var/www/index.php on line 3\n",
]


@pytest.mark.parametrize("paste", LACKING_OUTPUTS)
def test_real_outputs_of_errors_the_archive_lacks_answer_nothing(
    shipped: SearchIndex, paste: str
) -> None:
    assert match_error(shipped, paste).hits == []


UNRELATED_OUTPUTS = [
    " id | name | age \n----+------+-----\n  1 | ana  |  30\n  2 | bob  |  40\n(2 rows)\n",
    "To ../r.git\n * [new branch]      main -> main\n",
    "ruff 0.17.6\nAll checks passed!\n",
    "INFO:celery:Task orders.sync succeeded in 0.42s: None\n"
    "WARNING:celery:Retry in 5s: connection reset, attempt 2 of 5\n",
    "--- PASS: TestAdd (0.00s)\nPASS\nok  \texample.com/a\t0.005s\n",
]


@pytest.mark.parametrize("paste", UNRELATED_OUTPUTS)
def test_unrelated_outputs_answer_nothing(shipped: SearchIndex, paste: str) -> None:
    assert match_error(shipped, paste).hits == []


@pytest.mark.parametrize(
    ("paste", "expected"),
    [
        (
            'asyncpg.exceptions.UndefinedTableError: relation "invoices" does not exist',
            "err-postgresql-relation-does-not-exist",
        ),
        (
            'SequelizeDatabaseError: relation "Users" does not exist',
            "err-postgresql-relation-does-not-exist",
        ),
        (
            "java.sql.SQLIntegrityConstraintViolationException: Duplicate entry 'a@x' for key"
            " 'users.email'",
            "err-mysql-1062-duplicate-entry",
        ),
    ],
)
def test_a_library_class_wrapping_a_database_error_finds_the_database_entry(
    shipped: SearchIndex, paste: str, expected: str
) -> None:
    # Only a language's own class (ZeroDivisionError, java.lang.*) must be named by the entry.
    assert [h.id for h in match_error(shipped, paste, limit=3).hits][:1] == [expected]


@pytest.mark.parametrize(
    ("paste", "expected"),
    [
        (
            "Warning: A component is changing an uncontrolled input to be controlled.",
            "err-react-uncontrolled-to-controlled",
        ),
        (
            "Access to XMLHttpRequest at 'http://localhost:8000/api/login' from origin"
            " 'http://localhost:3000' has been blocked by CORS policy: No"
            " 'Access-Control-Allow-Origin' header is present on the requested resource.",
            "err-security-cors-no-allow-origin",
        ),
    ],
)
def test_a_paste_that_stops_after_the_titles_first_sentence_finds_the_entry(
    shipped: SearchIndex, paste: str, expected: str
) -> None:
    assert [h.id for h in match_error(shipped, paste, limit=3).hits][:1] == [expected]
