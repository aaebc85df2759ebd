"""The warning a tracked course carries, kept in view in every tracking output: its
triage level now (the plan's, raised by any symptom reported since), the level line,
and the safety net with the person's emergency number (and the neck's signs where the
neck hurts).

Light on purpose (core only): a check-in shows it without loading the rulebook.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple, Optional

from recommender.core.levels import LEVELS, SOON_WITH_PLAN, higher, level_action, number_words
from recommender.core.safety_net import SafetyNet, escalation, safety_net


class CourseWarning(NamedTuple):
    level: str
    line: Optional[str]  # the level line, when the level is not `none`
    why: tuple[str, ...]  # what raised it, in words
    net: Optional[SafetyNet]  # the safety net (a plan is followed, or the level is soon)
    escalation: Optional[SafetyNet]  # what cannot wait, on a course stopped at urgent
    emergency_number: Optional[str]  # the number named, or None for the neutral wording


def course_warning(
    plan_level: str,
    rescreens: Iterable[str],
    stopped_level: Optional[str],
    stopped: bool,
    neck: bool,
    emergency_number: Optional[str],
    why: tuple[str, ...] = (),
) -> CourseWarning:
    """The course's warning: `plan_level` is the level the current block's plan was
    given at, `rescreens` the levels new symptoms gave since it began."""
    level = plan_level if plan_level in LEVELS else "none"
    for found in rescreens:
        if found in LEVELS:
            level = higher(level, found)
    if stopped_level in LEVELS:
        level = higher(level, str(stopped_level))
    number = number_words(emergency_number)
    line = None
    if level != "none":
        line = level_action(level, emergency_number)
        if level == "soon" and not stopped:
            line += SOON_WITH_PLAN
        line += "."
    net = safety_net(level, not stopped, number, neck)
    box = escalation(level, number, neck) if stopped else None
    return CourseWarning(level, line, why, net, box, emergency_number)
