"""The end-of-session summary: per person, questions and grades, strongest and weakest topics, and
what to study next (the weak questions and the learning-path step that covers them)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.engine import Engine

from bot import library
from bot.library import PathSteps
from bot.mock import store
from bot.mock.models import MockGrade, MockSession, Mode
from bot.mock.session import RATINGS
from bot.models import Entry
from bot.replies import Button, Card, Field, Reply, Section, Visibility

MAX_CARDS = 8
WEAK = 2  # Again or Hard


def _ending_line(ms: MockSession) -> str:
    reason = ms.end_reason or "finished"
    if reason == "finished":
        return "Mock interview finished"
    if reason == "idle":
        return "Mock interview ended: no activity for a while"
    return f"Mock interview {reason}"


def summary_reply(engine: Engine, ms: MockSession) -> Reply:
    grades, people = store.grades(engine, ms)
    entries = library.entries(engine, ms.entry_ids)
    steps = library.path_steps(engine)
    step_titles = library.titles(engine, {i for s in steps.steps for i in s.entry_ids})
    asked = min(ms.index + 1, ms.total)
    header = (
        f"*{_ending_line(ms)}* — {asked} of {ms.total} question{'s' if ms.total != 1 else ''} "
        f"asked, {len(ms.skipped)} skipped."
    )
    per_person: dict[str, list[MockGrade]] = defaultdict(list)
    for g in grades:
        per_person[g.user_id].append(g)
    if ms.mode == Mode.pair:
        for p in people.values():
            if p.role == "candidate":
                per_person.setdefault(p.user_id, [])
    if not per_person:
        return Reply(text=header + "\nNobody graded a question.", visibility=Visibility.channel)
    cards: list[Card] = []
    overflow: list[str] = []
    for user_id in sorted(per_person, key=lambda u: (people.get(u) is None, u)):
        name = (people[user_id].user_name if user_id in people else "") or user_id
        own = per_person[user_id]
        if len(cards) >= MAX_CARDS:
            average = sum(g.rating for g in own) / len(own) if own else 0
            overflow.append(f"{name[:40]}: {len(own)} graded, average {average:.1f}")
            continue
        cards.append(_person_card(name, own, entries, steps, step_titles))
    text = header
    if overflow:
        text += "\nAlso: " + "; ".join(overflow)
    return Reply(text=text, cards=tuple(cards), visibility=Visibility.channel)


def _person_card(
    name: str,
    own: list[MockGrade],
    entries: dict[str, Entry],
    steps: PathSteps,
    step_titles: dict[str, str],
) -> Card:
    lines = []
    topic_scores: dict[str, list[int]] = defaultdict(list)
    for g in own:
        entry = entries.get(g.entry_id)
        title = entry.title if entry else g.entry_id
        lines.append(f"{g.question + 1}. {title[:120]} — {RATINGS.get(g.rating, '?')}")
        if entry:
            topic_scores[entry.topic].append(g.rating)
    averages = {t: sum(r) / len(r) for t, r in topic_scores.items()}
    fields: list[Field] = []
    if averages:
        best = max(sorted(averages), key=lambda t: averages[t])
        worst = min(sorted(averages), key=lambda t: averages[t])
        fields.append(Field("Strongest", f"{best} ({RATINGS[round(averages[best])]})"))
        if worst != best:
            fields.append(Field("Weakest", f"{worst} ({RATINGS[round(averages[worst])]})"))
    study: list[str] = []
    start: tuple[Button, ...] = ()  # the path of the weakest answer's step
    for g in sorted(own, key=lambda g: g.rating):
        if g.rating > WEAK or g.entry_id not in entries:
            continue
        entry = entries[g.entry_id]
        line = f"• {entry.title[:120]} (`{entry.id}`)"
        step = steps.covering(entry)
        if step:
            start = start or (Button("Start this path", "path_start", step.path_id),)
            more = [step_titles[i] for i in step.entry_ids if i != entry.id and i in step_titles]
            line += f"\n  Learning path: {step.label()}"
            if more:
                line += " — also " + "; ".join(t[:80] for t in more[:2])
        study.append(line)
    if not study:
        study.append("Nothing graded Again or Hard: try a harder level next time.")
    return Card(
        title=name[:80],
        text="\n".join(lines) if lines else "No grades.",
        fields=tuple(fields),
        sections=(Section("Study next", "\n".join(study[:5])),),
        buttons=start,
    )
