"""Adaptation: each tracked week, reviewed by the rules in rules/adapt.yaml, moves the
plan on, holds it, steps it back or stops it; an exercise the person named steps back
(or on) alone.

A course is a run of blocks, each walking through the plan issued for it (the result
object's weeks, docs/result.md, read as typed records). Its "level" is the plan week
whose doses apply: a good week moves to the next plan week, a hold repeats the level, a
step back returns to the previous week's doses (or, already at the first week, to the
easier versions of the exercises where those passed the person's safety filters). On
top of that, each exercise named as hurting steps back on its own: to its easier
version, or out of the plan for a safe exercise for the same area, or out; one named
as too easy in a good, low-pain week moves on to its harder version. Nothing here reads
the planner's insides: only the weeks it wrote, and the exercises that passed the
filters when they were written (pipeline/choices.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Optional, TypeVar

from recommender.core.catalog import Catalog
from recommender.core.paths import get_path
from recommender.core.progress import (
    EXERCISE_OUTCOMES,
    NEXT_MORNING,
    NO_EXERCISE,
    OUTCOMES,
    Block,
    CheckIn,
    Course,
    pain_limit,
)
from recommender.core.result_record import ItemRecord, PlanRecord
from recommender.pipeline.choices import Choices
from recommender.rulebook import conditions
from recommender.rulebook.engines import RuleEngine
from recommender.rulebook.rules import RANK, AdaptRule

#: What a week with no measure reported is taken to be: the neutral value. A missing
#: usual pain is the last one known (so it neither rose nor fell).
_NEUTRAL_MORNING = "same"

Swaps = tuple[tuple[str, Optional[str]], ...]


class Level(NamedTuple):
    """Which plan week's doses apply, how many steps to easier versions, and the
    exercises stepped back or on alone (the plan's exercise -> the one done instead,
    or None: left out)."""

    week: int
    easier: int = 0
    swaps: Swaps = ()

    def instead_of(self, slot: str) -> tuple[bool, Optional[str]]:
        """Whether the plan's exercise `slot` is changed alone, and to what."""
        for planned, now in self.swaps:
            if planned == slot:
                return True, now
        return False, None

    def with_swap(self, slot: str, now: Optional[str]) -> Level:
        """The same level with `slot` done as `now` (back to itself: no change)."""
        rest = tuple(pair for pair in self.swaps if pair[0] != slot)
        swaps = rest if now == slot else tuple(sorted((*rest, (slot, now)), key=lambda p: p[0]))
        return self._replace(swaps=swaps)


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
    hurt: tuple[str, ...] = ()
    too_easy: tuple[str, ...] = ()


class ExerciseReview(NamedTuple):
    """One exercise the person named, reviewed on its own."""

    slot: str  # the plan's exercise it stands for
    exercise: str  # the exercise named
    name: str
    facts: dict[str, Any]  # the week's facts with this exercise's (exercise.*)
    rule: Optional[AdaptRule]  # the rule that decided, if any
    now: Optional[str]  # what it becomes (None: left out)
    now_name: Optional[str]

    @property
    def outcome(self) -> Optional[str]:
        return self.rule.outcome if self.rule else None


class Review(NamedTuple):
    """One week reviewed: what happened, the facts the rules read, and the decision."""

    summary: WeekSummary
    block: int  # the number of the block the week belongs to
    course_week: int  # the week counted over the course's blocks
    level: Level  # the doses this week was done at
    facts: dict[str, Any]
    outcome: str
    fired: tuple[AdaptRule, ...]  # every dose rule that fired, the deciding one first
    review: Optional[AdaptRule]  # the "see a clinician" rule, when it fired
    exercises: tuple[ExerciseReview, ...] = ()
    unmatched: tuple[str, ...] = ()  # exercises named that were not in that week's plan
    next_level: Optional[Level] = None  # the doses the week after uses

    @property
    def week(self) -> int:
        return self.summary.week

    @property
    def deciding(self) -> Optional[AdaptRule]:
        return self.fired[0] if self.fired else None


class AdaptedItem(NamedTuple):
    """An exercise of an adapted week: what to do, and what it stands in for."""

    item: ItemRecord
    slot: str  # the plan's exercise
    change: Optional[str] = None  # easier, no_easier, instead, unsafe
    was: Optional[str] = None  # the plan exercise's name, when changed


class AdaptedSession(NamedTuple):
    day: str
    minutes: int  # the plan's estimate for the session as written
    items: tuple[AdaptedItem, ...]


class AdaptedWeek(NamedTuple):
    """A week of a block at a level: the plan week's doses, with every change."""

    week: int  # the week of the block
    doses_of_week: int  # the plan week whose doses it uses
    sessions: tuple[AdaptedSession, ...]
    left_out: tuple[tuple[str, str], ...] = ()  # (plan exercise, its name) left out

    def items(self) -> list[AdaptedItem]:
        """Every exercise of the week once, in order of first appearance."""
        seen: dict[str, AdaptedItem] = {}
        for session in self.sessions:
            for adapted in session.items:
                seen.setdefault(adapted.item.id, adapted)
        return list(seen.values())


class BlockProgress(NamedTuple):
    """One block with its weeks reviewed."""

    block: Block
    reviews: tuple[Review, ...]
    start_level: Level
    next_level: Level  # the doses after its last review
    until: Optional[dt.date] = None  # the day the next block began, if one has

    def review_of(self, week: int) -> Optional[Review]:
        return next((r for r in self.reviews if r.week == week), None)

    def level_for(self, week: int) -> Level:
        """The doses for week `week` of the block: as decided by the reviews before it."""
        before = [r for r in self.reviews if r.week < week]
        if not before:
            return self.start_level
        after = [r for r in self.reviews if r.week >= week]
        return after[0].level if after else self.next_level

    def weeks_run(self) -> int:
        """How many of its weeks the block ran (fewer when renewed early)."""
        if self.until is None:
            return self.block.weeks
        return max(0, min(self.block.weeks, -(-(self.until - self.block.start).days // 7)))

    def missing(self, today: dt.date) -> tuple[int, ...]:
        """Its weeks that are over (by `today`, or by the next block's start) with no
        check-in."""
        end = min(today, self.until) if self.until else today
        over = [
            w
            for w in range(1, self.block.weeks + 1)
            if self.block.start + dt.timedelta(days=7 * w) <= end
        ]
        done = {r.week for r in self.reviews}
        return tuple(w for w in over if w not in done)


class Progress(NamedTuple):
    """A course with every tracked week of every block reviewed."""

    course: Course
    blocks: tuple[BlockProgress, ...]
    stopped: Optional[str]

    @property
    def current(self) -> BlockProgress:
        return self.blocks[-1]

    @property
    def reviews(self) -> tuple[Review, ...]:
        """Every reviewed week, block by block."""
        return tuple(r for b in self.blocks for r in b.reviews)

    @property
    def next_level(self) -> Level:
        return self.current.next_level

    @property
    def plan_weeks(self) -> int:
        return self.current.block.weeks

    def review_of(self, week: int) -> Optional[Review]:
        return self.current.review_of(week)

    def level_for(self, week: int) -> Level:
        return self.current.level_for(week)


def summarise(week: int, checkins: Sequence[CheckIn], planned: int) -> WeekSummary:
    """Put a week's check-ins together: sessions add up (to at most the planned
    number), the worst pain and next morning count, the latest usual pain, and every
    exercise named."""
    pains = [c.exercise_pain for c in checkins if c.exercise_pain is not None]
    mornings = [c.next_morning for c in checkins if c.next_morning is not None]
    usual = [c.usual_pain for c in checkins if c.usual_pain is not None]
    levels = [c.rescreen for c in checkins if c.rescreen is not None]
    scores = [c.psfs for c in checkins if c.psfs is not None]
    return WeekSummary(
        week=week,
        planned=planned,
        done=min(planned, sum(c.sessions_done for c in checkins)),
        exercise_pain=max(pains, default=None),
        next_morning=max(mornings, key=NEXT_MORNING.index, default=None),
        usual_pain=_latest(usual),
        rescreen=max(levels, key=RANK.__getitem__, default="not_asked"),
        new_red_flags=tuple(sorted({f for c in checkins for f in c.new_red_flags})),
        psfs=_latest(scores),
        checkins=len(checkins),
        hurt=tuple(dict.fromkeys(e for c in checkins for e in c.hurt)),
        too_easy=tuple(dict.fromkeys(e for c in checkins for e in c.too_easy)),
    )


T = TypeVar("T")


def _latest(values: Sequence[T]) -> Optional[T]:
    return values[-1] if values else None


def review_facts(
    this: WeekSummary,
    last: Optional[WeekSummary],
    start_pain: int,
    known_pain: int,
    course_week: Optional[int] = None,
    last_facts: Optional[Mapping[str, Any]] = None,
) -> dict[str, Any]:
    """The facts the adaptation rules read (core/progress.py, review_fields).
    `last_facts` are the previous review's, whose week is this one's `last_week`."""

    def period(summary: Optional[WeekSummary], fallback_pain: int, before: int) -> dict[str, Any]:
        limit = pain_limit(before)
        if summary is None:  # before the first week: the answers at the start
            return {
                "sessions_done_percent": 100,
                "exercise_pain_max": 0,
                "next_morning": _NEUTRAL_MORNING,
                "usual_pain": start_pain,
                "pain_limit": limit,
                "over_limit": False,
                "hurt_named": False,
            }
        planned = max(summary.planned, 1)
        worst = summary.exercise_pain or 0
        return {
            "sessions_done_percent": round(100 * summary.done / planned),
            "exercise_pain_max": worst,
            "next_morning": summary.next_morning or _NEUTRAL_MORNING,
            "usual_pain": summary.usual_pain if summary.usual_pain is not None else fallback_pain,
            "pain_limit": limit,
            "over_limit": worst > limit,
            "hurt_named": bool(summary.hurt),
        }

    if last is not None and last_facts is not None:
        previous = dict(last_facts["this_week"])
    else:
        previous = period(last, start_pain, start_pain)
    current = period(this, previous["usual_pain"] if last else known_pain, previous["usual_pain"])
    now = current["usual_pain"]
    percent = round(100 * (start_pain - now) / start_pain) if start_pain else (0 if now else 100)
    return {
        "week": min(course_week or this.week, 52),
        "rescreen": this.rescreen,
        "usual_pain_change": now - previous["usual_pain"],
        "improvement_points": start_pain - now,
        "improvement_percent": max(-1000, min(100, percent)),
        "this_week": current,
        "last_week": previous,
        "exercise": dict(NO_EXERCISE),
    }


def adapted_week(
    plan: PlanRecord,
    week: int,
    level: Level,
    choices: Choices,
    hurt_before: frozenset[str] = frozenset(),
) -> AdaptedWeek:
    """Week `week` of a block at `level`: the doses of plan week `level.week`, each
    exercise swapped `level.easier` times for its easier version where one passed the
    filters, the exercises changed alone as `level.swaps` says, and any exercise that
    no longer passes the person's filters replaced (or left out)."""
    written = plan.week(level.week)
    taken = {item.id for item in written.items()} | {now for _, now in level.swaps if now}
    left_out: dict[str, str] = {}
    sessions = []
    for session in written.sessions:
        items: list[AdaptedItem] = []
        for item in session.exercises:
            adapted = _adapt_item(item, level, choices, taken | hurt_before)
            if adapted is None:
                left_out.setdefault(item.id, item.name)
            elif all(a.item.id != adapted.item.id for a in items):  # never twice a session
                items.append(adapted)
        sessions.append(AdaptedSession(session.day, session.minutes, tuple(items)))
    return AdaptedWeek(week, level.week, tuple(sessions), tuple(left_out.items()))


def _adapt_item(
    item: ItemRecord, level: Level, choices: Choices, taken: set[str] | frozenset[str]
) -> Optional[AdaptedItem]:
    changed, now = level.instead_of(item.id)
    adapted = AdaptedItem(item, item.id)
    if changed:
        if now is None:
            return None
        if now in choices.catalog:
            adapted = AdaptedItem(
                choices.item(choices.catalog[now], item), item.id, "instead", item.name
            )
    elif level.easier:
        current = item.id
        for _ in range(level.easier):
            variant = choices.easier(current)
            if variant is None:
                break
            current = variant.id
        if current == item.id:
            # Already the easiest version that is safe for this person.
            adapted = AdaptedItem(item, item.id, "no_easier")
        else:
            variant_item = choices.item(choices.catalog[current], item)
            adapted = AdaptedItem(variant_item, item.id, "easier", item.name)
    if choices.is_safe(adapted.item.id) or not choices.safe:
        return adapted
    # No longer passes the person's filters (a new answer narrowed them): its easier
    # version, or another for the same area, or out.
    replacement = choices.easier(adapted.item.id) or choices.alternative(adapted.item.id, taken)
    if replacement is None:
        return None
    return AdaptedItem(choices.item(replacement, item), item.id, "unsafe", adapted.item.name)


class Adapter:
    """The adaptation rules, compiled into an engine, applied week by week."""

    def __init__(self, rules: Sequence[AdaptRule], engine: RuleEngine, catalog: Catalog) -> None:
        self.rules = tuple(rules)
        self.engine = engine
        self.catalog = catalog

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

    def decide_exercise(self, facts: Mapping[str, Any]) -> Optional[AdaptRule]:
        """The rule that decides for one exercise (the strongest that fired), if any."""
        fired = self.engine.evaluate(facts)
        found = [r for r in self.rules if r.id in fired and r.about_exercise]
        found.sort(key=lambda r: EXERCISE_OUTCOMES.index(r.outcome))
        return found[0] if found else None

    def follow(self, course: Course) -> Progress:
        """Review every week that has check-ins, block by block, in order, and walk
        each block's plan from the level it began at."""
        start_pain = course.start_pain
        known_pain = start_pain
        last: Optional[WeekSummary] = None
        last_facts: Optional[dict[str, Any]] = None
        stopped = course.stopped
        offset = 0
        done: list[BlockProgress] = []
        for index, block in enumerate(course.blocks):
            until = course.blocks[index + 1].start if index + 1 < len(course.blocks) else None
            assert block.result.plan is not None, "a block always has a plan"
            plan = block.result.plan
            choices = Choices(self.catalog, block.safe or ())
            start = Level(block.first_plan_week, block.easier, block.swaps)
            level = start
            by_week: dict[int, list[CheckIn]] = {}
            for checkin in course.checkins:
                if checkin.block == block.number:
                    by_week.setdefault(checkin.week, []).append(checkin)
            reviews: list[Review] = []
            hurt_so_far: set[str] = set()
            for week in sorted(by_week):
                planned = len(plan.week(level.week).sessions)
                summary = summarise(week, by_week[week], planned)
                facts = review_facts(
                    summary, last, start_pain, known_pain, offset + week, last_facts
                )
                outcome, fired, review = self.decide(facts)
                hurt_so_far |= set(summary.hurt)
                exercises, unmatched = self._exercises(
                    summary, plan, week, level, choices, facts, frozenset(hurt_so_far)
                )
                known_pain = facts["this_week"]["usual_pain"]
                last, last_facts = summary, facts
                after = level
                if outcome != "stop":
                    after = _next_level(level, outcome, len(plan.weeks))
                    for decided in exercises:
                        if decided.rule is not None:
                            after = after.with_swap(decided.slot, decided.now)
                reviews.append(
                    Review(
                        summary,
                        block.number,
                        offset + week,
                        level,
                        facts,
                        outcome,
                        fired,
                        review,
                        exercises,
                        unmatched,
                        after,
                    )  # fmt: skip
                )
                if outcome == "stop":
                    stopped = stopped or (fired[0].advice if fired else "stopped")
                    break
                level = after
            progress = BlockProgress(block, tuple(reviews), start, level, until)
            done.append(progress)
            offset += progress.weeks_run()
            if stopped and reviews and reviews[-1].outcome == "stop":
                break
        return Progress(course, tuple(done), stopped)

    def _exercises(
        self,
        summary: WeekSummary,
        plan: PlanRecord,
        week: int,
        level: Level,
        choices: Choices,
        facts: dict[str, Any],
        hurt: frozenset[str],
    ) -> tuple[tuple[ExerciseReview, ...], tuple[str, ...]]:
        """Each exercise the week's check-ins named, decided on its own."""
        named = tuple(dict.fromkeys((*summary.hurt, *summary.too_easy)))
        if not named:
            return (), ()
        doing = adapted_week(plan, week, level, choices)
        slots = {a.item.id: a for a in doing.items()}
        taken = set(slots) | hurt
        decided, unmatched = [], []
        for exercise in named:
            adapted = slots.get(exercise)
            if adapted is None:
                unmatched.append(exercise)
                continue
            easier, harder = choices.easier(exercise), choices.harder(exercise)
            alternative = choices.alternative(exercise, taken | {adapted.slot})
            own = {
                "hurt": exercise in summary.hurt,
                "too_easy": exercise in summary.too_easy,
                "easier_safe": easier is not None and easier.id not in slots,
                "harder_safe": harder is not None and harder.id not in slots,
                "alternative_safe": alternative is not None,
            }
            these = {**facts, "exercise": own}
            rule = self.decide_exercise(these)
            now: Optional[str] = exercise
            if rule is not None:
                now = {
                    "easier": easier.id if easier else None,
                    "swap": alternative.id if alternative else None,
                    "leave_out": None,
                    "harder": harder.id if harder else None,
                }[rule.outcome]
            decided.append(
                ExerciseReview(
                    adapted.slot,
                    exercise,
                    adapted.item.name,
                    these,
                    rule,
                    now,
                    choices.name(now) if now else None,
                )  # fmt: skip
            )
        return tuple(decided), tuple(unmatched)


def _next_level(level: Level, outcome: str, weeks: int) -> Level:
    if outcome == "progress":
        if level.easier:
            return level._replace(easier=level.easier - 1)
        return level._replace(week=min(level.week + 1, max(weeks, 1)))
    if outcome == "step_back":
        if level.week > 1:
            return level._replace(week=level.week - 1)
        return level._replace(week=1, easier=level.easier + 1)
    return level  # hold, adherence


def renewal_level(plan: PlanRecord, doing: AdaptedWeek, previous: Level, weeks: int) -> Level:
    """Where the next block starts in its new plan: from the amounts the person does
    now, or easier. The latest plan week (leaving the block its `weeks`) at which no
    exercise done now would rise and no exercise new to the person is past its first
    amounts; the easier steps and the exercises changed alone carry over."""
    now = {a.item.id: _volume(a.item) for a in doing.items()}
    first = {item.id: _volume(item) for item in plan.week(1).items()}

    def amounts(number: int) -> dict[str, int]:
        return {item.id: _volume(item) for item in plan.week(number).items()}

    chosen = 1
    for number in range(max(1, len(plan.weeks) - weeks + 1), 0, -1):
        if all(
            volume <= now.get(key, first.get(key, 0)) for key, volume in amounts(number).items()
        ):
            chosen = number
            break
    # A plan holds its amounts for weeks at the top of its ranges: start at the first
    # week with these amounts, which leaves the block the most room to go on.
    while chosen > 1 and amounts(chosen - 1) == amounts(chosen):
        chosen -= 1
    planned = {item.id for w in plan.weeks for item in w.items()}
    swaps = tuple(pair for pair in previous.swaps if pair[0] in planned)
    return Level(chosen, previous.easier if chosen == 1 else 0, swaps)


def _volume(item: ItemRecord) -> int:
    return item.dose.volume


def session_days(plan: PlanRecord) -> list[list[str]]:
    """Each plan week's session days, as a block keeps them for check-ins."""
    return [list(week.days) for week in plan.weeks]


def why(review: Review) -> list[str]:
    """Each rule that fired for a week, with its condition as the engine reads it and
    the facts (`track explain --verbose`)."""
    lines = []
    for rule in (*review.fired, *([review.review] if review.review else [])):
        lines.append(_condition_line(rule, review.facts))
    for decided in review.exercises:
        if decided.rule is not None:
            lines.append(f"{decided.name}: " + _condition_line(decided.rule, decided.facts))
    return lines


def _condition_line(rule: AdaptRule, facts: Mapping[str, Any]) -> str:
    assert rule.condition is not None
    read = sorted(conditions.fields(rule.condition))
    values = ", ".join(f"{name} = {_value(facts, name)}" for name in read)
    return (
        f"{rule.id} ({rule.outcome.replace('_', ' ')}): {conditions.describe(rule.condition)}"
        f" [here: {values}]"
    )


def _value(facts: Mapping[str, Any], path: str) -> Any:
    value = get_path(facts, path)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


__all__ = [
    "Adapter",
    "AdaptedItem",
    "AdaptedWeek",
    "BlockProgress",
    "ExerciseReview",
    "Level",
    "Progress",
    "Review",
    "WeekSummary",
    "adapted_week",
    "renewal_level",
    "review_facts",
    "session_days",
    "summarise",
    "why",
]
