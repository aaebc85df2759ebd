"""Safety filters: which exercises this person may be given, and why not (docs/rules.md).

The engine says which filter conditions hold for the answers; this module applies the
matching cases to the catalog and records every exclusion with its rule and reason.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any, NamedTuple, Optional

from recommender.core.answers import Answers
from recommender.core.catalog import Catalog, Exercise, Position
from recommender.core.wording import words
from recommender.rulebook.rules import Exclusion, FilterCase, FilterRule, Rulebook, case_key


class Excluded(NamedTuple):
    """One exercise left out by one filter rule."""

    exercise: str
    rule: str
    reason: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "rule": self.rule, "reason": self.reason}


class Filtering(NamedTuple):
    eligible: tuple[Exercise, ...]
    excluded: tuple[Excluded, ...]
    active: tuple[tuple[FilterRule, int, FilterCase], ...]  # the cases that applied
    positions: dict[str, Position]
    """The position each eligible exercise is to be done in, for this person"""


class FilterIndex:
    """The filter rules laid over the catalog once, so each person costs set lookups.

    The parts of a filter that depend only on the catalog (positions, properties,
    levels) are decided here, with their reasons in words; only equipment, pain areas
    and contraindications are compared per person.
    """

    def __init__(self, rulebook: Rulebook, catalog: Catalog) -> None:
        self.catalog = catalog
        self.cases = tuple(
            (rule, index, case)
            for rule in rulebook.filters
            for index, case in enumerate(rule.cases)
        )
        # case number -> {exercise id: why}, for the catalog-only criteria
        self._static = [
            {e.id: why for e in catalog if (why := _static_detail(case.excludes, e))}
            for _, _, case in self.cases
        ]
        self._equipped = [e for e in catalog if e.equipment]
        self._contraindicated = [e for e in catalog if e.contraindications]
        self._areas_words = {
            e.id: "works the " + " and ".join(words(a) for a in e.areas) for e in catalog
        }

    def apply(self, held: AbstractSet[str], level: str, answers: Answers) -> Filtering:
        """Every exercise that passes every filter, and every (exercise, rule) exclusion."""
        active = [
            (rule, index, case, self._hits(number, case.excludes, answers))
            for number, (rule, index, case) in enumerate(self.cases)
            if (case.condition is None or case_key(rule, index) in held)
            and (case.when_triage is None or level == case.when_triage)
        ]
        eligible: list[Exercise] = []
        excluded: list[Excluded] = []
        for exercise in self.catalog:
            # One record per rule, naming the first case of that rule that excludes it.
            ruled_out: set[str] = set()
            for rule, _, case, hits in active:
                why = hits.get(exercise.id)
                if why and rule.id not in ruled_out:
                    ruled_out.add(rule.id)
                    excluded.append(
                        Excluded(exercise.id, rule.id, f"{case.reason}: {why}", rule.source)
                    )
            if not ruled_out:
                eligible.append(exercise)
        cases = [case for _, _, case, _ in active]
        return Filtering(
            tuple(eligible),
            tuple(excluded),
            tuple((r, i, c) for r, i, c, _ in active),
            {e.id: _position(e, cases) for e in eligible},
        )

    def _hits(self, number: int, exclusion: Exclusion, answers: Answers) -> dict[str, str]:
        """{exercise id: why} for every exercise this case excludes for this person.

        When several criteria match, the reason given is the first of: missing
        equipment, another area, a contraindication, then position, properties and level.
        """
        hits = self._static[number]
        if not (
            exclusion.missing_equipment or exclusion.outside_pain_areas or exclusion.contraindicated
        ):
            return hits
        hits = dict(hits)
        if exclusion.contraindicated:
            for exercise in self._contraindicated:
                named = [key for key in exercise.contraindications if answered_yes(answers, key)]
                if named:
                    hits[exercise.id] = "not advised with " + " or ".join(
                        words(key.split(".")[-1]) for key in named
                    )
        if exclusion.outside_pain_areas:
            areas = set(answers.pain_areas)
            for exercise in self.catalog:
                if areas.isdisjoint(exercise.areas):
                    hits[exercise.id] = self._areas_words[exercise.id]
        if exclusion.missing_equipment:
            have = set(answers.equipment)
            for exercise in self._equipped:
                missing = [item for item in exercise.equipment if item not in have]
                if missing:
                    hits[exercise.id] = "needs " + " and ".join(words(item) for item in missing)
        return hits


def _static_detail(exclusion: Exclusion, exercise: Exercise) -> Optional[str]:
    """The catalog-only criteria: positions, properties and level."""
    if exclusion.positions and all(p in exclusion.positions for p in exercise.positions):
        return "done " + " or ".join(words(p) for p in exercise.positions)
    found = [p for p in exercise.properties if p in exclusion.properties]
    if found and not (exclusion.unless_sitting and "sitting" in exercise.positions):
        return "involves " + " and ".join(words(p) for p in found)
    if exclusion.level_above is not None and exercise.level > exclusion.level_above:
        return f"level {exercise.level}, above the {exclusion.level_above} allowed"
    limit = exclusion.strength_level_above
    if limit is not None and exercise.kind == "strength" and exercise.level > limit:
        return f"strength work at level {exercise.level}, above the {limit} allowed"
    return None


def _position(exercise: Exercise, cases: list[FilterCase]) -> Position:
    """The usual position, unless a filter rules it out or asks for sitting."""
    usable = [
        p for p in exercise.positions if not any(p in c.excludes.positions for c in cases)
    ] or list(exercise.positions)
    if "sitting" in usable and any(c.excludes.unless_sitting for c in cases):
        return "sitting"
    return usable[0]


def answered_yes(answers: Answers, key: str) -> bool:
    """Whether the yes/no answer at `key` (history.osteoporosis) is yes."""
    section, name = key.split(".", 1)
    return getattr(getattr(answers, section), name) is True
