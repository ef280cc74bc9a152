"""The README's examples work on the shipped content: each one is typed into the console."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .hub_process import hub_env

README = Path(__file__).resolve().parents[1] / "README.md"
HUB = [sys.executable, "-c", "from bot.cli import main; main()"]
# Lookups that answer from the content; setting commands (daily, mock) need a real channel.
EXAMPLE = re.compile(r"^/hub (search|error|show|path|snippet|topics)\b.*$|printf '(/hub [^\\']+)")
NO_ANSWER = ("No results", "I don't know", "No error in the archive", "Traceback", "went wrong")


def readme_examples() -> list[str]:
    found = []
    for line in README.read_text(encoding="utf-8").splitlines():
        match = EXAMPLE.search(line.strip())
        if match:
            found.append(match.group(2) or match.group(0))
        found += re.findall(r"type `(/hub (?:search|error) [^`]+)`", line)
    return list(dict.fromkeys(found))


EXAMPLES = readme_examples()


@pytest.fixture(scope="module")
def shipped_store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("readme")
    env = hub_env(f"sqlite:///{folder / 'hub.db'}", folder)
    del env["HUB_CONTENT_DIR"]  # the shipped content, as a new user has it
    return env


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 6, EXAMPLES


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_readme_example_answers(example: str, shipped_store: dict[str, str]) -> None:
    out = subprocess.run(
        [*HUB, "console"], input=example + "\n", capture_output=True, text=True,
        env=shipped_store, timeout=180,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() and not any(words in out.stdout for words in NO_ANSWER), out.stdout
