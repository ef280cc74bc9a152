"""The app manifest names exactly what the adapter listens for."""

from __future__ import annotations

from pathlib import Path

import yaml

from adapters.slack.app import FIND_FIX_CALLBACK, SAVE_THREAD_CALLBACK

MANIFEST = Path(__file__).resolve().parents[2] / "adapters" / "slack" / "manifest.yml"


def test_manifest_matches_the_listeners() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    features = manifest["features"]
    assert [c["command"] for c in features["slash_commands"]] == ["/hub"]
    shortcuts = features["shortcuts"]
    assert {s["type"] for s in shortcuts} == {"message"}
    assert [s["callback_id"] for s in shortcuts] == [FIND_FIX_CALLBACK, SAVE_THREAD_CALLBACK]
    assert features["app_home"]["home_tab_enabled"] is True
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened", "app_mention", "message.channels", "message.groups"
    }  # fmt: skip
    assert settings["interactivity"]["is_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "commands", "im:write", "users:read"} <= scopes
    assert {"channels:history", "groups:history"} <= scopes
    assert len(manifest["display_information"]["long_description"]) >= 174
