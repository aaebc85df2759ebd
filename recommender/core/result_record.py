"""The result object (docs/result.md) as typed records: what tracking stores and reads
back.

`Result.to_dict()` writes the object; these frozen dataclasses read it back, checked by
pydantic-core (inputs/result_record.py) with unknown keys refused, so that a change to
the result's keys is caught by a test (tests/tracking/test_result_record.py reads
generated results back) rather than by code that walks dictionaries. A key the result
gains is one line here, with a default so that results stored before it still read.

`FORMAT` counts the versions of the stored object; the store keeps each plan's format
beside it, and inputs/result_record.py brings an older one up to this one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Optional

from recommender.core.catalog import Dose, Position, Unit

if TYPE_CHECKING:  # only read with the annotations: see inputs/validation.py
    import annotated_types as at

#: The version of the result object this code writes (docs/result.md, "Versions"): 3
#: added `escalation`, `emergency_number` and `rest_seconds`; 2 lacked those three.
FORMAT = 3

_CLOSED = {"extra": "forbid", "strict": True}

Level = str  # "none", "soon", "urgent" or "emergency" (core/levels.py)


@dataclass(frozen=True)
class FlagRecord:
    __pydantic_config__ = _CLOSED

    id: str
    level: Level
    title: str
    advice: str
    source: str


@dataclass(frozen=True)
class TriageRecord:
    __pydantic_config__ = _CLOSED

    level: Level
    flags: tuple[FlagRecord, ...]


@dataclass(frozen=True)
class WithheldRecord:
    __pydantic_config__ = _CLOSED

    id: str
    reason: str


@dataclass(frozen=True)
class ItemRecord:
    """One exercise of a session, with its dose (docs/result.md, "The plan")."""

    __pydantic_config__ = _CLOSED

    id: str
    name: str
    sets: Optional[int]
    reps: Optional[int]
    hold_seconds: Optional[int]
    per_side: bool = False
    minutes: Optional[int] = None
    unit: Optional[Unit] = None
    position: Optional[Position] = None
    effort: Optional[str] = None
    rest_seconds: Annotated[int, at.Ge(0)] = 0
    """The rest between sets (format 3); 0 in results stored before it"""

    @property
    def dose(self) -> Dose:
        """The amount as the catalog's Dose, for the shared wording (core/wording.py)."""
        return Dose(
            sets=self.sets or 1,
            per_side=self.per_side,
            reps=self.reps,
            hold_seconds=self.hold_seconds,
            minutes=self.minutes,
            unit=self.unit or "repetitions",
            effort=self.effort,
        )


@dataclass(frozen=True)
class WalkingRecord(ItemRecord):
    """Walking on the days between sessions."""

    days: tuple[str, ...] = ()


@dataclass(frozen=True)
class SessionRecord:
    __pydantic_config__ = _CLOSED

    day: str
    date: Optional[dt.date]
    minutes: int
    exercises: tuple[ItemRecord, ...]


@dataclass(frozen=True)
class WeekRecord:
    __pydantic_config__ = _CLOSED

    week: int
    sessions: tuple[SessionRecord, ...]
    walking: Optional[WalkingRecord] = None
    notes: tuple[str, ...] = ()

    @property
    def days(self) -> tuple[str, ...]:
        return tuple(session.day for session in self.sessions)

    def items(self) -> list[ItemRecord]:
        """Every exercise of the week once, in order of first appearance."""
        seen: dict[str, ItemRecord] = {}
        for session in self.sessions:
            for item in session.exercises:
                seen.setdefault(item.id, item)
        return list(seen.values())


@dataclass(frozen=True)
class PlanRecord:
    __pydantic_config__ = _CLOSED

    weeks: tuple[WeekRecord, ...]

    def week(self, number: int) -> WeekRecord:
        """Plan week `number`; past the plan's end, its last week (it repeats)."""
        return self.weeks[max(1, min(number, len(self.weeks))) - 1]


@dataclass(frozen=True)
class ExcludedRecord:
    __pydantic_config__ = _CLOSED

    exercise: str
    rule: str
    reason: str


@dataclass(frozen=True)
class BoxRecord:
    """The safety net or the escalation box (core/safety_net.py), as stored."""

    __pydantic_config__ = _CLOSED

    title: str
    signs: tuple[str, ...]
    source: str
    review: Optional[str] = None


@dataclass(frozen=True)
class ResultRecord:
    """One result object as stored (docs/result.md)."""

    __pydantic_config__ = _CLOSED

    triage: TriageRecord
    plan_withheld: Optional[WithheldRecord]
    plan: Optional[PlanRecord]
    excluded: tuple[ExcludedRecord, ...]
    notes: tuple[str, ...]
    safety_net: Optional[BoxRecord] = None
    escalation: Optional[BoxRecord] = None
    emergency_number: Optional[str] = None

    @property
    def level(self) -> Level:
        return self.triage.level

    @property
    def weeks(self) -> int:
        return len(self.plan.weeks) if self.plan else 0
