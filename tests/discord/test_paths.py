"""`/hub path` on Discord (the fake, through discord.py): the subcommand generated from the
core's registry, with typed options and path autocomplete, and no Discord code of its own."""

from __future__ import annotations

from tests.discord.conftest import StartClient
from tests.discord.fake import FakeDiscord
from tests.discord.test_new_command import hub_options


async def test_discord_offers_typed_options_and_runs_it(
    fake: FakeDiscord, start_client: StartClient
) -> None:
    await start_client()
    action, path, remind = hub_options(fake)["path"]
    assert [c["value"] for c in action["choices"]] == [
        "list", "show", "start", "next", "done", "progress",
    ]  # fmt: skip
    assert (path["name"], path["autocomplete"]) == ("id", True)
    assert [c["value"] for c in remind["choices"]] == ["on", "off"]

    asked = await fake.slash("path", action="start", id="zero")
    [answer] = await fake.wait_for(lambda: fake.callbacks(asked))
    assert "Step 1 of 2: Start with the ORM" in str(answer.body["data"])
    typed = await fake.slash("path", focused="id", id="zero")
    [suggested] = await fake.wait_for(lambda: fake.callbacks(typed))
    assert [c["value"] for c in suggested.body["data"]["choices"]] == ["path-test"]
    reminded = await fake.slash("path", remind="on")
    [answer] = await fake.wait_for(lambda: fake.callbacks(reminded))
    assert "once a week" in answer.body["data"]["content"]
