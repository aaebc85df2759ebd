"""The whole pipeline: answers -> rules -> triage and filters -> plan -> one result.

`Recommender` holds what is costly to build (the catalog, the rulebook and the
compiled rule engine) and turns any number of answers into results.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple, Optional

from recommender.core.answers import Answers
from recommender.core.catalog import Catalog
from recommender.core.deferred import Deferred
from recommender.core.errors import AnswersError
from recommender.core.safety_net import SafetyNet, safety_net
from recommender.core.weeks import DEFAULT_WEEKS, MAX_WEEKS
from recommender.inputs.answers_file import validate_answers
from recommender.inputs.catalog_file import load_catalog
from recommender.inputs.countries import emergency_number
from recommender.pipeline.equipment_use import unused_equipment
from recommender.pipeline.filters import Excluded, FilterIndex, Filtering
from recommender.pipeline.plan import Plan
from recommender.pipeline.planner import assemble_plan
from recommender.pipeline.triage import Triage, number_words, triage
from recommender.rulebook import conditions
from recommender.rulebook.engines import RuleEngine, create_engine
from recommender.rulebook.rules import NoteRule, Rulebook, WithholdRule, case_key, load_rulebook

#: The answers that say nothing about a person's health.
NOT_HEALTH = ("name", "start_date", "country")


class Withheld(NamedTuple):
    id: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "reason": self.reason}


class Fired(NamedTuple):
    """A rule that fired, for `explain`: what it did, why, and on what source."""

    rule: str
    effect: str
    reason: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "effect": self.effect,
            "reason": self.reason,
            "source": self.source,
        }


class Result(NamedTuple):
    """Everything backplan concluded for one person (docs/result.md)."""

    answers: Answers
    triage: Triage
    withheld: Optional[Withheld]
    plan: Optional[Plan]
    excluded: tuple[Excluded, ...]
    notes: tuple[NoteRule, ...]
    fired: Sequence[Fired]
    weeks: int
    safety_net: Optional[SafetyNet]
    emergency_number: Optional[str] = None
    """The number the advice names (from the answers' country), or None for the
    neutral wording"""

    def to_dict(self) -> dict[str, Any]:
        """The result object, keys in the documented order (docs/result.md)."""
        return {
            "triage": self.triage.to_dict(),
            "plan_withheld": self.withheld.to_dict() if self.withheld else None,
            "plan": self.plan.to_dict() if self.plan else None,
            "excluded": [e.to_dict() for e in self.excluded],
            "notes": [note.text for note in self.notes],
            "safety_net": self.safety_net.to_dict() if self.safety_net else None,
            "escalation": self.triage.escalation.to_dict() if self.triage.escalation else None,
            "emergency_number": self.emergency_number,
        }


class Recommender:
    """Catalog, rulebook and engine, loaded and compiled once, used many times."""

    def __init__(self, catalog: Catalog, rulebook: Rulebook, engine: RuleEngine) -> None:
        self.catalog = catalog
        self.rulebook = rulebook
        self.engine = engine
        self.filters = FilterIndex(rulebook, catalog)

    @classmethod
    def load(
        cls,
        rules: Optional[Path] = None,
        data: Optional[Path] = None,
        engine: Optional[str] = None,
    ) -> Recommender:
        catalog = load_catalog(data)
        rulebook = load_rulebook(catalog, rules)
        return cls(catalog, rulebook, create_engine(rulebook.conditions(), engine))

    @cached_property
    def adapt_engine(self) -> RuleEngine:
        """The adaptation rules compiled into an engine of the same kind as the plan's,
        built only when tracking asks for it (never on the plan path)."""
        return create_engine(self.rulebook.adapt_conditions(), self.engine.name)

    @cached_property
    def _descriptions(self) -> dict[str, str]:
        return {name: conditions.describe(c) for name, c in self.rulebook.conditions().items()}

    def recommend(self, answers: Answers, weeks: int = DEFAULT_WEEKS) -> Result:
        """The result for `answers`; its advice names the emergency number of the
        answers' `country` (the neutral wording without one)."""
        if not 1 <= weeks <= MAX_WEEKS:
            raise ValueError(f"weeks must be between 1 and {MAX_WEEKS}")
        number = emergency_number(answers.country)
        held = self.engine.evaluate(answers.fact())
        neck = "neck" in answers.pain_areas
        found = triage(self.rulebook, held, number, neck)
        filtering = self.filters.apply(held, found.level, answers)
        withholding = [rule for rule in self.rulebook.withhold if _withholds(rule, held, filtering)]
        withheld = Withheld(withholding[0].id, withholding[0].reason) if withholding else None
        plan = None
        if withheld is None and not found.withholds_plan:
            plan = assemble_plan(
                answers,
                filtering.eligible,
                weeks,
                self.catalog.families,
                filtering.positions,
                found.level,
            )
            unused = unused_equipment(
                answers, plan, filtering.excluded, self.catalog, self.catalog.families
            )
            if unused:
                plan = plan._replace(unused_equipment=unused)
            found = found.with_plan()
        # Notes are advice about exercising: only a result with a plan carries them.
        notes: tuple[NoteRule, ...] = ()
        if plan is not None:
            notes = tuple(n for n in self.rulebook.notes if n.condition is None or n.id in held)
        return Result(
            answers=answers,
            triage=found,
            withheld=withheld,
            plan=plan,
            excluded=filtering.excluded,
            notes=notes,
            # Made when first read: a JSON result never reads them (core/deferred.py).
            fired=Deferred(lambda: self._fired(found, withholding, filtering, notes)),
            weeks=weeks,
            safety_net=safety_net(found.level, plan is not None, number_words(number), neck),
            emergency_number=number,
        )

    def triage_of_health_answers(self, raw: dict[str, Any]) -> Optional[Triage]:
        """The triage of `raw` answers without what says nothing about health (the
        name, the start date, the country), or None when the health answers themselves
        cannot be used. When answers are refused for one of those, the warning they
        carry is still shown first (docs/clinical-safety.md, S-NAME-HIDES-WARNING)."""
        health = {key: value for key, value in raw.items() if key not in NOT_HEALTH}
        try:
            return self.recommend(validate_answers(health, "your answers")).triage
        except AnswersError:
            return None

    def _fired(
        self,
        found: Triage,
        withholding: list[WithholdRule],
        filtering: Filtering,
        notes: tuple[NoteRule, ...],
    ) -> tuple[Fired, ...]:
        why = self._descriptions
        fired = [
            Fired(f.id, f"triage: {f.level}", f"{why[f.id]} (suspected: {f.suspected})", f.source)
            for f in found.flags
        ]
        for rule in withholding:
            reason = why.get(rule.id) or rule.when_eligible.describe()  # type: ignore[union-attr]
            fired.append(Fired(rule.id, "plan withheld", reason, rule.source))
        counts: dict[str, int] = {}
        for item in filtering.excluded:
            counts[item.rule] = counts.get(item.rule, 0) + 1
        for filter_rule, index, case in filtering.active:
            if case.condition is not None:
                reason = why[case_key(filter_rule, index)]
            elif case.when_triage is not None:
                reason = f"triage level is {case.when_triage}"
            else:
                reason = "applies to everyone"
            effect = f"excludes {counts.get(filter_rule.id, 0)} exercise(s)"
            fired.append(Fired(filter_rule.id, effect, reason, filter_rule.source))
        for note in notes:
            reason = why.get(note.id, "shown to everyone")
            fired.append(Fired(note.id, "note", reason, note.source))
        return tuple(fired)


def _withholds(rule: WithholdRule, held: AbstractSet[str], filtering: Filtering) -> bool:
    if rule.when_eligible is None:
        return rule.id in held
    return rule.when_eligible.holds(filtering.eligible)
