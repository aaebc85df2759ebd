"""The repository's answers files are complete for the current model, so a new question
reaches them all through one command (tests/support/upgrade_answers.py), not by hand."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from recommender.core.answers import Answers
from recommender.inputs.answers_file import validate_answers

from support.upgrade_answers import ROOT, answers_files, calm_answers, upgrade, upgraded_text

FILES = answers_files()


def test_every_answers_file_is_found() -> None:
    assert len(FILES) >= 30
    assert ROOT / "data" / "example-answers.json" in FILES
    assert not [p for p in FILES if p.name == "expected.json"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_answers_file_has_every_key(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert upgraded_text(path) == text, (
        f"{path.relative_to(ROOT)} lacks keys of the current answers: run "
        "`python tests/support/upgrade_answers.py`"
    )
    validate_answers(json.loads(text), str(path))


def test_the_calm_answers_hold_every_required_key() -> None:
    """A new question is answered in rules/baseline.yaml, so upgrading gives it a value."""
    calm = calm_answers()
    validate_answers(calm, "rules/baseline.yaml")
    required = {
        field.name
        for field in dataclasses.fields(Answers)
        if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
    }
    assert required and required <= set(calm)


def test_upgrading_fills_a_new_key_and_keeps_the_story() -> None:
    older = json.loads((ROOT / "tests" / "examples" / "sciatica.json").read_text())
    del older["history"]["hip_replacement"], older["outlook"], older["activity_level"]
    older["red_flags"]["limb_pain_or_tingling"] = True
    new = upgrade(older)
    assert new["history"]["hip_replacement"] is False
    assert new["outlook"] == calm_answers()["outlook"]
    assert new["activity_level"] == calm_answers()["activity_level"]
    assert new["red_flags"]["limb_pain_or_tingling"] is True  # the person's own answer
    assert list(new)[: len(older)] == list(older)
    assert upgrade(new) == new
