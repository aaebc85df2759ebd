"""A clinician's changes to a plan before it is released, held to the same rules as the
plan itself.

Two kinds of edit, kept as plain data (in the order made) with the decision:

- swap: an exercise for another, in every session and week it is in. The other one
  must have passed every safety filter for this person (an exercise a filter left out
  is refused, naming the filter: EX-FLOOR, EX-BONE, ...), must not be in the plan
  already, must open a session where the one it replaces did (mobility or a stretch,
  docs/result.md), and walking is changed only in its minutes. It takes its own
  starting amounts for this person, in the position the filters allow.
- dose: an exercise's amounts, the same in every week of the plan, within the range
  backplan doses that kind of exercise in (ACSM 2011 for strength and stretches, the
  planner's own for mobility and walking), and only the amounts the exercise is dosed
  in. Every session must still fit the minutes the person can give it.

An edit that breaks a rule is refused whole (EditRefused), with the rule in words.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Optional

from recommender.core.catalog import Dose, Exercise
from recommender.pipeline.dosing import (
    MOVE_MAX,
    WALK_MAX,
    rest_seconds,
    seconds,
    starting_dose,
    strength_rest,
)
from recommender.pipeline.filters import Filtering
from recommender.pipeline.plan import Plan, Prescription, Session, Walking
from recommender.pipeline.recommend import Recommender, Result

DOSE_FIELDS = ("sets", "reps", "hold_seconds", "minutes")
WORDS = {
    "sets": "sets",
    "reps": "repetitions",
    "hold_seconds": "seconds held",
    "minutes": "minutes",
}


class EditRefused(Exception):
    """An edit the plan's rules do not allow: `rule` names the rule, `message` says it."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"{rule}: {message}")
        self.rule = rule
        self.message = message


class Range(NamedTuple):
    low: int
    high: int


class DoseRule(NamedTuple):
    """The amounts one kind of exercise is dosed in, and where they come from."""

    rule: str
    source: str
    ranges: Mapping[str, Range]


def dose_rule(exercise: Exercise) -> DoseRule:
    """The range an edited dose of `exercise` must stay in."""
    dose = exercise.dose
    if dose.minutes is not None:
        return DoseRule(
            "walking range", "NICE NG59; backplan's walking", {"minutes": Range(5, WALK_MAX)}
        )
    if exercise.kind == "strength":
        ranges = {"sets": Range(2, 3), "reps": Range(8, 15)}
        if dose.hold_seconds is not None:
            ranges["hold_seconds"] = Range(3, max(10, dose.hold_seconds))
        return DoseRule("strength range", "ACSM 2011: 2 to 3 sets of 8 to 15", ranges)
    if exercise.kind == "stretch" and dose.reps is None:
        return DoseRule(
            "stretch range",
            "ACSM 2011: holds of 15 to 30 seconds, about a minute in all",
            {"sets": Range(2, 4), "hold_seconds": Range(15, 30)},
        )
    ranges = {"sets": Range(1, 3)}
    if dose.reps is not None:
        ranges["reps"] = Range(3, max(MOVE_MAX, dose.reps))
    if dose.hold_seconds is not None:
        ranges["hold_seconds"] = Range(3, max(10, dose.hold_seconds))
    return DoseRule(f"{exercise.kind} range", "backplan's dosing of gentle movement", ranges)


# -- checking and applying --------------------------------------------------------------


def apply(recommender: Recommender, result: Result, edits: Sequence[Mapping[str, Any]]) -> Result:
    """`result` with every edit made in turn; EditRefused at the first that breaks a
    rule (nothing is changed by a refused list)."""
    if result.plan is None:
        if edits:
            raise EditRefused("no plan", "this result has no plan to change")
        return result
    filtering = _filtering(recommender, result)
    plan = result.plan
    for edit in edits:
        kind = edit.get("op")
        if kind == "swap":
            plan = _swap(
                plan, recommender, result, filtering, str(edit["exercise"]), str(edit["with"])
            )
        elif kind == "dose":
            amounts = {k: int(edit[k]) for k in DOSE_FIELDS if edit.get(k) is not None}
            plan = _dose(plan, result, str(edit["exercise"]), amounts)
        else:
            raise EditRefused("unknown edit", f"backplan cannot make an edit of kind {kind!r}")
    return result._replace(plan=plan)


def _filtering(recommender: Recommender, result: Result) -> Filtering:
    held = recommender.engine.evaluate(result.answers.fact())
    return recommender.filters.apply(held, result.triage.level, result.answers)


def _in_plan(plan: Plan, exercise_id: str) -> Prescription:
    for prescription in plan.prescriptions():
        if prescription.exercise.id == exercise_id:
            return prescription
    raise EditRefused("not in the plan", f"{exercise_id} is not in this plan")


def _swap(
    plan: Plan,
    recommender: Recommender,
    result: Result,
    filtering: Filtering,
    old_id: str,
    new_id: str,
) -> Plan:
    old = _in_plan(plan, old_id).exercise
    if new_id not in recommender.catalog:
        raise EditRefused("catalog", f"{new_id} is not an exercise in the catalog")
    new = recommender.catalog[new_id]
    refused_by = [e for e in filtering.excluded if e.exercise == new_id]
    if refused_by:
        rules = ", ".join(dict.fromkeys(e.rule for e in refused_by))
        why = "; ".join(dict.fromkeys(e.reason for e in refused_by))
        raise EditRefused(rules, f"{new.name} was left out by the safety filters: {why}")
    if new_id in {p.exercise.id for p in plan.prescriptions()}:
        raise EditRefused("one place each", f"{new.name} is in the plan already")
    if "aerobic" in (old.kind, new.kind):
        raise EditRefused("walking", "walking is changed only in its minutes, and not swapped")
    if _opens_a_session(plan, old_id) and not new.opens_session:
        raise EditRefused(
            "sessions open with mobility or a stretch",
            f"{old.name} opens a session, and {new.name} is {new.kind} work",
        )
    dose = starting_dose(new, result.answers)
    rest = rest_seconds(new, dose, _strength_rest(result))
    swapped = Prescription(new, dose, filtering.positions.get(new_id, new.position), rest)
    return _replaced(plan, old_id, lambda p: swapped, _strength_rest(result))


def _opens_a_session(plan: Plan, exercise_id: str) -> bool:
    return any(
        s.exercises and s.exercises[0].exercise.id == exercise_id
        for week in plan.weeks
        for s in week.sessions
    )


def _dose(plan: Plan, result: Result, exercise_id: str, amounts: Mapping[str, int]) -> Plan:
    prescription = _in_plan(plan, exercise_id)
    exercise = prescription.exercise
    rule = dose_rule(exercise)
    for name, value in amounts.items():
        allowed = rule.ranges.get(name)
        if allowed is None:
            used = " and ".join(WORDS[k] for k in rule.ranges)
            raise EditRefused(rule.rule, f"{exercise.name} is dosed in {used}, not {WORDS[name]}")
        if not allowed.low <= value <= allowed.high:
            raise EditRefused(
                f"{rule.rule} ({rule.source})",
                f"{WORDS[name]} for {exercise.name} must be from {allowed.low} to {allowed.high}",
            )
    if not amounts:
        raise EditRefused(rule.rule, "give at least one amount to change")
    strength = _strength_rest(result)

    def dosed(p: Prescription) -> Prescription:
        # amounts names only Dose's whole-number fields (DOSE_FIELDS), each checked above
        # against the rule's range; mypy cannot see which keys a mapping holds.
        dose = dataclasses.replace(p.dose, **amounts)  # type: ignore[arg-type]
        return p._replace(dose=dose, rest_seconds=rest_seconds(p.exercise, dose, strength))

    changed = _replaced(plan, exercise_id, dosed, strength)
    _fits(changed, result.answers.minutes_per_session, exercise.name)
    return changed


def _fits(plan: Plan, minutes: int, name: str) -> None:
    for week in plan.weeks:
        for session in week.sessions:
            if session.minutes > minutes:
                raise EditRefused(
                    "a session fits the time offered",
                    f"with these amounts of {name}, the {session.day.capitalize()} session of week "
                    f"{week.number} takes {session.minutes} minutes, over the {minutes} "
                    "the person can give it",
                )


def _strength_rest(result: Result) -> int:
    """The rest between strength sets the planner gave this person's sessions."""
    return strength_rest(result.answers.minutes_per_session)


def _replaced(plan: Plan, exercise_id: str, change: Any, strength: int) -> Plan:
    """The plan with every prescription of `exercise_id` changed, each session's
    minutes counted again (with `strength` seconds between strength sets)."""
    memo: dict[int, tuple[Prescription, ...]] = {}  # sessions share their tuples

    def items(old: tuple[Prescription, ...]) -> tuple[Prescription, ...]:
        if id(old) not in memo:
            memo[id(old)] = tuple(change(p) if p.exercise.id == exercise_id else p for p in old)
        return memo[id(old)]

    weeks = []
    for week in plan.weeks:
        sessions = tuple(
            Session(s.day, s.date, _minutes(items(s.exercises), strength), items(s.exercises))
            if any(p.exercise.id == exercise_id for p in s.exercises)
            else s
            for s in week.sessions
        )
        walking: Optional[Walking] = week.walking
        if walking is not None and walking.prescription.exercise.id == exercise_id:
            walking = walking._replace(prescription=change(walking.prescription))
        weeks.append(week._replace(sessions=sessions, walking=walking))
    return plan._replace(weeks=tuple(weeks))


def _minutes(items: tuple[Prescription, ...], strength: int) -> int:
    return math.ceil(sum(seconds(p.exercise, p.dose, strength) for p in items) / 60)


def swap_choices(recommender: Recommender, result: Result) -> list[Exercise]:
    """What a clinician may swap into this plan: every exercise that passed the
    person's filters and is not in the plan, walking aside."""
    if result.plan is None:
        return []
    taken = {p.exercise.id for p in result.plan.prescriptions()}
    return [
        e
        for e in _filtering(recommender, result).eligible
        if e.id not in taken and e.kind != "aerobic"
    ]


def dose_of(result: Result, exercise_id: str) -> Optional[Dose]:
    """The exercise's amounts in the plan's first week it is in."""
    if result.plan is None:
        return None
    for prescription in result.plan.prescriptions():
        if prescription.exercise.id == exercise_id:
            return prescription.dose
    return None
