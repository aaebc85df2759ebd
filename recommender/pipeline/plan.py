"""The weekly plan's types: a prescription, a session, a week, the plan, and why each
exercise is in it. planner.py builds them; every format reads them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple, Optional

from recommender.core.catalog import Dose, Exercise, Position

#: The week whose end carries the safety net's review point (or the last, if sooner).
REVIEW_WEEK = 4
KEEP_THIS_LEVEL = "Keep this level: repeat last week's amounts."
REVIEW_POINT = (
    "Review point: if your pain is not clearly better by the end of this week, see a "
    "doctor or physiotherapist."
)


class Prescription(NamedTuple):
    exercise: Exercise
    dose: Dose
    position: Position
    rest_seconds: int = 0
    """The rest between sets (0 where there is none)"""

    def to_dict(self) -> dict[str, Any]:
        dose = self.dose
        item: dict[str, Any] = {
            "id": self.exercise.id,
            "name": self.exercise.name,
            "sets": dose.sets if dose.minutes is None else None,
            "reps": dose.reps,
            "hold_seconds": dose.hold_seconds,
            "per_side": dose.per_side,
            "rest_seconds": self.rest_seconds,
        }
        if dose.minutes is not None:
            item["minutes"] = dose.minutes
        if dose.unit != "repetitions":
            item["unit"] = dose.unit
        if len(self.exercise.positions) > 1:
            item["position"] = self.position
        if dose.effort is not None:
            item["effort"] = dose.effort
        return item


class Session(NamedTuple):
    day: str
    date: Optional[dt.date]
    minutes: int
    exercises: tuple[Prescription, ...]

    def to_dict(self, memo: Optional[dict[int, list[dict[str, Any]]]] = None) -> dict[str, Any]:
        """`memo` shares the items of sessions that hold the very same prescriptions
        (the planner reuses them from day to day and week to week)."""
        if memo is None:
            items = [p.to_dict() for p in self.exercises]
        else:
            items = memo.get(id(self.exercises)) or memo.setdefault(
                id(self.exercises), [p.to_dict() for p in self.exercises]
            )
        return {
            "day": self.day,
            "date": self.date.isoformat() if self.date else None,
            "minutes": self.minutes,
            "exercises": items,
        }


class Walking(NamedTuple):
    """Walking on the days between sessions, a suggestion ("if you can")."""

    prescription: Prescription
    days: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.prescription.to_dict(), "days": list(self.days)}


class Week(NamedTuple):
    number: int
    sessions: tuple[Session, ...]
    walking: Optional[Walking] = None
    keep_level: bool = False
    """The same exercises and amounts as the week before, on purpose"""
    review: bool = False
    """This week carries the safety net's review point"""
    shorter: str = ""
    """Why a session this week is shorter than three quarters of the time offered"""

    def session_groups(self) -> list[tuple[Session, ...]]:
        """Sessions with the same exercises and doses, together, in order of first day
        (a printout shows each group once, with all its days)."""
        groups: dict[tuple[Prescription, ...], list[Session]] = {}
        for session in self.sessions:
            groups.setdefault(session.exercises, []).append(session)
        return [tuple(group) for group in groups.values()]

    @property
    def notes(self) -> list[str]:
        """What a person should know about this week, in words."""
        return [
            text
            for flag, text in (
                (self.keep_level, KEEP_THIS_LEVEL),
                (bool(self.shorter), self.shorter),
                (self.review, REVIEW_POINT),
            )
            if flag
        ]

    def to_dict(self, memo: Optional[dict[int, list[dict[str, Any]]]] = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "week": self.number,
            "sessions": [s.to_dict(memo) for s in self.sessions],
        }
        if self.walking is not None:
            out["walking"] = self.walking.to_dict()
        if self.notes:
            out["notes"] = self.notes
        return out


class Choice(NamedTuple):
    """Why one exercise is in the plan (shown by `backplan explain`)."""

    exercise: str
    reason: str


class Plan(NamedTuple):
    weeks: tuple[Week, ...]
    choices: Sequence[Choice] = ()
    """Why each exercise is in the plan (`explain`); made when first read"""
    unused_equipment: tuple[str, ...] = ()
    """Why each piece of the person's own equipment that no exercise uses is left
    unused, in plain words (pipeline/equipment_use.py)"""

    def to_dict(self) -> dict[str, Any]:
        memo: dict[int, list[dict[str, Any]]] = {}  # the plan's objects outlive the call
        return {"weeks": [w.to_dict(memo) for w in self.weeks]}

    def exercises(self) -> list[Exercise]:
        """Every exercise in the plan, once, in order of first appearance."""
        return [p.exercise for p in self.prescriptions()]

    def prescriptions(self) -> list[Prescription]:
        """Every exercise's first prescription, in order of first appearance."""
        seen: dict[str, Prescription] = {}
        walked: set[int] = set()  # sessions share their items: each tuple once
        for week in self.weeks:
            for session in week.sessions:
                if id(session.exercises) in walked:
                    continue
                walked.add(id(session.exercises))
                for p in session.exercises:
                    seen.setdefault(p.exercise.id, p)
            if week.walking is not None:
                p = week.walking.prescription
                seen.setdefault(p.exercise.id, p)
        return list(seen.values())
