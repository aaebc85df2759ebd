"""The rule engines: the durable-rules adapter and its traps (docs/architecture.md), and
the reference evaluator."""

from __future__ import annotations

from random import Random
from typing import Any, NoReturn

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.core.errors import BackplanError, EngineError
from recommender.inputs.answers_file import validate_answers
from recommender.pipeline.recommend import Recommender
from recommender.rulebook.conditions import holds, parse
from recommender.rulebook.engines import create_engine, durable_available
from recommender.rulebook.engines.reference import decider

from support.strategies import answers

BOOK = Recommender.load()
ENGINES = ["durable", "reference"] if durable_available() else ["reference"]
needs_durable = pytest.mark.skipif(not durable_available(), reason="durable-rules not installed")


@needs_durable
def test_many_evaluations_never_exhaust_the_sessions() -> None:
    # A ruleset keeps at most 1,024 live sessions; each evaluation must free its own.
    facts = validate_answers(BOOK.rulebook.baseline).fact()
    for _ in range(3000):
        # The baseline fires no red flag; only the pain-monitoring note's condition holds.
        assert BOOK.engine.evaluate(facts) == frozenset({"NOTE-PAIN-MONITORING"})


@pytest.mark.parametrize("kind", ENGINES)
def test_the_same_answers_can_be_evaluated_again(kind: str) -> None:
    engine = create_engine(BOOK.rulebook.conditions(), kind)
    facts = validate_answers(dict(BOOK.rulebook.baseline, age=80)).fact()
    first = engine.evaluate(facts)
    assert first == engine.evaluate(facts)
    assert "RF-AGE-ONSET" in first


@pytest.mark.parametrize("kind", ENGINES)
def test_an_evaluation_sees_only_its_own_answers(kind: str) -> None:
    # The durable engine keeps one session for every evaluation: nothing of one
    # person's answers may reach the next person's result.
    flags = dict.fromkeys(BOOK.rulebook.baseline["red_flags"], True)
    alarming = validate_answers(dict(BOOK.rulebook.baseline, age=80, red_flags=flags)).fact()
    calm = validate_answers(BOOK.rulebook.baseline).fact()
    engine = create_engine(BOOK.rulebook.conditions(), kind)
    on_their_own = {
        "alarming": create_engine(BOOK.rulebook.conditions(), kind).evaluate(alarming),
        "calm": create_engine(BOOK.rulebook.conditions(), kind).evaluate(calm),
    }
    assert on_their_own["alarming"] > on_their_own["calm"]
    for name in ["alarming", "calm", "calm", "alarming", "alarming", "calm"]:
        fact = alarming if name == "alarming" else calm
        assert engine.evaluate(fact) == on_their_own[name], name


@needs_durable
def test_the_durable_session_holds_no_fact_between_evaluations() -> None:
    import durable_rules_engine

    from recommender.rulebook.engines.durable_engine import DurableEngine

    engine = create_engine(BOOK.rulebook.conditions(), "durable")
    assert isinstance(engine, DurableEngine)
    engine.evaluate(validate_answers(dict(BOOK.rulebook.baseline, age=80)).fact())
    assert durable_rules_engine.get_facts(engine._handle, engine._sid) == "[]"


@needs_durable
def test_a_fact_that_will_not_retract_takes_its_session_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = create_engine(BOOK.rulebook.conditions(), "durable")
    older = validate_answers(dict(BOOK.rulebook.baseline, age=80)).fact()
    calm = validate_answers(BOOK.rulebook.baseline).fact()
    expected = engine.evaluate(calm)
    with monkeypatch.context() as patch:
        patch.setattr("durable_rules_engine.retract_fact", lambda *args: (1, 0))
        for _ in range(1100):  # more than a ruleset has sessions
            assert "RF-AGE-ONSET" in engine.evaluate(older)
    # Each session that kept its fact was deleted: the next person's answers are alone.
    assert engine.evaluate(calm) == expected


@pytest.mark.parametrize("kind", ENGINES)
def test_every_operator_compiles_and_evaluates(kind: str) -> None:
    conditions = {
        "is": parse({"pain_trend": "worsening"}),
        "is_not": parse({"pregnancy": {"is_not": "no"}}),
        "one_of": parse({"onset": {"one_of": ["sudden", "minor_injury"]}}),
        "at_least": parse({"age": {"at_least": 40}}),
        "at_most": parse({"age": {"at_most": 40}}),
        "below": parse({"pain_intensity": {"below": 3}}),
        "above": parse({"days_per_week": {"above": 2}}),
        "includes_any": parse({"equipment": {"includes_any": ["wall", "doorway"]}}),
        "any/all": parse(
            {"any": [{"all": [{"history.cancer": False}, {"age": 40}]}, {"red_flags.fever": True}]}
        ),
    }
    engine = create_engine(conditions, kind)
    facts = validate_answers(dict(BOOK.rulebook.baseline, onset="sudden")).fact()
    # The baseline: age 40, pain 3, 3 days, chair and wall, improving, not pregnant.
    assert engine.evaluate(facts) == {
        "one_of",
        "at_least",
        "at_most",
        "above",
        "includes_any",
        "any/all",
    }


@needs_durable
def test_a_failure_among_the_actions_is_raised_and_frees_its_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from recommender.rulebook.engines import durable_engine

    engine = create_engine({"always": parse({"age": {"at_least": 1}})}, "durable")
    facts = validate_answers(BOOK.rulebook.baseline).fact()

    def broken(message: object) -> NoReturn:
        raise RuntimeError("boom")

    with monkeypatch.context() as patch:
        patch.setattr(durable_engine, "_rule_of", broken)
        for _ in range(1100):  # more failures than a ruleset has sessions
            with pytest.raises(EngineError, match="boom"):
                engine.evaluate(facts)
    # Every failed session was deleted, unfinished action and all: the engine still works.
    assert engine.evaluate(facts) == {"always"}


@needs_durable
def test_an_action_for_a_rule_nobody_compiled_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from recommender.rulebook.engines.durable_engine import DurableEngine

    engine = create_engine({"always": parse({"age": {"at_least": 1}})}, "durable")
    assert isinstance(engine, DurableEngine)
    monkeypatch.delitem(engine._reports, "always")
    facts = validate_answers(BOOK.rulebook.baseline).fact()
    with pytest.raises(EngineError, match="always"):
        engine.evaluate(facts)


@needs_durable
def test_rule_names_are_read_back_exactly_whatever_their_characters() -> None:
    names = ["RF-X#2", 'café "quoted" \\ back', "雪 snow"]
    engine = create_engine({n: parse({"age": {"at_least": 1}}) for n in names}, "durable")
    facts = validate_answers(BOOK.rulebook.baseline).fact()
    assert engine.evaluate(facts) == set(names)


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(BackplanError):  # reported with exit code 2
        create_engine({}, "quantum")


@pytest.mark.skipif(durable_available(), reason="only where durable-rules is missing")
def test_durable_refused_clearly_where_it_cannot_be_installed() -> None:
    with pytest.raises(Exception, match="--engine reference"):
        create_engine({}, "durable")


def test_three_valued_logic_for_unfinished_answers() -> None:
    msc = parse(
        {
            "all": [
                {"history.cancer": True},
                {"any": [{"red_flags.fever": True}, {"age": {"at_least": 70}}]},
            ]
        }
    )
    assert holds(msc, {}) is None
    assert holds(msc, {"history": {"cancer": False}}) is False
    assert holds(msc, {"history": {"cancer": True}}) is None
    assert holds(msc, {"history": {"cancer": True}, "age": 71}) is True
    assert (
        holds(msc, {"history": {"cancer": True}, "age": 30, "red_flags": {"fever": False}}) is False
    )


@settings(max_examples=300)
@given(answers(red_flag_rate=0.3), st.randoms(use_true_random=False))
def test_the_reference_deciders_are_holds_is_true(raw: dict[str, Any], rng: Random) -> None:
    """The reference engine's plain functions give exactly the conditions that
    conditions.holds, the definition, gives True: on complete answers, and on answers
    with any of them left out (where holds may give None, and a decider false)."""
    complete = validate_answers(raw).fact()
    partial = dict(complete)
    for key in rng.sample(sorted(partial), rng.randrange(len(partial) + 1)):
        del partial[key]
    for group in ("red_flags", "history", "outlook"):
        if isinstance(partial.get(group), dict):
            section = dict(partial[group])
            for key in rng.sample(sorted(section), rng.randrange(len(section) + 1)):
                del section[key]
            partial[group] = section
    for name, condition in BOOK.rulebook.conditions().items():
        for facts in (complete, partial):
            assert decider(condition)(facts) == (holds(condition, facts) is True), name
