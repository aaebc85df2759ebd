"""What may stand in for an exercise in a tracked plan: its easier or harder version,
or another exercise for the same area, and only ever one that passed this person's
safety filters, in the position the filters allow.

The filters run when a block is planned (and again when a new answer may narrow them);
the block keeps what passed (`Block.safe`), so that adaptation never needs the rule
engine to know what is safe.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Optional

from recommender.core.catalog import Catalog, Exercise
from recommender.core.progress import SafeExercise
from recommender.core.result_record import ItemRecord

if TYPE_CHECKING:
    from recommender.core.answers import Answers
    from recommender.pipeline.recommend import Recommender


def safe_exercises(
    recommender: Recommender, answers: Answers, level: str
) -> tuple[SafeExercise, ...]:
    """Every exercise that passes this person's safety filters at `level`, with its
    position: the same filters, on the same answers, as the plan's."""
    held = recommender.engine.evaluate(answers.fact())
    filtering = recommender.filters.apply(held, level, answers)
    return tuple(SafeExercise(e.id, e.name, filtering.positions[e.id]) for e in filtering.eligible)


class Choices:
    """The catalog seen through one person's safety filters."""

    def __init__(self, catalog: Catalog, safe: Collection[SafeExercise]) -> None:
        self.catalog = catalog
        self.safe: Mapping[str, SafeExercise] = {s.id: s for s in safe if s.id in catalog}

    def is_safe(self, exercise_id: str) -> bool:
        return exercise_id in self.safe

    def name(self, exercise_id: str) -> str:
        if exercise_id in self.catalog:
            return self.catalog[exercise_id].name
        return exercise_id

    def easier(self, exercise_id: str) -> Optional[Exercise]:
        """Its easier version, where one passed the filters."""
        return self._link(exercise_id, "easier")

    def harder(self, exercise_id: str) -> Optional[Exercise]:
        """Its harder version, where one passed the filters."""
        return self._link(exercise_id, "harder")

    def _link(self, exercise_id: str, way: str) -> Optional[Exercise]:
        if exercise_id not in self.catalog:
            return None
        variant = getattr(self.catalog[exercise_id], way)
        if variant is None or not self.is_safe(variant):
            return None
        return self.catalog[variant]

    def alternative(self, exercise_id: str, taken: Collection[str]) -> Optional[Exercise]:
        """Another exercise of the same kind for an area it works, no harder than it,
        that passed the filters and is not `taken` (in the week already, or one that
        hurt): the gentlest first, then in catalog order."""
        if exercise_id not in self.catalog:
            return None
        this = self.catalog[exercise_id]
        found = [
            e
            for e in self.catalog
            if e.id != exercise_id
            and e.id not in taken
            and self.is_safe(e.id)
            and e.kind == this.kind
            and e.level <= this.level
            and set(e.areas) & set(this.areas)
        ]
        if not found:
            return None
        return min(found, key=lambda e: e.level)  # stable: catalog order within a level

    def item(self, exercise: Exercise, like: ItemRecord) -> ItemRecord:
        """`exercise` as a plan item at its first amounts (the catalog's starting dose),
        in its safe position, resting as the item it stands in for did."""
        dose = exercise.dose
        position = self.safe[exercise.id].position if exercise.id in self.safe else None
        return ItemRecord(
            id=exercise.id,
            name=exercise.name,
            sets=dose.sets if dose.minutes is None else None,
            reps=dose.reps,
            hold_seconds=dose.hold_seconds,
            per_side=dose.per_side,
            minutes=dose.minutes,
            unit=dose.unit if dose.unit != "repetitions" else None,
            position=position if len(exercise.positions) > 1 else None,  # type: ignore[arg-type]
            effort=dose.effort,
            rest_seconds=like.rest_seconds,
        )
