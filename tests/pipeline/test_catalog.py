"""The exercise catalog: complete, consistent, and rich enough for every person.

The last test walks every combination of the answers that the safety filters read
(pain areas x equipment x restrictions): whenever the rules give a plan, the planner
must be able to build a valid one from what is left.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
from collections.abc import Collection, Sequence
from typing import Any

import pytest

from recommender.core.answers import ActivityLevel
from recommender.inputs.answers_file import validate_answers
from recommender.inputs.catalog_file import load_catalog
from recommender.pipeline.plan import Plan
from recommender.pipeline.planner import assemble_plan
from recommender.pipeline.recommend import Recommender

from support import spec_oracle
from support.strategies import AREAS, EQUIPMENT

CATALOG = load_catalog()
BOOK = Recommender.load()

#: The exercises the seed text describes (the foundation issue lists them).
FROM_THE_SEED = [
    "neck-side-bend",
    "neck-rolls",
    "shoulder-rolls",
    "overhead-side-reach",
    "wall-angels",
    "bent-over-reverse-fly",
    "single-arm-dumbbell-row",
    "band-face-pull",
    "band-lat-pulldown",
    "band-row",
    "shoulder-blade-squeeze",
    "cat-cow",
    "childs-pose",
    "thread-the-needle",
    "superman",
    "prone-cobra",
    "foam-roller-upper-back-roll",
    "foam-roller-thoracic-extension",
    "seated-chair-twist",
    "doorway-chest-stretch",
    "self-hug-stretch",
    "wall-side-stretch",
    "seated-forward-fold",
    "standing-rhomboid-stretch",
    "knee-to-chest",
    "lower-trunk-rotation",
    "partial-crunch",
    "dolphin-stretch",
    "seated-thoracic-extension",
]


#: What a physiotherapist adds for a balanced home programme (docs/catalog.md).
PROGRAMME = [
    "chin-tuck",
    "chin-tuck-head-lift",
    "neck-isometrics",
    "scapular-setting",
    "bridge",
    "bird-dog",
    "dead-bug",
    "sit-to-stand",
    "hip-hinge",
    "modified-side-plank",
    "walking",
]


def test_catalog_size_and_seed_exercises() -> None:
    assert len(CATALOG) >= 64  # docs/catalog.md, "What the catalog must offer"
    assert not [i for i in PROGRAMME if i not in CATALOG]
    assert CATALOG["walking"].kind == "aerobic" and CATALOG["walking"].dose.minutes
    missing = [i for i in FROM_THE_SEED if i not in CATALOG]
    assert not missing


def test_links_are_consistent() -> None:
    for e in CATALOG:
        if e.harder:
            harder = CATALOG[e.harder]
            assert harder.easier == e.id, (e.id, harder.id)
            assert harder.level >= e.level
        if e.easier:
            assert CATALOG[e.easier].harder == e.id


def test_nobody_starts_on_the_hardest_form() -> None:
    for e in CATALOG:
        if e.level == 3:
            assert e.easier and CATALOG[e.easier].level < 3, e.id


def test_instructions_are_complete_and_personal() -> None:
    for e in CATALOG:
        assert 2 <= len(e.steps) <= 8, e.id
        for text in (*e.steps, *e.cautions):
            assert text[0].isupper() and text.rstrip()[-1] in ".!", (e.id, text)
        assert any(" you" in f" {s.lower()}" for s in e.steps), f"{e.id}: not second person"


def test_every_area_has_gentle_exercises_off_the_floor() -> None:
    for area in AREAS:
        gentle = [
            e
            for e in CATALOG
            if area in e.areas
            and e.level == 1
            and e.opens_session
            and set(e.positions) & {"standing", "sitting"}
            and set(e.equipment) <= {"chair"}
        ]
        assert len(gentle) >= 2, area


# -- every combination the filters can see --------------------------------------------

#: The answers the safety filters read besides areas and equipment, each a yes or a no
#: (the age of 80 brings in the bone filter too, as 65 does; pregnancy is one answer,
#: so later pregnancy and a recent birth never come together).
RESTRICTIONS = [
    "floor",
    "later_pregnancy",
    "postnatal",
    "bone",
    "fragility_fracture",
    "age_80",
    "shoulder",
    "balance",
    "hypermobile",
    "pain_7",
    "triage_soon",
    "heart",
    "upper_neck",
    "limb_symptoms",
    "walking_leg_pain",
    "hip_replacement",
]
HISTORY = {
    "floor": "cannot_get_on_floor",
    "bone": "osteoporosis",
    "fragility_fracture": "fragility_fracture",
    "shoulder": "shoulder_problem",
    "balance": "balance_problems",
    "hypermobile": "hypermobility",
    "heart": "heart_condition",
    "upper_neck": "upper_neck_risk",
    "hip_replacement": "hip_replacement",
}
RED_FLAGS = {"limb_symptoms": "limb_pain_or_tingling", "walking_leg_pain": "walking_leg_pain"}
#: Session lengths the walk plans for: every eligibility set gets one of them in turn,
#: and the smallest sets (where a plan is hardest to fill) get all three.
PROFILES: list[tuple[int, int, ActivityLevel]] = [
    (7, 5, "low"),
    (4, 60, "high"),
    (3, 12, "moderate"),
]
SMALL = 14  # exercises besides walking: a set this small is planned with every profile


def _answers(
    areas: Collection[str], equipment: Collection[str], restrictions: Collection[str]
) -> tuple[dict[str, Any], str]:
    # A fresh copy of each part changed (not a deep copy of the whole: the walk makes
    # some 136,000 of these, and deep copies took a fifth of its time).
    baseline = BOOK.rulebook.baseline
    a = {**baseline, "history": dict(baseline["history"]), "red_flags": dict(baseline["red_flags"])}
    a["pain_areas"], a["equipment"] = list(areas), list(equipment)
    for name, key in HISTORY.items():
        a["history"][key] = name in restrictions
    for name, key in RED_FLAGS.items():
        a["red_flags"][key] = name in restrictions
    a["pregnancy"] = (
        "later_trimester"
        if "later_pregnancy" in restrictions
        else "postnatal"
        if "postnatal" in restrictions
        else "no"
    )
    a["pain_intensity"] = 7 if "pain_7" in restrictions else 3
    a["age"] = 80 if "age_80" in restrictions else 40
    return a, "soon" if "triage_soon" in restrictions else "none"


def _mask(areas: Collection[str], equipment: Collection[str], restrictions: Collection[str]) -> int:
    a, level = _answers(areas, equipment, restrictions)
    mask = 0
    for bit, e in enumerate(BOOK.catalog.as_json):
        if not spec_oracle.exclusions(a, e, level):
            mask |= 1 << bit
    return mask


def _subsets(items: Sequence[str]) -> list[tuple[str, ...]]:
    return [c for n in range(len(items) + 1) for c in itertools.combinations(items, n)]


def _limits(areas: Collection[str]) -> dict[int, tuple[str, ...]]:
    """Every set of exercises the restrictions leave for a person with `areas`, and
    one combination of restrictions that leaves it.

    A filter excludes an exercise on its own answers, so the restrictions together
    leave what each leaves alone (an AND of one mask per restriction). Only
    EX-NECK-CARE also reads the pain areas (the neck with arm symptoms), so the masks
    are made with the neck among the areas or not, as the person's areas have it."""
    everything = _mask(areas, EQUIPMENT, ())
    single = {r: _mask(areas, EQUIPMENT, (r,)) for r in RESTRICTIONS}
    found: dict[int, tuple[str, ...]] = {}
    for limits in _subsets(RESTRICTIONS):
        if "later_pregnancy" in limits and "postnatal" in limits:
            continue
        mask = everything
        for r in limits:
            mask &= single[r]
        found.setdefault(mask, limits)
    return found


def _eligibility_sets() -> dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    # Areas, equipment and the other restrictions each read their own answers, so
    # eligibility is the AND of three masks.
    by_area = {s: _mask(s, EQUIPMENT, ()) for s in _subsets(AREAS) if s}
    by_kit = {s: _mask(AREAS, s, ()) for s in _subsets(EQUIPMENT)}
    by_limits = {
        True: _limits(AREAS),
        False: _limits([a for a in AREAS if a != "neck"]),
    }
    area_kit: dict[tuple[int, bool], tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for (areas, a), (kit, k) in itertools.product(by_area.items(), by_kit.items()):
        area_kit.setdefault((a & k, "neck" in areas), (areas, kit))
    found: dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
    for (mask, neck), (areas, kit) in area_kit.items():
        for r, limits in by_limits[neck].items():
            found.setdefault(mask & r, (areas, kit, limits))
    return found


def _check(plan: Plan, minutes: int, has_strength: bool, where: object) -> None:
    for week in plan.weeks:
        strength_days = 0
        walking = week.walking is not None
        for session in week.sessions:
            kinds = [p.exercise.kind for p in session.exercises]
            body = {p.exercise.id for p in session.exercises if p.exercise.kind != "aerobic"}
            assert len(body) >= 2, where
            assert kinds[0] in ("mobility", "stretch"), where
            assert session.minutes <= minutes, where
            if session.minutes < minutes * 0.75:
                # docs/result.md: shorter only where the movements cannot
                # fill the time, never under half, and the plan says so.
                assert session.minutes >= minutes / 2, where
                assert any(n.startswith("A shorter session") for n in week.notes), where
            # nobody starts on the hardest form, nor reaches it in two weeks
            assert all(p.exercise.level < 3 for p in session.exercises), where
            strength_days += "strength" in kinds
            walking |= "aerobic" in kinds
        assert walking, where
        if has_strength:
            assert 2 <= strength_days <= 3, where


@pytest.mark.slow  # some 130,000 eligibility sets, each planned
def test_a_valid_plan_exists_whenever_one_is_given() -> None:
    """Every eligibility set the filters can produce (some 130,000) gives a plan that
    keeps the session invariants: at least two exercises besides walking, a gentle
    opener, 75-100 % of the time, walking every week, strength on 2-3 days when safe,
    nothing at level 3. Each set is planned with one of three session profiles in
    turn, the smallest with all three (planning every set three times would take
    minutes)."""
    baseline = copy.deepcopy(BOOK.rulebook.baseline)  # _answers shares its untouched parts
    exercises = BOOK.catalog.as_json
    as_dicts = [CATALOG[e["id"]].to_dict() for e in exercises]  # the oracle's form, once
    families = CATALOG.families
    checked = 0
    for number, (mask, (areas, kit, limits)) in enumerate(sorted(_eligibility_sets().items())):
        bits = [bit for bit in range(len(exercises)) if mask >> bit & 1]
        eligible = [CATALOG[exercises[bit]["id"]] for bit in bits]
        raw, _ = _answers(areas, kit, limits)
        assert not spec_oracle.withheld(raw, [as_dicts[bit] for bit in bits]), (areas, kit)
        answers = validate_answers(raw)
        has_strength = any(e.kind == "strength" and e.level < 3 for e in eligible)
        small = sum(e.kind != "aerobic" for e in eligible) <= SMALL
        for days, minutes, activity in PROFILES if small else [PROFILES[number % 3]]:
            person = dataclasses.replace(
                answers, days_per_week=days, minutes_per_session=minutes, activity_level=activity
            )
            plan = assemble_plan(person, eligible, 2, families)
            _check(plan, minutes, has_strength, (areas, kit, limits, days, minutes))
            checked += 1
    assert checked > 100_000
    assert BOOK.rulebook.baseline == baseline, "planning changed the answers it was given"


def test_too_few_fires_on_a_smaller_catalog() -> None:
    """WH-TOO-FEW cannot fire with the bundled catalog (the walk above), but it still
    guards a catalog edited down with --data."""
    rule = next(r for r in BOOK.rulebook.withhold if r.id == "WH-TOO-FEW")
    assert rule.when_eligible is not None
    assert rule.when_eligible.holds([CATALOG["walking"], CATALOG["bridge"]])
    assert rule.when_eligible.holds([CATALOG["chin-tuck"], CATALOG["bridge"]])
    assert not rule.when_eligible.holds([CATALOG["cat-cow"], CATALOG["bridge"]])
