"""The exercise catalog's types: an exercise, its dose, and the catalog with its lookups.

Reading and validating the catalog files is inputs/catalog_file.py's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

from recommender.core.answers import Equipment, PainArea

if TYPE_CHECKING:  # only read with the annotations: see inputs/validation.py
    import annotated_types as at

Kind = Literal["stretch", "mobility", "strength", "release"]
Position = Literal[
    "standing", "sitting", "all_fours", "kneeling", "lying_back", "lying_front", "lying_side"
]
Tag = Literal["loaded_flexion", "end_range_rotation", "overhead", "balance"]

KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_CLOSED = {"extra": "forbid", "strict": True}


@dataclass(frozen=True)
class Dose:
    """A starting dose: sets of either repetitions or timed holds."""

    __pydantic_config__ = _CLOSED

    sets: Annotated[int, at.Ge(1), at.Le(5)]
    per_side: bool
    """Done on the left and the right (or in both directions)"""
    reps: Optional[Annotated[int, at.Ge(5), at.Le(30)]] = None
    hold_seconds: Optional[Annotated[int, at.Ge(5), at.Le(60)]] = None

    def __post_init__(self) -> None:
        # Exactly one measure, so a week's dose is one number (sets x measure) and
        # progression can be checked.
        if (self.reps is None) == (self.hold_seconds is None):
            raise ValueError("dose: give either reps or hold_seconds, not both or neither")

    @property
    def measure(self) -> int:
        """Reps, or hold seconds: what one set asks."""
        return self.reps if self.reps is not None else self.hold_seconds  # type: ignore[return-value]

    @property
    def volume(self) -> int:
        """sets x reps, or sets x hold seconds: what progression compares week to week."""
        return self.sets * self.measure

    def with_(self, sets: int, measure: int) -> Dose:
        """The same kind of dose with other numbers."""
        if self.reps is not None:
            return Dose(sets=sets, per_side=self.per_side, reps=measure)
        return Dose(sets=sets, per_side=self.per_side, hold_seconds=measure)


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
    position: Position
    tags: tuple[Tag, ...]
    dose: Dose
    steps: Annotated[tuple[Annotated[str, at.MinLen(1)], ...], at.MinLen(2)]
    cautions: Annotated[tuple[Annotated[str, at.MinLen(1)], ...], at.MinLen(1)]
    easier: Optional[str] = None
    harder: Optional[str] = None

    def __post_init__(self) -> None:
        if not KEBAB.fullmatch(self.id):
            raise ValueError(f"id {self.id!r} is not kebab-case")
        for field in ("areas", "equipment", "tags"):
            values = getattr(self, field)
            if len(set(values)) != len(values):
                raise ValueError(f"{field} lists a value twice")

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
            "position": self.position,
            "tags": list(self.tags),
            "dose": {
                "sets": self.dose.sets,
                "reps": self.dose.reps,
                "hold_seconds": self.dose.hold_seconds,
                "per_side": self.dose.per_side,
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
