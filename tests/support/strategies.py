"""Hypothesis strategies: every valid answers file, biased toward the corners.

Built from the table of answers in docs/answers.md ("The keys"), not from the
package's model, so that a field the model forgot or mistyped shows up as a failure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

AREAS = ["neck", "shoulders", "upper_back", "mid_back", "lower_back"]
EQUIPMENT = [
    "chair",
    "wall",
    "doorway",
    "worktop",
    "dumbbells",
    "resistance_band",
    "foam_roller",
]
PREGNANCY = ["no", "first_trimester", "later_trimester", "postnatal"]
RED_FLAGS = [
    "saddle_numbness",
    "bladder_bowel_change",
    "sexual_dysfunction",
    "both_legs_symptoms",
    "limb_weakness_worsening",
    "clumsy_hands_or_unsteady_walking",
    "chest_pain",
    "tearing_pain",
    "breathlessness",
    "stroke_signs",
    "sudden_severe_neck_pain",
    "abdominal_or_pulsing_pain",
    "head_unstable",
    "headache_after_neck_event",
    "fever",
    "unexplained_weight_loss",
    "night_pain",
    "limb_pain_or_tingling",
    "one_sided_band_rash",
    "right_upper_abdominal_pain",
    "morning_stiffness",
    "walking_leg_pain",
    "inflammatory_signs",
    "girdle_stiffness",
    "gca_signs",
]
HISTORY = [
    "cancer",
    "osteoporosis",
    "long_term_steroids",
    "upper_neck_risk",
    "immunosuppressed",
    "injects_drugs",
    "recent_spine_surgery",
    "shoulder_problem",
    "hypermobility",
    "balance_problems",
    "cannot_get_on_floor",
    "heart_condition",
    "fragility_fracture",
    "hip_replacement",
    "pain_began_before_45",
    "spa_related_condition",
]
OUTLOOK = ["fear_of_movement", "worry", "low_mood", "pessimism", "very_bothersome"]
#: Countries with a checked emergency number, and one without (the neutral wording).
COUNTRIES = ["GB", "US", "CH", "AU", "JP", "DE", "AQ"]


def _flags(keys: list[str], p_true: float) -> st.SearchStrategy[dict[str, Any]]:
    # Most people answer "no" to most red flags; weighting keeps plans common enough
    # to test the planner while every flag still turns up.
    flag = st.sampled_from([True] + [False] * round(1 / p_true - 1))
    return st.fixed_dictionaries({key: flag for key in keys})


ages = st.one_of(
    st.integers(1, 120),
    st.sampled_from([1, 17, 18, 19, 20, 44, 45, 49, 50, 55, 56, 64, 65, 69, 70, 79, 80, 120]),
)


#: Names a person could give: any printable text on one line (the contract refuses
#: control characters, line and paragraph separators, bidirectional overrides and
#: unpaired surrogates, which could disturb a terminal or forge a line of output).
BIDI = "".join(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
names = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters=BIDI
    ),
    max_size=100,
)
unprintable_names = st.builds(
    lambda before, bad, after: before + bad + after,
    names.map(lambda s: s[:40]),
    st.sampled_from(["\n", "\r", "\x1b]0;title\x07", "\x00", "\x7f", "\x85", "\u2028", "\u202e"]),
    names.map(lambda s: s[:40]),
)


@st.composite
def answers(draw: st.DrawFn, red_flag_rate: float = 0.1) -> dict[str, Any]:
    result = {
        "age": draw(ages),
        "pregnancy": draw(st.sampled_from(PREGNANCY)),
        "pain_areas": draw(st.lists(st.sampled_from(AREAS), min_size=1, max_size=5, unique=True)),
        "pain_intensity": draw(st.integers(0, 10)),
        "pain_duration": draw(st.sampled_from(["under_6_weeks", "6_to_12_weeks", "over_12_weeks"])),
        "pain_trend": draw(st.sampled_from(["improving", "unchanged", "worsening"])),
        "onset": draw(st.sampled_from(["gradual", "sudden", "minor_injury", "major_injury"])),
        "red_flags": draw(_flags(RED_FLAGS, red_flag_rate)),
        "history": draw(_flags(HISTORY, 0.2)),
        "equipment": draw(st.lists(st.sampled_from(EQUIPMENT), max_size=8)),
        "days_per_week": draw(st.integers(1, 7)),
        "minutes_per_session": draw(st.integers(5, 60)),
        "activity_level": draw(st.sampled_from(["low", "moderate", "high"])),
        # Three or more yes is YF-OUTLOOK: a quarter each keeps both sides common.
        "outlook": draw(_flags(OUTLOOK, 0.25)),
    }
    if draw(st.booleans()):
        result["start_date"] = draw(
            st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31))
        ).isoformat()
    if draw(st.booleans()):
        result["name"] = draw(names)
    if draw(st.booleans()):
        result["country"] = draw(st.sampled_from(COUNTRIES))
    return result


#: Answers that usually lead to a plan: no red flags, adult, no surgery.
plannable_answers = answers(red_flag_rate=0.02)
