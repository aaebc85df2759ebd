"""The weekly plan (README, "How it works"): which exercises, on which days, at what dose.

A plan has strength days (2 or 3, never on neighbouring days) and mobility days. With
two or more days of one kind the sessions alternate between two versions (A and B), so
a week offers variety while each exercise keeps its place long enough to learn it.
Each session opens with mobility or a stretch, holds at least one exercise for every
painful area (a strength exercise per area across the week, when one is safe), and
fills 75-100 % of the time offered; walking fills what the exercises cannot, and when
sessions are too short to hold it, walking goes on the days between them. Doses and
their weekly rise are dosing.py's. Everything is deterministic: the same answers
always give the same plan.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Optional

from recommender.core.answers import Answers
from recommender.core.catalog import Catalog, Dose, Exercise, Position
from recommender.core.wording import words
from recommender.pipeline.dosing import next_dose, seconds, starting_dose, walk_minutes
from recommender.pipeline.plan import (
    REVIEW_WEEK,
    Choice,
    Plan,
    Prescription,
    Session,
    Walking,
    Week,
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
AREA_ORDER = ("neck", "shoulders", "upper_back", "mid_back", "lower_back")

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

LOWEST_FILL, WEEK_ONE_FILL = 0.75, 0.85  # of the time offered; the rest leaves room to grow
WALK_IN_SESSION_FROM = 15  # minutes offered: shorter sessions walk on the days between
MIN_WALK = 3  # minutes: a walk that tops up a session is at least this long
MAX_EXERCISES_PER_SESSION = 8
MAX_STRENGTH = 3  # strength exercises a session starts with
LOW_PAIN = 3  # harder variants only at or below this pain (docs/clinical-safety.md)
STRENGTH_LEVEL = {"low": 1, "moderate": 1, "high": 2}  # nobody starts on the hardest form
MIN_WEEKS_IN_PLACE = 2  # an exercise stays this long before its harder variant replaces it
_SESSION_ORDER = {"mobility": 0, "release": 1, "strength": 2, "stretch": 3, "aerobic": 4}


def assemble_plan(
    answers: Answers,
    eligible: Sequence[Exercise],
    weeks: int = 4,
    families: Optional[Mapping[str, str]] = None,
    positions: Optional[Mapping[str, Position]] = None,
) -> Plan:
    """A plan over `weeks` weeks from exercises that passed every safety filter.

    `eligible` must hold at least two exercises besides walking, one of them a stretch
    or mobility exercise (WH-TOO-FEW withholds the plan otherwise). `families`
    (Catalog.families) groups each exercise with its easier and harder variants;
    `positions` (Filtering.positions) gives the position each one is done in.
    """
    if families is None:
        families = Catalog(list(eligible)).families
    return _Planner(answers, eligible, families, positions or {}).plan(weeks)


class _Template:
    """One version of a session: its exercises, in session order."""

    def __init__(self) -> None:
        self.exercises: list[Exercise] = []
        self.walk = 0  # minutes of walking at the end of the session
        self.families: set[str] = set()  # of its exercises (Catalog.families)
        self.total = 0  # seconds its exercises take at their current doses
        self.content: tuple[tuple[int, int, int], tuple[int, tuple[Prescription, ...]]] = (
            (-1, -1, -1),
            (0, ()),
        )  # see _Planner.content


class _Planner:
    def __init__(
        self,
        answers: Answers,
        eligible: Sequence[Exercise],
        families: Mapping[str, str],
        positions: Mapping[str, Position],
    ) -> None:
        self.answers = answers
        self.budget = answers.minutes_per_session * 60
        self.areas = [a for a in AREA_ORDER if a in answers.pain_areas]
        self.family = families
        self.positions = positions
        self.eligible = {e.id: e for e in eligible}
        self.doses: dict[str, Dose] = {}
        self.cost: dict[str, int] = {}  # exercise id -> seconds at its current dose
        self.version = 0  # rises with every new dose, so cached week contents are redone
        self.since: dict[str, int] = {}  # exercise id -> the week it joined the plan
        self.choices: dict[str, str] = {}
        order = {e.id: i for i, e in enumerate(eligible)}
        level = STRENGTH_LEVEL[answers.activity_level]
        # Getting down to the floor and up again is itself a fall risk.
        avoid_floor = answers.history.balance_problems

        def rank(e: Exercise) -> tuple[int, ...]:
            fit = abs(e.level - level) if e.kind == "strength" else e.level
            floor = int(avoid_floor and e.on_floor_only)
            return (fit, floor, -len(set(self.areas) & set(e.areas)), order[e.id])

        # Level 3 is reached by progression, never given from the start.
        body = sorted((e for e in eligible if e.kind != "aerobic" and e.level < 3), key=rank)
        self.openers = sorted(
            (e for e in body if e.opens_session), key=lambda e: e.kind != "mobility"
        )
        self.strength = [e for e in body if e.kind == "strength"]
        self.others = [e for e in body if e.kind != "strength"]
        self.aerobic = next((e for e in eligible if e.kind == "aerobic"), None)
        self.walk_in_session = answers.minutes_per_session >= WALK_IN_SESSION_FROM
        # A strength day opens gently and then holds strength work. When even the
        # quickest opener and the quickest strength exercise overrun the session at
        # their usual start, strength starts at the foot of the ladder (2 x 8), ACSM's
        # lightest start, as it does for someone not yet active.
        self.lightest_strength = bool(self.openers and self.strength) and (
            min(seconds(e, starting_dose(e, answers)) for e in self.openers)
            + min(seconds(e, starting_dose(e, answers)) for e in self.strength)
            > self.session_room()
        )

    def session_room(self) -> int:
        """Seconds a session has for exercises, once its own walk (if any) is set aside."""
        walk = walk_minutes(self.answers, 1, True) * 60 if self.walk_in_session else 0
        return self.budget - walk if self.aerobic else self.budget

    # -- choosing ------------------------------------------------------------------
    def first_dose(self, exercise: Exercise) -> Dose:
        return starting_dose(exercise, self.answers, self.lightest_strength)

    def dose(self, exercise: Exercise) -> Dose:
        if exercise.id not in self.doses:
            # Not in any session yet, so no session's time changes: no new version.
            dose = self.doses[exercise.id] = self.first_dose(exercise)
            self.cost[exercise.id] = seconds(exercise, dose)
        return self.doses[exercise.id]

    def set_dose(self, exercise: Exercise, dose: Dose, holding: Sequence[_Template]) -> None:
        """A new dose for an exercise held by the `holding` sessions (their totals move)."""
        self.version += 1
        old = self.cost.get(exercise.id, 0)
        self.doses[exercise.id] = dose
        self.cost[exercise.id] = seconds(exercise, dose)  # asked for again and again
        for template in holding:
            template.total += self.cost[exercise.id] - old

    def time(self, exercise: Exercise) -> int:
        """Seconds the exercise takes at its current dose."""
        if exercise.id not in self.cost:
            self.dose(exercise)
        return self.cost[exercise.id]

    def used(self, template: _Template) -> int:
        """Seconds the template's exercises take at their current doses."""
        return template.total

    def fits(self, template: _Template, exercise: Exercise, limit: float, any_family: bool) -> bool:
        if exercise in template.exercises or len(template.exercises) >= MAX_EXERCISES_PER_SESSION:
            return False
        # One exercise of a family in a session: an exercise and its easier or harder
        # variant together repeat one movement.
        if not any_family and self.family[exercise.id] in template.families:
            return False
        return self.used(template) + self.time(exercise) <= limit

    def pick(
        self,
        template: _Template,
        candidates: Sequence[Exercise],
        limit: float,
        why: str,
        avoid: frozenset[str] = frozenset(),
        any_family: bool = False,
    ) -> bool:
        """Add the first candidate that fits, preferring those not in `avoid`; `why`
        says why it was chosen ({kind} and {where} are filled in)."""
        return self.fill(template, candidates, limit, why, avoid, any_family, most=1) == 1

    def fill(
        self,
        template: _Template,
        candidates: Sequence[Exercise],
        limit: float,
        why: str,
        avoid: frozenset[str] = frozenset(),
        any_family: bool = False,
        most: int = MAX_EXERCISES_PER_SESSION,
        enough: Optional[Callable[[], bool]] = None,
    ) -> int:
        """Add candidates that fit, in order (those not in `avoid` first), until `most`
        are added or `enough()` says so; returns how many were added.

        One pass is enough: what does not fit now never fits later in the same
        session, since the time used, the families held and the count only grow.
        """
        added = 0
        if avoid:
            candidates = [e for e in candidates if e.id not in avoid] + [
                e for e in candidates if e.id in avoid
            ]
        for exercise in candidates:
            if added == most or (enough is not None and enough()):
                break
            if self.fits(template, exercise, limit, any_family):
                template.exercises.append(exercise)
                template.total += self.time(exercise)
                template.families.add(self.family[exercise.id])
                self.since.setdefault(exercise.id, 1)
                if exercise.id not in self.choices:
                    where = self.where(exercise)
                    self.choices[exercise.id] = why.format(kind=exercise.kind, where=where)
                added += 1
        return added

    def template(self, strength_day: bool, avoid: frozenset[str]) -> _Template:
        """A session's exercises; `avoid` holds the other version's, for variety."""
        t = _Template()
        walk = walk_minutes(self.answers, 1, True) * 60 if self.walk_in_session else 0
        cap = self.session_room()
        target = self.budget * WEEK_ONE_FILL - (walk if self.aerobic else 0)
        openers = self.openers
        if strength_day and self.strength:
            # Leave room for the strength work: an opener short enough for the quickest.
            room = cap - min(self.time(e) for e in self.strength)
            openers = [e for e in openers if self.time(e) <= room] or openers
        self.pick(t, openers, cap, "opens the session gently ({kind} for your {where})", avoid)
        if strength_day:
            # Areas the other version's strength work leaves out come first, so that
            # the week holds strength work for every painful area it can.
            done = {
                a
                for i in avoid
                for a in self.eligible[i].areas
                if self.eligible[i].kind == "strength"
            }
            for area in sorted(self.areas, key=lambda a: a in done):
                covered = {a for e in t.exercises if e.kind == "strength" for a in e.areas}
                if area not in covered:
                    # The one that also works the most areas still without strength work.
                    left = set(self.areas) - covered - done
                    options = sorted(
                        (e for e in self.strength if area in e.areas),
                        key=lambda e: -len(left & set(e.areas)),
                    )
                    self.pick(t, options, cap, f"strength for your {words(area)}", avoid)
        for area in self.areas:
            if not any(area in e.areas for e in t.exercises):
                options = [e for e in self.others if area in e.areas]
                self.pick(t, options, cap, "{kind} for your " + words(area), avoid)
        # Strength days take up to three strength exercises before more stretching.
        if strength_day:
            held = sum(e.kind == "strength" for e in t.exercises)
            if held < MAX_STRENGTH:
                why = "strength for your {where}"
                self.fill(t, self.strength, target, why, avoid, most=MAX_STRENGTH - held)
        more = "more {kind} for your {where}"
        self.fill(t, self.others, target, more, avoid)
        # Still short of three quarters of the time: anything that fits at all.
        spare = self.others + (self.strength if strength_day else [])
        short = self.budget * LOWEST_FILL - walk
        self.fill(t, spare, cap, more, avoid, enough=lambda: self.used(t) >= short)
        if len(t.exercises) < 2:  # very short sessions: the quickest other one that fits
            spare = sorted(self.others + self.strength, key=lambda e: self.time(e))
            self.pick(
                t,
                spare,
                self.budget,
                "{kind} for your {where}",
                any_family=True,
            )
        opener = t.exercises[0] if t.exercises else None
        rest = sorted((e for e in t.exercises[1:]), key=lambda e: _SESSION_ORDER[e.kind])
        t.exercises = ([opener] if opener else []) + rest
        return t

    def where(self, exercise: Exercise) -> str:
        areas = [a for a in self.areas if a in exercise.areas] or list(exercise.areas)
        return " and ".join(words(a) for a in areas)

    # -- days ---------------------------------------------------------------------
    def strength_offsets(self, offsets: tuple[int, ...]) -> set[int]:
        """2-3 non-consecutive days for strength (ACSM), counting Sunday-to-Monday."""
        if not self.strength:
            return set()
        limit = 2 if self.answers.activity_level == "low" else 3
        chosen: list[int] = []
        for offset in offsets:
            if len(chosen) < limit and all(_apart(offset, other) for other in chosen):
                chosen.append(offset)
        return set(chosen)

    def day_templates(self, offsets: tuple[int, ...]) -> list[_Template]:
        """The session version for each day: A and B alternate within each kind of day."""
        strength_days = self.strength_offsets(offsets)
        built: dict[tuple[bool, int], _Template] = {}
        seen: dict[bool, int] = {}
        days = []
        for offset in offsets:
            kind = offset in strength_days
            variant = seen.get(kind, 0) % 2
            seen[kind] = seen.get(kind, 0) + 1
            if (kind, variant) not in built:
                first = built.get((kind, 0))
                avoid = frozenset(e.id for e in first.exercises) if first else frozenset()
                saved = dict(self.since), dict(self.choices)
                template = self.template(kind, avoid)
                if kind and first and not any(e.kind == "strength" for e in template.exercises):
                    # No room for variety without losing the strength work: A again.
                    self.since, self.choices = saved
                    template = first
                built[(kind, variant)] = template
            days.append(built[(kind, variant)])
        return days

    # -- weeks --------------------------------------------------------------------
    def plan(self, weeks: int) -> Plan:
        offsets = DAY_OFFSETS[self.answers.days_per_week]
        days = self.day_templates(offsets)
        templates = list({id(t): t for t in days}.values())
        slow = self.answers.pain_intensity >= 7 or self.answers.pain_trend == "worsening"
        step_every = 2 if slow else 1
        start = self.answers.start_date
        plan_weeks: list[Week] = []
        for number in range(1, weeks + 1):
            if number > 1 and (number - 1) % step_every == 0:
                self.progress(templates, number)
            walking = self.walk(templates, number)
            content = {id(t): self.content(t) for t in templates}
            sessions = []
            for offset, template in zip(offsets, days, strict=True):
                date = start + dt.timedelta(days=number * 7 - 7 + offset) if start else None
                day = WEEKDAYS[date.weekday()] if date else WEEKDAYS[offset]
                minutes, items = content[id(template)]
                sessions.append(Session(day, date, minutes, items))
            outside = None
            if walking is not None and self.aerobic is not None:
                used = [s.day for s in sessions]
                free = tuple(d for d in _week_days(start, number) if d not in used)
                outside = Walking(self.prescribe(self.aerobic, walking), free or tuple(used))
            previous = plan_weeks[-1] if plan_weeks else None
            same = previous is not None and _content(previous) == _content_of(sessions, outside)
            review = number == min(REVIEW_WEEK, weeks)
            plan_weeks.append(Week(number, tuple(sessions), outside, same, review))
        if self.aerobic is not None:
            self.choices.setdefault(self.aerobic.id, _walk_reason(self.aerobic))
        ordered = {p.exercise.id: p for w in plan_weeks for s in w.sessions for p in s.exercises}
        choices = tuple(Choice(i, self.reason(i)) for i in ordered if i in self.choices)
        if self.aerobic is not None and self.aerobic.id not in ordered:
            choices += (Choice(self.aerobic.id, self.choices[self.aerobic.id]),)
        return Plan(tuple(plan_weeks), choices)

    def content(self, template: _Template) -> tuple[int, tuple[Prescription, ...]]:
        """A session's minutes and prescriptions this week, walking last (the same
        objects as last week's while nothing changed)."""
        key = (self.version, len(template.exercises), template.walk)
        if template.content[0] != key:
            template.content = (key, self._content(template))
        return template.content[1]

    def _content(self, template: _Template) -> tuple[int, tuple[Prescription, ...]]:
        items = tuple(self.prescribe(e, self.dose(e)) for e in template.exercises)
        if template.walk and self.aerobic is not None:
            walk = self.aerobic.dose.with_(minutes=template.walk)
            items += (self.prescribe(self.aerobic, walk),)
        return math.ceil((self.used(template) + template.walk * 60) / 60), items

    def reason(self, exercise_id: str) -> str:
        """Why the exercise is in the plan, and why in a position other than its usual."""
        usual = self.eligible[exercise_id].position
        position = self.positions.get(exercise_id, usual)
        moved = f"; done {words(position)}, not {words(usual)}" if position != usual else ""
        return self.choices[exercise_id] + moved

    def prescribe(self, exercise: Exercise, dose: Dose) -> Prescription:
        return Prescription(exercise, dose, self.positions.get(exercise.id, exercise.position))

    def walk(self, templates: list[_Template], week: int) -> Optional[Dose]:
        """Set each session's walking for `week`; return walking for the days between
        sessions when they are too short to hold it. Walking never falls."""
        if self.aerobic is None:
            return None
        low = self.budget * LOWEST_FILL
        for t in templates:
            used = self.used(t)
            need = max(0, math.ceil((low - used) / 60))  # what the exercises leave unfilled
            if 0 < need < MIN_WALK:
                need = min(MIN_WALK, (self.budget - used) // 60) or need
            want = walk_minutes(self.answers, week, True) if self.walk_in_session else need
            room = (self.budget - used) // 60
            t.walk = min(room, max(t.walk, want, need))
        if self.walk_in_session:
            return None
        return self.aerobic.dose.with_(minutes=walk_minutes(self.answers, week, False))

    def progress(self, templates: list[_Template], week: int) -> None:
        """Raise each dose by one felt step where every session holding it still fits.

        At the top of its range (or of what the time offered allows, once it has
        risen at least once), and only when pain is low, an exercise gives way to its
        harder variant (passed every filter) once it has been in place long enough;
        otherwise the dose holds.
        """
        in_plan = list({e.id: e for t in templates for e in t.exercises}.values())
        for exercise in in_plan:
            holding = [t for t in templates if exercise in t.exercises]
            old = self.doses[exercise.id]
            new = next_dose(exercise, old, self.answers)
            if new is not None:
                extra = seconds(exercise, new) - seconds(exercise, old)
                if all(self.used(t) + t.walk * 60 + extra <= self.budget for t in holding):
                    self.set_dose(exercise, new, holding)
                    continue
                if old == self.first_dose(exercise):
                    continue  # not yet risen at all: it holds
            if week - self.since[exercise.id] >= MIN_WEEKS_IN_PLACE:
                self.try_harder(exercise, holding, week)

    def try_harder(self, exercise: Exercise, holding: list[_Template], week: int) -> None:
        """Swap in the harder variant where it fits in every session holding it."""
        harder = self.eligible.get(exercise.harder or "")
        if harder is None or self.answers.pain_intensity > LOW_PAIN or harder.kind != exercise.kind:
            return
        if harder.id in self.since:
            return  # already in the plan, in another session
        dose = self.first_dose(harder)
        old = seconds(exercise, self.doses[exercise.id])
        if any(
            self.used(t) + t.walk * 60 - old + seconds(harder, dose) > self.budget for t in holding
        ):
            return
        self.set_dose(harder, dose, ())
        self.since[harder.id] = week
        self.choices[harder.id] = (
            f"the next step after {exercise.name}, which reached the top of its range "
            f"with pain at {LOW_PAIN} or less"
        )
        for t in holding:
            t.exercises = [harder if e.id == exercise.id else e for e in t.exercises]
            t.total += self.time(harder) - old


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
    return _content_of(list(week.sessions), week.walking)


def _content_of(sessions: Sequence[Session], walking: Optional[Walking]) -> tuple[object, ...]:
    """A week's exercises and amounts, without its dates."""
    return (tuple(s.exercises for s in sessions), walking.prescription if walking else None)


def _week_days(start: Optional[dt.date], number: int) -> list[str]:
    if start is None:
        return list(WEEKDAYS)
    first = start + dt.timedelta(days=number * 7 - 7)
    return [WEEKDAYS[(first + dt.timedelta(days=i)).weekday()] for i in range(7)]


def _apart(a: int, b: int) -> bool:
    """Not the same or neighbouring days, Sunday and the next Monday included."""
    gap = abs(a - b) % 7
    return min(gap, 7 - gap) >= 2
