"""The reference evaluator: the rule semantics read directly in plain Python.

It shares the rule files and the answers model with the durable-rules engine and
nothing of its compiler, so the two are independent implementations of the same
rules. The test suite runs both over many thousands of answers and requires them to
agree exactly; where durable-rules cannot be installed (Python 3.13 and newer), this
one does the work on its own.

Each condition tree is turned once into a plain function of the answers (`decider`),
so that an evaluation reads each answer by keys split in advance instead of walking
the tree and splitting dotted paths every time (benchmarks/bench.py (b): the tree walk
took a quarter of a whole evaluation). conditions.holds stays the definition: the
tests check the two against each other.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from recommender.core.paths import MISSING
from recommender.rulebook.conditions import All, AnyOf, Condition, Test

#: A condition, decided for complete answers: true or false.
Decider = Callable[[Mapping[str, Any]], bool]


def _includes_any(value: Any, operand: Any) -> bool:
    return any(item in value for item in operand)


def _one_of(value: Any, operand: Any) -> bool:
    return value in operand


#: Each operator of conditions.OPERATORS as a comparison of the answer with the operand.
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "is": operator.eq,
    "is_not": operator.ne,
    "one_of": _one_of,
    "at_least": operator.ge,
    "at_most": operator.le,
    "below": operator.lt,
    "above": operator.gt,
    "includes_any": _includes_any,
}


class ReferenceEngine:
    """RuleEngine that evaluates each condition as a plain function of the answers."""

    name = "reference"

    def __init__(self, conditions: Mapping[str, Condition]) -> None:
        self._deciders = tuple((name, decider(c)) for name, c in conditions.items())

    def evaluate(self, answers: Mapping[str, Any]) -> frozenset[str]:
        facts = dict(answers)
        return frozenset(name for name, decide in self._deciders if decide(facts))


def decider(condition: Condition) -> Decider:
    """`condition` for complete answers: true exactly where conditions.holds gives True.

    Two values suffice there. holds gives None only where an answer is missing and
    could still decide it; here a missing answer makes its test false. Since no
    condition negates another (all, any and at-least only count what is true), a part
    that is false here is one for which holds does not give True, and so is the whole."""
    if isinstance(condition, Test):
        return _test(condition)
    parts = tuple(decider(item) for item in condition.items)
    if isinstance(condition, All):
        return lambda facts: all(part(facts) for part in parts)
    if isinstance(condition, AnyOf):
        return lambda facts: any(part(facts) for part in parts)
    minimum = condition.minimum
    return lambda facts: sum(part(facts) for part in parts) >= minimum


def _test(test: Test) -> Decider:
    compare, operand = COMPARISONS[test.op], test.value
    first, *rest = test.field.split(".")
    if test.op == "is" and len(rest) == 1:
        # Most tests ask whether one answer of a group (red_flags.fever) is yes or no:
        # MISSING equals no operand, so it needs no check of its own.
        (key,) = rest

        def decide_is(facts: Mapping[str, Any]) -> bool:
            group = facts.get(first)
            # A plain dict is asked first: the Mapping check costs more.
            if not (type(group) is dict or isinstance(group, Mapping)):
                return False
            return bool(group.get(key, MISSING) == operand)

        return decide_is

    def decide(facts: Mapping[str, Any]) -> bool:
        value = facts.get(first, MISSING)
        for key in rest:
            if not (type(value) is dict or isinstance(value, Mapping)) or key not in value:
                return False
            value = value[key]
        return value is not MISSING and compare(value, operand)

    return decide
