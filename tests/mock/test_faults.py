"""Restarts, races, deleted threads, idle sessions and bad input."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import Session, func, select

from bot.config import Settings
from bot.hub import Hub
from bot.mock.models import MockGrade, MockSession, State
from bot.mock.runtime import MockRuntime
from bot.review.models import ReviewCard
from tests.mock.conftest import Transcript, person, serving
from tests.mock.test_sessions import current

ADA, BOB = person("ada"), person("bob")


def rows(hub: Hub, model: type) -> int:
    with Session(hub.engine) as db:
        return db.exec(select(func.count()).select_from(model)).one()


async def started(hub: Hub, chat: Transcript, runtime: MockRuntime, text: str) -> MockSession:
    assert not hub.handle(ADA, text).error
    await runtime.drain()
    return current(hub)


async def test_restart_in_the_middle(
    hub: Hub, chat: Transcript, runtime: MockRuntime, settings: Settings
) -> None:
    ms = await started(hub, chat, runtime, "/hub mock start questions 2")
    question = chat.of("post", ms.thread_id)[-1]
    await runtime.stop()
    hub.engine.dispose()

    # A new process: a new hub, a new adapter, a new runtime; the same database.
    hub2 = Hub(settings, hub.engine)
    chat2 = Transcript()
    hub2.outbound.register(chat2)
    async with serving(hub2) as runtime2:
        # The old message's button still works …
        assert not hub2.handle_action(BOB, "mock_reveal", question.button("Reveal").value).error
        await runtime2.drain()
        reveal = chat2.of("post", ms.thread_id)[-1]
        assert "Answer 1 of 2" in reveal.text()
        assert not hub2.handle_action(ADA, "mock_next", reveal.button("Next").value).error
        await runtime2.drain()
        # … and the timer of the question asked after the restart fires from the database.
        ms = current(hub2)
        assert ms.deadline is not None and ms.index == 1
        await runtime2.sweep(ms.deadline + timedelta(seconds=0.5))
        await runtime2.drain()
        assert "Answer 2 of 2" in chat2.of("post", ms.thread_id)[-1].text()


async def test_double_click_on_next(hub: Hub, chat: Transcript, runtime: MockRuntime) -> None:
    ms = await started(hub, chat, runtime, "/hub mock start questions 2")
    hub.handle_action(ADA, "mock_reveal", f"{ms.id}:0")
    await runtime.drain()
    value = chat.of("post", ms.thread_id)[-1].button("Next").value
    with ThreadPoolExecutor(4) as pool:
        replies = list(
            pool.map(lambda who: hub.handle_action(who, "mock_next", value), [ADA, BOB] * 2)
        )
    await runtime.drain()
    assert sum(not r.error for r in replies) == 1
    assert all("moved on" in r.text or "open" in r.text for r in replies if r.error)
    assert len([s for s in chat.sent if "Question 2 of 2" in s.text() and s.kind == "post"]) == 1
    assert current(hub).index == 1


async def test_twenty_people_grade_at_once(
    hub: Hub, chat: Transcript, runtime: MockRuntime
) -> None:
    ms = await started(hub, chat, runtime, "/hub mock start questions 1")
    hub.handle_action(ADA, "mock_reveal", f"{ms.id}:0")
    await runtime.drain()
    value = chat.of("post", ms.thread_id)[-1].button("Good").value
    people = [person(f"user{n}") for n in range(20)] * 2  # everyone clicks twice
    with ThreadPoolExecutor(20) as pool:
        replies = list(pool.map(lambda who: hub.handle_action(who, "mock_grade", value), people))
    assert sum(r.text.startswith("Recorded") for r in replies) == 20
    assert sum("already" in r.text for r in replies) == 20
    assert rows(hub, MockGrade) == 20 and rows(hub, ReviewCard) == 20
    with Session(hub.engine) as db:
        assert {c.reps for c in db.exec(select(ReviewCard))} == {1}
    hub.handle_action(ADA, "mock_end", str(ms.id))
    await runtime.drain()
    summary = chat.of("post", ms.thread_id)[-1].text()
    assert "Also:" in summary  # 20 people: the first cards, then a line each


async def test_thread_deleted_mid_session(hub: Hub, chat: Transcript, runtime: MockRuntime) -> None:
    ms = await started(hub, chat, runtime, "/hub mock start questions 2")
    assert ms.thread_id
    chat.gone.add(ms.thread_id)
    assert not hub.handle_action(BOB, "mock_reveal", f"{ms.id}:0").error
    await runtime.drain()
    ended = current(hub)
    assert ended.state == State.ended and ended.end_reason == "ended: thread gone"
    [summary] = [s for s in chat.of("private", "ada") if "thread gone" in s.text()]
    assert "Mock interview ended: thread gone" in summary.text()
    late = hub.handle_action(BOB, "mock_next", f"{ms.id}:0")
    assert late.error and "ended" in late.text
    await runtime.sweep(ended.last_activity + timedelta(days=1))  # nothing left to do
    await runtime.drain()


async def test_idle_session_ends_itself(hub: Hub, chat: Transcript, runtime: MockRuntime) -> None:
    ms = await started(hub, chat, runtime, "/hub mock start questions 3 minutes 5")
    assert ms.deadline is not None
    await runtime.sweep(ms.deadline + timedelta(seconds=1))  # time up: not activity
    await runtime.drain()
    idle = timedelta(minutes=hub.settings.mock_idle_minutes)
    await runtime.sweep(ms.last_activity + idle - timedelta(seconds=1))
    assert current(hub).state == State.revealed
    await runtime.sweep(ms.last_activity + idle)
    await runtime.drain()
    assert current(hub).state == State.ended
    summary = chat.of("post", ms.thread_id)[-1].text()
    assert "no activity" in summary and "1 of 2 questions asked" in summary


async def test_pause_keeps_the_time_left(hub: Hub, chat: Transcript, runtime: MockRuntime) -> None:
    ms = await started(hub, chat, runtime, "/hub mock start questions 1 minutes 2")
    assert not hub.handle_action(BOB, "mock_pause", f"{ms.id}:0").error
    paused = current(hub)
    assert paused.state == State.paused and paused.remaining is not None
    assert 100 < paused.remaining <= 120
    await runtime.sweep(ms.created_at + timedelta(minutes=10))  # no timer while paused
    assert current(hub).state == State.paused
    assert hub.handle_action(BOB, "mock_pause", f"{ms.id}:0").error
    assert not hub.handle_action(BOB, "mock_resume", f"{ms.id}:0").error
    resumed = current(hub)
    assert resumed.deadline is not None and resumed.state == State.asking
    assert not hub.handle_action(BOB, "mock_skip", f"{ms.id}:0").error
    await runtime.drain()
    assert current(hub).state == State.ended and current(hub).skipped == [0]
    assert "Skipped." in chat.of("update")[-1].text()
    assert "1 skipped" in chat.of("post", ms.thread_id)[-1].text()


BROKEN = "That button is broken."
# Each bad click or command, and what the person is told (the core's own words: not a crash).
BAD_BUTTONS = [
    ("mock_next", "999999:0", "That mock session is no longer available."),
    ("mock_next", "x", BROKEN),
    ("mock_next", "", BROKEN),
    ("mock_end", "-1", BROKEN),
    ("mock_grade", "1:0:9", "A grade is one of Again, Hard, Good or Easy."),
    ("mock_grade", "1:0", BROKEN),
    ("mock_mark", "1:0:3", BROKEN),
    ("mock_reveal", "1:5", "That question is over; the session has moved on."),
    ("review_reveal", "nope", BROKEN),
    ("review_grade", "q-django-n-plus-one:0:7", BROKEN),
    ("review_grade", "q-django-n-plus-one:0:3", "That review question is no longer available."),
]
BAD_COMMANDS = [
    ("/hub mock", "What should the mock session do?"),
    ("/hub mock dance", "What should the mock session do?"),
    ("/hub mock start cobol", "Unknown topic or option `cobol`. Topics: django, react."),
    ("/hub mock start djnago", "Unknown topic or option `djnago`: did you mean `django`?"),
    ("/hub mock start questions 0", "`questions` is a whole number from 1 to 20."),
    ("/hub mock start questions many", "`questions` is a whole number from 1 to 20."),
    ("/hub mock start minutes -3", "`minutes` is a number from 0.5 to 60."),
    ("/hub mock start minutes 1e9", "`minutes` is a number from 0.5 to 60."),
    ("/hub mock start level guru", "Unknown level `guru`: use junior, mid, senior, architect."),
    ("/hub mock start level", "`level` needs a value."),
    ("/hub mock start interviewer nobody", "Name the interviewer with an @mention."),
    ("/hub mock start @ada", "The interviewer can't also be a candidate."),
    ("/hub mock start @a @b @c @d @e @f", "At most 5 candidates in a pair session."),
    ("/hub mock next", "No mock session running here."),
    ("/hub mock end 424242", "No mock session running here."),
    ("/hub review later", "Try `/hub review`, or turn the daily DM on or off."),
    ("/hub review remind maybe", "Try `/hub review`, or turn the daily DM on or off."),
]


async def test_bad_input_gets_a_short_answer_and_changes_nothing(
    hub: Hub, chat: Transcript, runtime: MockRuntime
) -> None:
    for text, told in BAD_COMMANDS:
        reply = hub.handle(ADA, text)
        assert reply.error and 0 < len(reply.text) < 600 and "Traceback" not in reply.text, text
        assert reply.text.startswith(told), (text, reply.text)
    await runtime.drain()
    assert rows(hub, MockSession) == 0 and not chat.sent
    await started(hub, chat, runtime, "/hub mock start questions 1")
    before = current(hub)
    for name, value, told in BAD_BUTTONS:
        reply = hub.handle_action(BOB, name, value)
        assert reply.error and 0 < len(reply.text) < 200 and "Traceback" not in reply.text, value
        assert reply.text == told, (name, value, reply.text)
    after = current(hub)
    assert (after.step, after.state) == (before.step, before.state)
    assert rows(hub, MockGrade) == 0 and rows(hub, ReviewCard) == 0


async def test_a_session_elsewhere_is_not_yours(
    hub: Hub, chat: Transcript, runtime: MockRuntime
) -> None:
    ms = await started(hub, chat, runtime, "/hub mock start questions 1")
    stranger = person("eve").__class__(platform="console", user_id="eve", workspace_id="other")
    reply = hub.handle_action(stranger, "mock_end", str(ms.id))
    assert reply.error and "no longer available" in reply.text
    assert current(hub).state == State.asking


def test_without_a_running_bot(hub: Hub) -> None:
    reply = hub.handle(ADA, "/hub mock start")
    assert reply.error and "serving" in reply.text
