"""The durable-rules adapter and its traps (SPEC section 8)."""

from __future__ import annotations

import pytest

from recommender.answers_file import validate_answers
from recommender.conditions import parse
from recommender.engines import create_engine
from recommender.errors import EngineError
from recommender.recommend import Recommender

BOOK = Recommender.load()


def test_many_evaluations_never_exhaust_the_sessions():
    # A ruleset keeps at most 1,024 live sessions; each evaluation must free its own.
    facts = validate_answers(BOOK.rulebook.baseline).fact()
    for _ in range(3000):
        assert BOOK.engine.evaluate(facts) == frozenset()


def test_the_same_answers_can_be_evaluated_again():
    facts = validate_answers(dict(BOOK.rulebook.baseline, age=80)).fact()
    first = BOOK.engine.evaluate(facts)
    assert first == BOOK.engine.evaluate(facts)
    assert "RF-AGE-ONSET" in first


def test_every_operator_compiles_and_evaluates():
    conditions = {
        "is": parse({"pain_trend": "worsening"}),
        "is_not": parse({"pregnancy": {"is_not": "no"}}),
        "one_of": parse({"onset": {"one_of": ["sudden", "minor_injury"]}}),
        "at_least": parse({"age": {"at_least": 40}}),
        "at_most": parse({"age": {"at_most": 40}}),
        "below": parse({"pain_intensity": {"below": 3}}),
        "above": parse({"days_per_week": {"above": 2}}),
        "includes_any": parse({"equipment": {"includes_any": ["wall", "doorway"]}}),
        "any/all": parse({"any": [{"all": [{"history.cancer": False}, {"age": 40}]},
                                  {"red_flags.fever": True}]}),
    }
    engine = create_engine(conditions)
    facts = validate_answers(dict(BOOK.rulebook.baseline, onset="sudden")).fact()
    # The baseline: age 40, pain 3, 3 days, chair and wall, improving, not pregnant.
    assert engine.evaluate(facts) == {"one_of", "at_least", "at_most", "above", "includes_any", "any/all"}


def test_an_exception_inside_an_action_is_raised(monkeypatch):
    engine = create_engine({"always": parse({"age": {"at_least": 1}})})

    def broken(closure):
        raise RuntimeError("boom")

    monkeypatch.setitem(engine._host._ruleset_directory["backplan"]._actions, "always",
                        __import__("durable.engine", fromlist=["Promise"]).Promise(broken))
    facts = validate_answers(BOOK.rulebook.baseline).fact()
    with pytest.raises(EngineError, match="boom"):
        engine.evaluate(facts)


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError):
        create_engine({}, "quantum")
