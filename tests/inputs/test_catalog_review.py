"""The catalog's reviewed movement properties and contraindications (SPEC section 4).

Every "Skip this if ..." in an exercise's cautions must name an answer the person
gives, and that answer must be among the exercise's contraindications, so that
EX-CONTRA keeps the exercise out of the plan of anyone it says to skip.
"""

from __future__ import annotations

import re

import pytest

from recommender.inputs.catalog_file import load_catalog

CATALOG = load_catalog()

#: The words a caution uses for each yes/no answer it can tell a person to skip for.
SKIP_WORDS = {
    "history.osteoporosis": r"thinning bones|osteoporosis",
    "history.long_term_steroids": r"steroid",
    "history.upper_neck_risk": r"rheumatoid arthritis|Down syndrome|Ehlers-Danlos|Marfan",
    "history.heart_condition": r"heart condition",
    "history.recent_spine_surgery": r"spine surgery",
    "history.shoulder_problem": r"painful shoulder|shoulder problem",
    "history.balance_problems": r"falls|poor balance",
    "history.hypermobility": r"very flexible joints|hypermobil",
    "history.cannot_get_on_floor": r"cannot get (down )?(on|to) the floor",
    "history.hip_replacement": r"hip replacement",
    "history.fragility_fracture": r"broken a bone",
    "red_flags.limb_pain_or_tingling": r"tingling spreading down an arm or a leg",
}


def _skips(text: str) -> set[str]:
    return {key for key, pattern in SKIP_WORDS.items() if re.search(pattern, text, re.I)}


@pytest.mark.parametrize("exercise", CATALOG, ids=lambda e: e.id)
def test_every_skip_has_its_contraindication(exercise):
    for caution in exercise.cautions:
        if caution.lower().startswith("skip this"):
            named = _skips(caution)
            assert named, f"{exercise.id}: {caution!r} names no answer we ask about"
            assert named <= set(exercise.contraindications), (exercise.id, caution)
    for key in exercise.contraindications:
        skips = [c for c in exercise.cautions if c.lower().startswith("skip this")]
        assert any(key in _skips(c) for c in skips), (
            f"{exercise.id}: {key} is a contraindication no caution tells the person about"
        )


@pytest.mark.parametrize("exercise", CATALOG, ids=lambda e: e.id)
def test_properties_are_justified(exercise):
    """The review line names each property it gives (a clinician checks the two agree)."""
    for prop in exercise.properties:
        assert prop in exercise.review or prop.replace("_", " ") in exercise.review, (
            exercise.id,
            prop,
        )


def test_properties_match_what_the_exercise_asks():
    """Spot checks a clinician made: the filters' holes the review found stay closed."""
    c = CATALOG
    assert "rolling_on_spine" in c["foam-roller-upper-back-roll"].properties
    assert "arm_elevation" in c["doorway-chest-stretch"].properties
    assert "weight_on_arms" in c["thread-the-needle"].properties
    assert "arm_elevation" in c["bent-over-reverse-fly"].properties
    assert "unsupported_balance" in c["bent-over-reverse-fly"].properties
    assert "head_below_heart" in c["dolphin-stretch"].properties
    for held_end_range in ("neck-side-bend", "seated-chair-twist", "wall-side-stretch"):
        assert "end_range_spine" in c[held_end_range].properties
    assert c["walking"].kind == "aerobic" and not c["walking"].properties


def test_a_catalog_naming_an_unknown_answer_is_refused(tmp_path):
    from recommender.core.errors import DataFileError
    from recommender.inputs.catalog_file import bundled_dir

    text = (bundled_dir("data") / "exercises.yaml").read_text()
    broken = text.replace(
        "contraindications: [history.upper_neck_risk]",
        "contraindications: [history.bad_knees]",
        1,
    )
    assert broken != text
    (tmp_path / "exercises.yaml").write_text(broken)
    with pytest.raises(DataFileError, match="history.bad_knees"):
        load_catalog(tmp_path)
