"""Following learning paths through the core, on SQLite and PostgreSQL: enrol, step through,
finish across a restart, several paths at once, names, workspaces, double clicks, forgetting."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session, select

from bot.hub import Hub
from bot.learning.models import PathNudge, PathProgress
from tests.learning.conftest import person

ADA, BOB = person("ada"), person("bob")


def rows(hub: Hub) -> list[PathProgress]:
    with Session(hub.engine) as db:
        return list(db.exec(select(PathProgress)).all())


def test_enrol_step_through_and_finish_across_a_restart(paths_hub: Hub) -> None:
    listing = paths_hub.handle(ADA, "/hub path")
    assert [c.subtitle for c in listing.cards] == ["senior · 2 steps", "mid · 3 steps"]
    started = paths_hub.handle(ADA, "/hub path start django")
    assert "You're on *Django in depth*" in started.text
    step, *linked = started.cards
    assert step.title == "Step 1 of 3: Cached views" and step.buttons[0].label == "Mark done"
    assert [(c.title, c.buttons[0].action, c.buttons[0].value) for c in linked] == [
        ("Cache a whole view", "show", "snip-django-cache-page")
    ]
    done = paths_hub.handle(ADA, "/hub path done")
    assert done.text.startswith("✅ Step 1 of 3 done: Cached views.")
    assert done.cards[0].title == "Step 2 of 3: ORM performance"

    restarted = Hub(paths_hub.settings, paths_hub.engine)  # another process, the same store
    assert restarted.handle(ADA, "/hub path next").cards[0].title == "Step 2 of 3: ORM performance"
    milestone = restarted.handle(ADA, "/hub path done")
    assert "🏁 Milestone reached: Your pages are fast." in milestone.text
    finished = restarted.handle(ADA, "/hub path done django")
    assert (
        "Step 3 of 3 done" in finished.text and "You've finished *Django in depth*" in finished.text
    )
    assert not finished.cards
    again = restarted.handle(ADA, "/hub path done")
    assert again.error and "already finished" in again.text
    [progress] = restarted.handle(ADA, "/hub path progress").cards
    assert progress.text == "[██████████] 3 of 3 steps"
    assert progress.fields[0].value == "Finished"
    [row] = rows(restarted)
    assert row.done == 3 and row.finished_at is not None


def test_two_paths_at_once_and_the_most_recent_one_by_default(paths_hub: Hub) -> None:
    paths_hub.handle(ADA, "/hub path start django")
    paths_hub.handle(ADA, "/hub path start architecture")
    assert paths_hub.handle(ADA, "/hub path next").cards[0].subtitle == "Architecture for tests"
    named = paths_hub.handle(ADA, "/hub path done path-django")
    assert named.cards[0].title == "Step 2 of 3: ORM performance"
    assert paths_hub.handle(ADA, "/hub path next").cards[0].subtitle == "Django in depth"
    progress = paths_hub.handle(ADA, "/hub path progress").cards
    assert [(c.title, c.text) for c in progress] == [
        ("Django in depth", "[███░░░░░░░] 1 of 3 steps"),
        ("Architecture for tests", "[░░░░░░░░░░] 0 of 2 steps"),
    ]
    again = paths_hub.handle(ADA, "/hub path start django")
    assert "already follow" in again.text and len(rows(paths_hub)) == 2


def test_names_by_prefix_and_unknown_names_get_the_closest(paths_hub: Hub) -> None:
    assert paths_hub.handle(ADA, "/hub path show Django in").cards[0].footer == "id: path-django"
    assert paths_hub.handle(ADA, "/hub path archit").cards[0].footer == "id: path-architecture"
    typo = paths_hub.handle(ADA, "/hub path start djnago")
    assert typo.error and "Did you mean `path-django` (Django in depth)?" in typo.text
    several = paths_hub.handle(ADA, "/hub path show path-")
    assert several.error and "`path-architecture`, `path-django`" in several.text
    nothing = paths_hub.handle(ADA, "/hub path show kubernetes")
    assert nothing.error and "`/hub path` lists them" in nothing.text
    assert "follow no learning path" in paths_hub.handle(ADA, "/hub path next").text
    assert "follow no learning path" in paths_hub.handle(ADA, "/hub path done").text
    refused = paths_hub.handle(ADA, "/hub path done django")
    assert refused.error and "`/hub path start path-django`" in refused.text
    assert paths_hub.handle(ADA, "/hub path remind maybe").error
    assert paths_hub.handle(ADA, "/hub path start").error
    assert rows(paths_hub) == []


def test_another_workspace_or_platform_sees_no_progress(paths_hub: Hub) -> None:
    paths_hub.handle(ADA, "/hub path start django")
    paths_hub.handle(ADA, "/hub path done")
    for elsewhere in (person("ada", "T2"), person("ada", platform="discord"), BOB):
        assert "follow no learning path" in paths_hub.handle(elsewhere, "/hub path progress").text
        assert "follow no learning path" in paths_hub.handle(elsewhere, "/hub path done").text
    assert [r.done for r in rows(paths_hub)] == [1]


def test_a_mark_done_button_pressed_twice_at_once_applies_once(paths_hub: Hub) -> None:
    step = paths_hub.handle(ADA, "/hub path start django").cards[0]
    [mark] = step.buttons
    other = Hub(paths_hub.settings, paths_hub.engine)
    with ThreadPoolExecutor(2) as pool:
        replies = list(
            pool.map(lambda h: h.handle_action(ADA, mark.action, mark.value), (paths_hub, other))
        )
    assert sorted(r.error for r in replies) == [False, True]
    assert "already marked done" in next(r.text for r in replies if r.error)
    assert next(r for r in replies if not r.error).replace
    assert [r.done for r in rows(paths_hub)] == [1]
    assert paths_hub.handle_action(ADA, mark.action, mark.value).error  # a late third click
    assert paths_hub.handle_action(BOB, mark.action, mark.value).error  # not Bob's path
    assert paths_hub.handle_action(ADA, "path_done", "path-django:x").error


def test_forget_me_deletes_progress_and_nudges(paths_hub: Hub) -> None:
    paths_hub.handle(ADA, "/hub path start django")
    paths_hub.handle(ADA, "/hub path remind on")
    paths_hub.handle(BOB, "/hub path start django")
    forgot = paths_hub.handle(ADA, "/hub forget me")
    assert "learning paths you followed: 1" in forgot.text
    assert "weekly path nudges: 1" in forgot.text
    assert [r.user_id for r in rows(paths_hub)] == ["bob"]
    with Session(paths_hub.engine) as db:
        assert db.exec(select(PathNudge)).all() == []
