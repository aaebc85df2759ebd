"""The adaptation rules (rules/adapt.yaml): every example in both engines, and the two
engines agreeing on any week."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recommender.core.progress import NEXT_MORNING, OUTCOMES, RESCREEN
from recommender.pipeline.examples import Case, cases, run_case
from recommender.pipeline.recommend import Recommender
from recommender.rulebook.engines import create_engine, durable_available
from recommender.rulebook.rules import AdaptRule

ENGINES = [
    "reference",
    pytest.param(
        "durable",
        marks=pytest.mark.skipif(
            not durable_available(), reason="durable-rules does not build on this Python"
        ),
    ),
]
_BOOK = Recommender.load(engine="reference")
ADAPT_CASES = [c for c in cases(_BOOK) if isinstance(c.rule, AdaptRule)]


def test_each_outcome_has_a_rule_with_both_kinds_of_example() -> None:
    outcomes = {case.rule.outcome for case in ADAPT_CASES if isinstance(case.rule, AdaptRule)}
    assert outcomes == {
        "stop", "step_back", "hold", "adherence", "progress", "review",
        "easier", "swap", "leave_out", "harder",
    }  # fmt: skip
    for rule in _BOOK.rulebook.adapt:
        assert {e.fires for e in rule.examples} == {True, False}, rule.id


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", ADAPT_CASES, ids=[c.id for c in ADAPT_CASES])
def test_adaptation_example(engine: str, case: Case) -> None:
    recommender = Recommender.load(engine=engine)
    assert recommender.adapt_engine.name == engine
    outcome = run_case(recommender, case)
    assert outcome.passed, f"{case.id} ({engine}): {'; '.join(outcome.problems)}"


def test_an_example_that_lies_is_caught() -> None:
    case = next(c for c in ADAPT_CASES if c.rule.id == "AD-HOLD" and c.example.fires)
    lying = Case(
        case.rule, type(case.example)(name="lie", fires=False, given=case.example.given), "x"
    )
    assert not run_case(_BOOK, lying).passed


def _week() -> st.SearchStrategy[dict[str, Any]]:
    def period() -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries(
            {
                "sessions_done_percent": st.integers(0, 100),
                "exercise_pain_max": st.integers(0, 10),
                "next_morning": st.sampled_from(NEXT_MORNING),
                "usual_pain": st.integers(0, 10),
                "pain_limit": st.integers(5, 10),
                "over_limit": st.booleans(),
                "hurt_named": st.booleans(),
            }
        )

    return st.fixed_dictionaries(
        {
            "week": st.integers(1, 52),
            "rescreen": st.sampled_from(RESCREEN),
            "usual_pain_change": st.integers(-10, 10),
            "improvement_points": st.integers(-10, 10),
            "improvement_percent": st.integers(-1000, 100),
            "this_week": period(),
            "last_week": period(),
            "exercise": st.fixed_dictionaries(
                {
                    name: st.booleans()
                    for name in (
                        "hurt",
                        "too_easy",
                        "easier_safe",
                        "harder_safe",
                        "alternative_safe",
                    )
                }  # fmt: skip
            ),
        }
    )


@pytest.mark.skipif(not durable_available(), reason="durable-rules does not build here")
@given(_week())
def test_both_engines_agree_on_any_week(week: dict[str, Any]) -> None:
    conditions = _BOOK.rulebook.adapt_conditions()
    durable = _DURABLE.setdefault("engine", create_engine(conditions, "durable"))
    reference = _DURABLE.setdefault("reference", create_engine(conditions, "reference"))
    assert durable.evaluate(week) == reference.evaluate(week)


_DURABLE: dict[str, Any] = {}


@given(_week())
def test_no_week_is_left_undecided(week: dict[str, Any]) -> None:
    """The strongest-first order needs at least one dose rule to fire for any week
    (AD-PROGRESS is exactly the complement of the others)."""
    engine = _DURABLE.setdefault(
        "reference", create_engine(_BOOK.rulebook.adapt_conditions(), "reference")
    )
    dose_rules = {r.id for r in _BOOK.rulebook.adapt if r.outcome in OUTCOMES}
    assert engine.evaluate(week) & dose_rules


def test_the_rule_files_outcomes_are_the_ones_adaptation_orders() -> None:
    from typing import get_args

    from recommender.core.progress import ADVISORY, EXERCISE_OUTCOMES
    from recommender.rulebook.rules import Outcome

    assert set(get_args(Outcome)) == set(OUTCOMES) | set(ADVISORY) | set(EXERCISE_OUTCOMES)
