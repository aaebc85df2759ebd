"""The condition language: counts ("at least n of") read, checked and decided."""

from __future__ import annotations

from typing import Any

import pytest

from recommender.rulebook.conditions import AtLeast, ConditionError, describe, holds, parse

SIGNS = [
    {"history.cancer": True},
    {"red_flags.night_pain": True},
    {"red_flags.fever": True},
]


def test_a_count_parses_and_reads_as_words() -> None:
    condition = parse({"at_least": 2, "of": SIGNS})
    assert isinstance(condition, AtLeast) and condition.minimum == 2
    assert describe(condition) == (
        "at least 2 of: history.cancer is yes; red_flags.night_pain is yes; red_flags.fever is yes"
    )


@pytest.mark.parametrize(
    "raw,problem",
    [
        ({"at_least": 0, "of": SIGNS}, "from 1 to 3"),
        ({"at_least": 4, "of": SIGNS}, "from 1 to 3"),
        ({"at_least": True, "of": SIGNS}, "from 1 to 3"),
        ({"at_least": "2", "of": SIGNS}, "from 1 to 3"),
        ({"at_least": 1, "of": SIGNS[:1]}, "two or more"),
        ({"at_least": 1, "of": "history.cancer"}, "two or more"),
        ({"at_least": 2, "of": [{"history.cancr": True}, *SIGNS]}, "unknown answer"),
        ({"at_least": 2}, "needs both"),
        ({"of": SIGNS}, "needs both"),
    ],
)
def test_a_bad_count_is_refused_with_its_place(raw: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConditionError, match=problem):
        parse(raw)


def test_a_count_too_large_to_compile_is_refused() -> None:
    many = [
        {f"red_flags.{k}": True}
        for k in (
            "fever",
            "night_pain",
            "unexplained_weight_loss",
            "morning_stiffness",
            "chest_pain",
            "tearing_pain",
            "breathlessness",
            "stroke_signs",
            "head_unstable",
            "one_sided_band_rash",
            "limb_pain_or_tingling",
        )
    ]
    with pytest.raises(ConditionError, match="too many combinations"):
        parse({"at_least": 5, "of": many})


@pytest.mark.parametrize(
    "answers,expected",
    [
        ({"history": {"cancer": True}, "red_flags": {"night_pain": True, "fever": False}}, True),
        ({"history": {"cancer": True}, "red_flags": {"night_pain": False, "fever": False}}, False),
        # The intake's partial answers: undecided while the missing ones could decide it.
        ({"history": {"cancer": True}}, None),
        ({"history": {"cancer": True}, "red_flags": {"night_pain": True}}, True),
        ({"history": {"cancer": False}, "red_flags": {"night_pain": False}}, False),
        ({}, None),
    ],
)
def test_a_count_is_decided_with_three_valued_logic(
    answers: dict[str, Any], expected: bool | None
) -> None:
    assert holds(parse({"at_least": 2, "of": SIGNS}), answers) is expected
