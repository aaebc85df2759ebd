"""The condition language of the rule files: parsed, checked and described, never run.

A condition is data a clinician can read:

    all:
      - history.cancer: true
      - any:
          - pain_areas: {includes_any: [neck, upper_back, mid_back]}
          - pain_intensity: {at_least: 8}

A test is a one-key mapping from a dotted answer path to either a value (equality) or
a one-key mapping {operator: operand}. `all` and `any` combine tests, and so does a
count, for warning signs that matter when several add up:

    at_least: 2
    of:
      - history.cancer: true
      - red_flags.night_pain: true
      - red_flags.fever: true

Strings are never evaluated as code; the rule engines read the parsed tree below.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple, Optional, Union

from recommender.core.answers import AnswerField, answer_fields
from recommender.core.paths import MISSING, get_path

#: operator -> (answer kinds it applies to, wording used by `describe`)
OPERATORS: dict[str, tuple[frozenset[str], str]] = {
    "is": (frozenset({"yes_no", "number", "choice"}), "is"),
    "is_not": (frozenset({"yes_no", "number", "choice"}), "is not"),
    "one_of": (frozenset({"choice"}), "is one of"),
    "at_least": (frozenset({"number"}), "is at least"),
    "at_most": (frozenset({"number"}), "is at most"),
    "below": (frozenset({"number"}), "is below"),
    "above": (frozenset({"number"}), "is above"),
    "includes_any": (frozenset({"choices"}), "includes any of"),
}


class Test(NamedTuple):
    """One comparison of an answer with a value from the rule file."""

    field: str
    op: str
    value: Any  # bool, int, str, or a tuple of str for one_of / includes_any


class All(NamedTuple):
    items: tuple[Condition, ...]


class AnyOf(NamedTuple):
    items: tuple[Condition, ...]


class AtLeast(NamedTuple):
    """Holds when at least `minimum` of `items` hold."""

    minimum: int
    items: tuple[Condition, ...]


Condition = Union[Test, All, AnyOf, AtLeast]

#: The most combinations a count may stand for. durable-rules has no counting, so a count
#: becomes several engine rules, never more than this (see engines/durable_engine.py).
MAX_COUNT_COMBINATIONS = 256


class ConditionError(ValueError):
    """A condition in a rule file is malformed; the message says where and why."""


Fields = Mapping[str, AnswerField]


def parse(raw: Any, where: str = "when", known: Optional[Fields] = None) -> Condition:
    """Turn the YAML form of a condition into a checked tree.

    `known` is what the condition may test: the answers (the default), or another set
    of facts described the same way, such as a week of tracked progress
    (core/progress.py), so that adaptation rules share this one language.
    """
    known = answer_fields() if known is None else known
    if isinstance(raw, dict) and set(raw) == {"at_least", "of"}:
        return _parse_count(raw["at_least"], raw["of"], where, known)
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ConditionError(
            f"{where}: expected a mapping with exactly one key (all, any, or an answer "
            f"such as red_flags.fever), got {_show(raw)}"
        )
    ((key, value),) = raw.items()
    if key in ("at_least", "of"):
        raise ConditionError(f"{where}: a count needs both 'at_least: N' and 'of:' a list")
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise ConditionError(f"{where}.{key}: expected a non-empty list of conditions")
        items = tuple(parse(item, f"{where}.{key}[{i}]", known) for i, item in enumerate(value))
        return All(items) if key == "all" else AnyOf(items)
    return _parse_test(str(key), value, where, known)


def _parse_count(count: Any, raw_items: Any, where: str, known: Fields) -> AtLeast:
    if not isinstance(raw_items, list) or len(raw_items) < 2:
        raise ConditionError(f"{where}.of: expected a list of two or more conditions")
    items = tuple(parse(item, f"{where}.of[{i}]", known) for i, item in enumerate(raw_items))
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= len(items):
        raise ConditionError(
            f"{where}.at_least: expected a whole number from 1 to {len(items)}, got {_show(count)}"
        )
    if math.comb(len(items), count) > MAX_COUNT_COMBINATIONS:
        raise ConditionError(
            f"{where}: at least {count} of {len(items)} is too many combinations "
            f"(at most {MAX_COUNT_COMBINATIONS})"
        )
    return AtLeast(count, items)


def _parse_test(path: str, raw: Any, where: str, known: Fields) -> Test:
    field = known.get(path)
    if field is None:
        raise ConditionError(f"{where}: unknown answer {path!r}")
    if isinstance(raw, dict):
        if len(raw) != 1:
            raise ConditionError(f"{where}.{path}: expected one operator, got {_show(raw)}")
        ((op, operand),) = raw.items()
    else:
        op, operand = "is", raw
    if op not in OPERATORS:
        raise ConditionError(
            f"{where}.{path}: unknown operator {op!r} (known: {', '.join(OPERATORS)})"
        )
    kinds, _ = OPERATORS[op]
    if field.kind not in kinds:
        raise ConditionError(f"{where}.{path}: {op!r} does not apply to a {field.kind} answer")
    return Test(path, op, _check_operand(field, op, operand, f"{where}.{path}"))


def _check_operand(field: AnswerField, op: str, operand: Any, where: str) -> Any:
    if op in ("one_of", "includes_any"):
        if not isinstance(operand, list) or not operand:
            raise ConditionError(f"{where}: {op} needs a non-empty list")
        for value in operand:
            if value not in field.choices:
                raise ConditionError(
                    f"{where}: {value!r} is not an allowed value ({', '.join(field.choices)})"
                )
        return tuple(operand)
    if field.kind == "yes_no":
        if not isinstance(operand, bool):
            raise ConditionError(f"{where}: expected true or false, got {_show(operand)}")
    elif field.kind == "number":
        if isinstance(operand, bool) or not isinstance(operand, int):
            raise ConditionError(f"{where}: expected a whole number, got {_show(operand)}")
        low, high = field.minimum, field.maximum
        assert low is not None and high is not None
        if not low - 1 <= operand <= high + 1:
            raise ConditionError(f"{where}: {operand} is outside the answer's range {low}-{high}")
    elif operand not in field.choices:
        raise ConditionError(
            f"{where}: {_show(operand)} is not an allowed value ({', '.join(field.choices)})"
        )
    return operand


def fields(condition: Condition) -> set[str]:
    """The dotted answer paths a condition reads."""
    if isinstance(condition, Test):
        return {condition.field}
    return set().union(*(fields(item) for item in condition.items))


def describe(condition: Condition) -> str:
    """The condition in words, for `explain` and `rules list`."""
    if isinstance(condition, Test):
        words = OPERATORS[condition.op][1]
        return f"{condition.field} {words} {_value_words(condition.value)}"
    parts = [
        f"({describe(item)})" if isinstance(item, (All, AnyOf, AtLeast)) else describe(item)
        for item in condition.items
    ]
    if isinstance(condition, AtLeast):
        return f"at least {condition.minimum} of: {'; '.join(parts)}"
    joiner = " and " if isinstance(condition, All) else " or "
    return joiner.join(parts)


def _value_words(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def holds(condition: Condition, answers: Mapping[str, Any]) -> bool | None:
    """Whether `condition` holds for `answers` (plain data), read directly in Python.

    Answers may be incomplete, as during the intake: then the result is None when the
    missing answers could still decide it either way (three-valued logic: `all` is
    false as soon as one part is false, `any` true as soon as one part is true).
    """
    # Tests first: most of a tree's nodes are tests (benchmarks/bench.py (b)).
    if isinstance(condition, Test):
        value = get_path(answers, condition.field)
        if value is MISSING:
            return None
        return _compare(condition.op, value, condition.value)
    if isinstance(condition, AtLeast):
        results = [holds(item, answers) for item in condition.items]
        if results.count(True) >= condition.minimum:
            return True
        if results.count(True) + results.count(None) < condition.minimum:
            return False
        return None
    results = [holds(item, answers) for item in condition.items]
    decisive, other = (False, True) if isinstance(condition, All) else (True, False)
    if decisive in results:
        return decisive
    return None if None in results else other


def _compare(op: str, value: Any, operand: Any) -> bool:
    holds: bool  # what the answers' own comparison gives (typed Any)
    if op == "is":
        holds = value == operand
        return holds
    if op == "is_not":
        holds = value != operand
        return holds
    if op == "one_of":
        return value in operand
    if op == "at_least":
        holds = value >= operand
        return holds
    if op == "at_most":
        holds = value <= operand
        return holds
    if op == "below":
        holds = value < operand
        return holds
    if op == "above":
        holds = value > operand
        return holds
    if op == "includes_any":
        return any(item in value for item in operand)
    raise ValueError(f"unknown operator {op!r}")
