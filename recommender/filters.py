"""Safety filters (SPEC section 5): which exercises this person may be given, and why not.

The engine says which filter conditions hold for the answers; this module applies the
matching cases to the catalog and records every exclusion with its rule and reason.
"""

from __future__ import annotations

from typing import AbstractSet, NamedTuple, Optional

from .answers import Answers
from .catalog import Catalog, Exercise
from .rulebook import RANK, Exclusion, FilterCase, FilterRule, Rulebook, case_key

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


class Excluded(NamedTuple):
    """One exercise left out by one filter rule."""

    exercise: str
    rule: str
    reason: str
    source: str

    def to_dict(self) -> dict:
        return {"exercise": self.exercise, "rule": self.rule, "reason": self.reason}


class Filtering(NamedTuple):
    eligible: tuple[Exercise, ...]
    excluded: tuple[Excluded, ...]
    active: tuple[tuple[FilterRule, int, FilterCase], ...]  # the cases that applied


def apply_filters(
    rulebook: Rulebook,
    held: AbstractSet[str],
    level: str,
    answers: Answers,
    catalog: Catalog,
) -> Filtering:
    """Every exercise that passes every filter, and every (exercise, rule) exclusion."""
    active = tuple(
        (rule, index, case)
        for rule in rulebook.filters
        for index, case in enumerate(rule.cases)
        if (case.when is None or case_key(rule, index) in held)
        and (case.when_triage is None or RANK[level] >= RANK[case.when_triage])
    )
    have = set(answers.equipment)
    areas = set(answers.pain_areas)
    eligible: list[Exercise] = []
    excluded: list[Excluded] = []
    for exercise in catalog:
        # One record per rule, naming the first case of that rule that excludes it.
        reasons: dict[str, Excluded] = {}
        for rule, _, case in active:
            if rule.id in reasons:
                continue
            detail = _matches(case.excludes, exercise, have, areas)
            if detail:
                reasons[rule.id] = Excluded(
                    exercise.id, rule.id, f"{case.reason}: {detail}", rule.source
                )
        if reasons:
            excluded.extend(reasons.values())
        else:
            eligible.append(exercise)
    return Filtering(tuple(eligible), tuple(excluded), active)


def _matches(
    exclusion: Exclusion, exercise: Exercise, have: set[str], areas: set[str]
) -> Optional[str]:
    """Why `exercise` falls under `exclusion`, in words, or None when it does not."""
    if exclusion.missing_equipment:
        missing = [item for item in exercise.equipment if item not in have]
        if missing:
            return "needs " + " and ".join(words(item) for item in missing)
    if exclusion.outside_pain_areas and not areas.intersection(exercise.areas):
        return "works the " + " and ".join(words(a) for a in exercise.areas)
    if exercise.position in exclusion.positions:
        return "done " + words(exercise.position)
    tags = [tag for tag in exercise.tags if tag in exclusion.tags]
    if tags:
        return "involves " + " and ".join(words(tag) for tag in tags)
    if exclusion.level_above is not None and exercise.level > exclusion.level_above:
        return f"level {exercise.level}, above the {exclusion.level_above} allowed"
    return None
