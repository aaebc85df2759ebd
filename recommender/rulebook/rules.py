"""The rules in `rules/`: their types, loading and validation.

Five kinds of rule, each a list under its own key in any `rules/*.yaml` file:

- `red_flags` (RF-...): a condition on the answers and a triage level;
- `withhold` (WH-...): when no plan is given, whatever the level;
- `filters` (EX-...): which exercises a person must not be given;
- `notes` (NOTE-...): advice shown beside a plan, where it applies;
- `adapt` (AD-...): how a tracked week changes the next one (rules/adapt.yaml). Its
  conditions read the facts of a week's review (core/progress.py), not the answers.

Every rule carries its source and examples that must fire and examples that must stay
silent; `backplan rules check` and the test suite run them all. A new kind: see
CONTRIBUTING.md, "Add a rule kind".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Optional, Union

from recommender.core import answers
from recommender.core import catalog as catalog_module
from recommender.core.answers import Answers, PainArea, answer_keys
from recommender.core.catalog import Catalog, Exercise, Kind, Position, Property
from recommender.core.errors import DataFileError
from recommender.core.paths import get_path
from recommender.inputs.cache import KeyPart, cached, source_of
from recommender.inputs.datafiles import bundled_dir, read_yaml
from recommender.inputs.validation import ValidationError, problems, validate
from recommender.rulebook import conditions

if TYPE_CHECKING:  # only read with the annotations: see inputs/validation.py
    import annotated_types as at

Level = Literal["none", "soon", "urgent", "emergency"]
LEVELS: tuple[str, ...] = ("none", "soon", "urgent", "emergency")
RANK = {level: rank for rank, level in enumerate(LEVELS)}
AlertLevel = Literal["soon", "urgent", "emergency"]
#: What an adaptation rule decides (core/progress.py: OUTCOMES, strongest first, for
#: the week's doses; EXERCISE_OUTCOMES for one exercise the person named).
Outcome = Literal[
    "stop",
    "step_back",
    "hold",
    "adherence",
    "progress",
    "review",
    "easier",
    "swap",
    "leave_out",
    "harder",
]

#: The answers that rule examples start from; each example changes a few answers.
BASELINE_FILE = "baseline.yaml"
#: The week that adaptation examples start from (a good week of tracking).
REVIEW_BASELINE_FILE = "adapt-baseline.yaml"

_CLOSED = {"extra": "forbid", "strict": True}


@dataclass(frozen=True, eq=False)
class Example:
    """Answers (the baseline with `given` changed) and what the rule must do with them."""

    __pydantic_config__ = _CLOSED

    name: Annotated[str, at.MinLen(1)]
    fires: bool
    given: dict[str, Any] = field(default_factory=dict)
    excludes: tuple[str, ...] = ()
    keeps: tuple[str, ...] = ()

    def named_exercises(self) -> tuple[str, ...]:
        """The catalog exercises this example names."""
        return (*self.excludes, *self.keeps)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.given) - set(answer_keys()))
        if unknown:
            raise ValueError(f"example {self.name!r}: unknown answer keys {unknown}")


#: A condition as a rule file writes it (see rulebook/conditions.py): a mapping.
RawCondition = dict[str, Any]


@dataclass(frozen=True, eq=False)
class _Rule:
    """What every rule has, and what each kind of rule says about itself: the one
    interface the loader, `backplan rules`, docs/rules.md and the examples' runner use
    (no code asks which kind a rule is). Each kind is validated closed (unknown keys are
    errors), by the config it inherits."""

    __pydantic_config__ = _CLOSED

    #: The key of the rule files' list that holds this kind
    SECTION: ClassVar[str]
    #: The ids this kind may take
    PREFIXES: ClassVar[tuple[str, ...]]
    #: docs/rules.md's heading for this kind, and its sentence on what the kind does
    HEADING: ClassVar[str]
    BLURB: ClassVar[str]
    #: The rule's examples are answers, whose exclusions name catalog exercises (an
    #: adaptation rule's are weeks)
    EXAMPLES_ARE_ANSWERS: ClassVar[bool] = True

    id: str
    title: Annotated[str, at.MinLen(1)]
    source: Annotated[str, at.MinLen(1)]
    examples: Annotated[tuple[Example, ...], at.MinLen(1)]

    _ID = re.compile(r"[A-Z]+(-[A-Z0-9]+)+")

    @property
    def always(self) -> bool:
        """True for a rule with no condition at all, which can never stay silent."""
        return False

    def raw_condition(self) -> Optional[RawCondition]:
        """The rule file's `when`, for the kinds that have one."""
        return None

    @classmethod
    def known_fields(cls) -> Optional[dict[str, Any]]:
        """What this kind's conditions may read; None for the answers."""
        return None

    @cached_property
    def condition(self) -> Optional[conditions.Condition]:
        """The checked tree of the rule file's `when` (made once; checked on loading)."""
        raw = self.raw_condition()
        return None if raw is None else conditions.parse(raw, "when", self.known_fields())

    def effect(self) -> str:
        """What the rule does when it fires, in a few words (`backplan rules`)."""
        raise NotImplementedError

    def details(self) -> list[tuple[str, str]]:
        """What docs/rules.md adds for this kind, as (name, words)."""
        return []

    def when_words(self) -> str:
        """When the rule fires, in words."""
        return "always" if self.condition is None else conditions.describe(self.condition)

    def __post_init__(self) -> None:
        self.condition  # noqa: B018  (parsed now, so a bad condition stops the loading)
        if not (self.id.startswith(self.PREFIXES) and self._ID.fullmatch(self.id)):
            raise ValueError(
                f"id {self.id!r} must look like "
                f"{' or '.join(p + 'SOMETHING' for p in self.PREFIXES)} (capitals, digits, dashes)"
            )
        # A rule never shown firing, or never shown silent, is untested.
        outcomes = {example.fires for example in self.examples}
        if self.always and outcomes != {True}:
            raise ValueError("a rule with no condition takes only examples that fire")
        if self.only_silent_examples:
            if outcomes != {False}:
                raise ValueError(
                    "the bundled catalog cannot make this rule fire: silent examples only"
                )
        elif not self.always and outcomes != {True, False}:
            raise ValueError("needs at least one example that fires and one that stays silent")

    @property
    def only_silent_examples(self) -> bool:
        """A rule on what passes the filters that the bundled catalog can never meet
        (tests/pipeline/test_catalog.py shows it, and shows it firing on a smaller one)."""
        return False


@dataclass(frozen=True, eq=False)
class RedFlagRule(_Rule):
    """A red flag (RF-) or a yellow flag (YF-: psychosocial; docs/rules.md, "Red flags
    and the yellow flag"): when it fires, the person is sent to a clinician at `level`."""

    SECTION = "red_flags"
    PREFIXES = ("RF-", "YF-")
    HEADING = "Red flags (triage)"
    BLURB = "Each sends the person to a clinician at its level."

    level: AlertLevel
    suspected: Annotated[str, at.MinLen(1)]
    advice: Annotated[str, at.MinLen(1)]
    when: RawCondition
    with_plan: Optional[Annotated[str, at.MinLen(1)]] = None
    """Added to the advice only on a result that carries a plan (a flag's words must
    never promise a plan that another rule withheld)"""

    def raw_condition(self) -> Optional[RawCondition]:
        return self.when

    def effect(self) -> str:
        return self.level

    def details(self) -> list[tuple[str, str]]:
        return [("Suspected", self.suspected)]


@dataclass(frozen=True, eq=False)
class EligibilityCheck:
    """Withhold the plan when too little passes the safety filters."""

    __pydantic_config__ = _CLOSED

    fewer_than: Annotated[int, at.Ge(1)]
    lacking_kinds: Annotated[tuple[Kind, ...], at.MinLen(1)]

    def holds(self, eligible: Sequence[Exercise]) -> bool:
        # Walking is in every plan; it is the exercises besides it that are counted.
        body = [e for e in eligible if e.kind != "aerobic"]
        kinds = {e.kind for e in body}
        return len(body) < self.fewer_than or kinds.isdisjoint(self.lacking_kinds)

    def describe(self) -> str:
        return (
            f"fewer than {self.fewer_than} exercises besides walking pass every filter, or "
            f"none of them is a {' or '.join(self.lacking_kinds)} exercise"
        )


@dataclass(frozen=True, eq=False)
class WithholdRule(_Rule):
    """Withholds the plan whatever the triage level."""

    SECTION = "withhold"
    PREFIXES = ("WH-",)
    HEADING = "Withholding rules"
    BLURB = "Each withholds the plan, whatever the triage level."

    reason: Annotated[str, at.MinLen(1)]
    when: Optional[RawCondition] = None
    when_eligible: Optional[EligibilityCheck] = None

    def raw_condition(self) -> Optional[RawCondition]:
        return self.when

    def effect(self) -> str:
        return "withhold plan"

    def when_words(self) -> str:
        if self.when_eligible is not None:
            return self.when_eligible.describe()
        return super().when_words()

    @property
    def only_silent_examples(self) -> bool:
        return self.when_eligible is not None

    def __post_init__(self) -> None:
        if (self.when is None) == (self.when_eligible is None):
            raise ValueError("give exactly one of 'when' and 'when_eligible'")
        super().__post_init__()


@dataclass(frozen=True, eq=False)
class Exclusion:
    """Which exercises a filter case removes: those matching any criterion."""

    __pydantic_config__ = _CLOSED

    positions: tuple[Position, ...] = ()
    """Removes exercises that have no position other than these"""
    properties: tuple[Property, ...] = ()
    unless_sitting: bool = False
    """Keeps an exercise with one of `properties` that can be done sitting, and shows
    every exercise that can be done sitting in its sitting position"""
    for_areas: tuple[PainArea, ...] = ()
    """Narrows `positions` and `properties` to exercises for any of these areas (the
    neck's end-range stretches, not every end-range stretch)"""
    level_above: Optional[Annotated[int, at.Ge(1), at.Le(2)]] = None
    strength_level_above: Optional[Annotated[int, at.Ge(1), at.Le(2)]] = None
    contraindicated: bool = False
    """Removes exercises whose contraindications name an answer that is yes"""
    missing_equipment: bool = False
    outside_pain_areas: bool = False

    def __post_init__(self) -> None:
        if not (
            self.positions
            or self.properties
            or self.level_above
            or self.strength_level_above
            or self.contraindicated
            or self.missing_equipment
            or self.outside_pain_areas
        ):
            raise ValueError("an exclusion needs at least one criterion")
        if self.unless_sitting and not self.properties:
            raise ValueError("unless_sitting qualifies properties, and none are given")
        if self.for_areas and not (self.positions or self.properties):
            raise ValueError("for_areas narrows positions or properties, and none are given")


@dataclass(frozen=True, eq=False)
class FilterCase:
    """One way a filter applies. With no `when` and no `when_triage`, to everyone."""

    __pydantic_config__ = _CLOSED

    excludes: Exclusion
    reason: Annotated[str, at.MinLen(1)]
    when: Optional[RawCondition] = None
    when_triage: Optional[AlertLevel] = None
    """Applies when the triage level is exactly this one"""

    def when_words(self) -> str:
        if self.condition is not None:
            return conditions.describe(self.condition)
        return f"triage level is {self.when_triage}" if self.when_triage else "everyone"

    @cached_property
    def condition(self) -> Optional[conditions.Condition]:
        """The checked tree of `when` (made once; checked on loading)."""
        return None if self.when is None else conditions.parse(self.when, "when")

    def __post_init__(self) -> None:
        self.condition  # noqa: B018  (parsed now, so a bad condition stops the loading)


@dataclass(frozen=True, eq=False)
class FilterRule(_Rule):
    """A safety filter over the exercise catalog."""

    SECTION = "filters"
    PREFIXES = ("EX-",)
    HEADING = "Safety filters"
    BLURB = "Each removes exercises from the plan, with its reason."

    cases: Annotated[tuple[FilterCase, ...], at.MinLen(1)]

    def effect(self) -> str:
        return "exclude exercises"

    def when_words(self) -> str:
        # Cases with the same condition (EX-BALANCE's two) are told once.
        return "; ".join(dict.fromkeys(case.when_words() for case in self.cases))


@dataclass(frozen=True, eq=False)
class NoteRule(_Rule):
    """Advice shown beside the result; changes nothing else. No `when`: always shown."""

    SECTION = "notes"
    PREFIXES = ("NOTE-",)
    HEADING = "Notes"
    BLURB = "Advice shown beside a plan; a note changes nothing else."

    text: Annotated[str, at.MinLen(1)]
    when: Optional[RawCondition] = None

    def raw_condition(self) -> Optional[RawCondition]:
        return self.when

    def effect(self) -> str:
        return "note"

    @property
    def always(self) -> bool:
        return self.when is None


def _review_fields() -> dict[str, Any]:
    """The review facts (core/progress.py), imported only when adaptation rules are read:
    the plan path, which loads the rulebook from its cache, never needs them."""
    # lazy: off the cold `backplan plan` path (benchmarks/bench.py (a))
    from recommender.core.progress import review_fields

    return review_fields()


@dataclass(frozen=True, eq=False)
class ReviewExample:
    """A week (the review baseline with `given` changed) and whether the rule fires."""

    __pydantic_config__ = _CLOSED

    name: Annotated[str, at.MinLen(1)]
    fires: bool
    given: dict[str, Any] = field(default_factory=dict)

    def named_exercises(self) -> tuple[str, ...]:
        return ()  # a week names no catalog exercise

    def __post_init__(self) -> None:
        unknown = sorted(set(self.given) - set(_review_fields()))
        if unknown:
            raise ValueError(f"example {self.name!r}: unknown review facts {unknown}")


@dataclass(frozen=True, eq=False)
class AdaptRule(_Rule):
    """How one reviewed week changes the plan (rules/adapt.yaml)."""

    SECTION = "adapt"
    PREFIXES = ("AD-",)
    HEADING = "Adaptation rules (tracking)"
    BLURB = (
        "Each reads one tracked week (`backplan track`) and decides the next week's dose; "
        "the strongest outcome wins (stop, step back, hold, adherence, progress). The rules "
        "on exercise.* decide for one exercise the person named at a check-in (easier, "
        "swap, leave out, harder); the others follow the week's decision."
    )
    EXAMPLES_ARE_ANSWERS = False

    outcome: Outcome
    advice: Annotated[str, at.MinLen(1)]
    when: RawCondition
    examples: Annotated[tuple[ReviewExample, ...], at.MinLen(1)]  # type: ignore[assignment]

    def raw_condition(self) -> Optional[RawCondition]:
        return self.when

    @classmethod
    def known_fields(cls) -> Optional[dict[str, Any]]:
        return _review_fields()

    def effect(self) -> str:
        return f"adapt: {self.outcome.replace('_', ' ')}"

    @property
    def about_exercise(self) -> bool:
        """Decides for one exercise the person named, not for the week's doses."""
        return self.outcome in ("easier", "swap", "leave_out", "harder")

    def __post_init__(self) -> None:
        super().__post_init__()
        assert self.condition is not None
        reads_exercise = any(f.startswith("exercise.") for f in conditions.fields(self.condition))
        if self.about_exercise and not reads_exercise:
            raise ValueError(f"outcome {self.outcome!r} decides for one exercise: test exercise.*")
        if reads_exercise and not self.about_exercise:
            raise ValueError(
                "only the outcomes for one exercise (easier, swap, leave_out, harder) may "
                "test exercise.*"
            )


AnyRule = Union[RedFlagRule, WithholdRule, FilterRule, NoteRule, AdaptRule]
#: Every kind of rule, in the order the rules are listed and documented.
KINDS: tuple[type[AnyRule], ...] = (RedFlagRule, WithholdRule, FilterRule, NoteRule, AdaptRule)
SECTIONS: dict[str, type[AnyRule]] = {kind.SECTION: kind for kind in KINDS}


def case_key(rule: FilterRule, index: int) -> str:
    """The engine's name for one case of a filter rule."""
    return f"{rule.id}#{index + 1}"


@dataclass(frozen=True)
class Rulebook:
    """Every rule, in file order, with the baseline answers their examples start from."""

    red_flags: tuple[RedFlagRule, ...]
    withhold: tuple[WithholdRule, ...]
    filters: tuple[FilterRule, ...]
    notes: tuple[NoteRule, ...]
    baseline: dict[str, Any]
    origin: dict[str, Path]  # rule id -> the file it came from
    adapt: tuple[AdaptRule, ...] = ()
    review_baseline: dict[str, Any] = field(default_factory=dict)

    @property
    def rules(self) -> tuple[AnyRule, ...]:
        return (*self.red_flags, *self.withhold, *self.filters, *self.notes, *self.adapt)

    def adapt_conditions(self) -> dict[str, conditions.Condition]:
        """The adaptation rules' conditions on a week's review, keyed by rule id."""
        return {rule.id: rule.condition for rule in self.adapt if rule.condition is not None}

    def conditions(self) -> dict[str, conditions.Condition]:
        """Every condition on the answers, keyed by the name the engines report it by."""
        found: dict[str, conditions.Condition] = {}
        conditional: list[RedFlagRule | WithholdRule | NoteRule] = [
            *self.red_flags,
            *self.withhold,
            *self.notes,
        ]
        for rule in conditional:
            if rule.condition is not None:
                found[rule.id] = rule.condition
        for filter_rule in self.filters:
            for index, case in enumerate(filter_rule.cases):
                if case.condition is not None:
                    found[case_key(filter_rule, index)] = case.condition
        return found


def rule_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.glob("*.yaml") if not p.name.endswith(BASELINE_FILE))
    return [path]


def load_rulebook(catalog: Catalog, path: Optional[Path] = None) -> Rulebook:
    """Read and validate every rule file in `path` (a directory or one file).

    Refuses unknown keys, duplicate ids, unknown answer keys and unknown exercise ids,
    naming the file and the rule. The validated rulebook is cached between runs.
    """
    path = path or bundled_dir("rules")
    files = rule_files(path)
    if not files:
        raise DataFileError(f"{path}: no rule files (*.yaml) found")
    baseline, review_baseline = (
        _beside(path, BASELINE_FILE),
        _beside(path, REVIEW_BASELINE_FILE),
    )

    key: list[KeyPart] = [
        *files,
        baseline,
        review_baseline,
        *source_of(answers, catalog_module, conditions),
        Path(answers.__file__).with_name("progress.py"),  # the review facts, not imported
        Path(__file__),
        "\n".join(e.id for e in catalog),
    ]
    return cached(
        "rules", key, lambda: _read(files, (baseline, review_baseline), catalog), kind=Rulebook
    )


def _beside(path: Path, name: str) -> Path:
    """The baseline file `name` beside the rule files, else the bundled one."""
    found = (path if path.is_dir() else path.parent) / name
    return found if found.is_file() else bundled_dir("rules") / name


def _read(files: list[Path], baselines: tuple[Path, Path], catalog: Catalog) -> Rulebook:
    # Each section's list holds its own kind of rule (SECTIONS), read by name.
    collected: dict[str, list[Any]] = {section: [] for section in SECTIONS}
    origin: dict[str, Path] = {}
    for file in files:
        raw = read_yaml(file)
        if not isinstance(raw, dict):
            raise DataFileError(f"{file}: expected a mapping of rule lists ({', '.join(SECTIONS)})")
        unknown = sorted(set(raw) - set(SECTIONS))
        if unknown:
            raise DataFileError(
                f"{file}: unknown section {unknown[0]!r} (known: {', '.join(SECTIONS)})"
            )
        for section, items in raw.items():
            if not isinstance(items, list):
                raise DataFileError(f"{file}: {section} must be a list of rules")
            for index, item in enumerate(items):
                rule = _validate_rule(file, section, index, item)
                if rule.id in origin:
                    raise DataFileError(
                        f"{file}: rule {rule.id}: id already used in {origin[rule.id]}"
                    )
                origin[rule.id] = file
                _check_exercise_ids(file, rule, catalog)
                collected[section].append(rule)
    return Rulebook(
        red_flags=tuple(collected["red_flags"]),
        withhold=tuple(collected["withhold"]),
        filters=tuple(collected["filters"]),
        notes=tuple(collected["notes"]),
        baseline=_read_baseline(baselines[0]),
        origin=origin,
        adapt=tuple(collected["adapt"]),
        review_baseline=_read_review_baseline(baselines[1]),
    )


def _validate_rule(file: Path, section: str, index: int, item: Any) -> AnyRule:
    label = item.get("id") if isinstance(item, dict) else None
    label = label if isinstance(label, str) else f"{section}[{index}]"
    try:
        return validate(SECTIONS[section], item)
    except ValidationError as exc:
        raise DataFileError(f"{file}: rule {label}: {'; '.join(problems(exc))}") from None
    except TypeError as exc:
        raise DataFileError(f"{file}: rule {label}: {exc}") from None


def _check_exercise_ids(file: Path, rule: AnyRule, catalog: Catalog) -> None:
    for example in rule.examples:
        for exercise_id in example.named_exercises():
            if exercise_id not in catalog:
                raise DataFileError(
                    f"{file}: rule {rule.id}: example {example.name!r} names unknown "
                    f"exercise {exercise_id!r}"
                )


def _read_baseline(path: Path) -> dict[str, Any]:
    raw = read_yaml(path)
    try:
        validate(Answers, raw)
    except (ValidationError, TypeError) as exc:
        detail = "; ".join(problems(exc)) if isinstance(exc, ValidationError) else str(exc)
        raise DataFileError(f"{path}: the baseline answers are not valid: {detail}") from None
    baseline: dict[str, Any] = raw  # valid answers: a mapping
    return baseline


def _read_review_baseline(path: Path) -> dict[str, Any]:
    """The good week adaptation examples start from: every review fact, in range."""
    raw = read_yaml(path)
    problems = []
    for name, spec in _review_fields().items():
        value = get_path(raw, name) if isinstance(raw, dict) else None
        if spec.kind == "number":
            ok = isinstance(value, int) and not isinstance(value, bool)
            ok = ok and spec.minimum <= value <= spec.maximum
        elif spec.kind == "yes_no":
            ok = isinstance(value, bool)
        else:
            ok = value in spec.choices
        if not ok:
            problems.append(f"{name} is missing or out of range")
    if problems:
        raise DataFileError(f"{path}: the baseline week is not valid: {'; '.join(problems)}")
    week: dict[str, Any] = raw  # every field found in it: a mapping
    return week
