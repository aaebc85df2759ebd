"""The catalog's reviewed movement properties and contraindications (docs/catalog.md).

Every "Skip this if ..." in an exercise's cautions must name an answer the person
gives, and that answer must be among the exercise's contraindications, so that
EX-CONTRA keeps the exercise out of the plan of anyone it says to skip.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recommender.core.catalog import Exercise
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
def test_every_skip_has_its_contraindication(exercise: Exercise) -> None:
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
def test_properties_are_justified(exercise: Exercise) -> None:
    """The review line names each property it gives (a clinician checks the two agree)."""
    for prop in exercise.properties:
        assert prop in exercise.review or prop.replace("_", " ") in exercise.review, (
            exercise.id,
            prop,
        )


def test_properties_match_what_the_exercise_asks() -> None:
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


def test_a_catalog_naming_an_unknown_answer_is_refused(tmp_path: Path) -> None:
    from recommender.core.errors import DataFileError
    from recommender.inputs.datafiles import bundled_dir

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


# -- version 3: a physiotherapist's reading of the catalog (docs/catalog.md) ------------

#: Held end-range flexion of the spine: the hypermobility, bone and pregnancy filters
#: must see it.
HELD_END_RANGE_FLEXION: tuple[str, ...] = (
    "childs-pose",
    "seated-forward-fold",
    "double-knee-to-chest",
)
HELD_END_RANGE_FLEXION += ("standing-rhomboid-stretch",)
#: The lower back bent backwards, held or repeated (EX-STENOSIS reads it).
SPINE_EXTENSION: tuple[str, ...] = (
    "standing-back-extension",
    "prone-cobra",
    "superman",
    "prone-press-up",
)
SPINE_EXTENSION += ("prone-on-elbows",)
#: The hip bent past a right angle (EX-HIP reads it).
DEEP_HIP_FLEXION: tuple[str, ...] = (
    "knee-to-chest",
    "double-knee-to-chest",
    "seated-knee-to-chest",
)
DEEP_HIP_FLEXION += ("childs-pose", "seated-forward-fold", "flexion-in-sitting")
DEEP_HIP_FLEXION += ("seated-hamstring-stretch",)


def test_the_version_3_review_of_the_properties() -> None:
    c = CATALOG
    for held in HELD_END_RANGE_FLEXION:
        assert "end_range_spine" in c[held].properties, held
    back_bend = c["standing-back-extension"].properties
    assert "unsupported_balance" in back_bend and "spine_extension" in back_bend
    for bends_back in SPINE_EXTENSION:
        assert "spine_extension" in c[bends_back].properties, bends_back
    for deep in DEEP_HIP_FLEXION:
        assert "deep_hip_flexion" in c[deep].properties, deep
    # Rounding the back on all fours, standing or sitting is not loaded: gravity pulls
    # the other way, or the hands carry the weight.
    for unloaded in ("cat-cow", "standing-cat-cow", "seated-cat-cow", "flexion-in-sitting"):
        assert "loaded_flexion" not in c[unloaded].properties, unloaded
    # A curl-up lifts the shoulders against gravity, however little.
    for curl in ("curl-up-head-lift", "partial-crunch"):
        assert "loaded_flexion" in c[curl].properties, curl


def test_the_difficulty_follows_the_load() -> None:
    c = CATALOG
    # arms by the sides (short levers) before arms overhead (long ones)
    assert c["prone-head-lift"].level < c["prone-cobra"].level < c["superman"].level
    assert c["prone-arm-leg-lift"].level < c["superman"].level
    assert c["wall-side-plank"].level < c["modified-side-plank"].level < c["side-plank"].level
    assert c["worktop-plank"].level < c["plank-on-knees"].level < c["plank"].level


def test_links_are_steps_of_one_movement() -> None:
    """Both ways, to the same part of the body, of the same kind, never to a lighter
    load, and never turning the body upside down: a harder step adds no head-down
    position its easier step lacks."""
    c = CATALOG
    warm_ups = {"stretch", "mobility"}
    for e in CATALOG:
        if not e.harder:
            continue
        harder = c[e.harder]
        assert harder.easier == e.id, (e.id, harder.id)
        assert set(e.areas) & set(harder.areas), (e.id, harder.id)
        assert harder.kind == e.kind or {harder.kind, e.kind} <= warm_ups, (e.id, harder.id)
        assert harder.level >= e.level, (e.id, harder.id)
        new = set(harder.properties) - set(e.properties)
        assert "head_below_heart" not in new, (e.id, harder.id)
    for e in CATALOG:
        if e.easier:
            assert c[e.easier].harder == e.id, (e.id, e.easier)
    # The links the review found wrong stay gone.
    assert c["childs-pose"].harder is None  # not an inversion
    assert c["neck-rotation"].harder != "neck-rolls"
    hug = c["self-hug-stretch"]
    assert not hug.harder or "loaded_flexion" not in c[hug.harder].properties


def test_every_strength_exercise_has_a_step_down_or_up() -> None:
    for e in CATALOG:
        if e.kind != "strength":
            continue
        assert e.easier or e.harder, f"{e.id}: no step down or up"
        if e.level >= 2:
            assert e.easier, f"{e.id}: level {e.level} with no easier step"
            assert CATALOG[e.easier].level < 3, e.id


#: Words in the steps that name a piece of equipment, and the equipment they need.
STEP_EQUIPMENT = {
    "worktop": r"\bworktop\b|\bsturdy table\b",
    "dumbbells": r"\bdumbbells?\b",
    "foam_roller": r"\bfoam roller\b",
    "resistance_band": r"\bresistance band\b",
    "doorway": r"\bdoorway\b|\bdoor frame\b",
    "wall": r"\bwall\b",
    "chair": r"\bchair\b",
}


@pytest.mark.parametrize("exercise", CATALOG, ids=lambda e: e.id)
def test_equipment_lists_everything_the_steps_use(exercise: Exercise) -> None:
    """A chair that only offers the sitting form of an exercise that can also be done
    standing or lying is not needed; a wall a chair is set against is not either."""
    for item, pattern in STEP_EQUIPMENT.items():
        for step in exercise.steps:
            if not re.search(pattern, step, re.I):
                continue
            if item == "chair" and "sitting" in exercise.positions[1:] + exercise.positions[:1]:
                if len(exercise.positions) > 1:
                    continue
            if item == "wall" and re.search(r"\bchair\b", step, re.I):
                continue
            assert item in exercise.equipment, (exercise.id, item, step)


def test_cautions_for_limb_symptoms_say_further_or_stronger() -> None:
    """A person who already has pain or tingling in an arm or a leg reads "stop if it
    spreads further or gets stronger", not "stop if it spreads", which they already
    have. Exercises never offered with limb symptoms are exempt."""
    limb = re.compile(r"\b(arms?|legs?|hands?)\b", re.I)
    symptom = re.compile(r"spread|pins and needles|tingl|numb", re.I)
    for e in CATALOG:
        if "red_flags.limb_pain_or_tingling" in e.contraindications:
            continue
        for caution in e.cautions:
            if caution.startswith("Skip this") or not (
                limb.search(caution) and symptom.search(caution)
            ):
                continue
            assert re.search(r"further or gets? stronger", caution), (e.id, caution)


def test_the_version_3_additions_are_there() -> None:
    fixed: tuple[str, ...] = ("sciatic-nerve-slider", "median-nerve-slider", "pelvic-floor")
    fixed += ("supported-tandem-stance", "supported-heel-raise", "prone-press-up")
    assert all(i in CATALOG for i in fixed)
    assert len(CATALOG) >= 64
    c = CATALOG
    assert c["sciatic-nerve-slider"].areas == ("lower_back",)
    assert "neck" in c["median-nerve-slider"].areas
    # supported balance: both hands on a worktop or a chair back, so no balance property
    for supported in ("supported-tandem-stance", "supported-heel-raise"):
        assert "unsupported_balance" not in c[supported].properties
        assert set(c[supported].equipment) & {"worktop", "chair"}
    # neck isometrics in all four directions
    steps = " ".join(c["neck-isometrics-four-way"].steps)
    assert all(w in steps for w in ("forehead", "behind your head", "right ear", "left ear"))


@pytest.mark.parametrize("exercise", CATALOG, ids=lambda e: e.id)
def test_the_review_says_what_it_trains(exercise: Exercise) -> None:
    """A clinician reads first what the exercise is for (the roller, which strengthens
    nothing, says what it eases)."""
    assert exercise.review.startswith(("Trains ", "Eases ")), exercise.id


def test_the_curl_up_trains_the_tummy_and_its_steps_lift_the_shoulders() -> None:
    curl = CATALOG["curl-up-head-lift"]
    assert curl.review.startswith("Trains the tummy muscles")
    assert any("head and shoulders" in step for step in curl.steps)
    assert curl.harder == "partial-crunch" and CATALOG["partial-crunch"].easier == curl.id
