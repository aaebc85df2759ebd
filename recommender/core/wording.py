"""Catalog values and doses in plain words, for every output format."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from recommender.core.catalog import Dose

_WORDS = {
    "all_fours": "on all fours",
    "kneeling": "kneeling",
    "lying_back": "lying on your back",
    "lying_front": "lying on your front",
    "lying_side": "lying on your side",
    "standing": "standing",
    "sitting": "sitting",
    "loaded_flexion": "bending forward under load",
    "end_range_rotation": "twisting to the end of the range",
    "overhead": "raising the arms overhead",
    "balance": "a balance challenge",
    "resistance_band": "a resistance band",
    "foam_roller": "a foam roller",
    "dumbbells": "dumbbells",
    "chair": "a chair",
    "wall": "a wall",
    "doorway": "a doorway",
    "upper_back": "upper back",
    "mid_back": "middle back",
    "lower_back": "lower back",
}


def words(value: str) -> str:
    """A catalog value (lower_back, all_fours) in plain words."""
    return _WORDS.get(value, value.replace("_", " "))


def dose_words(dose: Dose) -> str:
    """A dose in words ("3 sets of 10 each side", "hold 30 s, 2 times")."""
    side = " each side" if dose.per_side else ""
    if dose.reps is not None:
        sets = "1 set" if dose.sets == 1 else f"{dose.sets} sets"
        return f"{sets} of {dose.reps}{side}"
    times = "once" if dose.sets == 1 else f"{dose.sets} times"
    return f"hold {dose.hold_seconds} s, {times}{side}"
