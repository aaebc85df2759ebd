"""Running every rule's own examples: the engine of `backplan rules check` and the tests.

Each example is the baseline answers with a few changed; the whole pipeline runs on
them and the rule must fire (or stay silent), and exclude (or keep) the exercises the
example names.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from recommender.core.errors import AnswersError
from recommender.core.paths import set_path
from recommender.inputs.answers_file import validate_answers
from recommender.pipeline.recommend import Recommender, Result
from recommender.rulebook.rules import AnyRule, Example, ReviewExample


@dataclass(frozen=True)
class Case:
    rule: AnyRule
    example: Example | ReviewExample
    file: str

    @property
    def id(self) -> str:
        outcome = "fires" if self.example.fires else "silent"
        return f"{self.rule.id}[{outcome}: {self.example.name}]"


@dataclass(frozen=True)
class Outcome:
    case: Case
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


def cases(recommender: Recommender) -> Iterator[Case]:
    book = recommender.rulebook
    for rule in book.rules:
        for example in rule.examples:
            yield Case(rule, example, str(book.origin[rule.id]))


def example_answers(baseline: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The baseline answers with each dotted key of `given` replaced."""
    answers = copy.deepcopy(baseline)
    for path, value in given.items():
        set_path(answers, path, copy.deepcopy(value))
    return answers


def run_case(recommender: Recommender, case: Case) -> Outcome:
    if not case.rule.EXAMPLES_ARE_ANSWERS:
        return _run_adapt_case(recommender, case)
    raw = example_answers(recommender.rulebook.baseline, case.example.given)
    try:
        answers = validate_answers(raw, "the example's answers")
    except AnswersError as exc:
        return Outcome(case, (exc.message(),))
    result = recommender.recommend(answers)
    rule, example = case.rule, case.example
    assert isinstance(example, Example)
    problems = []
    fired = _fired(rule, result)
    if fired != example.fires:
        problems.append("fired but should stay silent" if fired else "did not fire but should")
    left_out = {e.exercise for e in result.excluded if e.rule == rule.id}
    for exercise in example.excludes:
        if exercise not in left_out:
            problems.append(f"should exclude {exercise} but did not")
    for exercise in example.keeps:
        if exercise in left_out:
            problems.append(f"should keep {exercise} but excluded it")
    return Outcome(case, tuple(problems))


def _run_adapt_case(recommender: Recommender, case: Case) -> Outcome:
    """An adaptation example: a week's review (the baseline week with a few facts
    changed) through the adaptation engine, of the same kind as the plan's."""
    week = example_answers(recommender.rulebook.review_baseline, case.example.given)
    fired = case.rule.id in recommender.adapt_engine.evaluate(week)
    if fired == case.example.fires:
        return Outcome(case, ())
    return Outcome(case, ("fired but should stay silent" if fired else "did not fire but should",))


def _fired(rule: AnyRule, result: Result) -> bool:
    """Whether `rule` fired, read where the result records its kind."""
    return rule.id in _fired_by_kind(result)[rule.SECTION]


def _fired_by_kind(result: Result) -> dict[str, set[str]]:
    """The ids of the rules that fired, by the rule files' section of their kind."""
    return {
        "red_flags": {flag.id for flag in result.triage.flags},
        "withhold": {fired.rule for fired in result.fired},
        "filters": {excluded.rule for excluded in result.excluded},  # excluding something
        "notes": {note.id for note in result.notes},
    }


def check_all(recommender: Recommender) -> list[Outcome]:
    return [run_case(recommender, case) for case in cases(recommender)]
