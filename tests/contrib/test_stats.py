"""`/hub stats` and `hub stats --json` on SQLite and PostgreSQL, over rows made here: searches
through the hub, daily posts and answers, proposals, mock sessions, in two workspaces."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from bot import searchlog
from bot.commands import ChatContext
from bot.contrib import store as proposals
from bot.daily.models import DailyPost, DailySubscription, PostStatus
from bot.daily.participation import record_answer
from bot.hub import Hub
from bot.member import Member
from bot.mock.models import MockSession, State
from bot.models import SearchLog, utcnow
from bot.replies import Card
from tests.conftest import Store
from tests.hub_process import HUB, hub_env, store_url

from .test_proposals import ADA, EVE, MOD, QUESTION, RIVAL

SLACK_T1 = ChatContext("slack", "U1", "u1", "C1", workspace_id="T1")  # same id, other platform


def daily(hub: Hub, workspace: str, channel: str, answers_by_age: dict[int, int]) -> None:
    """A channel's posts, `days ago: answers` each."""
    now = utcnow()
    with Session(hub.engine, expire_on_commit=False) as db:
        sub = DailySubscription(platform="console", workspace_id=workspace, channel_id=channel,
                                post_time="09:00")  # fmt: skip
        db.add(sub)
        db.flush()
        assert sub.id is not None
        posts = [
            DailyPost(subscription_id=sub.id, platform="console", channel_id=channel,
                      day=(now - timedelta(days=age)).date(), status=PostStatus.posted,
                      scheduled_for=now - timedelta(days=age))
            for age in answers_by_age
        ]  # fmt: skip
        db.add_all(posts)
        db.commit()
    for post, answers in zip(posts, answers_by_age.values(), strict=True):
        assert post.id is not None
        for person in range(answers):
            record_answer(hub.engine, post.id, Member("console", workspace, f"p{person}"))


def mock(hub: Hub, workspace: str, state: State) -> None:
    with Session(hub.engine) as db:
        db.add(
            MockSession(
                platform="console",
                workspace_id=workspace,
                channel_id="general",
                starter_id="ada",
                mode="group",
                seconds_per_question=60,
                state=state,
            )
        )
        db.commit()  # fmt: skip


def populate(hub: Hub) -> None:
    for text in (
        "n+1 django",
        "Django ORM n+1",
        "kubernetes helm charts",
        "Kubernetes  Helm charts",
    ):
        hub.handle(ADA, f"/hub search {text}")
    hub.handle(RIVAL, "/hub search wombat husbandry react")
    hub.handle(SLACK_T1, "/hub search otherplatform gizmo")
    searchlog.record(hub.engine, SearchLog(at=utcnow() - timedelta(days=8), command="search",
                     query="ancient gap", result_count=0, good=False, platform="console",
                     workspace="T1"))  # fmt: skip
    daily(hub, "T1", "general", {0: 2, 1: 1, 10: 3})
    daily(hub, "T1", "random", {2: 0})
    daily(hub, "T2", "x", {0: 1})
    assert "Proposal #" in hub.handle(ADA, QUESTION).text
    assert "Proposal #" in hub.handle(RIVAL, QUESTION).text
    for workspace, state in (("T1", State.asking), ("T1", State.ended), ("T2", State.paused)):
        mock(hub, workspace, state)


def card_of(hub: Hub, ctx: ChatContext) -> Card:
    reply = hub.handle(ctx, "/hub stats")
    assert not reply.error and len(reply.cards) == 1, reply.text
    return reply.cards[0]


def test_a_moderator_sees_the_week_of_their_workspace(hub: Hub) -> None:
    populate(hub)
    card = card_of(hub, MOD)
    fields = {field.name: field.value for field in card.fields}
    assert card.subtitle == "4 searches by 1 person, 2 without a good result"
    assert fields["Most searched topics"] == "django 2"
    assert fields["Most searched"] == (
        "`kubernetes helm charts` ×2\n`django orm n+1` ×1\n`n+1 django` ×1"
    )
    assert fields["No good result"] == "`kubernetes helm charts` ×2"
    assert fields["Daily question (answers / posts)"] == "<#general> 3 / 2 · <#random> 0 / 1"
    assert fields["Open proposals"].startswith("1 waiting, the oldest #")
    assert fields["Mock sessions"] == "1 running"
    assert [b.label for b in card.buttons] == ["Suggest an entry: kubernetes helm charts"]
    shown = json.dumps([card.subtitle, *fields.values()])
    for elsewhere in ("wombat", "otherplatform", "ancient", "react"):
        assert elsewhere not in shown


def test_another_workspace_sees_only_its_own(hub: Hub) -> None:
    populate(hub)
    fields = {field.name: field.value for field in card_of(hub, RIVAL).fields}
    assert fields["Most searched topics"] == "react 1"
    assert fields["No good result"] == "`wombat husbandry react` ×1"
    assert fields["Daily question (answers / posts)"] == "<#x> 1 / 1"
    assert fields["Mock sessions"] == "1 running"
    assert "kubernetes" not in json.dumps(list(fields.values()))


def test_suggest_an_entry_replies_with_the_template_titled_by_the_search(hub: Hub) -> None:
    populate(hub)
    [button] = card_of(hub, MOD).buttons
    reply = hub.handle_action(MOD, button.action, button.value)
    assert reply.cards and reply.cards[0].code is not None
    assert reply.cards[0].code.text.startswith(
        "/hub suggest question\ntitle: Kubernetes Helm charts\ntopic: react\nlevel: mid\n\n"
    )
    assert "no longer in the log" in hub.handle_action(RIVAL, button.action, button.value).text
    assert "no longer in the log" in hub.handle_action(MOD, button.action, "x1").text


def test_others_are_refused(hub: Hub) -> None:
    populate(hub)
    for reply in (hub.handle(EVE, "/hub stats"), hub.handle_action(EVE, "stats-suggest", "1")):
        assert reply.error and reply.text == "Only this workspace's moderators can see its stats."
        assert not reply.cards
    assert "is now a moderator" in hub.handle(MOD, "/hub moderators add @eve").text
    assert card_of(hub, EVE).title == "Hub stats: the last 7 days"
    assert hub.handle(MOD, "/hub stats everything").error


def test_hub_stats_json_covers_every_workspace(hub: Hub, store: Store, tmp_path: Path) -> None:
    populate(hub)
    out = subprocess.run([*HUB, "stats", "--json"], env=hub_env(store_url(store), tmp_path),
                         capture_output=True, text=True, cwd=tmp_path)  # fmt: skip
    assert out.returncode == 0, out.stderr
    stats = json.loads(out.stdout)
    assert (stats["days"], stats["searches"], stats["no_good_result"]) == (7, 6, 4)
    assert stats["top_topics"] == [{"topic": "django", "count": 2}, {"topic": "react", "count": 1}]
    assert stats["top_gaps"][0] == {"command": "search", "query": "kubernetes helm charts",
                                    "count": 2}  # fmt: skip
    turnout = [
        (d["workspace_id"], d["channel_id"], d["answers"], d["posts"]) for d in stats["daily"]
    ]
    assert turnout == [("T1", "general", 3, 2), ("T1", "random", 0, 1), ("T2", "x", 1, 1)]
    assert (stats["open_proposals"], stats["mock_sessions"]) == (2, 2)
    assert stats["oldest_proposal"]["workspace_id"] == "T1"


def test_an_entry_suggested_on_a_gap_is_asked_for_as_it_was_searched(hub: Hub) -> None:
    populate(hub)
    [button] = card_of(hub, MOD).buttons
    opened = hub.handle_action(MOD, button.action, button.value).form
    assert opened is not None and opened.value == "new:question"
    prefilled = {field.name: field.value for field in opened.inputs}
    assert prefilled["asked_as"] == "Kubernetes Helm charts"  # as typed, spaces folded
    values = {
        **prefilled,
        "title": "How do you package an app for a cluster?",
        "topic": "docker",
        "level": "mid",
        "answer": "A folder of templates and a values file, installed as a release.",
    }
    sent = hub.submit_form(MOD, opened.action, opened.value, values)
    assert "Proposal #" in sent.text, sent.text
    row = proposals.listing(hub.engine, workspace_id="T1")[-1]
    assert row.entry["asked_as"] == ["Kubernetes Helm charts"]
    card = hub.handle(MOD, f"/hub proposals show {row.id}").cards[0]
    assert card.code is not None and "asked: Kubernetes Helm charts" in card.code.text
    assert "Approved" in hub.handle(MOD, f"/hub proposals approve {row.id}").text
    found = hub.searcher.search("kubernetes helm charts").hits
    assert found[0].title == "How do you package an app for a cluster?"  # by how it was asked
