"""The public example answers (the contract's public examples) give the expected triage."""

from __future__ import annotations

import json

import pytest

from recommender.inputs.answers_file import validate_answers
from recommender.pipeline.recommend import Recommender

from conftest import EXAMPLES, example_answers, example_names

EXPECTED = json.loads((EXAMPLES / "expected.json").read_text())


@pytest.mark.parametrize("name", example_names())
def test_public_example(recommender: Recommender, name: str) -> None:
    want = EXPECTED[name]
    result = recommender.recommend(validate_answers(example_answers(name))).to_dict()
    assert result["triage"]["level"] == want["level"]
    assert sorted(f["id"] for f in result["triage"]["flags"]) == sorted(want["flags"])
    assert (result["plan"] is not None) == want["plan"]
    assert (result["plan_withheld"] or {}).get("id") == want.get("withheld")
