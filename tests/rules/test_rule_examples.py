"""Every example of every rule in rules/, run through the whole pipeline.

The same runner backs `backplan rules check`; a failing example names its file and
rule id.
"""

from __future__ import annotations

import pytest

from recommender.pipeline.examples import Case, cases, run_case
from recommender.pipeline.recommend import Recommender

_BOOK = Recommender.load()
CASES = list(cases(_BOOK))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_example(case: Case) -> None:
    outcome = run_case(_BOOK, case)
    assert outcome.passed, f"{case.file}: {case.id}: {'; '.join(outcome.problems)}"


def test_every_rule_has_firing_and_silent_examples() -> None:
    for rule in _BOOK.rulebook.rules:
        outcomes = {example.fires for example in rule.examples}
        if rule.only_silent_examples:  # WH-TOO-FEW: tests/pipeline/test_catalog.py
            assert outcomes == {False}, rule.id
            continue
        assert True in outcomes, rule.id
        if not getattr(rule, "always", False):
            assert False in outcomes, rule.id
