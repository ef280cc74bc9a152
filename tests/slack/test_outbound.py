"""The Outbound port on the real AsyncWebClient against the fake Web API, and channel managers."""

from __future__ import annotations

import pytest

from adapters.slack.app import NAMES_ASKED, ChannelManagers, SlackUsers
from adapters.slack.outbound import SlackOutbound, web_client
from bot.ports import DeliveryError, MessageRef
from bot.replies import Card, Reply, Section
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack

REPLY = Reply(text="Today's question", cards=(Card(title="What is a race condition?"),))


@pytest.fixture
def outbound(fake: FakeSlack) -> SlackOutbound:
    return SlackOutbound(web_client(BOT_TOKEN, fake.api_url.rstrip("/")))


async def test_post_and_thread(outbound: SlackOutbound, fake: FakeSlack) -> None:
    ref = await outbound.post("C1", REPLY)
    assert ref.platform == "slack" and ref.channel_id == "C1" and ref.thread_id is None
    thread = await outbound.start_thread("C1", REPLY, name="Mock interview")
    assert thread.thread_id == thread.message_id
    reply_ref = await outbound.post("C1", REPLY, thread_id=thread.thread_id)
    assert reply_ref.thread_id == thread.message_id
    posts = fake.calls_to("chat.postMessage")
    assert [p.body.get("thread_ts") for p in posts] == [None, None, thread.message_id]
    assert posts[0].headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert "What is a race condition?" in str(posts[0].body["blocks"])


async def test_update_replaces_the_message(outbound: SlackOutbound, fake: FakeSlack) -> None:
    await outbound.update(MessageRef("slack", "C1", "1700000000.000001"), REPLY)
    [update] = fake.calls_to("chat.update")
    assert update.body["ts"] == "1700000000.000001" and update.body["channel"] == "C1"


async def test_a_long_update_continues_in_the_thread(
    outbound: SlackOutbound, fake: FakeSlack
) -> None:
    long = Reply(cards=(Card(title="Long", sections=(Section("Deep dive", "word " * 6000),)),))
    await outbound.update(MessageRef("slack", "C1", "1700000000.000001"), long)
    assert len(fake.calls_to("chat.update")) == 1
    follow_ups = fake.calls_to("chat.postMessage")
    assert follow_ups and all(p.body["thread_ts"] == "1700000000.000001" for p in follow_ups)


async def test_private_is_ephemeral_in_a_channel_or_a_dm(
    outbound: SlackOutbound, fake: FakeSlack
) -> None:
    await outbound.send_private("U0ALICE", REPLY, channel_id="C1")
    [ephemeral] = fake.calls_to("chat.postEphemeral")
    assert ephemeral.body["user"] == "U0ALICE" and ephemeral.body["channel"] == "C1"
    await outbound.send_private("U0ALICE", REPLY)
    [opened] = fake.calls_to("conversations.open")
    assert opened.body["users"] == "U0ALICE"
    [dm] = fake.calls_to("chat.postMessage")
    assert dm.body["channel"] == "D0ALICE"


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
async def test_undeliverable_is_permanent(
    outbound: SlackOutbound, fake: FakeSlack, error: str
) -> None:
    fake.fail("chat.postMessage", error)
    with pytest.raises(DeliveryError) as caught:
        await outbound.post("C1", REPLY)
    assert caught.value.permanent
    assert error in str(caught.value)


async def test_a_server_error_is_retried_then_worth_retrying_later(
    outbound: SlackOutbound, fake: FakeSlack
) -> None:
    fake.fail("chat.postMessage", "internal_error", status=500, times=3)
    with pytest.raises(DeliveryError) as caught:
        await outbound.post("C1", REPLY)
    assert not caught.value.permanent
    assert len(fake.calls_to("chat.postMessage")) == 3  # the first try and two retries


@pytest.mark.parametrize(
    ("status", "content_type"),
    [(500, "text/plain"), (502, "text/html"), (503, "application/json")],
)
async def test_an_error_page_that_is_not_json_is_worth_retrying(
    outbound: SlackOutbound, fake: FakeSlack, status: int, content_type: str
) -> None:
    """What a proxy or load balancer answers instead of Slack, e.g. `upstream connect error`."""
    fake.fail_with_page("chat.postMessage", status, "upstream connect error", content_type, 3)
    with pytest.raises(DeliveryError) as caught:
        await outbound.post("C1", REPLY)
    assert not caught.value.permanent
    assert f"HTTP {status}" in str(caught.value)
    assert len(fake.calls_to("chat.postMessage")) == 3


@pytest.mark.parametrize(("status", "content_type"), [(200, "text/plain"), (404, "text/html")])
async def test_a_page_that_is_not_json_without_a_5xx_is_permanent(
    outbound: SlackOutbound, fake: FakeSlack, status: int, content_type: str
) -> None:
    fake.fail_with_page(
        "chat.postMessage", status, "<html>Sign in to the proxy</html>", content_type
    )
    with pytest.raises(DeliveryError) as caught:
        await outbound.post("C1", REPLY)
    assert caught.value.permanent
    assert len(fake.calls_to("chat.postMessage")) == 1


async def test_rate_limited_past_the_retries_says_when(
    outbound: SlackOutbound, fake: FakeSlack
) -> None:
    fake.fail("chat.postMessage", status=429, headers={"Retry-After": "0"}, times=3)
    with pytest.raises(DeliveryError) as caught:
        await outbound.post("C1", REPLY)
    assert not caught.value.permanent
    assert caught.value.retry_after == 0.0
    assert len(fake.calls_to("chat.postMessage")) == 3  # the first try and two retries


async def test_channel_managers(fake: FakeSlack) -> None:
    fake.users["U0ADMIN"] = {"id": "U0ADMIN", "is_admin": True}
    fake.users["U0OWNER"] = {"id": "U0OWNER", "is_admin": False, "is_owner": True}
    managers = ChannelManagers(SlackUsers(web_client(BOT_TOKEN, fake.api_url)), "U0BOSS, U0LEAD")
    assert await managers.can_manage("U0BOSS")
    assert fake.calls_to("users.info") == []
    assert await managers.can_manage("U0ADMIN")
    assert await managers.can_manage("U0OWNER")
    assert not await managers.can_manage("U0ALICE")
    assert not await managers.can_manage("U0ALICE")  # cached
    assert [c.body["user"] for c in fake.calls_to("users.info")] == [
        "U0ADMIN",
        "U0OWNER",
        "U0ALICE",
    ]


async def test_users_info_failing_means_no_rights(fake: FakeSlack) -> None:
    fake.fail("users.info", "user_not_found")
    fake.fail_with_page("users.info", 200, "not json", "text/plain")
    managers = ChannelManagers(SlackUsers(web_client(BOT_TOKEN, fake.api_url)), admins="")
    assert await managers.can_manage("U0GHOST") is False
    assert await managers.can_manage("U0GHOST") is False


async def test_channel_managers_ask_again_after_the_ttl(fake: FakeSlack) -> None:
    fake.users["U0ADMIN"] = {"id": "U0ADMIN", "is_admin": True}
    managers = ChannelManagers(SlackUsers(web_client(BOT_TOKEN, fake.api_url), ttl=0), admins="")
    assert await managers.can_manage("U0ADMIN")
    fake.users["U0ADMIN"] = {"id": "U0ADMIN", "is_admin": False}  # no longer an admin
    assert not await managers.can_manage("U0ADMIN")
    assert len(fake.calls_to("users.info")) == 2


async def test_one_answer_of_users_info_serves_rights_and_names(fake: FakeSlack) -> None:
    fake.users["U0ADMIN"] = {"id": "U0ADMIN", "is_admin": True, "profile": {"real_name": "Ann B"}}
    users = SlackUsers(web_client(BOT_TOKEN, fake.api_url))
    assert await ChannelManagers(users, admins="").can_manage("U0ADMIN")
    assert await users.names(["U0ADMIN", "U0ADMIN"]) == {"U0ADMIN": "Ann B"}
    assert [c.body["user"] for c in fake.calls_to("users.info")] == ["U0ADMIN"]


async def test_names_are_asked_for_a_bounded_number_of_people(fake: FakeSlack) -> None:
    users = SlackUsers(web_client(BOT_TOKEN, fake.api_url))
    people = [f"U{n:06d}" for n in range(NAMES_ASKED + 20)]
    await users.names(people)
    asked = {call.body["user"] for call in fake.calls_to("users.info")}
    assert asked and asked <= set(people[:NAMES_ASKED])  # all of them, unless some were too slow
