"""The Slack adapter: slash command, buttons, mentions, shortcut and App Home on slack-bolt."""

from adapters.slack.app import SlackBot, build_app
from adapters.slack.blocks import SlackMessage, render
from adapters.slack.outbound import SlackOutbound, web_client
from adapters.slack.server import SlackNotConfigured, http_app, serve_slack, start_http

__all__ = [
    "SlackBot",
    "SlackMessage",
    "SlackNotConfigured",
    "SlackOutbound",
    "build_app",
    "http_app",
    "render",
    "serve_slack",
    "start_http",
    "web_client",
]
