"""What tracking knows of a person's weeks: people, courses of blocks, check-ins, and
the facts a week's review is decided on.

A person has courses; a course is a run of blocks, each with the plan issued for it
(`track start` makes the first, `track renew` each next one). A check-in is what the
person reports for a week of a block: the sessions done, the worst pain during
exercise, how the next morning felt, the usual pain of the week, new symptoms, which
exercises hurt or were too easy and, every two weeks, the Patient-Specific Functional
Scale. The adaptation rules (rules/adapt.yaml) never read check-ins directly: they read
the facts of one week's review (`review_fields`), in the same condition language as the
red flags, so that a clinician reads both the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, Optional

from recommender.core.answers import AnswerField

if TYPE_CHECKING:  # a check-in reads no plan; the records load only where one is read
    from recommender.core.result_record import ResultRecord

NextMorning = Literal["better", "same", "worse"]
NEXT_MORNING: tuple[str, ...] = ("better", "same", "worse")

#: The triage level of a re-screen, or "not_asked" when no new symptom was reported.
RESCREEN: tuple[str, ...] = ("not_asked", "none", "soon", "urgent", "emergency")

#: What a review decides about the week's doses, strongest first: the first one among
#: the rules that fired is the decision (docs/tracking.md).
OUTCOMES: tuple[str, ...] = ("stop", "step_back", "hold", "adherence", "progress")
#: An outcome that changes no dose but is always shown beside the decision.
ADVISORY: tuple[str, ...] = ("review",)
#: What a review decides for one exercise the person named, strongest first: it steps
#: back alone (to its easier version, or out for a safe alternative, or out), or moves
#: on to its harder version.
EXERCISE_OUTCOMES: tuple[str, ...] = ("easier", "swap", "leave_out", "harder")

#: The pain-monitoring model's limit during exercise; with usual pain above it, the
#: usual pain before the week is the limit (Silbernagel et al. 2007; docs/rules.md, "Notes").
PAIN_LIMIT = 5

#: The Patient-Specific Functional Scale (PSFS): three activities the person names,
#: each 0 (unable) to 10 (as before the problem). Free to use (Stratford et al. 1995).
PSFS_ACTIVITIES = 3
PSFS_EVERY_WEEKS = 2
PSFS_NAME = "Patient-Specific Functional Scale (PSFS)"
PSFS_EXPLAINED = (
    "three everyday activities you chose because the pain makes them hard, each scored "
    "from 0 (unable to do it) to 10 (as well as before the problem)"
)


def pain_limit(usual_before: int) -> int:
    """The highest pain an exercise may reach: 5, or the usual pain when higher."""
    return max(PAIN_LIMIT, usual_before)


@dataclass(frozen=True)
class CheckIn:
    """One report: a session, a few sessions or a whole week of a block. Every measure
    is optional except the week it belongs to, so that a person can report what they
    know."""

    week: int  # the week of its block, 1 from the block's first day
    recorded: dt.datetime
    sessions_done: int = 0
    exercise_pain: Optional[int] = None
    next_morning: Optional[str] = None
    usual_pain: Optional[int] = None
    new_red_flags: tuple[str, ...] = ()
    rescreen: Optional[str] = None  # the triage level the new red flags gave
    psfs: Optional[tuple[int, ...]] = None
    hurt: tuple[str, ...] = ()  # the exercises (ids) that hurt more than they should
    too_easy: tuple[str, ...] = ()  # the exercises (ids) that were too easy
    block: int = 1  # the number of its block in the course
    id: Optional[int] = None


@dataclass(frozen=True)
class Person:
    """Someone whose courses a database holds. A personal database holds one; a
    shared one (a practice's) several, and every command names whose course it means."""

    id: int
    name: str
    created: dt.datetime


@dataclass(frozen=True)
class SafeExercise:
    """An exercise that passed the person's safety filters, and the position to use."""

    id: str
    name: str
    position: str


@dataclass(frozen=True)
class Block:
    """A run of weeks with the plan issued for it."""

    id: int
    number: int  # 1 for the course's first block
    start: dt.date
    weeks: int
    result: ResultRecord  # the plan's result object, as issued
    start_pain: int  # the usual pain when the block began (the answers', then the latest)
    first_plan_week: int = 1  # the plan week whose doses its first week uses
    easier: int = 0  # steps to easier variants it began with
    swaps: tuple[tuple[str, Optional[str]], ...] = ()
    """Exercises stepped back alone before it began: plan exercise -> the one done
    instead (None: left out)"""
    safe: Optional[tuple[SafeExercise, ...]] = None
    """Every exercise that passed the person's filters when it was planned (or since a
    new answer narrowed them); None in a block stored before backplan kept them"""
    backplan_version: str = ""
    rules_version: str = ""

    @property
    def end(self) -> dt.date:
        """The block's last day."""
        return self.start + dt.timedelta(days=7 * self.weeks - 1)

    def week_of(self, day: dt.date) -> int:
        """The week of the block `day` falls in (1 from its first day; past its end,
        weeks beyond its last)."""
        return (day - self.start).days // 7 + 1


@dataclass(frozen=True)
class Course:
    """One tracked course: its answers now, its blocks, and their check-ins."""

    id: int
    person: Person
    answers: dict[str, Any]  # the answers as their file holds them, kept up to date
    start: dt.date
    blocks: tuple[Block, ...]
    psfs: tuple[tuple[str, int], ...] = ()  # each activity and its score at the start
    checkins: tuple[CheckIn, ...] = field(default_factory=tuple)
    stopped: Optional[str] = None  # why the plan was stopped, when it was
    stopped_level: Optional[str] = None  # the level that stopped it

    @property
    def block(self) -> Block:
        """The current block: the latest."""
        return self.blocks[-1]

    @property
    def result(self) -> ResultRecord:
        """The current block's plan."""
        return self.block.result

    @property
    def start_pain(self) -> int:
        """The usual pain when the course began."""
        return self.blocks[0].start_pain


@cache
def review_fields() -> dict[str, AnswerField]:
    """Every fact an adaptation rule may test, keyed by dotted path, as answers are."""

    def number(path: str, low: int, high: int) -> AnswerField:
        return AnswerField(path, "number", minimum=low, maximum=high)

    def yes_no(path: str) -> AnswerField:
        return AnswerField(path, "yes_no")

    fields = [
        number("week", 1, 52),
        AnswerField("rescreen", "choice", choices=RESCREEN),
        number("usual_pain_change", -10, 10),
        number("improvement_points", -10, 10),
        number("improvement_percent", -1000, 100),
    ]
    for period in ("this_week", "last_week"):
        fields += [
            number(f"{period}.sessions_done_percent", 0, 100),
            number(f"{period}.exercise_pain_max", 0, 10),
            AnswerField(f"{period}.next_morning", "choice", choices=NEXT_MORNING),
            number(f"{period}.usual_pain", 0, 10),
            number(f"{period}.pain_limit", PAIN_LIMIT, 10),
            yes_no(f"{period}.over_limit"),
            yes_no(f"{period}.hurt_named"),
        ]
    fields += [
        yes_no("exercise.hurt"),
        yes_no("exercise.too_easy"),
        yes_no("exercise.easier_safe"),
        yes_no("exercise.harder_safe"),
        yes_no("exercise.alternative_safe"),
    ]
    return {f.path: f for f in fields}


#: The exercise facts of a week's review when no exercise is in question: every rule
#: about one exercise is silent on them.
NO_EXERCISE: dict[str, bool] = {
    "hurt": False,
    "too_easy": False,
    "easier_safe": False,
    "harder_safe": False,
    "alternative_safe": False,
}
