"""Differential safety test: durable-rules and the reference evaluator must agree.

Both engines read the same rule files; they must find the same conditions holding on
every rule example, every public example, and more than 10,000 generated answers that
also cover the corners (every red flag alone and in pairs, boundary ages and pain
levels). The engine's only output is that set of condition names: everything after it
(triage, filters, the plan, the words) is one shared function of the answers and the set,
so the same set means the same result, and comparing sets spares rendering two whole
results per answers file. A disagreement fails with the smallest answers file that
still shows it, both engines' conditions and both full results.
"""

from __future__ import annotations

import copy
import itertools
import json
import random
from typing import Any

import pytest
from hypothesis import given, settings

from recommender.inputs.answers_file import validate_answers
from recommender.inputs.samples import sample_answers
from recommender.pipeline.examples import cases
from recommender.pipeline.examples import example_answers as rule_example_answers
from recommender.pipeline.recommend import Recommender
from recommender.rulebook.engines import durable_available
from recommender.rulebook.rules import AdaptRule

from conftest import example_answers, example_names
from support.strategies import AREAS, HISTORY, OUTLOOK, RED_FLAGS, answers

pytestmark = pytest.mark.skipif(
    not durable_available(), reason="durable-rules is not installed on this Python"
)

if durable_available():
    DURABLE = Recommender.load(engine="durable")
    REFERENCE = Recommender(
        DURABLE.catalog, DURABLE.rulebook, Recommender.load(engine="reference").engine
    )
    BASELINE = DURABLE.rulebook.baseline


def _result(recommender: Recommender, raw: dict[str, Any]) -> str:
    result = recommender.recommend(validate_answers(raw))
    return json.dumps(result.to_dict(), ensure_ascii=False)


def _held(recommender: Recommender, raw: dict[str, Any]) -> frozenset[str]:
    """The names of the conditions that hold for `raw`, by this recommender's engine."""
    return recommender.engine.evaluate(validate_answers(raw).fact())


def _disagree(raw: dict[str, Any]) -> bool:
    return _held(DURABLE, raw) != _held(REFERENCE, raw)


def _smallest(raw: dict[str, Any]) -> dict[str, Any]:
    """Reset answers to the baseline one at a time while the disagreement remains."""
    current = copy.deepcopy(raw)
    for key in list(current):
        if key in ("red_flags", "history", "outlook"):
            for flag in current[key]:
                trial = copy.deepcopy(current)
                trial[key][flag] = BASELINE[key][flag]
                if _disagree(trial):
                    current = trial
        elif key in BASELINE:
            trial = dict(current, **{key: BASELINE[key]})
            if _disagree(trial):
                current = trial
        else:
            trial = {k: v for k, v in current.items() if k != key}
            if _disagree(trial):
                current = trial
    return current


def _check(raw: dict[str, Any]) -> None:
    if _disagree(raw):
        smallest = _smallest(raw)
        durable, reference = _held(DURABLE, smallest), _held(REFERENCE, smallest)
        pytest.fail(
            "the engines disagree; smallest answers file:\n"
            + json.dumps(smallest, indent=2)
            + f"\nonly durable finds: {sorted(durable - reference)}"
            + f"\nonly reference finds: {sorted(reference - durable)}"
            + "\ndurable:   "
            + _result(DURABLE, smallest)
            + "\nreference: "
            + _result(REFERENCE, smallest)
        )


def _with(**changes: object) -> dict[str, Any]:
    raw = copy.deepcopy(BASELINE)
    for path, value in changes.items():
        section, _, leaf = path.partition("__")
        if leaf:
            raw[section][leaf] = value
        else:
            raw[section] = value
    return raw


def _grid(**axes: list[object]) -> list[dict[str, Any]]:
    """The baseline with every combination of the given answers (one list per key)."""
    combinations = itertools.product(*axes.values())
    return [_with(**dict(zip(axes, values, strict=True))) for values in combinations]


def corner_cases() -> list[dict[str, Any]]:
    corners = [copy.deepcopy(BASELINE)]
    flags = [f"red_flags__{k}" for k in RED_FLAGS] + [f"history__{k}" for k in HISTORY]
    flags += [f"outlook__{k}" for k in OUTLOOK]
    corners += [_with(**{f: True}) for f in flags]
    corners += [_with(**{a: True, b: True}) for a, b in itertools.combinations(flags, 2)]
    corners += _grid(
        age=[1, 17, 18, 19, 20, 44, 45, 49, 50, 55, 56, 64, 65, 69, 70, 120],
        pain_duration=["under_6_weeks", "6_to_12_weeks", "over_12_weeks"],
        pain_trend=["improving", "unchanged", "worsening"],
        onset=["gradual", "sudden", "minor_injury", "major_injury"],
        red_flags__morning_stiffness=[False, True],
    )
    for intensity, cancer, n in itertools.product(range(11), [False, True], range(1, 32)):
        areas = [a for i, a in enumerate(AREAS) if n >> i & 1]
        corners.append(_with(pain_intensity=intensity, history__cancer=cancer, pain_areas=areas))
    # Every mix of the warning signs that add up (RF-COMBINED), new and old pain.
    signs = [
        "history__cancer",
        "red_flags__unexplained_weight_loss",
        "red_flags__night_pain",
        "red_flags__fever",
        "history__immunosuppressed",
        "history__injects_drugs",
        "history__long_term_steroids",
    ]
    durations = ["under_6_weeks", "over_12_weeks"]
    for n, duration in itertools.product(range(1 << len(signs)), durations):
        chosen = {sign: True for i, sign in enumerate(signs) if n >> i & 1}
        corners.append(_with(pain_duration=duration, **chosen))
    # Neck pain after a knock, and tummy pain, around their age limits.
    corners += _grid(
        age=[49, 50, 64, 65, 70],
        pain_areas=[["neck"], ["lower_back"], ["neck", "lower_back"]],
        onset=["gradual", "sudden", "minor_injury"],
        red_flags__limb_pain_or_tingling=[False, True],
        red_flags__abdominal_or_pulsing_pain=[False, True],
    )
    for pregnancy in ("no", "first_trimester", "later_trimester", "postnatal"):
        corners.append(_with(pregnancy=pregnancy))
    # Version 3: every count of the outlook answers (YF-OUTLOOK is 3 of 5)...
    outlook = [f"outlook__{k}" for k in OUTLOOK]
    for n in range(1 << len(outlook)):
        corners.append(_with(**{key: True for i, key in enumerate(outlook) if n >> i & 1}))
    # ...a major injury by time, age and limb symptoms (RF-TRAUMA and its split)...
    corners += _grid(
        age=[34, 64, 65, 66],
        pain_duration=["under_6_weeks", "6_to_12_weeks", "over_12_weeks"],
        onset=["major_injury", "minor_injury", "sudden"],
        red_flags__limb_pain_or_tingling=[False, True],
        red_flags__clumsy_hands_or_unsteady_walking=[False, True],
        history__fragility_fracture=[False, True],
    )
    # ...inflammatory back pain by the age at onset, and the signs of it...
    corners += _grid(
        age=[30, 44, 45, 46, 60],
        pain_duration=["6_to_12_weeks", "over_12_weeks"],
        history__pain_began_before_45=[False, True],
        red_flags__morning_stiffness=[False, True],
        red_flags__inflammatory_signs=[False, True],
        history__spa_related_condition=[False, True],
    )
    # ...and the questions that count only from 50.
    corners += _grid(
        age=[49, 50, 74],
        red_flags__gca_signs=[False, True],
        red_flags__girdle_stiffness=[False, True],
        red_flags__walking_leg_pain=[False, True],
        red_flags__both_legs_symptoms=[False, True],
    )
    return corners


def test_engines_agree_on_every_rule_example() -> None:
    for case in cases(DURABLE):
        if isinstance(case.rule, AdaptRule):
            # An adaptation example is a week, not answers: the two adaptation engines
            # must agree on it (tests/tracking/test_adapt_rules.py goes further).
            week = rule_example_answers(DURABLE.rulebook.review_baseline, case.example.given)
            assert DURABLE.adapt_engine.evaluate(week) == REFERENCE.adapt_engine.evaluate(week)
            continue
        _check(rule_example_answers(BASELINE, case.example.given))


@pytest.mark.parametrize("name", example_names())
def test_engines_agree_on_the_public_examples(name: str) -> None:
    _check(example_answers(name))


@pytest.mark.slow
def test_engines_agree_on_more_than_ten_thousand_answers() -> None:
    corners = corner_cases()
    rng = random.Random(5)
    generated = [
        sample_answers(rng, red_flag_rate=rng.choice([0.0, 0.05, 0.2, 0.5])) for _ in range(10_000)
    ]
    for raw in corners + generated:
        _check(raw)
    assert len(corners) + len(generated) > 10_000 + 1000


@pytest.mark.slow
@settings(max_examples=300)
@given(answers())
def test_engines_agree_on_hypothesis_answers(raw: dict[str, Any]) -> None:
    _check(raw)
