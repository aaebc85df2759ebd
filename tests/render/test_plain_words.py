"""People read plain words: rule ids, note ids and command lines stay in `explain`, the
JSON, FHIR and the clinician's views, and never reach a person's text, Markdown or
printable page (issue 24, item 5)."""

from __future__ import annotations

import re

import pytest

from recommender.inputs.answers_file import validate_answers
from recommender.pipeline.recommend import Recommender
from recommender.render import render_result

from conftest import example_answers, example_names
from support.formats import dated, every_format, for_machines, for_people
from support.rule_ids import RULE_ID

#: A command line for the terminal or a developer ("your backplan plan", as a calendar
#: event says, is the product's name in plain words).
COMMAND = re.compile(r"(?<!your )backplan (?:explain|plan|intake|rules|schema|track)\b|--answers")


@pytest.mark.parametrize("fmt", for_people())
@pytest.mark.parametrize("name", example_names())
def test_no_rule_id_or_command_reaches_a_person(
    recommender: Recommender, name: str, fmt: str
) -> None:
    result = recommender.recommend(validate_answers(dated(example_answers(name))))
    shown = render_result(result, fmt)
    assert not RULE_ID.search(shown), RULE_ID.search(shown)
    assert not COMMAND.search(shown), COMMAND.search(shown)


@pytest.mark.parametrize("fmt", [fmt for fmt in every_format() if for_machines(fmt)])
def test_machines_and_clinicians_keep_the_ids(recommender: Recommender, fmt: str) -> None:
    result = recommender.recommend(validate_answers(example_answers("cauda-equina")))
    assert "RF-CES-BLADDER" in render_result(result, fmt)
