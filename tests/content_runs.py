"""What the content tests share when they run shipped code: an environment without the variables
git sets in hooks, and a check that nothing they run writes into the checkout."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WATCHED = (ROOT, ROOT / "tests")  # where a tool started from the checkout would write by default


def clean_env() -> dict[str, str]:
    """The machine's environment without GIT_DIR, GIT_INDEX_FILE, GIT_WORK_TREE and the like: run
    from a git hook, they would point the git commands of a snippet or a reproduction at this
    checkout instead of the repository the script made for itself."""
    return {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}


def entries() -> set[Path]:
    return {path for folder in WATCHED for path in folder.iterdir()}


@pytest.fixture(autouse=True)
def checkout_untouched() -> Iterator[None]:
    """Code under test runs in a temporary folder; a file it leaves in the checkout fails the test
    that made it (a stray file is easily committed by accident)."""
    before = entries()
    yield
    left = sorted(str(path.relative_to(ROOT)) for path in entries() - before)
    assert left == [], f"written into the checkout: {left}"
