"""Catalog values and doses in plain words, for every output format."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from recommender.core.catalog import Dose

#: The days of the week as plans name them, Monday first (date.weekday()).
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_WORDS = {
    "all_fours": "on all fours",
    "kneeling": "kneeling",
    "lying_back": "lying on your back",
    "lying_front": "lying on your front",
    "lying_side": "lying on your side",
    "standing": "standing",
    "sitting": "sitting",
    "loaded_flexion": "bending forward under load",
    "end_range_spine": "holding the spine or neck at the end of its range",
    "arm_elevation": "raising the arms to shoulder height or above",
    "weight_on_arms": "taking weight through the arms",
    "unsupported_balance": "balancing without support",
    "head_below_heart": "the head below the heart",
    "rolling_on_spine": "a roller under the spine",
    "spine_extension": "bending the lower back backwards",
    "deep_hip_flexion": "bending the hip past a right angle",
    "osteoporosis": "thinning bones (osteoporosis)",
    "long_term_steroids": "long-term steroid tablets",
    "upper_neck_risk": "a condition that can loosen the top of the neck",
    "recent_spine_surgery": "recent spine surgery",
    "heart_condition": "a heart condition",
    "shoulder_problem": "a painful shoulder",
    "balance_problems": "falls or poor balance",
    "hypermobility": "very flexible joints",
    "resistance_band": "a resistance band",
    "foam_roller": "a foam roller",
    "dumbbells": "dumbbells",
    "chair": "a chair",
    "wall": "a wall",
    "doorway": "a doorway",
    "worktop": "a worktop or sturdy table",
    "hip_replacement": "a hip replacement",
    "fragility_fracture": "a bone broken in a minor fall",
    "limb_pain_or_tingling": "pain or tingling down an arm or a leg",
    "upper_back": "upper back",
    "mid_back": "middle back",
    "lower_back": "lower back",
}


def words(value: str) -> str:
    """A catalog value (lower_back, all_fours) in plain words."""
    return _WORDS.get(value, value.replace("_", " "))


def rest_words(rest_seconds: int, dose: Dose) -> str:
    """The rest between sets ("rest 60 s between sets"), or nothing when there is none."""
    if not rest_seconds:
        return ""
    between = "holds" if dose.reps is None else "sets"
    return f"rest {rest_seconds} s between {between}"


def dose_words(dose: Dose) -> str:
    """A dose in words ("2 sets of 10, hold each 5 s", "hold 20 s, 3 times each side",
    "10 circles each direction", "walk 15 min")."""
    if dose.minutes is not None:
        return f"{dose.minutes} min"
    side = (" each direction" if dose.unit == "circles" else " each side") if dose.per_side else ""
    if dose.reps is not None:
        sets = "1 set" if dose.sets == 1 else f"{dose.sets} sets"
        unit = "" if dose.unit == "repetitions" else f" {dose.unit}"
        held = f", hold each {dose.hold_seconds} s" if dose.hold_seconds else ""
        return f"{sets} of {dose.reps}{unit}{side}{held}"
    times = "once" if dose.sets == 1 else f"{dose.sets} times"
    return f"hold {dose.hold_seconds} s, {times}{side}"
