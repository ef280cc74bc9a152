"""Hostile queries every search must answer quickly (tests/test_search.py), also timed by
bench/search.py, which imports them from here so its processes do not load pytest."""

BAD_QUERIES = [
    "x" * 20_000,
    "word " * 5000,
    "!!! ??? ...",
    "🚀🔥 😅",
    "a\x00b\x00",
    '" * NEAR OR AND NOT ( ) ^ :',
    "(a|b)*+ [[:alpha:]] \\d{3}",
    "",
]
