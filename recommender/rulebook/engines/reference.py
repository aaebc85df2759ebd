"""The reference evaluator: the rule semantics read directly in plain Python.

It shares the rule files and the answers model with the durable-rules engine and
nothing of its compiler, so the two are independent implementations of the same
rules. The test suite runs both over many thousands of answers and requires them to
agree exactly; where durable-rules cannot be installed (Python 3.13 and newer), this
one does the work on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recommender.rulebook.conditions import Condition, holds


class ReferenceEngine:
    """RuleEngine that evaluates each condition tree directly."""

    name = "reference"

    def __init__(self, conditions: Mapping[str, Condition]) -> None:
        self._conditions = tuple(conditions.items())

    def evaluate(self, answers: Mapping[str, Any]) -> frozenset[str]:
        facts = dict(answers)
        # Complete answers leave no condition undecided: only a plain True fires.
        return frozenset(
            name for name, condition in self._conditions if holds(condition, facts) is True
        )
