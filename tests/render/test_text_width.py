"""Text fits the terminal it is shown on (issue 13): wrapped to any width from 40 to
100 columns, no line is wider, the ruled boxes are exactly that wide, and each dose
line keeps its exercise, its dots and its dose together."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.inputs.answers_file import validate_answers
from recommender.pipeline.recommend import Recommender, Result
from recommender.render.boxes import WIDTH
from recommender.render.text import dose_line, render_text

from conftest import example_answers, example_names

RESULTS: dict[str, Result] = {}


def result_of(recommender: Recommender, name: str) -> Result:
    if name not in RESULTS:
        RESULTS[name] = recommender.recommend(validate_answers(example_answers(name)))
    return RESULTS[name]


@settings(max_examples=60)
@given(name=st.sampled_from(example_names()), width=st.integers(40, 100))
def test_no_line_is_wider_than_the_terminal(
    recommender: Recommender, name: str, width: int
) -> None:
    text = render_text(result_of(recommender, name), width=width)
    for line in text.splitlines():
        assert len(line) <= width, (width, line)
        if line.startswith(("+-", "| ")):
            assert len(line) == width and line[-1] in "+|", line  # an unbroken box


def test_off_a_terminal_the_width_stays_78(recommender: Recommender) -> None:
    text = render_text(result_of(recommender, "sciatica"))
    assert WIDTH == 78
    assert max(len(line) for line in text.splitlines()) <= 78
    assert "+" + "-" * 76 + "+" in text


@pytest.mark.parametrize("width", [40, 60, 78, 100])
def test_dose_lines_hold_together(width: int) -> None:
    name = "Chin tuck with head lift from lying on your back (a long name)"
    lines = dose_line("3. ", name, "2 sets of 10 each side", width)
    assert all(len(line) <= width for line in lines)
    assert lines[0].startswith("    3. Chin tuck")
    assert re.fullmatch(r" +\.{2,} 2 sets of 10 each side", lines[-1]) or lines[-1].endswith(
        "... 2 sets of 10 each side"
    )
    joined = " ".join(" ".join(lines).split())
    assert name in joined.replace(" .", ".")
