"""Red-flag triage: which flags fired, and the level they add up to.

The rules and their sources are listed in docs/clinical-safety.md.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any, NamedTuple, Optional

from recommender.core.levels import (
    LEVEL_ACTION,
    NEUTRAL_EMERGENCY_NUMBER,
    SOON_WITH_PLAN,
    level_action,
    number_words,
    with_number,
)
from recommender.core.safety_net import SafetyNet, escalation
from recommender.rulebook.rules import RANK, RedFlagRule, Rulebook

#: The level words live in core/levels.py (a tracking check-in words the course's level
#: without the rulebook); they are named here too, where triage is read.
__all__ = [
    "ALSO_TELL",
    "LEVEL_ACTION",
    "NEUTRAL_EMERGENCY_NUMBER",
    "SOON_WITH_PLAN",
    "Flag",
    "Triage",
    "level_action",
    "number_words",
    "triage",
    "triage_flag",
]

#: The heading of the lower flags' titles on an urgent or emergency result.
ALSO_TELL = "Also tell the doctor about:"


class Flag(NamedTuple):
    """A red flag that fired, in the words a person reads."""

    id: str
    level: str
    title: str
    advice: str
    source: str
    suspected: str
    with_plan: Optional[str] = None
    """Said after the advice only when the result carries a plan"""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level,
            "title": self.title,
            "advice": self.advice,
            "source": self.source,
        }


class Triage(NamedTuple):
    level: str
    flags: tuple[Flag, ...]
    action: str
    escalation: Optional[SafetyNet] = None
    """On an urgent result: the signs that mean "get help now" before being seen"""

    @property
    def withholds_plan(self) -> bool:
        """At urgent and emergency no plan is given."""
        return RANK[self.level] >= RANK["urgent"]

    def with_plan(self) -> Triage:
        """The same triage on a result that carries a plan."""
        if self.level != "soon":
            return self
        flags = tuple(
            flag._replace(advice=f"{flag.advice} {flag.with_plan}") if flag.with_plan else flag
            for flag in self.flags
        )
        return self._replace(action=self.action + SOON_WITH_PLAN, flags=flags)

    @property
    def shown_flags(self) -> tuple[Flag, ...]:
        """The flags a person reads whole: at urgent and emergency only those of the
        result's own level, so the result says one thing about when to act (docs/rules.md,
        "Triage levels"; docs/clinical-safety.md, H-MIXED-MESSAGE).
        """
        if RANK[self.level] < RANK["urgent"]:
            return self.flags
        return tuple(flag for flag in self.flags if flag.level == self.level)

    @property
    def also_tell(self) -> tuple[str, ...]:
        """The titles of the lower flags on an urgent or emergency result, for "Also
        tell the doctor about:"; their advice (another timeframe, reassurance, talk of
        exercise) is never shown beside the result's own."""
        if RANK[self.level] < RANK["urgent"]:
            return ()
        return tuple(flag.title for flag in self.flags if flag.level != self.level)

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "flags": [flag.to_dict() for flag in self.flags]}


def triage(
    rulebook: Rulebook,
    held: AbstractSet[str],
    emergency_number: Optional[str] = None,
    neck: bool = False,
) -> Triage:
    """The triage level is the highest of all flags that fired; every fired flag is kept.

    Flags are ordered most serious first, then in rule-file order. An urgent result
    carries the escalation box (with the neck's signs when `neck` hurts).
    """
    fired = [rule for rule in rulebook.red_flags if rule.id in held]
    fired.sort(key=lambda rule: -RANK[rule.level])  # stable: file order within a level
    flags = tuple(triage_flag(rule, emergency_number) for rule in fired)
    level = flags[0].level if flags else "none"
    box = escalation(level, number_words(emergency_number), neck)
    return Triage(level, flags, level_action(level, emergency_number), box)


def triage_flag(rule: RedFlagRule, emergency_number: Optional[str] = None) -> Flag:
    """A fired rule in the words a person reads."""
    advice = with_number(rule.advice, emergency_number)
    return Flag(
        rule.id, rule.level, rule.title, advice, rule.source, rule.suspected, rule.with_plan
    )
