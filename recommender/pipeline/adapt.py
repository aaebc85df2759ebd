"""Adaptation: each tracked week, reviewed by the rules in rules/adapt.yaml, moves the
plan on, holds it, steps it back or stops it.

The course walks through the plan the planner issued (the result object's weeks,
SPEC section 6). Its "level" is the plan week whose doses apply: a good week moves to
the next plan week, a hold repeats the level, a step back returns to the previous
week's doses (or, already at the first week, to the easier variants of the exercises
where those passed the person's safety filters). Nothing here reads the planner's
insides: only the weeks it wrote.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, Optional

from recommender.core.progress import NEXT_MORNING, OUTCOMES, CheckIn, Course
from recommender.pipeline.triage import RANK
from recommender.rulebook import conditions
from recommender.rulebook.engines import RuleEngine
from recommender.rulebook.rules import AdaptRule

#: What a week with no measure reported is taken to be: the neutral value. A missing
#: usual pain is the last one known (so it neither rose nor fell).
_NEUTRAL_MORNING = "same"


class Level(NamedTuple):
    """Which plan week's doses apply, and how many steps to easier variants."""

    week: int
    easier: int = 0


class WeekSummary(NamedTuple):
    """One week's check-ins put together."""

    week: int
    planned: int
    done: int
    exercise_pain: Optional[int]
    next_morning: Optional[str]
    usual_pain: Optional[int]
    rescreen: str
    new_red_flags: tuple[str, ...]
    psfs: Optional[tuple[int, ...]]
    checkins: int


class Review(NamedTuple):
    """One week reviewed: what happened, the facts the rules read, and the decision."""

    summary: WeekSummary
    level: Level  # the doses this week was done at
    facts: dict[str, Any]
    outcome: str
    fired: tuple[AdaptRule, ...]  # every rule that fired, the deciding one first
    review: Optional[AdaptRule]  # the "see a clinician" rule, when it fired

    @property
    def week(self) -> int:
        return self.summary.week

    @property
    def deciding(self) -> Optional[AdaptRule]:
        return self.fired[0] if self.fired else None


class Progress(NamedTuple):
    """A course with every tracked week reviewed."""

    course: Course
    reviews: tuple[Review, ...]
    next_level: Level
    stopped: Optional[str]
    plan_weeks: int

    def review_of(self, week: int) -> Optional[Review]:
        return next((r for r in self.reviews if r.week == week), None)

    def level_for(self, week: int) -> Level:
        """The doses for calendar week `week`: as decided by the reviews before it."""
        before = [r for r in self.reviews if r.week < week]
        if not before:
            return Level(1)
        after = [r for r in self.reviews if r.week >= week]
        return after[0].level if after else self.next_level


def summarise(week: int, checkins: Sequence[CheckIn], planned: int) -> WeekSummary:
    """Put a week's check-ins together: sessions add up (to at most the planned
    number), the worst pain and next morning count, and the latest usual pain."""
    pains = [c.exercise_pain for c in checkins if c.exercise_pain is not None]
    mornings = [c.next_morning for c in checkins if c.next_morning is not None]
    usual = [c.usual_pain for c in checkins if c.usual_pain is not None]
    levels = [c.rescreen for c in checkins if c.rescreen is not None]
    scores = [c.psfs for c in checkins if c.psfs is not None]
    return WeekSummary(
        week=week,
        planned=planned,
        done=min(planned, sum(c.sessions_done for c in checkins)),
        exercise_pain=max(pains) if pains else None,
        next_morning=max(mornings, key=NEXT_MORNING.index) if mornings else None,
        usual_pain=usual[-1] if usual else None,
        rescreen=max(levels, key=lambda level: RANK[level]) if levels else "not_asked",
        new_red_flags=tuple(sorted({f for c in checkins for f in c.new_red_flags})),
        psfs=scores[-1] if scores else None,
        checkins=len(checkins),
    )


def review_facts(
    this: WeekSummary, last: Optional[WeekSummary], start_pain: int, known_pain: int
) -> dict[str, Any]:
    """The facts the adaptation rules read (core/progress.py, review_fields)."""

    def period(summary: Optional[WeekSummary], fallback_pain: int) -> dict[str, Any]:
        if summary is None:  # before the first week: the answers at the start
            return {
                "sessions_done_percent": 100,
                "exercise_pain_max": 0,
                "next_morning": _NEUTRAL_MORNING,
                "usual_pain": start_pain,
            }
        planned = max(summary.planned, 1)
        return {
            "sessions_done_percent": round(100 * summary.done / planned),
            "exercise_pain_max": summary.exercise_pain or 0,
            "next_morning": summary.next_morning or _NEUTRAL_MORNING,
            "usual_pain": summary.usual_pain if summary.usual_pain is not None else fallback_pain,
        }

    previous = period(last, start_pain)
    current = period(this, previous["usual_pain"] if last else known_pain)
    now = current["usual_pain"]
    percent = round(100 * (start_pain - now) / start_pain) if start_pain else (0 if now else 100)
    return {
        "week": min(this.week, 52),
        "rescreen": this.rescreen,
        "usual_pain_change": now - previous["usual_pain"],
        "improvement_points": start_pain - now,
        "improvement_percent": max(-1000, min(100, percent)),
        "this_week": current,
        "last_week": previous,
    }


class Adapter:
    """The adaptation rules, compiled into an engine, applied week by week."""

    def __init__(self, rules: Sequence[AdaptRule], engine: RuleEngine) -> None:
        self.rules = tuple(rules)
        self.engine = engine

    def decide(
        self, facts: Mapping[str, Any]
    ) -> tuple[str, tuple[AdaptRule, ...], Optional[AdaptRule]]:
        """The outcome for one week's facts, the rules that fired (the deciding one
        first) and the review rule if it fired. Should no dose rule fire, the dose holds."""
        fired = self.engine.evaluate(facts)
        dose = [r for r in self.rules if r.id in fired and r.outcome in OUTCOMES]
        dose.sort(key=lambda r: OUTCOMES.index(r.outcome))
        review = next((r for r in self.rules if r.id in fired and r.outcome == "review"), None)
        outcome = dose[0].outcome if dose else "hold"
        return outcome, tuple(dose), review

    def follow(self, course: Course, planned: Callable[[int], int]) -> Progress:
        """Review every week that has check-ins, in order, and walk the plan's levels."""
        weeks = len(_plan_weeks(course.result))
        start_pain = int(course.answers.get("pain_intensity", 0))
        by_week: dict[int, list[CheckIn]] = {}
        for checkin in course.checkins:
            by_week.setdefault(checkin.week, []).append(checkin)
        level = Level(1)
        last: Optional[WeekSummary] = None
        known_pain = start_pain
        reviews: list[Review] = []
        stopped = course.stopped
        for week in sorted(by_week):
            summary = summarise(week, by_week[week], planned(level.week))
            facts = review_facts(summary, last, start_pain, known_pain)
            outcome, fired, review = self.decide(facts)
            reviews.append(Review(summary, level, facts, outcome, fired, review))
            known_pain = facts["this_week"]["usual_pain"]
            last = summary
            if outcome == "stop":
                stopped = stopped or (fired[0].advice if fired else "stopped")
                break
            level = _next_level(level, outcome, weeks)
        return Progress(course, tuple(reviews), level, stopped, weeks)


def _next_level(level: Level, outcome: str, weeks: int) -> Level:
    if outcome == "progress":
        if level.easier:
            return Level(level.week, level.easier - 1)
        return Level(min(level.week + 1, max(weeks, 1)))
    if outcome == "step_back":
        if level.week > 1:
            return Level(level.week - 1, level.easier)
        return Level(1, level.easier + 1)
    return level  # hold, adherence


def _plan_weeks(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    plan = result.get("plan") or {}
    weeks = plan.get("weeks") or []
    return list(weeks)


def sessions_planned(result: Mapping[str, Any]) -> Callable[[int], int]:
    """How many sessions plan week n holds (the last week's for a week past the plan)."""
    weeks = _plan_weeks(result)

    def planned(number: int) -> int:
        if not weeks:
            return 0
        return len(weeks[min(number, len(weeks)) - 1].get("sessions", []))

    return planned


def adapted_week(
    result: Mapping[str, Any],
    week: int,
    level: Level,
    easier: Callable[[str], Optional[tuple[str, str]]],
) -> Optional[dict[str, Any]]:
    """Calendar week `week` of the plan at `level`: the doses of plan week
    `level.week`, each exercise swapped `level.easier` times for its easier variant
    where `easier(id)` offers one (an (id, name) pair that is safe for this person)."""
    weeks = _plan_weeks(result)
    if not weeks:
        return None
    chosen = copy.deepcopy(weeks[min(level.week, len(weeks)) - 1])
    chosen["week"] = week
    chosen["doses_of_week"] = level.week
    for session in chosen.get("sessions", []):
        for exercise in session.get("exercises", []):
            for _ in range(level.easier):
                variant = easier(exercise["id"])
                if variant is None:
                    # Already the easiest version that is safe for this person.
                    exercise["no_easier"] = True
                    break
                exercise["easier_than"] = exercise.get("easier_than", exercise["id"])
                exercise["id"], exercise["name"] = variant
    return chosen


def why(review: Review) -> list[str]:
    """Each rule that fired for a week, with its condition in words and the facts."""
    lines = []
    for rule in (*review.fired, *([review.review] if review.review else [])):
        assert rule.condition is not None
        read = sorted(conditions.fields(rule.condition))
        values = ", ".join(f"{name} = {_value(review.facts, name)}" for name in read)
        lines.append(
            f"{rule.id} ({rule.outcome.replace('_', ' ')}): {conditions.describe(rule.condition)}"
            f" [here: {values}]"
        )
    return lines


def _value(facts: Mapping[str, Any], path: str) -> Any:
    value: Any = facts
    for key in path.split("."):
        value = value[key]
    return value
