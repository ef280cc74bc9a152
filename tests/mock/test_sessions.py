"""Whole mock sessions through the core and the console adapter, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, func, select

from bot.hub import Hub
from bot.mock.models import MockGrade, MockSession, State
from bot.mock.runtime import MockRuntime
from bot.review.models import ReviewCard
from tests.mock.conftest import Transcript, person

ADA, BOB, CY = person("ada"), person("bob"), person("cy")


def current(hub: Hub) -> MockSession:
    with Session(hub.engine) as db:
        ms = db.exec(select(MockSession).order_by(MockSession.id.desc())).first()  # type: ignore[union-attr]
    assert ms is not None
    return ms


def count(hub: Hub, model: type) -> int:
    with Session(hub.engine) as db:
        return db.exec(select(func.count()).select_from(model)).one()


async def test_group_session(hub: Hub, chat: Transcript, runtime: MockRuntime) -> None:
    reply = hub.handle(ADA, "/hub mock start django react questions 2 minutes 1")
    assert not reply.error and "new thread" in reply.text and reply.private
    await runtime.drain()
    [thread] = chat.of("thread", "team")
    assert "Mock interview" in thread.text() and "2 questions" in thread.text()
    thread_id = thread.ref.thread_id if thread.ref else None
    [question] = chat.of("post", thread_id)
    assert "Question 1 of 2" in question.text() and "1 min left" in question.text()
    assert [b.label for b in question.buttons()] == ["Reveal", "Skip", "Pause", "End"]
    ms = current(hub)
    first = ms.entry_ids[0]

    # Nobody can grade before the reveal; then Bob reveals.
    early = hub.handle_action(BOB, "mock_grade", f"{ms.id}:0:3")
    assert early.error and "after the answer" in early.text
    assert not hub.handle_action(BOB, "mock_reveal", question.button("Reveal").value).error
    await runtime.drain()
    reveal = chat.of("post", thread_id)[-1]
    assert "Answer 1 of 2" in reveal.text() and "Common mistakes" in reveal.text()
    closed = chat.of("update")[-1]
    assert "Answer revealed" in closed.text() and not closed.buttons()

    # Everyone grades themselves, once.
    assert "Good" in hub.handle_action(ADA, "mock_grade", reveal.button("Good").value).text
    assert "Again" in hub.handle_action(BOB, "mock_grade", reveal.button("Again").value).text
    again = hub.handle_action(BOB, "mock_grade", reveal.button("Easy").value)
    assert again.error and "already" in again.text

    # Next; the second question's time runs out on its own.
    assert not hub.handle_action(CY, "mock_next", reveal.button("Next").value).error
    await runtime.drain()
    second = chat.of("post", thread_id)[-1]
    assert "Question 2 of 2" in second.text()
    ms = current(hub)
    assert ms.deadline is not None
    await runtime.sweep(ms.deadline - timedelta(seconds=20))  # the figure drops to under 30 s
    await runtime.drain()
    assert "under 30 s left" in chat.of("update")[-1].text()
    await runtime.sweep(ms.deadline + timedelta(seconds=0.2))
    await runtime.sweep(ms.deadline + timedelta(seconds=0.7))  # a second pass changes nothing
    await runtime.drain()
    reveals = [s for s in chat.of("post", thread_id) if "Answer 2 of 2" in s.text()]
    assert len(reveals) == 1 and runtime.stats.fired == 1
    assert "Hard" in hub.handle(BOB, "/hub mock grade hard").text  # typed, as in a terminal
    assert not hub.handle_action(ADA, "mock_next", reveals[0].button("Finish").value).error
    await runtime.drain()

    summary = chat.of("post", thread_id)[-1]
    text = summary.text()
    assert "Mock interview finished" in text and "2 of 2 questions asked" in text
    assert "== Ada ==" in text and "== Bob ==" in text
    assert "Study next" in text and f"`{first}`" in text  # Bob's Again
    assert "Learning path:" in text
    assert current(hub).state == State.ended
    # Every grade fed the person's review schedule.
    assert count(hub, MockGrade) == 3 and count(hub, ReviewCard) == 3
    late = hub.handle_action(ADA, "mock_next", reveal.button("Next").value)
    assert late.error and "ended" in late.text
    assert "Traceback" not in chat.printed


async def test_a_topic_goes_by_its_other_names(hub: Hub, runtime: MockRuntime) -> None:
    reply = hub.handle(ADA, "/hub mock start reactjs questions 1")
    assert not reply.error, reply.text
    await runtime.drain()
    assert [entry.split("-")[1] for entry in current(hub).entry_ids] == ["react"]


async def test_pair_session(hub: Hub, chat: Transcript, runtime: MockRuntime) -> None:
    reply = hub.handle(ADA, "/hub mock start questions 2 @bob")
    assert not reply.error and "pair" in reply.text
    await runtime.drain()
    ms = current(hub)
    assert (ms.interviewer_id, ms.starter_id) == ("ada", "ada")
    [thread] = chat.of("thread", "team")
    assert "Interviewer: Ada" in thread.text() and "candidate: bob" in thread.text()
    thread_id = thread.ref.thread_id if thread.ref else None
    [question] = chat.of("post", thread_id)
    [brief] = chat.of("private", "ada")
    entry_id = ms.entry_ids[0]
    with Session(hub.engine) as db:
        from bot.models import Entry

        entry = db.get(Entry, entry_id)
    assert entry is not None and entry.answer
    # The interviewer privately has the answer, the deep dive and what a strong answer covers …
    assert entry.answer[:30] in brief.text()
    assert "A strong answer covers" in brief.text() and "Deep dive" in brief.text()
    # … and nothing in the thread shows it before the reveal.
    assert all(entry.answer[:30] not in s.text() for s in chat.sent if s.kind != "private")

    # The candidate can't move the session on, end it, or grade.
    for name, value in (("mock_next", f"{ms.id}:0"), ("mock_reveal", f"{ms.id}:0")):
        refused = hub.handle_action(BOB, name, value)
        assert refused.error and "interviewer" in refused.text
    assert hub.handle_action(BOB, "mock_end", str(ms.id)).error
    assert hub.handle_action(BOB, "mock_mark", brief.button("Easy").value).error
    assert hub.handle_action(CY, "mock_mark", brief.button("Easy").value).error

    assert "for bob" in hub.handle_action(ADA, "mock_mark", brief.button("Hard").value).text
    assert not hub.handle_action(ADA, "mock_reveal", question.button("Reveal").value).error
    await runtime.drain()
    assert any(entry.answer[:30] in s.text() for s in chat.of("post", thread_id))
    # Typed commands work too, in the thread.
    in_thread = ADA.__class__(**{**ADA.__dict__, "thread_id": thread_id})
    assert not hub.handle(in_thread, "/hub mock next").error
    await runtime.drain()
    assert len(chat.of("private", "ada")) == 2
    assert "for bob: Easy" in hub.handle(in_thread, "/hub mock grade easy @bob").text
    assert hub.handle(in_thread, "/hub mock grade superb").error
    assert hub.handle(BOB, "/hub mock grade good @bob").error  # only the interviewer grades
    assert not hub.handle(in_thread, "/hub mock pause").error
    await runtime.drain()
    assert "Paused" in chat.of("update")[-1].text()
    assert not hub.handle(in_thread, "/hub mock resume").error
    assert not hub.handle(in_thread, "/hub mock end").error
    await runtime.drain()
    summary = chat.of("post", thread_id)[-1].text()
    assert "ended by Ada" in summary and "== bob ==" in summary and "Hard" in summary
    assert "1 of 2" not in summary and "2 of 2 questions asked" in summary


async def test_the_only_candidate_needs_no_mention(
    hub: Hub, chat: Transcript, runtime: MockRuntime
) -> None:
    assert not hub.handle(ADA, "/hub mock start questions 2 @bob").error
    await runtime.drain()
    alone = current(hub)
    assert "for bob: Easy" in hub.handle(ADA, "/hub mock grade easy").text
    assert not hub.handle(ADA, "/hub mock end").error
    await runtime.drain()
    assert not hub.handle(ADA, "/hub mock start questions 2 @bob @cy").error
    await runtime.drain()
    pair = current(hub)
    assert pair.id != alone.id
    whom = hub.handle(ADA, "/hub mock grade good")
    assert whom.error and "bob" in whom.text and "cy" in whom.text
    assert "for cy: Hard" in hub.handle(ADA, f"/hub mock grade {pair.id} hard @cy").text
    assert count(hub, MockGrade) == 2
