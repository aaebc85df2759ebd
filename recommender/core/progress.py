"""What tracking knows of a person's weeks: check-ins, and the facts a week's review
is decided on.

A check-in is what the person reports: the sessions done, the worst pain during
exercise, how the next morning felt, the usual pain of the week, new symptoms and,
every two weeks, the Patient-Specific Functional Scale. The adaptation rules
(rules/adapt.yaml) never read check-ins directly: they read the facts of one week's
review (`review_fields`), in the same condition language as the red flags, so that a
clinician reads both the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, Optional

from recommender.core.answers import AnswerField

NextMorning = Literal["better", "same", "worse"]
NEXT_MORNING: tuple[str, ...] = ("better", "same", "worse")

#: The triage level of a re-screen, or "not_asked" when no new symptom was reported.
RESCREEN: tuple[str, ...] = ("not_asked", "none", "soon", "urgent", "emergency")

#: What a review decides about the dose, strongest first: the first one among the
#: rules that fired is the decision (docs/tracking.md).
OUTCOMES: tuple[str, ...] = ("stop", "step_back", "hold", "adherence", "progress")
#: An outcome that changes no dose but is always shown beside the decision.
ADVISORY: tuple[str, ...] = ("review",)

#: The Patient-Specific Functional Scale: three activities, each 0 (unable) to 10
#: (as before the problem). Free to use (Stratford et al. 1995).
PSFS_ACTIVITIES = 3
PSFS_EVERY_WEEKS = 2


@dataclass(frozen=True)
class CheckIn:
    """One report: a session, a few sessions or a whole week. Every measure is optional
    except the week it belongs to, so that a person can report what they know."""

    week: int
    recorded: dt.datetime
    sessions_done: int = 0
    exercise_pain: Optional[int] = None
    next_morning: Optional[str] = None
    usual_pain: Optional[int] = None
    new_red_flags: tuple[str, ...] = ()
    rescreen: Optional[str] = None  # the triage level the new red flags gave
    psfs: Optional[tuple[int, ...]] = None
    id: Optional[int] = None


@dataclass(frozen=True)
class Course:
    """One tracked course: the answers and the plan it started from, and its check-ins."""

    id: int
    answers: dict[str, Any]  # the answers as their file holds them
    result: dict[str, Any]  # the plan's result object (SPEC section 6), as issued
    start: dt.date
    psfs: tuple[tuple[str, int], ...] = ()  # each activity and its score at the start
    checkins: tuple[CheckIn, ...] = field(default_factory=tuple)
    stopped: Optional[str] = None  # why the plan was stopped, when it was
    backplan_version: str = ""
    rules_version: str = ""


@cache
def review_fields() -> dict[str, AnswerField]:
    """Every fact an adaptation rule may test, keyed by dotted path, as answers are."""

    def number(path: str, low: int, high: int) -> AnswerField:
        return AnswerField(path, "number", minimum=low, maximum=high)

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
        ]
    return {f.path: f for f in fields}
