"""The mock summary sends a weak answer to the path step that holds it, else to a step of its
topic on a path that teaches that topic (issue #13: a Django N+1 question was sent to an
architecture path's caching step), and its *Start this path* button enrols whoever presses it."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.hub import Hub
from bot.mock.models import MockSession
from tests.learning.conftest import person
from tests.mock.conftest import Transcript, serving

ADA, BOB = person("ada"), person("bob")


async def test_study_next_points_at_the_step_of_its_topic_and_starts_that_path(
    paths_hub: Hub,
) -> None:
    chat = Transcript()
    paths_hub.outbound.register(chat)
    async with serving(paths_hub) as runtime:
        assert not paths_hub.handle(ADA, "/hub mock start django questions 1").error
        await runtime.drain()
        with Session(paths_hub.engine) as db:
            ms = db.exec(select(MockSession)).one()
        assert ms.entry_ids == ["q-django-admin-n-plus-one"]  # held by no path step
        paths_hub.handle_action(ADA, "mock_reveal", f"{ms.id}:0")
        assert not paths_hub.handle_action(ADA, "mock_grade", f"{ms.id}:0:1").error  # Again
        paths_hub.handle_action(ADA, "mock_next", f"{ms.id}:0")
        await runtime.drain()
    summary = chat.of("post")[-1]
    text = summary.text()
    assert "Learning path: Django in depth, step 2: ORM performance" in text
    assert "Architecture for tests" not in text
    start = summary.button("Start this path")
    assert (start.action, start.value) == ("path_start", "path-django")
    enrolled = paths_hub.handle_action(BOB, start.action, start.value)
    assert "You're on *Django in depth*" in enrolled.text
    assert paths_hub.handle(BOB, "/hub path progress").cards[0].title == "Django in depth"
