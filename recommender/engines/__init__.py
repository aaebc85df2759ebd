"""Rule engines: they decide which conditions of the rulebook hold for one person.

The rest of backplan sees only `RuleEngine`: give it the answers (as plain data) and
it returns the names of the conditions that hold. Which engine does the work is chosen
here, and only the module of that engine knows how it works inside.
"""

from __future__ import annotations

from typing import Mapping, Protocol

from ..conditions import Condition


class RuleEngine(Protocol):
    """Evaluates a fixed set of named conditions against one person's answers."""

    name: str

    def evaluate(self, answers: Mapping) -> frozenset[str]:
        """The names of the conditions that hold for `answers` (Answers.fact() form)."""
        ...


def create_engine(conditions: Mapping[str, Condition], kind: str = "durable") -> RuleEngine:
    """Compile `conditions` into an engine of the given kind, ready for many evaluations."""
    if kind == "durable":
        from .durable_engine import DurableEngine

        return DurableEngine(conditions)
    raise ValueError(f"unknown rule engine {kind!r}")
