"""The presentations that version 2 triaged wrong, read as a physiotherapist would, and
what every urgent result must say (docs/rules.md, "The contract").

Each case starts from the calm desk worker of the public examples and changes only
what its story changes, so that the level comes from that story alone.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from recommender.core.safety_net import NECK_SIGNS
from recommender.inputs.answers_file import validate_answers
from recommender.pipeline.recommend import Recommender, Result
from recommender.render import render_result

from conftest import example_answers
from support.formats import every_format, shown

#: Every output format (the registry), so a new one is held to the same.
FORMATS = every_format()


def person(**story: Any) -> dict[str, Any]:
    """The desk worker (34, a week of upper-back and neck ache, nothing else), with
    `story` changed: top-level answers by name, others as section__key."""
    raw = example_answers("desk-worker-upper-back")
    raw["start_date"] = "2027-03-01"
    for key, value in story.items():
        section, _, leaf = key.partition("__")
        if leaf:
            raw[section][leaf] = value
        else:
            raw[key] = value
    return raw


def result_for(recommender: Recommender, raw: dict[str, Any]) -> Result:
    return recommender.recommend(validate_answers(raw, "test"))


def flag_ids(result: Result) -> list[str]:
    return sorted(flag.id for flag in result.triage.flags)


# -- the five presentations -------------------------------------------------------------


def test_a_69_year_old_who_slipped_onto_her_bottom_10_days_ago_is_urgent(
    recommender: Recommender,
) -> None:
    # Version 2 told her "it is probably nothing serious": RF-FRACTURE began at 70.
    raw = person(age=69, pain_areas=["lower_back"], onset="minor_injury")
    result = result_for(recommender, raw)
    assert result.triage.level == "urgent" and "RF-FRACTURE" in flag_ids(result)
    assert result.plan is None
    assert "probably nothing serious" not in shown(result, "text")


def test_a_65_year_old_after_a_small_fall_is_urgent_and_64_is_not(recommender: Recommender) -> None:
    at_65 = result_for(recommender, person(age=65, onset="minor_injury"))
    assert at_65.triage.level == "urgent" and "RF-FRACTURE" in flag_ids(at_65)
    at_64 = result_for(recommender, person(age=64, onset="minor_injury"))
    assert "RF-FRACTURE" not in flag_ids(at_64)


def test_a_past_fragility_fracture_makes_sudden_pain_urgent(recommender: Recommender) -> None:
    raw = person(age=58, onset="sudden", history__fragility_fracture=True)
    result = result_for(recommender, raw)
    assert result.triage.level == "urgent" and "RF-FRACTURE" in flag_ids(result)


def test_a_46_year_old_whose_pain_began_at_28_with_morning_stiffness_is_soon(
    recommender: Recommender,
) -> None:
    # Version 2 read the age now (46), not the age at onset (NICE NG65).
    raw = person(
        age=46,
        pain_areas=["lower_back"],
        pain_duration="over_12_weeks",
        pain_trend="improving",
        red_flags__morning_stiffness=True,
        history__pain_began_before_45=True,
    )
    result = result_for(recommender, raw)
    assert result.triage.level == "soon"
    assert flag_ids(result) == ["RF-INFLAMMATORY"]
    assert result.plan is not None
    assert "rheumatologist" in result.triage.flags[0].advice
    later = result_for(
        recommender, dict(raw, history=dict(raw["history"], pain_began_before_45=False))
    )
    assert "RF-INFLAMMATORY" not in flag_ids(later)


def test_whiplash_three_days_later_at_34_is_urgent_and_says_keep_moving(
    recommender: Recommender,
) -> None:
    raw = example_answers("whiplash-days-later")
    raw["age"] = 34
    result = result_for(recommender, raw)
    assert result.triage.level == "urgent" and flag_ids(result) == ["RF-TRAUMA"]
    advice = result.triage.flags[0].advice
    assert "gently moving" in advice and "do not need a collar" in advice
    assert "bed rest" in advice and "last few hours" in advice
    text = shown(result, "text").lower()
    assert "keep still" not in text and "do not let anyone move your neck" not in text
    assert "call an ambulance" not in text


def test_whiplash_three_days_later_at_66_is_an_emergency(recommender: Recommender) -> None:
    raw = example_answers("whiplash-days-later")
    raw["age"] = 66
    result = result_for(recommender, raw)
    assert result.triage.level == "emergency"
    assert flag_ids(result) == ["RF-AGE-ONSET", "RF-TRAUMA", "RF-TRAUMA-HIGH-RISK"]
    # One message: the lower flags are named, their own timeframes are not repeated.
    assert result.triage.also_tell == (
        "Pain after a major injury in the last 6 weeks",
        "New pain at an age when it needs a check",
    )


def test_a_major_injury_months_ago_is_soon(recommender: Recommender) -> None:
    raw = person(onset="major_injury", pain_duration="over_12_weeks", pain_trend="improving")
    result = result_for(recommender, raw)
    assert result.triage.level == "soon" and flag_ids(result) == ["RF-TRAUMA-PAST"]
    assert result.plan is not None


def test_stable_walking_leg_pain_at_74_is_soon_not_emergency(recommender: Recommender) -> None:
    # 18 months of leg heaviness on walking that eases on sitting: spinal stenosis,
    # not cauda equina. Both-legs symptoms now ask about what is new or quickly worse.
    raw = person(
        age=74,
        pain_areas=["lower_back"],
        pain_duration="over_12_weeks",
        pain_trend="unchanged",
        red_flags__walking_leg_pain=True,
    )
    result = result_for(recommender, raw)
    assert result.triage.level == "soon"
    assert flag_ids(result) == ["RF-CLAUDICATION", "RF-PERSISTENT"]
    assert result.plan is not None


def test_steroids_and_an_immunosuppressant_for_18_months_are_one_sign(
    recommender: Recommender,
) -> None:
    # Kidney-transplant tablets and steroids are one drug effect (RF-COMBINED counts
    # it once): stable pain keeps its plan, with a check soon for the infection risk.
    raw = person(
        age=52,
        pain_areas=["lower_back"],
        pain_duration="over_12_weeks",
        pain_trend="improving",
        history__long_term_steroids=True,
        history__immunosuppressed=True,
    )
    result = result_for(recommender, raw)
    assert result.triage.level == "soon"
    assert flag_ids(result) == ["RF-INFECTION-RISK"]
    assert result.plan is not None
    with_night_pain = result_for(
        recommender, dict(raw, red_flags=dict(raw["red_flags"], night_pain=True))
    )
    assert "RF-COMBINED" in flag_ids(with_night_pain)


@pytest.mark.parametrize("count", range(6))
def test_three_outlook_answers_are_soon_and_two_are_none(
    recommender: Recommender, count: int
) -> None:
    keys = ["fear_of_movement", "worry", "low_mood", "pessimism", "very_bothersome"]
    raw = person(outlook={key: n < count for n, key in enumerate(keys)})
    result = result_for(recommender, raw)
    if count >= 3:
        assert result.triage.level == "soon" and flag_ids(result) == ["YF-OUTLOOK"]
        advice = result.triage.flags[0].advice
        assert "psychologically informed physiotherapy" in advice
        # The plan still stands, and the flag says so only because there is one.
        assert result.plan is not None and "still stands" in advice
    else:
        assert result.triage.level == "none" and flag_ids(result) == []


def test_the_outlook_flag_promises_no_plan_when_none_is_given(recommender: Recommender) -> None:
    keys = ["fear_of_movement", "worry", "low_mood"]
    raw = person(
        history__recent_spine_surgery=True,
        outlook={k: k in keys for k in (*keys, "pessimism", "very_bothersome")},
    )
    result = result_for(recommender, raw)
    assert result.withheld is not None and result.withheld.id == "WH-SURGERY"
    assert "still stands" not in result.triage.flags[0].advice


def test_gca_signs_at_72_are_urgent_and_a_change_in_sight_is_an_emergency_department(
    recommender: Recommender,
) -> None:
    raw = person(age=72, red_flags__gca_signs=True)
    result = result_for(recommender, raw)
    assert result.triage.level == "urgent" and "RF-GCA" in flag_ids(result)
    advice = next(f.advice for f in result.triage.flags if f.id == "RF-GCA")
    assert "sight" in advice and "emergency department now" in advice


# -- one message per urgent result, and what to do before being seen ----------------------


def _urgent_with_lower_flags(recommender: Recommender) -> Result:
    # The reviewer's case: a fall at 69, getting worse: RF-FRACTURE (urgent) with
    # RF-AGE-ONSET and RF-WORSENING (soon), whose advice speaks of 1 to 2 weeks.
    raw = person(age=69, pain_areas=["lower_back"], onset="minor_injury", pain_trend="worsening")
    result = result_for(recommender, raw)
    assert result.triage.level == "urgent"
    assert {"RF-AGE-ONSET", "RF-WORSENING"} <= set(flag_ids(result))
    return result


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_urgent_result_has_one_message_and_the_escalation_box(
    recommender: Recommender, fmt: str
) -> None:
    result = _urgent_with_lower_flags(recommender)
    words = shown(result, fmt)
    assert "before you are seen" in words
    for sign in ("new trouble passing or holding urine or stools", "clumsy hands"):
        assert sign in words
    if fmt == "json":  # the JSON keeps every flag whole, for machines
        data = json.loads(render_result(result, "json"))
        assert data["escalation"]["signs"] and data["emergency_number"] is None
        return
    assert "1 to 2 weeks" not in words
    assert "probably nothing serious" not in words.lower()
    assert "gentle exercise may continue" not in words
    for flag in result.triage.flags:
        if flag.level == "soon":
            assert flag.title in words  # named, so the doctor hears about it
    if fmt != "ics":
        assert "Also tell the doctor about" in words


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_neck_plan_safety_net_names_double_vision_and_trouble_swallowing(
    recommender: Recommender, fmt: str
) -> None:
    result = result_for(recommender, person())
    assert result.plan is not None and "neck" in result.answers.pain_areas
    words = shown(result, fmt)
    assert "double vision" in words and "trouble swallowing" in words
    low_back = result_for(recommender, person(pain_areas=["lower_back"]))
    assert "double vision" not in shown(low_back, fmt)


def test_an_urgent_neck_result_adds_the_neck_signs_to_its_escalation_box(
    recommender: Recommender,
) -> None:
    result = result_for(recommender, example_answers("whiplash-days-later"))
    assert result.triage.escalation is not None
    assert NECK_SIGNS in result.triage.escalation.signs


def test_the_chosen_country_names_its_number_in_every_format(recommender: Recommender) -> None:
    result = result_for(recommender, person(country="GB"))
    assert result.emergency_number == "999"
    for fmt in FORMATS:
        words = shown(result, fmt)
        assert "Call 999" in words and "911" not in words, fmt
    urgent = result_for(recommender, person(country="CH", age=69, onset="minor_injury"))
    assert urgent.triage.escalation is not None
    assert urgent.triage.escalation.title.startswith("Call 144 or go to an emergency department")
