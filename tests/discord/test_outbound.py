"""The outbound port the daily-question and mock-interview jobs call, against the fake Discord."""

from __future__ import annotations

import asyncio

import pytest

from adapters.discord import DiscordStopped, HubClient, run_client
from bot.config import Settings
from bot.hub import Hub
from bot.ports import DeliveryError, MessageRef
from bot.replies import Button, Card, Reply
from tests.discord.conftest import StartClient
from tests.discord.fake import CHANNEL_ID, USER_ID, FakeDiscord

REPLY = Reply(
    text="Question of the day @everyone",
    cards=(
        Card(title="Why twice?", text="Think first.", buttons=(Button("Reveal", "show", "q-1"),)),
    ),
)
RATE_LIMITED = {"message": "You are being rate limited.", "global": False}
VIA = {"Via": "1.1 google"}  # Discord's 429s come through Google's front end


async def test_post_sends_embeds_buttons_and_no_pings(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()
    ref = await client.outbound.post(CHANNEL_ID, REPLY)
    [call] = fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert ref == MessageRef("discord", CHANNEL_ID, fake.sent_messages()[-1]["id"])
    assert call.body["allowed_mentions"] == {"parse": []}
    assert "@\u200beveryone" in call.body["content"]
    assert call.body["components"][0]["components"][0]["custom_id"] == "hub:show:q-1"


async def test_a_short_429_is_waited_out_and_retried(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()
    fake.fail(
        "POST",
        rf"/channels/{CHANNEL_ID}/messages",
        429,
        {**RATE_LIMITED, "retry_after": 0.05},
        {**VIA, "Retry-After": "1"},
    )
    await client.outbound.post(CHANNEL_ID, REPLY)
    assert len(fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages")) == 2
    assert len(fake.sent_messages()) == 1


async def test_a_long_429_becomes_retry_after(fake: FakeDiscord, start_client: StartClient) -> None:
    client = await start_client()
    fake.fail(
        "POST",
        rf"/channels/{CHANNEL_ID}/messages",
        429,
        {**RATE_LIMITED, "retry_after": 120.0},
        {**VIA, "Retry-After": "120"},
    )
    with pytest.raises(DeliveryError) as caught:  # at once: sleeping it out would take 120 s
        await asyncio.wait_for(client.outbound.post(CHANNEL_ID, REPLY), 60)
    assert caught.value.retry_after == 120.0
    assert not caught.value.permanent


@pytest.mark.parametrize(
    ("status", "code"),
    [(403, 50001), (404, 10003)],  # Missing Access, Unknown Channel
)
async def test_missing_channels_and_access_are_permanent(
    fake: FakeDiscord, start_client: StartClient, status: int, code: int
) -> None:
    client = await start_client()
    fake.fail("POST", rf"/channels/{CHANNEL_ID}/messages", status, {"message": "no", "code": code})
    with pytest.raises(DeliveryError) as caught:
        await client.outbound.post(CHANNEL_ID, REPLY)
    assert caught.value.permanent


async def test_start_thread_update_and_send_private(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    client = await start_client()
    ref = await client.outbound.start_thread(CHANNEL_ID, REPLY, "Mock interview: ada")
    [thread] = fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages/\d+/threads")
    assert thread.body["name"] == "Mock interview: ada"
    assert ref.thread_id == ref.message_id  # a thread started from a message shares its id

    await client.outbound.update(ref, Reply(text="Revealed."))
    [edit] = fake.calls_to("PATCH", rf"/channels/{CHANNEL_ID}/messages/{ref.message_id}")
    assert edit.body["content"] == "Revealed."
    assert edit.body["components"] == []  # the old buttons are gone

    await client.outbound.send_private(USER_ID, Reply(text="Your score: 4/5"))
    [dm] = fake.calls_to("POST", "/users/@me/channels")
    assert str(dm.body["recipient_id"]) == USER_ID
    assert fake.sent_messages()[-1]["content"] == "Your score: 4/5"


@pytest.mark.parametrize("code", [4004, 4010, 4011, 4012, 4013, 4014])
async def test_fatal_close_codes_stop_instead_of_reconnecting(
    fake: FakeDiscord, discord_settings: Settings, sqlite_hub: Hub, code: int
) -> None:
    fake.close_on_identify = code
    client = HubClient(sqlite_hub, discord_settings)
    from adapters.discord import configure_endpoints

    configure_endpoints(discord_settings)
    with pytest.raises(DiscordStopped) as caught:
        await asyncio.wait_for(run_client(client, "fake-token"), 60)  # a reconnect loop never ends
    assert f"({code} " in str(caught.value)
    assert len(fake.identifies) == 1  # no reconnect loop


async def test_other_closes_resume_the_session(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    await fake.close_gateway(4000)  # Unknown error: Discord says reconnect
    await fake.wait_for(lambda: fake.resumes)
    assert fake.resumes[0]["session_id"] == "fake-session"
    assert len(fake.identifies) == 1
    answered = await fake.slash("topics")  # and it still answers
    assert await fake.wait_for(lambda: fake.callbacks(answered))
