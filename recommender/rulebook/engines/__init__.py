"""Rule engines: they decide which conditions of the rulebook hold for one person.

The rest of backplan sees only `RuleEngine`: give it the answers (as plain data) and
it returns the names of the conditions that hold. Which engine does the work is chosen
here, and only the module of that engine knows how it works inside.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib.util import find_spec
from typing import Any, Protocol

from recommender.core.errors import BackplanError
from recommender.rulebook.conditions import Condition


class EngineUnavailable(BackplanError):
    """The engine asked for cannot run here (a usage problem: exit code 2)."""


class RuleEngine(Protocol):
    """Evaluates a fixed set of named conditions against one person's answers."""

    name: str

    def evaluate(self, answers: Mapping[str, Any]) -> frozenset[str]:
        """The names of the conditions that hold for `answers` (Answers.fact() form)."""
        ...


ENGINES = ("durable", "reference")

#: Environment variable that picks the default engine.
ENGINE_VARIABLE = "BACKPLAN_ENGINE"


def durable_available() -> bool:
    """durable-rules is installed (it does not build on Python 3.13 and newer)."""
    return find_spec("durable_rules_engine") is not None  # its engine, in C


def default_engine() -> str:
    """$BACKPLAN_ENGINE if set, else durable-rules where installed, else the reference."""
    chosen = os.environ.get(ENGINE_VARIABLE, "").strip().lower()
    if chosen:
        return chosen
    return "durable" if durable_available() else "reference"


def create_engine(conditions: Mapping[str, Condition], kind: str | None = None) -> RuleEngine:
    """Compile `conditions` into an engine of the given kind, ready for many evaluations."""
    kind = kind or default_engine()
    if kind == "durable":
        if not durable_available():
            raise EngineUnavailable(
                "the durable-rules engine is not installed here (it does not build on Python "
                "3.13 and newer); use --engine reference"
            )
        # lazy: off the path of `backplan --help` (its start-up)
        from recommender.rulebook.engines.durable_engine import DurableEngine

        return DurableEngine(conditions)
    if kind == "reference":
        # lazy: off the path of `backplan --help` (its start-up)
        from recommender.rulebook.engines.reference import ReferenceEngine

        return ReferenceEngine(conditions)
    raise EngineUnavailable(f"unknown rule engine {kind!r} (known: {', '.join(ENGINES)})")
