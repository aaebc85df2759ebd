"""Today's session as a person does it: one exercise at a time, each a list of steps,
every hold and rest a timed step, every set of repetitions a step the person ends.

This is the plain core of the guided session (`backplan session` in the terminal, and
the session pages of the web app): it says what to do and for how long, and knows
nothing of keys, screens or clocks. The doses are the plan's own, so a session asks
exactly what the printed plan does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple, Optional

from recommender.core.catalog import Dose, Exercise
from recommender.core.wording import dose_words, words
from recommender.pipeline.plan import Prescription, Session

#: Rest between sets when a plan item does not say (plans from before version 3).
DEFAULT_REST = {"strength": 60, "aerobic": 0}
DEFAULT_OTHER_REST = 15


class Step(NamedTuple):
    """One thing to do now. `seconds` is a timed step (a hold, a rest, a walk), counted
    down; None is a step the person ends (a set of repetitions)."""

    kind: str  # "hold", "rest", "reps", "walk"
    text: str  # what to do now, in words ("Hold, left side")
    seconds: Optional[int] = None


class Item(NamedTuple):
    """One exercise of the session, with everything its screen shows."""

    exercise: Exercise
    position: str
    dose: Dose
    rest_seconds: int
    steps: tuple[Step, ...]

    @property
    def name(self) -> str:
        return self.exercise.name

    @property
    def amount(self) -> str:
        """The dose in words, with the rest ("2 sets of 10; rest 60 s between sets")."""
        rest = f"; rest {self.rest_seconds} s between sets" if self.rest_seconds else ""
        return f"{dose_words(self.dose)}{rest}"

    @property
    def where(self) -> str:
        return words(self.position)


def rest_of(prescription: Prescription) -> int:
    """The rest between sets the plan gives, or a default by kind for older plans."""
    rest = getattr(prescription, "rest_seconds", None)
    if isinstance(rest, int):
        return rest
    kind = prescription.exercise.kind
    return DEFAULT_REST.get(kind, DEFAULT_OTHER_REST)


def _sides(dose: Dose) -> tuple[str, ...]:
    if not dose.per_side:
        return ("",)
    if dose.unit == "circles":
        return ("one way", "the other way")
    return ("left side", "right side")


def steps_of(dose: Dose, rest: int) -> tuple[Step, ...]:
    """The steps of one dose: each set (each side), with the rests between sets."""
    if dose.minutes is not None:
        return (
            Step(
                "walk",
                f"Walk for {dose.minutes} minutes, at a pace you can talk at",
                dose.minutes * 60,
            ),
        )
    steps: list[Step] = []
    for number in range(1, dose.sets + 1):
        label = f"Set {number} of {dose.sets}" if dose.sets > 1 else "Your set"
        for side in _sides(dose):
            where = f", {side}" if side else ""
            if dose.reps is not None:
                unit = "" if dose.unit == "repetitions" else f" {dose.unit}"
                held = f", holding each for {dose.hold_seconds} s" if dose.hold_seconds else ""
                steps.append(Step("reps", f"{label}{where}: {dose.reps}{unit}{held}"))
            else:
                assert dose.hold_seconds is not None
                steps.append(Step("hold", f"{label}{where}: hold", dose.hold_seconds))
        if number < dose.sets and rest:
            steps.append(Step("rest", "Rest", rest))
    return tuple(steps)


def item_of(prescription: Prescription) -> Item:
    rest = rest_of(prescription)
    return Item(
        prescription.exercise,
        prescription.position,
        prescription.dose,
        rest,
        steps_of(prescription.dose, rest),
    )


def session_items(session: Session) -> tuple[Item, ...]:
    """The session as the guided session shows it: one item per exercise, in order."""
    return tuple(item_of(prescription) for prescription in session.exercises)


def easier_item(
    item: Item,
    catalog: Mapping[str, Exercise],
    allowed: Callable[[str], bool],
) -> Optional[Item]:
    """The item's easier variant, only where it passed the person's filters
    (`allowed`), at its own starting dose in the same position when it has it."""
    variant_id = item.exercise.easier
    if variant_id is None or variant_id not in catalog or not allowed(variant_id):
        return None
    variant = catalog[variant_id]
    position = item.position if item.position in variant.positions else variant.positions[0]
    rest = item.rest_seconds
    return Item(variant, position, variant.dose, rest, steps_of(variant.dose, rest))
