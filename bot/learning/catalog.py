"""Finding the path a person names: its id, or a unique start of its id or title."""

from __future__ import annotations

import difflib

from bot.models import LearningPath

ID_PREFIX = "path-"


def _spaced(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


def _words(text: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in _spaced(text)).split())


def find_path(paths: list[LearningPath], typed: str) -> LearningPath | str:
    """The path named by `typed` (its id, the start of its id or title, else words of its
    title), else a short message: which paths it could be, or the closest one."""
    name = typed.strip().lower()[:64]
    exact = [p for p in paths if p.id in (name, ID_PREFIX + name)]
    if exact:
        return exact[0]
    spaced = _spaced(name)
    found = [
        p
        for p in paths
        if name
        and (
            p.id.startswith(name)
            or p.id.startswith(ID_PREFIX + name)
            or _spaced(p.title).startswith(spaced)
        )
    ]
    if not found and spaced:  # then the start of a word inside a title ("zero" in "… zero to …")
        found = [p for p in paths if f" {spaced}" in f" {_words(p.title)}"]
    if len(found) == 1:
        return found[0]
    if found:
        which = ", ".join(f"`{p.id}`" for p in found[:5])
        return f"`{typed[:64]}` could be several paths: {which}. Which one?"
    return f"No learning path `{typed[:64]}`." + _closest(paths, spaced)


def _closest(paths: list[LearningPath], spaced: str) -> str:
    names = {_spaced(p.id.removeprefix(ID_PREFIX)): p for p in paths}
    names.update({_spaced(p.title): p for p in paths})
    # A typed word may be the start of a long title: compare it with a title's start too.
    starts = {key[: max(len(spaced), 1)]: p for key, p in names.items()}
    for pool in (names, starts):
        close = difflib.get_close_matches(spaced, list(pool), n=1, cutoff=0.6)
        if close:
            path = pool[close[0]]
            return f" Did you mean `{path.id}` ({path.title})?"
    return " `/hub path` lists them."
