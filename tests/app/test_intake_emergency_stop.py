"""The intake's emergency stop decides emergency rules on partial answers, with the
three-valued reading of conditions (conditions.holds). Neither engine can read partial
answers, so this third reading is held to both: on complete answers it agrees with each
engine exactly, and on any partial answers a decided True or False is never
contradicted by the complete answers that follow."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from recommender.core.paths import MISSING, get_path, set_path
from recommender.inputs.answers_file import validate_answers
from recommender.inputs.questionnaire import load_questionnaire
from recommender.inputs.samples import sample_answers
from recommender.pipeline.recommend import Recommender
from recommender.rulebook.conditions import Condition, holds
from recommender.rulebook.engines import ENGINES, create_engine, durable_available

RECOMMENDER = Recommender.load(engine="reference")
EMERGENCY = [r for r in RECOMMENDER.rulebook.red_flags if r.level == "emergency"]
# Every red-flag rule has a condition (only some rule kinds may go without one).
assert all(r.condition is not None for r in EMERGENCY)
CONDITIONS: dict[str, Condition] = {r.id: r.condition for r in EMERGENCY if r.condition}
ORDER = [q.key for q in load_questionnaire().questions]


def _answers(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        validate_answers(sample_answers(rng, red_flag_rate=rng.choice([0.05, 0.2, 0.5]))).fact()
        for _ in range(count)
    ]


def _partial(facts: dict[str, Any], asked: int) -> dict[str, Any]:
    """The answers as the intake holds them after the first `asked` questions."""
    partial: dict[str, Any] = {}
    for key in ORDER[:asked]:
        value = get_path(facts, key)
        if value is not MISSING:
            set_path(partial, key, value)
    return partial


@pytest.mark.parametrize("engine", ENGINES)
def test_on_complete_answers_the_stop_agrees_with_each_engine(engine: str) -> None:
    if engine == "durable" and not durable_available():
        pytest.skip("durable-rules is not installed on this Python")
    compiled = create_engine(CONDITIONS, engine)
    for facts in _answers(3000, seed=11):
        by_stop = {i for i, c in CONDITIONS.items() if holds(c, facts) is True}
        assert by_stop == set(compiled.evaluate(facts)), facts


def test_a_decision_on_partial_answers_is_never_contradicted_later() -> None:
    decided = 0
    for facts in _answers(400, seed=12):
        complete = {i for i, c in CONDITIONS.items() if holds(c, facts) is True}
        for asked in range(len(ORDER) + 1):
            partial = _partial(copy.deepcopy(facts), asked)
            for rule_id, condition in CONDITIONS.items():
                verdict = holds(condition, partial)
                if verdict is not None:
                    decided += 1
                    assert verdict == (rule_id in complete), (rule_id, asked)
    assert decided > 10_000  # the stop really does decide early, often
