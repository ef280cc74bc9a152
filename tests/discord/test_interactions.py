"""End to end: the real discord.py client against the fake Discord, every call recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.content import import_content
from bot.hub import Hub
from tests.daily.rows import answers, posted_question
from tests.discord.conftest import StartClient
from tests.discord.fake import (
    ASKER,
    BOT_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    FakeDiscord,
    member,
)

EPHEMERAL = 64


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


def text_of(message: dict[str, Any]) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f["value"] for f in embed.get("fields", [])]
    return "\n".join(parts)


async def handled_so_far(fake: FakeDiscord, hub: Hub) -> dict[str, Any]:
    """Every event sent so far has been handled: the client starts its handlers in the order the
    events arrive, so once a mention sent now is answered the earlier ones have started, and the
    hub's work in flight (each handler, tracked) has ended. The mention's answer is returned."""
    replies = rf"/channels/{CHANNEL_ID}/messages"
    before = len(fake.calls_to("POST", replies))
    asked = await fake.user_message(f"<@{BOT_ID}> render twice")
    [answer] = await fake.wait_for(lambda: fake.calls_to("POST", replies)[before:])
    assert str(answer.body["message_reference"]["message_id"]) == asked["id"]
    assert await hub.lifecycle.finish()
    body: dict[str, Any] = answer.body
    return body


async def answer_of(fake: FakeDiscord, interaction_id: str) -> dict[str, Any]:
    """The interaction's callback body, once the bot has sent it."""
    calls = await fake.wait_for(lambda: fake.callbacks(interaction_id))
    assert len(calls) == 1
    body: dict[str, Any] = calls[0].body
    return body


async def test_slash_search_answers_privately_with_embeds(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    assert not fake.identifies[0]["intents"] & (1 << 15)  # no privileged message-content intent
    interaction = await fake.slash("search", query="render twice", topic="react")
    body = await answer_of(fake, interaction)
    assert body["type"] == 4  # answered within 3 s, not deferred
    data = body["data"]
    assert data["flags"] & EPHEMERAL
    assert data["allowed_mentions"] == {"parse": []}
    assert "Why does my React component render twice" in text_of(data)
    assert "hub:show:q-react-render-twice" in custom_ids(data)


async def test_commands_sync_once_and_not_again_when_unchanged(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()
    puts = fake.calls_to("PUT", rf"/applications/{BOT_ID}/commands")
    assert len(puts) == 1
    names = {c["name"] for c in puts[0].body}
    assert names == {"hub", "Find a fix for this error", "Save to hub"}
    hub = next(c for c in puts[0].body if c["name"] == "hub")
    assert {o["name"] for o in hub["options"]} >= {
        "help",
        "search",
        "error",
        "snippet",
        "show",
        "topics",
        "path",
    }
    await client.close()
    await start_client()
    assert len(fake.calls_to("PUT", rf"/applications/{BOT_ID}/commands")) == 1


async def test_guild_id_syncs_to_the_guild(
    fake: FakeDiscord, start_client: StartClient, discord_settings: Any
) -> None:
    await start_client(discord_settings.model_copy(update={"discord_guild_id": 4242}))
    assert fake.calls_to("PUT", rf"/applications/{BOT_ID}/guilds/4242/commands")
    assert not fake.calls_to("PUT", rf"/applications/{BOT_ID}/commands")


async def test_autocomplete_suggests_topics_levels_and_ids(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    topic = await answer_of(
        fake, await fake.slash("search", focused="topic", query="x", topic="re")
    )
    assert topic["type"] == 8
    assert {"name": "react", "value": "react"} in topic["data"]["choices"]
    level = await answer_of(
        fake, await fake.slash("search", focused="level", query="x", level="se")
    )
    assert [c["value"] for c in level["data"]["choices"]] == ["senior"]
    ids = await answer_of(fake, await fake.slash("show", focused="id", id="twice"))
    assert [c["value"] for c in ids["data"]["choices"]] == ["q-react-render-twice"]
    paths = await answer_of(fake, await fake.slash("path", focused="id", id="zero"))
    assert paths["data"]["choices"] == [
        {"name": "Test path: zero to production (path-test)", "value": "path-test"}
    ]


async def test_buttons_work_before_and_after_a_restart(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()
    shown = await answer_of(fake, await fake.slash("show", id="q-react-render-twice"))
    message = fake.messages[fake.sent_messages()[-1]["id"]]
    assert "hub:section:q-react-render-twice:deep_dive" in custom_ids(message)

    expanded = await answer_of(
        fake, await fake.click(message, "hub:section:q-react-render-twice:deep_dive")
    )
    assert expanded["type"] == 7  # the ephemeral card is edited in place
    assert "discards one result" in text_of(expanded["data"])
    assert "hub:section:q-react-render-twice:deep_dive" not in custom_ids(expanded["data"])
    assert shown["data"]["flags"] & EPHEMERAL

    await client.close()
    await start_client()  # a new process: it never saw the message it is clicked on
    shared = await answer_of(fake, await fake.click(message, "hub:share:q-react-render-twice"))
    assert shared["type"] == 4
    assert not shared["data"].get("flags", 0) & EPHEMERAL  # shared publicly
    assert "Shared by ada" in str(shared["data"]["embeds"])

    # On the public card a section opens for the clicker alone; the card stays as it is.
    public = fake.sent_messages()[-1]
    assert "hub:section:q-react-render-twice:real_world" in custom_ids(public)
    opened = await answer_of(
        fake, await fake.click(public, "hub:section:q-react-render-twice:real_world")
    )
    assert opened["type"] == 4 and opened["data"]["flags"] & EPHEMERAL
    assert "A counter incremented in render" in text_of(opened["data"])


async def test_a_question_card_keeps_every_button_five_to_a_row_and_adds_to_review(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    shown = await answer_of(fake, await fake.slash("show", id="q-react-render-twice"))
    rows = shown["data"]["components"]
    assert [len(row["components"]) for row in rows] == [5, 2]  # Discord allows 5 to a row
    assert custom_ids(shown["data"])[-3:] == [
        "hub:share:q-react-render-twice",
        "hub:suggest-edit:q-react-render-twice",
        "hub:review_add:q-react-render-twice",
    ]
    message = fake.sent_messages()[-1]
    added = await answer_of(fake, await fake.click(message, "hub:review_add:q-react-render-twice"))
    assert added["type"] == 4 and added["data"]["flags"] & EPHEMERAL  # the card stays
    assert "to your review: due now" in added["data"]["content"]
    due = await answer_of(fake, await fake.slash("review"))
    assert "Why does my React component render twice" in text_of(due["data"])
    # `/hub review add` suggests questions only.
    typed = await answer_of(fake, await fake.slash("review", focused="add", add="twice"))
    assert [c["value"] for c in typed["data"]["choices"]] == ["q-react-render-twice"]
    errors = await answer_of(fake, await fake.slash("review", focused="add", add="eaddrinuse"))
    assert errors["data"]["choices"] == []


async def test_a_double_click_shares_once(fake: FakeDiscord, start_client: StartClient) -> None:
    await start_client()
    await answer_of(fake, await fake.slash("show", id="q-react-render-twice"))
    message = fake.sent_messages()[-1]
    first = await fake.click(message, "hub:share:q-react-render-twice")
    second = await fake.click(message, "hub:share:q-react-render-twice")
    answers = [await answer_of(fake, first), await answer_of(fake, second)]
    assert sorted(a["type"] for a in answers) == [4, 6]  # one share; the other acknowledged
    public = [m for m in fake.sent_messages() if not m["flags"] & EPHEMERAL]
    assert len(public) == 1


async def test_unknown_button_says_so(fake: FakeDiscord, start_client: StartClient) -> None:
    await start_client()
    await answer_of(fake, await fake.slash("show", id="q-react-render-twice"))
    old = {**fake.sent_messages()[-1]}  # a message whose button's action no longer exists
    button = {"type": 2, "style": 2, "label": "Old", "custom_id": "hub:retired:x"}
    old["components"] = [{"type": 1, "components": [button]}]
    body = await answer_of(fake, await fake.click(old, "hub:retired:x"))
    assert body["data"]["flags"] & EPHEMERAL
    assert "no longer does anything" in body["data"]["content"]


async def test_context_menu_finds_a_fix(fake: FakeDiscord, start_client: StartClient) -> None:
    await start_client()
    pasted = await fake.user_message(
        "help! Error: listen EADDRINUSE: address already in use :::3000", mention_bot=False
    )
    body = await answer_of(fake, await fake.message_menu("Find a fix for this error", pasted))
    assert body["type"] == 4
    text = text_of(body["data"])
    assert "Another process already listens on the port" in text


async def test_a_mention_is_answered_in_a_reply(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    asked = await fake.user_message(f"<@{BOT_ID}> render twice @everyone")
    calls = await fake.wait_for(lambda: fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages"))
    body = calls[0].body
    assert str(body["message_reference"]["message_id"]) == asked["id"]
    assert body["allowed_mentions"]["parse"] == []
    assert "render twice" in text_of(body).lower()


async def test_a_mention_of_a_pasted_error_looks_up_the_fix(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    await fake.user_message(f"<@{BOT_ID}> Error: listen EADDRINUSE: address already in use :::3000")
    calls = await fake.wait_for(lambda: fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages"))
    text = text_of(calls[0].body)
    assert "Root cause" in text and "Another process already listens on the port" in text


async def test_a_direct_message_is_answered(fake: FakeDiscord, start_client: StartClient) -> None:
    await start_client()
    await fake.direct_message("show q-react-render-twice")
    calls = await fake.wait_for(
        lambda: fake.calls_to("POST", rf"/channels/{DM_CHANNEL_ID}/messages")
    )
    assert "Why does my React component render twice" in text_of(calls[0].body)


async def test_messages_without_a_mention_are_ignored(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()
    await fake.user_message("just chatting about render twice", mention_bot=False)
    answer = await handled_so_far(fake, client.hub)
    posted = fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert [call.body for call in posted] == [answer]  # the mention's answer only


async def test_slow_answers_are_deferred_then_followed_up(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client(ack_after=0)
    interaction = await fake.slash("search", query="render twice")
    body = await answer_of(fake, interaction)
    assert body["type"] == 5 and body["data"]["flags"] & EPHEMERAL
    edits = await fake.wait_for(
        lambda: fake.calls_to("PATCH", rf"/webhooks/{BOT_ID}/[^/]+/messages/@original")
    )
    assert "Why does my React component render twice" in text_of(edits[0].body)


async def test_bad_input_gets_a_short_message(fake: FakeDiscord, start_client: StartClient) -> None:
    await start_client()
    body = await answer_of(fake, await fake.slash("show", id="no-such-entry"))
    assert body["data"]["flags"] & EPHEMERAL
    assert "No entry with id" in body["data"]["content"]
    assert "Traceback" not in body["data"]["content"]


@pytest.mark.parametrize(("chars", "messages"), [(5000, 1), (13000, 4)])
async def test_a_long_answer_renders_in_full(
    fake: FakeDiscord,
    start_client: StartClient,
    sqlite_hub: Hub,
    tmp_path: Path,
    chars: int,
    messages: int,
) -> None:
    answer = long_answer(chars)
    folder = tmp_path / "long" / "questions" / "react"
    folder.mkdir(parents=True)
    (folder / "q-react-long.md").write_text(
        "---\nid: q-react-long\nkind: question\ntitle: The longest answer\ntopic: react\n"
        f"level: senior\n---\n{answer}\n\n## Deep dive\n\nMore.\n"
    )
    assert import_content(sqlite_hub.engine, [tmp_path / "long"]).ok
    await start_client()
    body = await answer_of(fake, await fake.slash("show", id="q-react-long"))

    def all_parts() -> list[dict[str, Any]]:
        followups = [c.body for c in fake.calls_to("POST", rf"/webhooks/{BOT_ID}/[^/]+")]
        parts = [body["data"], *followups]
        return parts if parts[-1].get("components") else []  # the buttons come last

    bodies = await fake.wait_for(all_parts)
    assert len(bodies) == messages
    embeds = [e for b in bodies for e in b.get("embeds", [])]
    for b in bodies:
        assert sum(embed_size(e) for e in b.get("embeds", [])) <= 6000
        assert len(b.get("embeds", [])) <= 10
        assert len(b.get("content") or "") <= 2000
        assert b["flags"] & EPHEMERAL
    assert all(len(e.get("description", "")) <= 4096 for e in embeds)
    shown = "\n\n".join(e.get("description", "") for e in embeds)
    for paragraph in answer.split("\n\n"):
        assert paragraph in shown


async def test_a_429_on_a_follow_up_is_waited_out(
    fake: FakeDiscord, start_client: StartClient, sqlite_hub: Hub, tmp_path: Path
) -> None:
    folder = tmp_path / "long" / "questions" / "react"
    folder.mkdir(parents=True)
    (folder / "q-react-long.md").write_text(
        "---\nid: q-react-long\nkind: question\ntitle: Long\ntopic: react\n---\n"
        + long_answer(9000)
        + "\n"
    )
    assert import_content(sqlite_hub.engine, [tmp_path / "long"]).ok
    fake.fail(
        "POST",
        rf"/webhooks/{BOT_ID}/[^/]+",
        429,
        {"message": "You are being rate limited.", "retry_after": 0.05, "global": False},
        {"Via": "1.1 google", "Retry-After": "1"},
    )
    await start_client()
    await answer_of(fake, await fake.slash("show", id="q-react-long"))
    followups = await fake.wait_for(
        lambda: [c for c in fake.calls_to("POST", rf"/webhooks/{BOT_ID}/[^/]+")][1:]
    )
    first, retried = fake.calls_to("POST", rf"/webhooks/{BOT_ID}/[^/]+")[:2]
    assert first.body == retried.body == followups[0].body  # the same part, sent again
    assert "Share to channel" in str(retried.body["components"])


def long_answer(chars: int) -> str:
    paragraph = ("StrictMode double-invokes render to expose side effects. " * 8).strip()
    paragraphs: list[str] = []
    while sum(len(p) + 2 for p in paragraphs) < chars:
        paragraphs.append(f"{len(paragraphs) + 1}. {paragraph}")
    answer = "\n\n".join(paragraphs)
    assert len(answer) >= chars
    return answer


def embed_size(embed: dict[str, Any]) -> int:
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    return size + len(embed.get("footer", {}).get("text", ""))


async def test_an_unknown_subcommand_gets_a_short_answer(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    body = await answer_of(fake, await fake.slash("retired"))
    assert body["data"]["flags"] & EPHEMERAL
    assert "out of date" in body["data"]["content"]


async def test_shards_connect_and_answer(fake: FakeDiscord, start_client: StartClient) -> None:
    client = await start_client(shards=2)
    assert sorted(i["shard"] for i in fake.identifies) == [[0, 2], [1, 2]]
    assert type(client).__name__ == "ShardedHubClient"
    body = await answer_of(fake, await fake.slash("topics"))
    assert "topics" in body["data"]["content"]


async def test_slow_clicks_are_deferred_then_answered(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client(ack_after=0)
    await answer_of(fake, await fake.slash("show", id="q-react-render-twice"))
    card = await fake.wait_for(lambda: [m for m in fake.sent_messages() if m.get("components")])
    expand = await fake.click(card[-1], "hub:section:q-react-render-twice:common_mistakes")
    assert (await answer_of(fake, expand))["type"] == 6  # deferred update
    edits = await fake.wait_for(
        lambda: fake.calls_to("PATCH", rf"/webhooks/{BOT_ID}/[^/]+/messages/@original")[1:]
    )
    assert "Disabling StrictMode" in text_of(edits[0].body)  # the card itself was expanded

    share = await fake.click(card[-1], "hub:share:q-react-render-twice")
    assert (await answer_of(fake, share))["type"] == 6
    posted = await fake.wait_for(lambda: fake.calls_to("POST", rf"/webhooks/{BOT_ID}/[^/]+"))
    assert not posted[0].body.get("flags", 0) & EPHEMERAL
    assert "Shared by ada" in text_of(posted[0].body) + str(posted[0].body["embeds"])


async def test_a_reply_in_a_daily_thread_counts_as_an_answer(
    fake: FakeDiscord, start_client: StartClient, sqlite_hub: Hub
) -> None:
    posted_question(sqlite_hub.engine, "discord", CHANNEL_ID, "777")
    client = await start_client()
    message = fake._message("777", {"content": ""}, author=ASKER)
    message["guild_id"] = GUILD_ID
    message["member"] = member(ASKER)
    await fake.dispatch("MESSAGE_CREATE", message)
    await fake.dispatch("MESSAGE_CREATE", {**message, "id": "778"})
    elsewhere = fake._message(CHANNEL_ID, {"content": "chat"}, author=ASKER)
    elsewhere["guild_id"] = GUILD_ID
    await fake.dispatch("MESSAGE_CREATE", elsewhere)
    await handled_so_far(fake, client.hub)
    [counted] = answers(sqlite_hub.engine)
    assert counted.user_id == str(ASKER["id"]) and counted.via == "thread"


async def test_daily_subcommand_reaches_the_core_with_permissions(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    status = await answer_of(fake, await fake.slash("daily", action="status"))
    assert f"No daily question in <#{CHANNEL_ID}>" in text_of(status["data"])
    refused = await answer_of(fake, await fake.slash("daily", action="on", options="at 09:30"))
    assert "Only people who can manage this channel" in text_of(refused["data"])
    assert refused["data"]["flags"] & EPHEMERAL
