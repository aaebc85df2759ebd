"""The weekly plan (README, "How it works"): which exercises, on which days, at what dose.

The plan is built from two session templates, a strength day and a mobility day, each
opening with a mobility or stretch exercise. Week 1 uses the catalog's starting doses,
trimmed to fit the session; each later week raises every dose that still fits by about
10 to 20 %, and never lowers one. Everything here is deterministic: the same answers
always give the same plan.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional

from recommender.core.answers import Answers
from recommender.core.catalog import Catalog, Dose, Exercise

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: Days (counted from the first day of each week) that spread n sessions over 7 days.
DAY_OFFSETS: dict[int, tuple[int, ...]] = {
    1: (0,),
    2: (0, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 5),
    5: (0, 1, 2, 4, 5),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}

# --- Time model: how long a dose takes, rests and getting into position included.
SECONDS_PER_REP = 4  # a slow, controlled repetition
SETUP_SECONDS = 20  # reading the steps and getting into position
REST_SECONDS = {"strength": 30, "stretch": 10, "mobility": 10, "release": 10}

# --- Progression limits by kind: most sets, largest reps, longest hold (seconds).
# Holds stay within the seed's 20-45 s range for stretches; 3-4 sets for strength (ACSM).
MAX_SETS = {"strength": 4, "stretch": 5, "mobility": 3, "release": 3}
MAX_REPS = {"strength": 15, "stretch": 15, "mobility": 12, "release": 15}
MAX_HOLD = {"strength": 30, "stretch": 45, "mobility": 30, "release": 30}
STEP_MIN, STEP_MAX = 1.10, 1.20  # a weekly rise of about 10-20 %

#: Share of the session that week 1 fills, leaving room for the doses to grow.
WEEK_ONE_FILL = 0.7
MAX_EXERCISES_PER_SESSION = 6
LOW_PAIN = 3  # harder variants only at or below this pain (docs/clinical-safety.md)


class Prescription(NamedTuple):
    exercise: Exercise
    dose: Dose

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.exercise.id,
            "name": self.exercise.name,
            "sets": self.dose.sets,
            "reps": self.dose.reps,
            "hold_seconds": self.dose.hold_seconds,
            "per_side": self.dose.per_side,
        }


class Session(NamedTuple):
    day: str
    date: Optional[dt.date]
    minutes: int
    exercises: tuple[Prescription, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day,
            "date": self.date.isoformat() if self.date else None,
            "minutes": self.minutes,
            "exercises": [p.to_dict() for p in self.exercises],
        }


class Week(NamedTuple):
    number: int
    sessions: tuple[Session, ...]

    def session_groups(self) -> list[tuple[Session, ...]]:
        """Sessions with the same exercises and doses, together, in order of first day
        (a printout shows each group once, with all its days)."""
        groups: dict[tuple[Prescription, ...], list[Session]] = {}
        for session in self.sessions:
            groups.setdefault(session.exercises, []).append(session)
        return [tuple(group) for group in groups.values()]

    def to_dict(self) -> dict[str, Any]:
        return {"week": self.number, "sessions": [s.to_dict() for s in self.sessions]}


class Plan(NamedTuple):
    weeks: tuple[Week, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"weeks": [w.to_dict() for w in self.weeks]}

    def exercises(self) -> list[Exercise]:
        """Every exercise in the plan, once, in order of first appearance."""
        seen: dict[str, Exercise] = {}
        for week in self.weeks:
            for session in week.sessions:
                for p in session.exercises:
                    seen.setdefault(p.exercise.id, p.exercise)
        return list(seen.values())


def seconds(exercise: Exercise, dose: Dose) -> int:
    """How long one exercise takes at `dose`, its rests and set-up included."""
    work = dose.reps * SECONDS_PER_REP if dose.reps is not None else dose.hold_seconds
    sides = 2 if dose.per_side else 1
    assert work is not None
    return SETUP_SECONDS + dose.sets * work * sides + (dose.sets - 1) * REST_SECONDS[exercise.kind]


def next_dose(exercise: Exercise, dose: Dose) -> Optional[Dose]:
    """The next week's dose, 10-20 % more; None when the exercise is at its limit.

    Reps or hold time grow first; at their limit a set is added with the measure
    trimmed so that the total still rises by 10-20 % and never falls.
    """
    kind = exercise.kind
    cap = max(dose.measure, MAX_REPS[kind] if dose.reps is not None else MAX_HOLD[kind])
    candidates = [(dose.sets, m) for m in range(dose.measure + 1, cap + 1)]
    if dose.sets < MAX_SETS[kind]:
        candidates += [(dose.sets + 1, m) for m in range(5, cap + 1)]
    for sets, measure in candidates:  # same sets first, then the smallest fitting rise
        if STEP_MIN <= sets * measure / dose.volume <= STEP_MAX:
            return dose.with_(sets, measure)
    return None


@dataclass
class _Template:
    """The exercises of one kind of day, in session order, with a fixed time budget."""

    exercises: list[Exercise] = field(default_factory=list)

    def seconds(self, doses: dict[str, Dose]) -> int:
        return sum(seconds(exercise, doses[exercise.id]) for exercise in self.exercises)

    def __contains__(self, exercise: Exercise) -> bool:
        return any(e.id == exercise.id for e in self.exercises)


def assemble_plan(
    answers: Answers,
    eligible: Sequence[Exercise],
    weeks: int = 4,
    families: Optional[Mapping[str, str]] = None,
) -> Plan:
    """A plan over `weeks` weeks from exercises that passed every safety filter.

    `eligible` must hold at least two exercises, one of them a stretch or mobility
    exercise (WH-TOO-FEW withholds the plan otherwise). `families` (Catalog.families)
    groups each exercise with its easier and harder variants.
    """
    if families is None:
        families = Catalog(list(eligible)).families
    return _Planner(answers, eligible, families).plan(weeks)


class _Planner:
    def __init__(
        self, answers: Answers, eligible: Sequence[Exercise], families: Mapping[str, str]
    ) -> None:
        self.answers = answers
        self.eligible = list(eligible)
        self.eligible_ids = {e.id: e for e in self.eligible}
        self.areas = set(answers.pain_areas)
        self.budget = answers.minutes_per_session * 60
        self.doses: dict[str, Dose] = {}
        order = {e.id: i for i, e in enumerate(self.eligible)}
        strength_target = {"low": 1, "moderate": 2, "high": 3}[answers.activity_level]

        def preference(e: Exercise) -> tuple[int, ...]:
            # Gentle first for warm-ups and stretches; for strength, the level that
            # suits how active the person is. Then the best match to where it hurts.
            level = abs(e.level - strength_target) if e.kind == "strength" else e.level
            return (level, -len(self.areas.intersection(e.areas)), order[e.id])

        self.preference = preference
        self.family = families
        self.openers = sorted(
            (e for e in self.eligible if e.opens_session),
            key=lambda e: (e.kind != "mobility", preference(e)),
        )
        self.strength = sorted((e for e in self.eligible if e.kind == "strength"), key=preference)
        self.others = sorted((e for e in self.eligible if e.kind != "strength"), key=preference)

    # -- days ---------------------------------------------------------------------
    def strength_offsets(self, offsets: tuple[int, ...]) -> set[int]:
        """2-3 non-consecutive days for strength (ACSM), counting Sunday-to-Monday."""
        if not self.strength:
            return set()
        limit = 2 if self.answers.activity_level == "low" else 3
        chosen: list[int] = []
        for offset in offsets:
            if len(chosen) == limit:
                break
            if all(_apart(offset, other) for other in chosen):
                chosen.append(offset)
        return set(chosen)

    # -- doses --------------------------------------------------------------------
    def starting_dose(self, exercise: Exercise) -> Dose:
        base = exercise.dose
        if exercise.kind == "strength" and self.answers.activity_level == "low":
            return base.with_(max(1, base.sets - 1), base.measure)  # start lighter
        return base

    def fitted(self, template: _Template, exercise: Exercise, limit: float) -> Optional[Dose]:
        """The starting dose (fewer sets if need be) that fits `limit`, or None."""
        dose = self.starting_dose(exercise)
        used = template.seconds(self.doses)
        for sets in range(dose.sets, 0, -1):
            trial = dose.with_(sets, dose.measure)
            if used + seconds(exercise, trial) <= limit:
                return trial
        return None

    def try_add(
        self, template: _Template, exercise: Exercise, limit: float, same_family: bool = False
    ) -> bool:
        if exercise in template or len(template.exercises) >= MAX_EXERCISES_PER_SESSION:
            return False
        # One exercise per family unless there is no other way to reach two: an
        # exercise and its easier or harder variant together repeat one movement.
        if not same_family and any(
            self.family[e.id] == self.family[exercise.id] for e in template.exercises
        ):
            return False
        dose = self.doses.get(exercise.id) or self.fitted(template, exercise, limit)
        if dose is None or template.seconds(self.doses) + seconds(exercise, dose) > limit:
            return False
        self.doses[exercise.id] = dose
        template.exercises.append(exercise)
        return True

    # -- templates ----------------------------------------------------------------
    def template(self, strength_day: bool) -> _Template:
        template = _Template()
        target = self.budget * WEEK_ONE_FILL
        opener = self.openers[0]
        self.try_add(template, opener, self.budget)
        if strength_day:
            picked = 0
            for exercise in self.strength:
                if picked == 2:
                    break
                covered = {a for e in template.exercises if e.kind == "strength" for a in e.areas}
                if picked and not self.areas.intersection(exercise.areas) - covered:
                    continue  # a second strength exercise should work another area
                if self.try_add(template, exercise, self.budget if not picked else target):
                    picked += 1
        for area in sorted(self.areas):
            if any(area in e.areas for e in template.exercises):
                continue
            for exercise in self.others:
                if area in exercise.areas and self.try_add(template, exercise, target):
                    break
        for exercise in self.others:
            self.try_add(template, exercise, target)
        if len(template.exercises) < 2:
            # Short sessions, or few exercises: the quickest other one that fits at all.
            # Strength only as a last resort on a mobility day (tests/pipeline/test_catalog.py
            # shows the bundled catalog never needs it).
            spare = self.others + (self.strength if not strength_day else [])
            for exercise in sorted(spare, key=lambda e: seconds(e, self.starting_dose(e))):
                if self.try_add(template, exercise, self.budget, same_family=True):
                    break
        template.exercises = _session_order(template.exercises, opener)
        return template

    # -- weeks --------------------------------------------------------------------
    def plan(self, weeks: int) -> Plan:
        offsets = DAY_OFFSETS[self.answers.days_per_week]
        strength_days = self.strength_offsets(offsets)
        templates = {}
        if strength_days:
            templates[True] = self.template(strength_day=True)
        if len(strength_days) < len(offsets):
            templates[False] = self.template(strength_day=False)
        step_every = (
            2 if self.answers.pain_intensity >= 7 or self.answers.pain_trend == "worsening" else 1
        )
        plan_weeks = []
        start = self.answers.start_date
        for number in range(1, weeks + 1):
            if number > 1 and (number - 1) % step_every == 0:
                self.progress(list(templates.values()))
            # Every session of one kind holds the same exercises and doses in a week.
            content = {
                kind: (
                    math.ceil(template.seconds(self.doses) / 60),
                    tuple(Prescription(e, self.doses[e.id]) for e in template.exercises),
                )
                for kind, template in templates.items()
            }
            sessions = []
            for offset in offsets:
                minutes, exercises = content[offset in strength_days]
                date = start + dt.timedelta(days=number * 7 - 7 + offset) if start else None
                day = WEEKDAYS[date.weekday()] if date else WEEKDAYS[offset]
                sessions.append(Session(day, date, minutes, exercises))
            plan_weeks.append(Week(number, tuple(sessions)))
        return Plan(tuple(plan_weeks))

    def progress(self, templates: list[_Template]) -> None:
        """Raise each dose by 10-20 % where every session holding it still fits.

        At its limit, and only when pain is low, an exercise gives way to its harder
        variant (same kind, passed every filter, not already in the plan).
        """
        in_plan = _unique(e for t in templates for e in t.exercises)
        totals = [t.seconds(self.doses) for t in templates]
        for exercise in in_plan:
            holding = [i for i, t in enumerate(templates) if exercise in t]
            old = self.doses[exercise.id]
            new = next_dose(exercise, old)
            if new is not None:
                extra = seconds(exercise, new) - seconds(exercise, old)
                if all(totals[i] + extra <= self.budget for i in holding):
                    self.doses[exercise.id] = new
                    for i in holding:
                        totals[i] += extra
                continue
            if self.try_harder(exercise, [templates[i] for i in holding], {e.id for e in in_plan}):
                for i in holding:
                    totals[i] = templates[i].seconds(self.doses)

    def try_harder(self, exercise: Exercise, holding: list[_Template], in_plan: set[str]) -> bool:
        """Swap in the harder variant where it fits; True when it did."""
        harder = self.eligible_ids.get(exercise.harder or "")
        if (
            harder is None
            or self.answers.pain_intensity > LOW_PAIN
            or harder.kind != exercise.kind
            or harder.id in in_plan
        ):
            return False
        dose = self.starting_dose(harder)
        for template in holding:
            others = template.seconds(self.doses) - seconds(exercise, self.doses[exercise.id])
            if others + seconds(harder, dose) > self.budget:
                return False
        self.doses[harder.id] = dose
        for template in holding:
            template.exercises = [harder if e.id == exercise.id else e for e in template.exercises]
        return True


def _apart(a: int, b: int) -> bool:
    """Not the same or neighbouring days, Sunday and the next Monday included."""
    gap = abs(a - b) % 7
    return min(gap, 7 - gap) >= 2


_SESSION_ORDER = {"mobility": 0, "release": 1, "strength": 2, "stretch": 3}


def _session_order(exercises: list[Exercise], opener: Exercise) -> list[Exercise]:
    """Warm up (the opener, then mobility), release, strength, and stretches to finish."""
    rest = [e for e in exercises if e.id != opener.id]
    rest.sort(key=lambda e: _SESSION_ORDER[e.kind])  # stable within a kind
    return [opener, *rest]


def _unique(exercises: Iterable[Exercise]) -> list[Exercise]:
    seen: dict[str, Exercise] = {}
    for e in exercises:
        seen.setdefault(e.id, e)
    return list(seen.values())
