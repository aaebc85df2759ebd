"""The questionnaire's own promises, proved over every rule: a question asked only from
an age is one no rule can read below that age, so recording "no" there is safe.

Skipping a question is a safety decision (a missing safety answer is never read as
"no"), so it is allowed only where it changes nothing: for every rule condition that
mentions the answer, and every combination of the other answers that condition reads,
the condition holds or fails alike whether the answer is yes or no.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from typing import Any

import pytest

from recommender.core.answers import answer_fields
from recommender.core.paths import set_path
from recommender.inputs.questionnaire import Question, load_questionnaire
from recommender.pipeline.recommend import Recommender
from recommender.rulebook import conditions

QUESTIONS = load_questionnaire()
CONDITIONS = Recommender.load(engine="reference").rulebook.conditions()
SKIPPED = [q for q in QUESTIONS.questions if q.from_age is not None]


def _values(field: str) -> Sequence[object]:
    spec = answer_fields()[field]
    if spec.kind == "yes_no":
        return [False, True]
    if spec.kind == "choice":
        return list(spec.choices)
    if spec.kind == "choices":  # each choice alone, and all of them
        return [[choice] for choice in spec.choices] + [list(spec.choices)]
    assert spec.minimum is not None and spec.maximum is not None
    return list(range(spec.minimum, spec.maximum + 1))


def test_some_questions_are_asked_only_from_an_age() -> None:
    assert {q.key: q.from_age for q in SKIPPED} == {
        "red_flags.gca_signs": 50,
        "red_flags.girdle_stiffness": 50,
        "history.pain_began_before_45": 45,
    }


@pytest.mark.parametrize("question", SKIPPED, ids=lambda q: q.key)
def test_no_rule_can_read_a_skipped_answer_below_its_age(question: Question) -> None:
    readers = {name: c for name, c in CONDITIONS.items() if question.key in conditions.fields(c)}
    assert readers, f"no rule reads {question.key}: it need not be asked at all"
    assert question.from_age is not None  # SKIPPED holds the questions asked from an age
    for name, condition in readers.items():
        others = sorted(conditions.fields(condition) - {question.key, "age"})
        assert len(others) <= 8, f"{name}: too many answers to walk"
        for age in range(1, question.from_age):
            for values in itertools.product(*(_values(f) for f in others)):
                answers: dict[str, Any] = {"age": age}
                for field, value in zip(others, values, strict=True):
                    set_path(answers, field, value)
                outcome = {
                    conditions.holds(condition, _with(answers, question.key, answer))
                    for answer in (False, True)
                }
                assert len(outcome) == 1, (name, age, dict(zip(others, values, strict=True)))


def _with(answers: dict[str, Any], key: str, value: object) -> dict[str, Any]:
    out = copy.deepcopy(answers)
    set_path(out, key, value)
    return out


def test_a_skipped_question_never_shares_a_page_with_the_age() -> None:
    # The web form (one page per group) reads the age from an earlier page to leave a
    # question out, so the two are never on the same page.
    groups: dict[str, list[str]] = {}
    group = ""
    for question in QUESTIONS.questions:
        group = question.group or group
        groups.setdefault(group, []).append(question.key)
    with_age = next(keys for keys in groups.values() if "age" in keys)
    assert not {q.key for q in SKIPPED} & set(with_age)


def test_questions_asked_in_parts_ask_one_thing_each() -> None:
    parted = {q.key: len(q.parts()) for q in QUESTIONS.questions if q.or_ask}
    assert parted == {"red_flags.night_pain": 2, "red_flags.inflammatory_signs": 2}
    for question in QUESTIONS.questions:
        for part in question.parts():
            assert part.ask.rstrip().endswith("?"), question.key
