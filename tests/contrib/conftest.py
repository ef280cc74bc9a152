"""The Slack fake's fixtures, for the contribution tests that run through it."""

from tests.slack.conftest import fake, slack  # noqa: F401
