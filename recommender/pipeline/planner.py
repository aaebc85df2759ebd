"""The weekly plan (docs/result.md, "What every plan holds"), in four steps with plain
data between them:

1. choose the movements (choosing.py): few to learn, the most needed first;
2. set week one's doses (progression.py: `starting_doses`, then `raise_to_fill` once
   the sessions are laid out), rests included;
3. lay out the week (layout.py): strength days, and what each session holds;
4. progress the weeks (progression.py: `next_week`), each a new `WeekState`.

This module runs the steps and writes their result as a `Plan` (plan.py), with why
each exercise is in it. Everything is deterministic: the same answers always give the
same plan.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Optional

from recommender.core.answers import Answers
from recommender.core.catalog import Catalog, Dose, Exercise, Position
from recommender.core.deferred import Deferred
from recommender.core.wording import WEEKDAYS, words
from recommender.pipeline.choosing import KIT, Chosen, Facts, choose_movements, read_facts
from recommender.pipeline.dosing import rest_seconds, walk_dose, walk_minutes
from recommender.pipeline.layout import LOWEST_FILL, Layout, lay_out_week, one_more_strength_day
from recommender.pipeline.plan import (
    REVIEW_WEEK,
    Choice,
    Plan,
    Prescription,
    Session,
    Walking,
    Week,
)
from recommender.pipeline.progression import (
    WeekState,
    first_week,
    next_week,
    raise_to_fill,
    starting_doses,
)

SLOW_PAIN = 7  # from this pain (or while it worsens) doses rise every other week


def assemble_plan(
    answers: Answers,
    eligible: Sequence[Exercise],
    weeks: int = 4,
    families: Optional[Mapping[str, str]] = None,
    positions: Optional[Mapping[str, Position]] = None,
    level: str = "none",
) -> Plan:
    """A plan over `weeks` weeks from exercises that passed every safety filter.

    `eligible` must hold at least two exercises besides walking, one of them a stretch
    or mobility exercise (WH-TOO-FEW withholds the plan otherwise). `families`
    (Catalog.families) groups each exercise with its easier and harder variants;
    `positions` (Filtering.positions) gives the position each one is done in; `level`
    is the triage level (a fitter start is only for level `none`).
    """
    if families is None:
        families = Catalog(list(eligible)).families
    facts = read_facts(answers, eligible, families, positions or {}, level == "none")
    chosen, layout, first = first_plan_week(facts)
    return write_plan(facts, chosen, layout.offsets, plan_weeks(facts, first, weeks))


def first_plan_week(facts: Facts) -> tuple[tuple[Chosen, ...], Layout, WeekState]:
    """The movements, the week's layout and week one; where no session had room for
    a piece of the person's equipment that a chosen movement uses, chosen again with
    their equipment in its quickest exercises (docs/result.md: the equipment is used)."""
    chosen, layout, first = _first_plan_week(facts, quick_kit=False)
    if _kit_left_out(facts, chosen, first):
        return _first_plan_week(facts, quick_kit=True)
    return chosen, layout, first


def _kit_left_out(facts: Facts, chosen: Sequence[Chosen], first: WeekState) -> bool:
    """A piece of the person's equipment a chosen movement uses is in no session."""
    owned = set(facts.answers.equipment) & set(KIT)
    wanted = {k for c in chosen for k in c.exercise.equipment} & owned
    held = {k for s in first.sessions for e in s for k in e.equipment}
    return bool(wanted - held)


def _first_plan_week(facts: Facts, quick_kit: bool) -> tuple[tuple[Chosen, ...], Layout, WeekState]:
    """The movements, the week's layout and week one. While a session is still short
    of three quarters of the time (walking at its third) or holds fewer than two
    exercises, or a week of three or more sessions has only one kind, the plan gets
    one more movement to learn, as long as the cap and the safe exercises allow."""
    left_out: frozenset[str] = frozenset()  # families no session had room for
    chosen = choose_movements(facts, quick_kit=quick_kit)
    while True:
        doses = starting_doses(facts, chosen)
        layout = lay_out_week(facts, chosen, doses)
        first = first_week(facts, layout, raise_to_fill(facts, layout, doses))
        extra = one_more_strength_day(facts, layout, first.walks)
        if extra is not None:
            layout = lay_out_week(facts, chosen, doses, layout.strength_days | {extra})
            first = first_week(facts, layout, raise_to_fill(facts, layout, doses))
        if not (_short(facts, first) or _all_alike(facts, first) or _thin(first)):
            return chosen, layout, first
        # A movement no session had room for gives its place to another.
        unplaced = {facts.family[c.exercise.id] for c in chosen if c.exercise.id not in first.doses}
        left_out |= unplaced
        more = choose_movements(facts, len(chosen) - len(unplaced) + 1, left_out, quick_kit)
        if {c.exercise.id for c in more} <= {c.exercise.id for c in chosen}:
            return chosen, layout, first  # nothing more to teach
        chosen = more


def _thin(state: WeekState) -> bool:
    """A session with fewer than two exercises."""
    return any(len(session) < 2 for session in state.sessions)


def _all_alike(facts: Facts, state: WeekState) -> bool:
    """Three or more sessions a week, all the same: one more movement gives variety."""
    return facts.answers.days_per_week >= 3 and len(set(state.sessions)) == 1


def _short(facts: Facts, state: WeekState) -> bool:
    """A session under three quarters of the time offered, in whole minutes."""
    least = facts.answers.minutes_per_session * LOWEST_FILL
    return any(
        math.ceil((sum(state.times[e.id] for e in s) + walk * 60) / 60) < least
        for s, walk in zip(state.sessions, state.walks, strict=True)
    )


def plan_weeks(facts: Facts, first: WeekState, weeks: int) -> list[WeekState]:
    """Every week from the first: doses rise each week, or every other week while pain
    is high or getting worse."""
    answers = facts.answers
    slow = answers.pain_intensity >= SLOW_PAIN or answers.pain_trend == "worsening"
    states = [first]
    while len(states) < weeks:
        states.append(next_week(facts, states[-1], 2 if slow else 1))
    return states


def write_plan(
    facts: Facts, chosen: Sequence[Chosen], offsets: Sequence[int], states: Sequence[WeekState]
) -> Plan:
    writer = _Writer(facts, offsets)
    weeks: list[Week] = []
    for state in states:
        weeks.append(writer.week(state, len(states), weeks[-1] if weeks else None))
    # Only `explain` reads why each exercise was chosen (core/deferred.py).
    return Plan(tuple(weeks), Deferred(lambda: choices(facts, chosen, states, weeks)))


class _Writer:
    """Turns week states into the plan's weeks, reusing the prescriptions of sessions
    that did not change (so a printout groups them, and JSON shares their items)."""

    def __init__(self, facts: Facts, offsets: Sequence[int]) -> None:
        self.facts = facts
        self.offsets = offsets
        self.items: dict[tuple[object, ...], tuple[Prescription, ...]] = {}
        self.one: dict[tuple[str, int], Prescription] = {}
        self.days = [dt.timedelta(days=offset) for offset in range(7)]  # from a week's start

    def week(self, state: WeekState, weeks: int, previous: Optional[Week]) -> Week:
        """Week `state.number` of `weeks`; `keep_level` where its exercises and amounts
        are the `previous` week's."""
        start = self.facts.answers.start_date
        monday = start + dt.timedelta(days=state.number * 7 - 7) if start else None
        sessions = []
        content: dict[tuple[int, int], tuple[int, tuple[Prescription, ...]]] = {}
        for offset, exercises, walk in zip(self.offsets, state.sessions, state.walks, strict=True):
            date = monday + self.days[offset] if monday else None
            day = WEEKDAYS[date.weekday()] if date else WEEKDAYS[offset]
            key = (id(exercises), walk)  # each version once a week
            if key not in content:
                used = sum(state.times[e.id] for e in exercises) + walk * 60
                items = self.prescriptions(exercises, state.doses, walk)
                content[key] = (math.ceil(used / 60), items)
            sessions.append(Session(day, date, *content[key]))
        walking = self.between(state.number, tuple(s.day for s in sessions))
        # Compared before the week is made, not replaced after (benchmarks/bench.py (b)).
        same = previous is not None and _content(previous) == _content_of(sessions, walking)
        return Week(
            state.number,
            tuple(sessions),
            walking,
            keep_level=same,
            review=state.number == min(REVIEW_WEEK, weeks),
            shorter=self.shorter(sessions),
        )

    def prescriptions(
        self, exercises: tuple[Exercise, ...], doses: Mapping[str, Dose], walk: int
    ) -> tuple[Prescription, ...]:
        # The doses by identity: every week's doses live as long as this writer.
        key = (exercises, tuple(id(doses[e.id]) for e in exercises), walk)
        if key not in self.items:
            items = tuple(self.prescription(e, doses[e.id]) for e in exercises)
            if walk and self.facts.walk is not None:
                walking = self.facts.walk
                items += (self.prescription(walking, walk_dose(walking, walk)),)
            self.items[key] = items
        return self.items[key]

    def prescription(self, exercise: Exercise, dose: Dose) -> Prescription:
        """One item, shared by every session and week that holds it unchanged."""
        key = (exercise.id, id(dose))
        if key not in self.one:
            self.one[key] = prescribe(self.facts, exercise, dose)
        return self.one[key]

    def between(self, number: int, used: tuple[str, ...]) -> Optional[Walking]:
        """Walking on the days between sessions, as a suggestion (on the session days
        when there are none between)."""
        walk = self.facts.walk
        if walk is None:
            return None
        minutes = walk_minutes(self.facts.answers, number, False)
        start = self.facts.answers.start_date
        first = (start + dt.timedelta(days=number * 7 - 7)).weekday() if start else None
        days = _walking_days(first, used)
        key = ("walking", minutes, days)
        if key not in self.items:
            self.items[key] = (self.prescription(walk, walk_dose(walk, minutes)),)
        return Walking(self.items[key][0], days)

    def shorter(self, sessions: Sequence[Session]) -> str:
        """The plan says so, in plain words, when a session is shorter than three
        quarters of the time offered (the movements to learn and the safe exercises
        could not fill it)."""
        minutes = self.facts.answers.minutes_per_session
        short = [s.minutes for s in sessions if s.minutes < minutes * LOWEST_FILL]
        if not short:
            return ""
        where = " and ".join(words(a) for a in self.facts.areas)
        return (
            f"A shorter session (about {min(short)} minutes) is enough for your {where} "
            "for now; walk for the rest of the time if you can."
        )


def prescribe(facts: Facts, exercise: Exercise, dose: Dose) -> Prescription:
    position = facts.positions.get(exercise.id, exercise.position)
    return Prescription(exercise, dose, position, rest_seconds(exercise, dose, facts.strength_rest))


def choices(
    facts: Facts, chosen: Sequence[Chosen], states: Sequence[WeekState], weeks: Sequence[Week]
) -> tuple[Choice, ...]:
    """Why each exercise is in the plan, in order of first appearance, walking last
    when it is only between sessions."""
    why = {c.exercise.id: c.why for c in chosen}
    for state in states:
        why.update(state.harder_why)
    walk = facts.walk
    if walk is not None:
        why[walk.id] = _walk_reason(walk)
    shown = [p.exercise.id for p in Plan(tuple(weeks)).prescriptions() if p.exercise.id in why]
    return tuple(Choice(i, why[i] + _moved(facts, i)) for i in shown)


def _moved(facts: Facts, exercise_id: str) -> str:
    usual = facts.eligible[exercise_id].position
    position = facts.positions.get(exercise_id, usual)
    return f"; done {words(position)}, not {words(usual)}" if position != usual else ""


def _walk_reason(exercise: Exercise) -> str:
    what = (
        "walking"
        if exercise.id == "walking"
        else f"{exercise.name.lower()}, since walking is not advised for you,"
    )
    return (
        f"staying active: {what} helps back and neck pain settle (NICE NG59); it starts "
        "from how active you are now and rises gently"
    )


def _content(week: Week) -> tuple[object, ...]:
    """A week's exercises and amounts, without its dates."""
    return _content_of(week.sessions, week.walking)


def _content_of(sessions: Sequence[Session], walking: Optional[Walking]) -> tuple[object, ...]:
    return (tuple(s.exercises for s in sessions), walking.prescription if walking else None)


# Cached: a few hundred pairs cover every plan (benchmarks/bench.py (b)).
@lru_cache(maxsize=1024)
def _walking_days(first: Optional[int], used: tuple[str, ...]) -> tuple[str, ...]:
    """The days of a week that starts on weekday `first` (Monday, 0, when there is no
    start date) without a session, in order; the session days when every day has one."""
    start = first or 0
    days = [WEEKDAYS[(start + i) % 7] for i in range(7)]
    return tuple(d for d in days if d not in used) or used
