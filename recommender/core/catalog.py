"""The exercise catalog's types: an exercise, its dose, and the catalog with its lookups.

Reading and validating the catalog files is inputs/catalog_file.py's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

from recommender.core.answers import Equipment, PainArea

if TYPE_CHECKING:  # only read with the annotations: see inputs/validation.py
    import annotated_types as at

Kind = Literal["stretch", "mobility", "strength", "release", "aerobic"]
Position = Literal[
    "standing", "sitting", "all_fours", "kneeling", "lying_back", "lying_front", "lying_side"
]
#: Reviewed movement properties the safety filters read (docs/catalog.md; a new one:
#: CONTRIBUTING.md, "Add an exercise property").
Property = Literal[
    "loaded_flexion",  # bending the spine forward against load or gravity
    "end_range_spine",  # a held or loaded end-range spinal or neck position, twist or side bend
    "arm_elevation",  # arms at or above shoulder height, or the shoulder held at end range
    "weight_on_arms",  # kneeling or lying with weight through the arms
    "unsupported_balance",  # standing or kneeling work that needs balance
    "head_below_heart",
    "rolling_on_spine",  # a roller or ball under the spine
    "spine_extension",  # the lower back bent backwards, held or repeated
    "deep_hip_flexion",  # the hip bent past a right angle
]
#: What a dose's `reps` count.
Unit = Literal["repetitions", "circles", "passes"]
FLOOR_POSITIONS = frozenset({"all_fours", "kneeling", "lying_back", "lying_front", "lying_side"})

KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_CLOSED = {"extra": "forbid", "strict": True}


@dataclass(frozen=True)
class Dose:
    """A dose: sets of repetitions (each may be held), sets of timed holds, or minutes.

    `reps` count `unit`s: repetitions, circles (in each direction) or passes of a
    roller. Aerobic work (walking) is dosed in `minutes` alone.
    """

    __pydantic_config__ = _CLOSED

    sets: Annotated[int, at.Ge(1), at.Le(5)]
    per_side: bool
    """Done on the left and the right (or in both directions)"""
    reps: Optional[Annotated[int, at.Ge(3), at.Le(30)]] = None
    hold_seconds: Optional[Annotated[int, at.Ge(3), at.Le(60)]] = None
    """With reps, how long each repetition is held; alone, one timed hold per set"""
    minutes: Optional[Annotated[int, at.Ge(1), at.Le(60)]] = None
    unit: Unit = "repetitions"
    effort: Optional[Annotated[str, at.MinLen(1), at.MaxLen(160)]] = None
    """How hard it should feel (strength work)"""

    def __post_init__(self) -> None:
        if self.minutes is not None:
            if self.reps is not None or self.hold_seconds is not None or self.sets != 1:
                raise ValueError("dose: minutes stand alone (1 set, no reps or holds)")
        elif self.reps is None and self.hold_seconds is None:
            raise ValueError("dose: give reps, hold_seconds, both, or minutes")
        if self.unit != "repetitions" and self.reps is None:
            raise ValueError(f"dose: unit {self.unit} counts reps, and no reps are given")

    @property
    def volume(self) -> int:
        """What progression compares week to week: sets x reps x seconds held, or minutes."""
        if self.minutes is not None:
            return self.minutes
        return self.sets * (self.reps or 1) * (self.hold_seconds or 1)

    def with_(self, **changes: Any) -> Dose:
        """The same dose with some numbers changed."""
        return replace(self, **changes)


@dataclass(frozen=True, eq=False)
class Exercise:
    """One exercise, with everything a person needs to do it safely."""

    __pydantic_config__ = _CLOSED

    id: Annotated[str, at.MaxLen(60)]
    name: Annotated[str, at.MinLen(1), at.MaxLen(80)]
    areas: Annotated[tuple[PainArea, ...], at.MinLen(1)]
    kind: Kind
    level: Annotated[int, at.Ge(1), at.Le(3)]
    equipment: tuple[Equipment, ...]
    positions: Annotated[tuple[Position, ...], at.MinLen(1)]
    """Where it can be done; the first is the usual one"""
    properties: tuple[Property, ...]
    contraindications: tuple[str, ...]
    """Yes/no answer keys (history.osteoporosis) for which it is never offered"""
    review: Annotated[str, at.MinLen(20)]
    """Why it has these properties and contraindications, for a clinician to check"""
    dose: Dose
    steps: Annotated[tuple[Annotated[str, at.MinLen(1)], ...], at.MinLen(2)]
    cautions: Annotated[tuple[Annotated[str, at.MinLen(1)], ...], at.MinLen(1)]
    easier: Optional[str] = None
    harder: Optional[str] = None

    def __post_init__(self) -> None:
        if not KEBAB.fullmatch(self.id):
            raise ValueError(f"id {self.id!r} is not kebab-case")
        for field in ("areas", "equipment", "positions", "properties", "contraindications"):
            values = getattr(self, field)
            if len(set(values)) != len(values):
                raise ValueError(f"{field} lists a value twice")
        if (self.kind == "aerobic") != (self.dose.minutes is not None):
            raise ValueError("dose: aerobic work is dosed in minutes, and only it")
        if (self.kind == "strength") != (self.dose.effort is not None):
            raise ValueError("dose: strength work needs an effort cue, and only it")

    @property
    def position(self) -> Position:
        """The usual position."""
        return self.positions[0]

    @property
    def on_floor_only(self) -> bool:
        return all(p in FLOOR_POSITIONS for p in self.positions)

    @property
    def opens_session(self) -> bool:
        """Mobility and stretches warm up; a session starts with one of them."""
        return self.kind in ("mobility", "stretch")

    def to_dict(self) -> dict[str, Any]:
        """The catalog object, as `backplan exercises --format json` prints it."""
        return {
            "id": self.id,
            "name": self.name,
            "areas": list(self.areas),
            "kind": self.kind,
            "level": self.level,
            "equipment": list(self.equipment),
            "positions": list(self.positions),
            "properties": list(self.properties),
            "contraindications": list(self.contraindications),
            "review": self.review,
            "dose": {
                "sets": self.dose.sets,
                "reps": self.dose.reps,
                "hold_seconds": self.dose.hold_seconds,
                "minutes": self.dose.minutes,
                "unit": self.dose.unit,
                "per_side": self.dose.per_side,
                "effort": self.dose.effort,
            },
            "steps": list(self.steps),
            "cautions": list(self.cautions),
            "easier": self.easier,
            "harder": self.harder,
        }


class Catalog:
    """The validated catalog, in file order, with the lookups the planner needs."""

    def __init__(self, exercises: list[Exercise]) -> None:
        self.exercises = tuple(exercises)
        self.by_id = {e.id: e for e in exercises}

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self.exercises)

    def __len__(self) -> int:
        return len(self.exercises)

    def __getitem__(self, exercise_id: str) -> Exercise:
        return self.by_id[exercise_id]

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self.by_id

    def select(
        self,
        areas: Iterable[str] = (),
        equipment: Optional[Iterable[str]] = None,
        kind: Optional[str] = None,
    ) -> list[Exercise]:
        """The exercises for any of `areas`, doable with `equipment` (None: any), of
        `kind`; for browsing the catalog, not the safety filters."""
        wanted, have = set(areas), None if equipment is None else set(equipment)
        return [
            e
            for e in self.exercises
            if (not wanted or wanted & set(e.areas))
            and (have is None or set(e.equipment) <= have)
            and (kind is None or e.kind == kind)
        ]

    @property
    def as_json(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.exercises]

    @cached_property
    def families(self) -> dict[str, str]:
        """Each exercise id mapped to one representative of its easier/harder chain."""
        parent = {e.id: e.id for e in self.exercises}

        def root(name: str) -> str:
            parent.setdefault(name, name)  # a link may name an exercise not held here
            while parent[name] != name:
                name = parent[name]
            return name

        for e in self.exercises:
            for link in (e.easier, e.harder):
                if link:
                    parent[root(e.id)] = root(link)
        return {e.id: root(e.id) for e in self.exercises}
