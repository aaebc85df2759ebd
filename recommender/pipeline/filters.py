"""Safety filters: which exercises this person may be given, and why not (docs/rules.md).

The engine says which filter conditions hold for the answers; this module applies the
matching cases to the catalog and records every exclusion with its rule and reason.
"""

from __future__ import annotations

from collections.abc import Callable
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
        self._names = [case_key(rule, index) for rule, index, _ in self.cases]  # engine's
        self._equipped = [e for e in catalog if e.equipment]
        self._contraindicated = [e for e in catalog if e.contraindications]
        self._placing: dict[tuple[int, ...], dict[str, Position]] = {}  # see _positions
        self._contra_keys = sorted({k for e in catalog for k in e.contraindications})
        self._records: dict[tuple[str, int, str], Excluded] = {}  # see _record
        self._areas_words = {
            e.id: "works the " + " and ".join(words(a) for a in e.areas) for e in catalog
        }
        # Every exclusion has a slot, exercise by exercise in catalog order and rule by
        # rule within each: sorting the slots puts the records in the order they are
        # listed, and two cases of one rule share a slot (the first case names it).
        self._order = {e.id: i for i, e in enumerate(catalog)}
        rules = {rule.id: i for i, rule in enumerate(rulebook.filters)}
        self._width = max(len(rules), 1)
        self._slots = [rules[rule.id] for rule, _, _ in self.cases]
        # case number -> {slot: record}, for the catalog-only criteria
        self._static = [
            self._slotted(
                number, {e.id: why for e in catalog if (why := _static_detail(case.excludes, e))}
            )
            for number, (_, _, case) in enumerate(self.cases)
        ]
        # (case number, the few answers it reads) -> {slot: record}: see _hits
        self._by_person: dict[tuple[int, str, tuple[str, ...]], dict[int, Excluded]] = {}

    def apply(self, held: AbstractSet[str], level: str, answers: Answers) -> Filtering:
        """Every exercise that passes every filter, and every (exercise, rule) exclusion."""
        active: list[tuple[FilterRule, int, FilterCase]] = []
        found: list[dict[int, Excluded]] = []
        for number, (rule, index, case) in enumerate(self.cases):
            if (case.condition is None or self._names[number] in held) and (
                case.when_triage is None or level == case.when_triage
            ):
                active.append((rule, index, case))
                found += self._hits(number, case.excludes, answers)
        # The first record found for a slot is kept: merged last to first, so that
        # dict.update does it in C (benchmarks/bench.py (b), warm throughput).
        chosen: dict[int, Excluded] = {}
        for records in reversed(found):
            chosen.update(records)
        excluded = [chosen[slot] for slot in sorted(chosen)]
        out = {slot // self._width for slot in chosen}
        eligible = [e for i, e in enumerate(self.catalog.exercises) if i not in out]
        movers = [case for _, _, case in active if _places(case)]
        placing = self._positions(movers)
        return Filtering(
            tuple(eligible),
            tuple(excluded),
            tuple(active),
            {e.id: placing[e.id] for e in eligible},
        )

    def _slotted(self, number: int, hits: dict[str, str]) -> dict[int, Excluded]:
        """{slot: record} for the exercises one case excludes, each with its reason."""
        rule, _, case = self.cases[number]
        slot, width = self._slots[number], self._width
        return {
            self._order[exercise_id] * width + slot: self._record(
                self.catalog[exercise_id], rule, case, why
            )
            for exercise_id, why in hits.items()
        }

    def _record(self, exercise: Exercise, rule: FilterRule, case: FilterCase, why: str) -> Excluded:
        """The exclusion's record, made once and shared: the same few recur for everyone."""
        key = (exercise.id, id(case), why)  # the cases live as long as the index
        record = self._records.get(key)
        if record is None:
            record = Excluded(exercise.id, rule.id, f"{case.reason}: {why}", rule.source)
            self._records[key] = record
        return record

    def _positions(self, movers: list[FilterCase]) -> dict[str, Position]:
        """Every exercise's position under the active cases that move positions
        (cached: only a few combinations of them ever occur)."""
        key = tuple(id(case) for case in movers)  # the cases live as long as the index
        table: Optional[dict[str, Position]] = self._placing.get(key)
        if table is None:
            table = {e.id: _position(e, movers) for e in self.catalog}
            self._placing[key] = table
        return table

    def _hits(
        self, number: int, exclusion: Exclusion, answers: Answers
    ) -> list[dict[int, Excluded]]:
        """The records of every exercise this case excludes for this person, as dicts of
        {slot: record}, the one whose reason is given first.

        When several criteria match, the reason given is the first of: missing
        equipment, another area, a contraindication, then position, properties and level.
        """
        found: list[dict[int, Excluded]] = []
        # The per-person parts depend on a few answers only; each is worked out once
        # per case and distinct answer and kept (a batch meets the same ones again).
        if exclusion.missing_equipment:
            kit = tuple(sorted(answers.equipment))
            found.append(self._remember(number, "kit", kit, self._kit_hits))
        if exclusion.outside_pain_areas:
            areas = tuple(sorted(answers.pain_areas))
            found.append(self._remember(number, "areas", areas, self._area_hits))
        if exclusion.contraindicated:
            yes = tuple(key for key in self._contra_keys if answered_yes(answers, key))
            found.append(self._remember(number, "contra", yes, self._contra_hits))
        found.append(self._static[number])
        return found

    def _remember(
        self,
        number: int,
        part: str,
        key: tuple[str, ...],
        work: Callable[[tuple[str, ...]], dict[str, str]],
    ) -> dict[int, Excluded]:
        found = self._by_person.get((number, part, key))
        if found is None:
            found = self._by_person[number, part, key] = self._slotted(number, work(key))
        return found

    def _contra_hits(self, yes: tuple[str, ...]) -> dict[str, str]:
        hits = {}
        for exercise in self._contraindicated:
            named = [key for key in exercise.contraindications if key in yes]
            if named:
                hits[exercise.id] = "not advised with " + " or ".join(
                    words(key.split(".")[-1]) for key in named
                )
        return hits

    def _area_hits(self, areas: tuple[str, ...]) -> dict[str, str]:
        return {
            e.id: self._areas_words[e.id] for e in self.catalog if set(areas).isdisjoint(e.areas)
        }

    def _kit_hits(self, kit: tuple[str, ...]) -> dict[str, str]:
        hits = {}
        for exercise in self._equipped:
            missing = [item for item in exercise.equipment if item not in kit]
            if missing:
                hits[exercise.id] = "needs " + " and ".join(words(item) for item in missing)
        return hits


def _static_detail(exclusion: Exclusion, exercise: Exercise) -> Optional[str]:
    """The catalog-only criteria: positions, properties (for some areas) and level."""
    for_areas = not exclusion.for_areas or not set(exercise.areas).isdisjoint(exclusion.for_areas)
    if (
        for_areas
        and exclusion.positions
        and all(p in exclusion.positions for p in exercise.positions)
    ):
        return "done " + " or ".join(words(p) for p in exercise.positions)
    found = [p for p in exercise.properties if p in exclusion.properties] if for_areas else []
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
    usable: list[Position] = [
        p for p in exercise.positions if not any(p in c.excludes.positions for c in cases)
    ] or list(exercise.positions)
    if "sitting" in usable and any(c.excludes.unless_sitting for c in cases):
        return "sitting"
    return usable[0]


def _places(case: FilterCase) -> bool:
    """Whether the case can change the position an exercise is shown in."""
    return bool(case.excludes.positions) or case.excludes.unless_sitting


def answered_yes(answers: Answers, key: str) -> bool:
    """Whether the yes/no answer at `key` (history.osteoporosis) is yes."""
    section, name = key.split(".", 1)
    return getattr(getattr(answers, section), name) is True
