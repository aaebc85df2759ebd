"""The rules in `rules/`: their models, loading and validation.

Four kinds of rule, each a list under its own key in any `rules/*.yaml` file:

- `red_flags` (RF-...): a condition on the answers and a triage level (SPEC section 3);
- `withhold` (WH-...): when no plan is given, whatever the level;
- `filters` (EX-...): which exercises a person must not be given (SPEC section 5);
- `notes` (NOTE-...): advice shown with every result it applies to.

Every rule carries its source and examples that must fire and examples that must stay
silent; `backplan rules check` and the test suite run them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from . import conditions
from .answers import Answers, answer_fields
from .catalog import Catalog, Kind, Position, Tag
from .datafiles import bundled_dir, read_yaml
from .errors import DataFileError

Level = Literal["none", "soon", "urgent", "emergency"]
LEVELS: tuple[str, ...] = ("none", "soon", "urgent", "emergency")
RANK = {level: rank for rank, level in enumerate(LEVELS)}

#: The answers file that rule examples start from; each example changes a few answers.
BASELINE_FILE = "baseline.yaml"

_CLOSED = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Example(BaseModel):
    """Answers (the baseline with `given` changed) and what the rule must do with them."""

    model_config = _CLOSED

    name: str = Field(min_length=1)
    given: dict[str, Any] = Field(default_factory=dict)
    fires: bool
    excludes: list[str] = Field(default_factory=list)
    keeps: list[str] = Field(default_factory=list)

    @field_validator("given")
    @classmethod
    def _known_answers(cls, given: dict[str, Any]) -> dict[str, Any]:
        known = set(answer_fields()) | set(Answers.model_fields)
        unknown = sorted(set(given) - known)
        if unknown:
            raise ValueError(f"unknown answer keys {unknown}")
        return given


def _condition(raw: Any) -> Optional[conditions.Condition]:
    if raw is None or isinstance(raw, (conditions.Test, conditions.All, conditions.AnyOf)):
        return raw
    return conditions.parse(raw)


#: A condition in a rule file, parsed into a checked tree as the rule is validated.
When = Annotated[Any, BeforeValidator(_condition)]


class _Rule(BaseModel):
    model_config = _CLOSED

    id: str
    title: str = Field(min_length=1)
    source: str = Field(min_length=1)

    examples: list[Example] = Field(min_length=1)

    @property
    def always(self) -> bool:
        """True for a rule with no condition at all, which can never stay silent."""
        return False

    @model_validator(mode="after")
    def _examples_both_ways(self) -> "_Rule":
        # A rule that is never shown firing, or never shown silent, is untested.
        outcomes = {example.fires for example in self.examples}
        needed = {True} if self.always else {True, False}
        if outcomes != needed:
            raise ValueError(
                "needs examples that fire only (it has no condition)"
                if self.always
                else "needs at least one example that fires and one that stays silent"
            )
        return self


class RedFlagRule(_Rule):
    """A red flag: when it fires, the person is sent to a clinician at `level`."""

    id: str = Field(pattern=r"^RF-[A-Z0-9-]+$")
    level: Literal["soon", "urgent", "emergency"]
    suspected: str = Field(min_length=1)
    advice: str = Field(min_length=1)
    when: When


class EligibilityCheck(BaseModel):
    """Withhold the plan when too little passes the safety filters."""

    model_config = _CLOSED

    fewer_than: int = Field(ge=1)
    lacking_kinds: list[Kind] = Field(min_length=1)


class WithholdRule(_Rule):
    """Withholds the plan whatever the triage level."""

    id: str = Field(pattern=r"^WH-[A-Z0-9-]+$")
    reason: str = Field(min_length=1)
    when: When = None
    when_eligible: Optional[EligibilityCheck] = None

    @model_validator(mode="after")
    def _one_trigger(self) -> "WithholdRule":
        if (self.when is None) == (self.when_eligible is None):
            raise ValueError("give exactly one of 'when' and 'when_eligible'")
        return self


class Exclusion(BaseModel):
    """Which exercises a filter case removes; at least one criterion."""

    model_config = _CLOSED

    positions: list[Position] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)
    level_above: Optional[int] = Field(default=None, ge=1, le=2)
    missing_equipment: bool = False
    outside_pain_areas: bool = False

    @model_validator(mode="after")
    def _some_criterion(self) -> "Exclusion":
        if not (
            self.positions
            or self.tags
            or self.level_above
            or self.missing_equipment
            or self.outside_pain_areas
        ):
            raise ValueError("an exclusion needs at least one criterion")
        return self


class FilterCase(BaseModel):
    """One way a filter applies. With no `when` it applies to everyone."""

    model_config = _CLOSED

    when: When = None
    when_triage: Optional[Literal["soon", "urgent", "emergency"]] = Field(
        default=None, description="applies when the triage level is this one or higher"
    )
    excludes: Exclusion
    reason: str = Field(min_length=1)


class FilterRule(_Rule):
    """A safety filter over the exercise catalog."""

    id: str = Field(pattern=r"^EX-[A-Z0-9-]+$")
    cases: list[FilterCase] = Field(min_length=1)


class NoteRule(_Rule):
    """Advice shown beside the result; changes nothing else. No `when`: always shown."""

    id: str = Field(pattern=r"^NOTE-[A-Z0-9-]+$")
    text: str = Field(min_length=1)
    when: When = None

    @property
    def always(self) -> bool:
        return self.when is None


class RuleFile(BaseModel):
    model_config = _CLOSED

    red_flags: list[RedFlagRule] = Field(default_factory=list)
    withhold: list[WithholdRule] = Field(default_factory=list)
    filters: list[FilterRule] = Field(default_factory=list)
    notes: list[NoteRule] = Field(default_factory=list)


AnyRule = RedFlagRule | WithholdRule | FilterRule | NoteRule


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
    baseline: dict
    origin: dict[str, Path]  # rule id -> file it came from

    @property
    def rules(self) -> tuple[AnyRule, ...]:
        return (*self.red_flags, *self.withhold, *self.filters, *self.notes)

    def conditions(self) -> dict[str, conditions.Condition]:
        """Every condition on the answers, keyed by the name the engines report it by."""
        found: dict[str, conditions.Condition] = {}
        for rule in (*self.red_flags, *self.withhold, *self.notes):
            if rule.when is not None:
                found[rule.id] = rule.when
        for rule in self.filters:
            for index, case in enumerate(rule.cases):
                if case.when is not None:
                    found[case_key(rule, index)] = case.when
        return found


def load_rulebook(catalog: Catalog, path: Optional[Path] = None) -> Rulebook:
    """Read and validate every rule file in `path` (a directory or one file).

    Refuses unknown keys, duplicate ids, unknown answer keys and unknown exercise ids,
    naming the file and the rule.
    """
    path = path or bundled_dir("rules")
    if path.is_dir():
        files = sorted(p for p in path.glob("*.yaml") if p.name != BASELINE_FILE)
        baseline_path = path / BASELINE_FILE
    else:
        files = [path]
        baseline_path = path.parent / BASELINE_FILE
    if not files:
        raise DataFileError(f"{path}: no rule files (*.yaml) found")
    if not baseline_path.is_file():
        baseline_path = bundled_dir("rules") / BASELINE_FILE
    baseline = _load_baseline(baseline_path)

    collected: dict[str, list] = {"red_flags": [], "withhold": [], "filters": [], "notes": []}
    origin: dict[str, Path] = {}
    for file in files:
        raw = read_yaml(file)
        if not isinstance(raw, dict):
            raise DataFileError(f"{file}: expected a mapping of rule lists ({', '.join(collected)})")
        unknown = sorted(set(raw) - set(collected))
        if unknown:
            raise DataFileError(
                f"{file}: unknown section {unknown[0]!r} (known: {', '.join(collected)})"
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
        baseline=baseline,
        origin=origin,
    )


_SECTION_MODEL = {
    "red_flags": RedFlagRule,
    "withhold": WithholdRule,
    "filters": FilterRule,
    "notes": NoteRule,
}


def _validate_rule(file: Path, section: str, index: int, item: Any) -> AnyRule:
    label = item.get("id") if isinstance(item, dict) else None
    label = label if isinstance(label, str) else f"{section}[{index}]"
    try:
        return _SECTION_MODEL[section].model_validate(item)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'rule'}: {_plain(err)}"
            for err in exc.errors()
        )
        raise DataFileError(f"{file}: rule {label}: {problems}") from None


def _plain(err: Any) -> str:
    # Condition errors arrive wrapped as "Value error, ..."; keep just our words.
    message = str(err["msg"])
    return message.removeprefix("Value error, ")


def _check_exercise_ids(file: Path, rule: AnyRule, catalog: Catalog) -> None:
    for example in rule.examples:
        for exercise_id in (*example.excludes, *example.keeps):
            if exercise_id not in catalog:
                raise DataFileError(
                    f"{file}: rule {rule.id}: example {example.name!r} names unknown "
                    f"exercise {exercise_id!r}"
                )


def _load_baseline(path: Path) -> dict:
    raw = read_yaml(path)
    try:
        Answers.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(f"{path}: the baseline answers are not valid: {exc}") from None
    return raw
