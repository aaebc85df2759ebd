"""Every example of every rule in rules/, run through the whole pipeline.

The same runner backs `backplan rules check`; a failing example names its file and
rule id.
"""

from __future__ import annotations

import pytest

from recommender.pipeline.examples import cases, run_case
from recommender.pipeline.recommend import Recommender

_BOOK = Recommender.load()
CASES = list(cases(_BOOK))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_example(case):
    outcome = run_case(_BOOK, case)
    assert outcome.passed, f"{case.file}: {case.id}: {'; '.join(outcome.problems)}"


def test_every_spec_rule_is_present():
    ids = {rule.id for rule in _BOOK.rulebook.rules}
    spec_ids = {
        "RF-CES-SADDLE",
        "RF-CES-BLADDER",
        "RF-CES-SEXUAL",
        "RF-CES-BILATERAL",
        "RF-CARDIAC",
        "RF-AORTA",
        "RF-PE",
        "RF-STROKE",
        "RF-TRAUMA",
        "RF-MSCC",
        "RF-EPIDURAL-ABSCESS",
        "RF-WEAKNESS",
        "RF-MYELOPATHY",
        "RF-INFECTION",
        "RF-SPINAL-METS",
        "RF-CANCER-WEIGHT",
        "RF-FRACTURE",
        "RF-ARTERY",
        "RF-NECK-TRAUMA",
        "RF-AAA",
        "RF-UCI",
        "RF-CAD-RISK",
        "RF-INFECTION-NEW",
        "RF-COMBINED",
        "RF-SHINGLES",
        "RF-CANCER-HISTORY",
        "RF-WEIGHT-LOSS",
        "RF-NIGHT-PAIN",
        "RF-INFECTION-RISK",
        "RF-UCI-RISK",
        "RF-RADICULOPATHY",
        "RF-GALLBLADDER",
        "RF-INFLAMMATORY",
        "RF-AGE-ONSET",
        "RF-PERSISTENT",
        "RF-WORSENING",
        "RF-SEVERE",
        "RF-TRAUMA-HIGH-RISK",
        "RF-TRAUMA-PAST",
        "RF-CLAUDICATION",
        "RF-PMR",
        "RF-GCA",
        "YF-OUTLOOK",
        "WH-MINOR",
        "WH-SURGERY",
        "WH-TOO-FEW",
        "EX-EQUIPMENT",
        "EX-AREA",
        "EX-FLOOR",
        "EX-PREGNANCY",
        "EX-BONE",
        "EX-SHOULDER",
        "EX-BALANCE",
        "EX-HYPERMOBILE",
        "EX-INTENSITY",
    }
    assert spec_ids <= ids
    assert len(_BOOK.rulebook.red_flags) == 43  # docs/rules.md, "Red flags and the yellow flag"


def test_every_rule_has_firing_and_silent_examples():
    for rule in _BOOK.rulebook.rules:
        outcomes = {example.fires for example in rule.examples}
        if rule.only_silent_examples:  # WH-TOO-FEW: tests/pipeline/test_catalog.py
            assert outcomes == {False}, rule.id
            continue
        assert True in outcomes, rule.id
        if not getattr(rule, "always", False):
            assert False in outcomes, rule.id
