"""The hub's topics, and the other names people give them (applied on import and in queries)."""

from __future__ import annotations

from collections.abc import Collection

from rapidfuzz import fuzz, process

TOPICS = (
    "php", "laravel", "wordpress", "javascript", "typescript", "react", "nodejs", "python",
    "django", "ai", "sql", "mysql", "postgresql", "java", "csharp", "vbnet", "go", "docker",
    "git", "security", "architecture",
)  # fmt: skip
ALIASES = {
    "node": "nodejs",
    "node.js": "nodejs",
    "js": "javascript",
    "ecmascript": "javascript",
    "ts": "typescript",
    "reactjs": "react",
    "react.js": "react",
    "py": "python",
    "python3": "python",
    "postgres": "postgresql",
    "pg": "postgresql",
    "psql": "postgresql",
    "mariadb": "mysql",
    "c#": "csharp",
    "cs": "csharp",
    "dotnet": "csharp",
    ".net": "csharp",
    "vb": "vbnet",
    "vb.net": "vbnet",
    "golang": "go",
    "wp": "wordpress",
    "appsec": "security",
    "llm": "ai",
    "ml": "ai",
    "system-design": "architecture",
}


def canonical_topic(name: str) -> str:
    """The hub's name for a topic (`node` → `nodejs`); other names come back lower-cased."""
    key = name.strip().lower()
    return ALIASES.get(key, key)


def closest_topic(name: str, among: Collection[str] = TOPICS) -> str | None:
    """The topic (of `among`) a mistyped name most likely means, if any is close."""
    found = process.extractOne(name.lower(), among, scorer=fuzz.ratio, score_cutoff=60)
    return found[0] if found else None


def unknown_topic(name: str, known: Collection[str], what: str = "topic") -> str:
    """What to tell someone who typed `name` for a topic (or for `what` else it could be), when
    it is none of `known`."""
    close = closest_topic(name, known)
    if close:
        return f"Unknown {what} `{name[:30]}`: did you mean `{close}`?"
    return f"Unknown {what} `{name[:30]}`. Topics: {', '.join(sorted(known))}."
