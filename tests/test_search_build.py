"""The build's postings are those of reading every token of every field one by one."""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.search import Doc
from bot.search.build import (
    CHUNK,
    CUT_CHARS,
    FIELD_WEIGHTS,
    MAX_TEXT_CHARS,
    PACKED,
    TAG,
    TEXT,
    TITLE,
    VARIANT,
    Postings,
    build_postings,
    raw_spans,
)
from bot.search.service import json_list
from bot.search.text import RAW_WORD, STOP_WORDS, stem, tokens, words

PIECES = [
    "useEffect",
    "React",
    "react",
    "don't",
    "n+1",
    "C#",
    "c++",
    "++i",
    "#tag",
    "re-render",
    "node.js",
    "snake_case",
    "x.y.z",
    "a-.b",
    "-",
    ".",
    "'",
    "the",
    "colours",
    "optimised",
    "NullReferenceException",
    "abcdefghijklmnop",  # PACKED bytes
    "abcdefghijklmnopq",
    "supercalifragilisticexpialidocious",
    "naïve",
    "日本語",
    "Ωmega",
]
SEPARATORS = [" ", "-", ".", "_", "'", "+", "#", ", ", "\n", ""]
field = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS))).map(
    lambda parts: "".join(p + s for p, s in parts)
)


def expected(docs: list[Doc]) -> Postings:
    """Postings made the plain way: every occurrence looked at on its own, in reading order."""
    tf: defaultdict[tuple[str, int], float] = defaultdict(float)
    titled, title_words = set(), defaultdict(set)
    surface: dict[str, str] = {}
    for number, doc in enumerate(docs):
        kinds = [(doc.title, TITLE)] + [(v, VARIANT) for v in doc.variants]
        kinds += [(t, TAG) for t in doc.tags] + [(doc.text[:MAX_TEXT_CHARS], TEXT)]
        for text, kind in kinds:
            for word in (w for token in tokens(text) for w in words(token)):
                term = stem(word)
                surface.setdefault(term, word)
                tf[term, number] += float(FIELD_WEIGHTS[kind])
                if kind in (TITLE, VARIANT):
                    titled.add((term, number))
                if kind == TITLE and word not in STOP_WORDS:
                    title_words[number].add(term)
    names = sorted(surface)
    posted = sorted(tf, key=lambda pair: (pair[0], pair[1]))
    title_posted = sorted(titled)

    def offsets(pairs: list[tuple[str, int]]) -> np.ndarray:
        held = Counter(term for term, _ in pairs)
        counts = [held[name] for name in names]
        return np.concatenate(([0], np.cumsum(counts))).astype(np.int64)

    lengths = np.zeros(len(docs), np.float64)
    for (_, number), value in tf.items():
        lengths[number] += value
    return Postings(
        terms={name: at for at, name in enumerate(names)},
        surface=surface,
        df=np.diff(offsets(posted)).astype(np.int32),
        offsets=offsets(posted),
        docs=np.array([d for _, d in posted], np.int32),
        tf=np.array([tf[pair] for pair in posted], np.float32),
        lengths=lengths.astype(np.float32),
        title_offsets=offsets(title_posted),
        title_docs=np.array([d for _, d in title_posted], np.int32),
        title_lengths=np.array([len(title_words[n]) for n in range(len(docs))], np.float32),
    )


def assert_same(found: Postings, wanted: Postings) -> None:
    assert found.terms == wanted.terms
    assert found.surface == wanted.surface
    for name in ("df", "offsets", "docs", "tf", "lengths", "title_offsets", "title_docs"):
        value, other = getattr(found, name), getattr(wanted, name)
        assert value.dtype == other.dtype, name
        assert np.array_equal(value, other), name
    assert np.array_equal(found.title_lengths, wanted.title_lengths)


def doc(number: int, title: str, text: str, tags: list[str], variants: list[str]) -> Doc:
    return Doc(f"q-{number}", "question", "react", None, title, text, tuple(tags), tuple(variants))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="aZ9+#-._' \t,é"))
def test_ascii_text_is_cut_where_the_token_regex_cuts_it(text: str) -> None:
    ascii_text = text.encode("ascii", "replace").decode()
    data = np.frombuffer((ascii_text + "\0" * PACKED).encode(), np.uint8)
    starts, ends = raw_spans(data)
    found = list(zip(starts.tolist(), ends.tolist(), strict=True))
    assert found == [m.span() for m in RAW_WORD.finditer(ascii_text)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(field, field, st.lists(field, max_size=2), st.lists(field, max_size=2)),
        max_size=8,
    )
)
def test_a_build_gives_the_postings_of_reading_each_token(
    fields: list[tuple[str, str, list[str], list[str]]],
) -> None:
    docs = [doc(n, *each) for n, each in enumerate(fields)]
    assert_same(build_postings(docs, lambda _: None), expected(docs))


def test_a_build_across_chunks_and_cuts_gives_the_same_postings() -> None:
    rng = random.Random(15)
    vocabulary = [*PIECES, *(f"w{n}" for n in range(3000))]
    # Enough text that the fields are cut more than once and the documents fill two chunks.
    per_doc = 2 * CUT_CHARS // CHUNK
    docs = []
    for number in range(CHUNK + 100):
        text = " ".join(rng.choices(vocabulary, k=per_doc // 5))
        docs.append(doc(number, " ".join(rng.choices(vocabulary, k=6)), text, [], []))
    read: list[Doc] = []
    assert_same(build_postings(docs, read.append), expected(docs))
    assert read == docs


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet='ab ,"\\[]é\n')))
def test_a_json_list_column_is_read_as_written(strings: list[str]) -> None:
    assert json_list(json.dumps(strings)) == tuple(strings)
    assert json_list(json.dumps(strings, separators=(",", ":"))) == tuple(strings)
