"""Invariants of the product contract over generated answers (hypothesis): the triage
and the safety filters of docs/rules.md, and what every plan holds (docs/result.md).

The expected triage and exclusions come from `spec_oracle`, a plain transcription of
the contract that shares nothing with the rule files or the engine.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, seed, settings
from hypothesis import strategies as st

from recommender.inputs.answers_file import validate_answers
from recommender.pipeline.recommend import Recommender

from support import spec_oracle
from support.strategies import answers, plannable_answers
from support.upgrade_answers import calm_answers, upgrade

BOOK = Recommender.load()
CATALOG = {e["id"]: e for e in BOOK.catalog.as_json}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def run(raw: dict[str, Any], weeks: int = 4) -> dict[str, Any]:
    return BOOK.recommend(validate_answers(raw), weeks=weeks).to_dict()


@given(answers())
def test_triage_matches_the_spec(raw: dict[str, Any]) -> None:
    result = run(raw)
    want = spec_oracle.red_flags(raw)
    flags = result["triage"]["flags"]
    assert sorted(f["id"] for f in flags) == sorted(want)
    assert len({f["id"] for f in flags}) == len(flags)
    assert all(f["level"] == want[f["id"]] for f in flags)
    assert result["triage"]["level"] == spec_oracle.level(raw)
    for flag in flags:
        assert flag["title"] and flag["advice"] and flag["source"]


@given(answers())
def test_no_plan_at_urgent_or_emergency_and_withholding_matches_the_spec(
    raw: dict[str, Any],
) -> None:
    result = run(raw)
    level = result["triage"]["level"]
    eligible = [e for e in CATALOG.values() if not spec_oracle.exclusions(raw, e, level)]
    withheld = spec_oracle.withheld(raw, eligible)
    assert (result["plan_withheld"] or {}).get("id") == withheld
    if level in ("urgent", "emergency") or withheld:
        assert result["plan"] is None
    else:
        assert result["plan"] is not None
    if result["plan_withheld"]:
        assert result["plan_withheld"]["reason"]


@given(answers(red_flag_rate=0.05))
def test_every_exclusion_is_recorded_with_its_rule(raw: dict[str, Any]) -> None:
    result = run(raw)
    level = result["triage"]["level"]
    want = {
        (exercise_id, rule)
        for exercise_id, e in CATALOG.items()
        for rule in spec_oracle.exclusions(raw, e, level)
    }
    got = {(x["exercise"], x["rule"]) for x in result["excluded"]}
    assert got == want
    assert all(x["reason"] for x in result["excluded"])


def _volume(item: dict[str, Any]) -> int:
    minutes: int | None = item.get("minutes")
    if minutes is not None:
        return minutes
    volume: int = item["sets"] * (item["reps"] or 1) * (item["hold_seconds"] or 1)
    return volume


def _felt_step(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """A rise a person can feel: 2 or more repetitions, 5 s or more, or one more set."""
    if after["sets"] > before["sets"]:
        return True
    if before["reps"] is not None and after["reps"] is not None:
        if after["reps"] - before["reps"] >= 2:
            return True
    if before["hold_seconds"] and after["hold_seconds"]:
        longer: int = after["hold_seconds"] - before["hold_seconds"]
        return longer >= 5
    return False


#: Found by the explore profile: five minutes, and strength work only at level 1 (a
#: heart condition). The quickest opener and strength exercise overran the session at
#: the usual start, so no session held strength; it now starts at 2 x 8.
FIVE_MINUTES_WITH_A_HEART_CONDITION = {
    "age": 18,
    "pregnancy": "no",
    "pain_areas": ["shoulders"],
    "pain_intensity": 0,
    "pain_duration": "under_6_weeks",
    "pain_trend": "improving",
    "onset": "gradual",
    "red_flags": {
        "saddle_numbness": False,
        "bladder_bowel_change": False,
        "sexual_dysfunction": False,
        "both_legs_symptoms": False,
        "limb_weakness_worsening": False,
        "clumsy_hands_or_unsteady_walking": False,
        "chest_pain": False,
        "tearing_pain": False,
        "breathlessness": False,
        "stroke_signs": False,
        "sudden_severe_neck_pain": False,
        "abdominal_or_pulsing_pain": True,
        "head_unstable": False,
        "headache_after_neck_event": False,
        "fever": False,
        "unexplained_weight_loss": True,
        "night_pain": False,
        "limb_pain_or_tingling": True,
        "one_sided_band_rash": False,
        "right_upper_abdominal_pain": True,
        "morning_stiffness": True,
    },
    "history": {
        "cancer": False,
        "osteoporosis": True,
        "long_term_steroids": False,
        "upper_neck_risk": True,
        "immunosuppressed": False,
        "injects_drugs": False,
        "recent_spine_surgery": False,
        "shoulder_problem": True,
        "hypermobility": True,
        "balance_problems": True,
        "cannot_get_on_floor": True,
        "heart_condition": True,
    },
    "equipment": [],
    "days_per_week": 2,
    "minutes_per_session": 5,
    "activity_level": "moderate",
}
# Found before version 3 of the answers: the newer answers, all no.
FIVE_MINUTES_WITH_A_HEART_CONDITION = upgrade(FIVE_MINUTES_WITH_A_HEART_CONDITION)


@example(raw=FIVE_MINUTES_WITH_A_HEART_CONDITION, weeks=1)
@example(raw=FIVE_MINUTES_WITH_A_HEART_CONDITION, weeks=4)
@given(plannable_answers, st.integers(1, 12))
def test_plans_keep_every_invariant(raw: dict[str, Any], weeks: int) -> None:
    result = run(raw, weeks)
    plan = result["plan"]
    if plan is None:
        return
    level = result["triage"]["level"]
    areas = set(raw["pain_areas"])
    budget = raw["minutes_per_session"]
    days = raw["days_per_week"]
    h = raw["history"]
    eligible = {i for i, e in CATALOG.items() if not spec_oracle.exclusions(raw, e, level)}
    usable_strength = {
        i for i in eligible if CATALOG[i]["kind"] == "strength" and CATALOG[i]["level"] < 3
    }
    assert [w["week"] for w in plan["weeks"]] == list(range(1, weeks + 1))
    assert "NOTE-SELF-MANAGEMENT" in {f["rule"] for f in explain(raw)}, "self-management advice"

    items_by_week: list[dict[str, dict[str, Any]]] = []
    walks: list[int] = []
    for week in plan["weeks"]:
        sessions = week["sessions"]
        assert len(sessions) == days
        day_names = [s["day"] for s in sessions]
        assert len(set(day_names)) == days, "sessions on distinct weekdays"
        week_items: dict[str, dict[str, Any]] = {}
        strength_days, contents, strength_areas = [], set(), set()
        walked = week.get("walking", {}).get("minutes", 0)
        if "walking" in week:
            week_items["walking between sessions"] = week["walking"]
        for session in sessions:
            items = session["exercises"]
            ids = [x["id"] for x in items]
            body = [i for i in ids if CATALOG[i]["kind"] != "aerobic"]
            assert session["minutes"] <= budget, "never over the time offered"
            if session["minutes"] < budget * 0.75:
                _check_shorter(raw, week, session, plan, eligible)
            _check_walking_and_rests(raw, session)
            assert len(set(ids)) == len(ids) and len(body) >= 2
            assert CATALOG[ids[0]]["kind"] in ("mobility", "stretch"), "opens gently"
            assert any(areas & set(CATALOG[i]["areas"]) for i in body)
            assert set(ids) <= eligible, "only exercises that pass every filter"
            contents.add(json.dumps(items))
            for x in items:
                e = CATALOG[x["id"]]
                assert x["name"] == e["name"]
                assert not {k for k in e["contraindications"] if _yes(raw, k)}
                assert x.get("position", e["positions"][0]) in e["positions"]
                if len(e["positions"]) > 1:
                    assert "position" in x
                    if h["balance_problems"] and "sitting" in e["positions"]:
                        assert x["position"] == "sitting"
                if h["cannot_get_on_floor"]:
                    assert x.get("position", e["positions"][0]) in ("sitting", "standing")
                _check_dose(x, e, raw)
                if e["kind"] == "aerobic":  # tops up each session to its own length
                    walked = max(walked, x["minutes"])
                    week_items.setdefault(f"{x['id']} on {session['day']}", x)
                    continue
                # One dose per exercise per week, whichever day it falls on.
                assert week_items.setdefault(x["id"], x) == x
                if e["kind"] == "strength":
                    strength_areas |= areas & set(e["areas"])
            if any(CATALOG[i]["kind"] == "strength" for i in ids):
                strength_days.append(WEEKDAYS.index(session["day"]))
        assert walked > 0, "every week carries walking"
        walks.append(walked)
        if usable_strength and days >= 2:
            assert 2 <= len(strength_days) <= 3
            for a in strength_days:
                for b in strength_days:
                    gap = abs(a - b) % 7
                    assert a == b or min(gap, 7 - gap) >= 2, "strength days not consecutive"
        if budget >= 20 and days >= 2:
            for area in areas:
                if any(area in CATALOG[i]["areas"] for i in usable_strength):
                    assert area in strength_areas, f"strength for the {area} in the week"
        if days >= 3 and len(eligible) >= 12:
            assert len(contents) >= 2, "two different sessions a week"
        items_by_week.append(week_items)
        if week["week"] == min(4, weeks):
            assert any("Review point" in n for n in week.get("notes", []))

    assert walks == sorted(walks), "walking never falls"
    for n, (before, after) in enumerate(
        zip(items_by_week, items_by_week[1:], strict=False), start=2
    ):
        same = before == after
        assert same == any("Keep this level" in t for t in plan["weeks"][n - 1].get("notes", []))
        for exercise_id, x in after.items():
            if " " in exercise_id:
                continue  # walking: checked above, it never falls
            if exercise_id in before:
                old = before[exercise_id]
                assert _volume(x) >= _volume(old), (exercise_id, "a dose never falls")
                if _volume(x) > _volume(old) and x.get("minutes") is None:
                    assert _felt_step(old, x), (exercise_id, old, x)
            elif CATALOG[exercise_id]["kind"] != "aerobic":
                # A new exercise mid-plan is a harder variant, allowed only at low pain.
                assert raw["pain_intensity"] <= 3
                replaced = [i for i in before if CATALOG.get(i, {}).get("harder") == exercise_id]
                assert replaced, f"{exercise_id} appeared from nowhere"
    # Each exercise keeps its place long enough to learn it.
    for exercise_id in {i for w in items_by_week for i in w if " " not in i}:
        present = [exercise_id in w for w in items_by_week]
        first = present.index(True)
        if first + 1 < weeks and CATALOG[exercise_id]["kind"] != "aerobic":
            assert present[first + 1], (exercise_id, "kept at least 2 weeks")


def _families() -> dict[str, str]:
    """Each exercise id -> one member of its easier/harder chain (one movement)."""
    parent = {i: i for i in CATALOG}

    def root(i: str) -> str:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, e in CATALOG.items():
        for link in (e["easier"], e["harder"]):
            if link in parent:
                parent[root(i)] = root(link)
    return {i: root(i) for i in CATALOG}


FAMILY = _families()


def _movements(plan: dict[str, Any]) -> set[str]:
    """The movements a plan teaches besides walking (docs/result.md)."""
    return {
        FAMILY[x["id"]]
        for week in plan["weeks"]
        for session in week["sessions"]
        for x in session["exercises"]
        if CATALOG[x["id"]]["kind"] != "aerobic"
    }


def _check_shorter(
    raw: dict[str, Any],
    week: dict[str, Any],
    session: dict[str, Any],
    plan: dict[str, Any],
    eligible: set[str],
) -> None:
    """A session under 75 % of the time: allowed only where the movement cap and the
    safe exercises cannot fill it with walking at its third; never under half; and
    the plan says so in plain words."""
    budget = raw["minutes_per_session"]
    assert session["minutes"] >= budget / 2, "never under half the time offered"
    assert any("shorter session" in n for n in week.get("notes", [])), "the plan says so"
    # A nerve slider is taught only for nerve symptoms in a limb (Basson 2017).
    sliders = set() if raw["red_flags"]["limb_pain_or_tingling"] else spec_oracle.NERVE_SLIDERS
    usable = {FAMILY[i] for i in eligible if CATALOG[i]["kind"] != "aerobic" and i not in sliders}
    taught = _movements(plan)
    assert len(taught) == spec_oracle.movement_cap(raw) or taught == usable, (
        "shorter only when the cap or the safe exercises leave nothing more to teach"
    )
    walking = [x["minutes"] for x in session["exercises"] if x.get("minutes") is not None]
    if budget >= 15 and walking:
        assert walking[0] == budget // 3, "walking at its third before a session is shorter"


def _check_walking_and_rests(raw: dict[str, Any], session: dict[str, Any]) -> None:
    for x in session["exercises"]:
        kind = CATALOG[x["id"]]["kind"]
        low, high = spec_oracle.rest_range(kind)
        assert "rest_seconds" in x, x["id"]
        if x["sets"] and x["sets"] > 1:
            assert low <= x["rest_seconds"] <= high, (x["id"], x["rest_seconds"])
        else:
            assert x["rest_seconds"] == 0, (x["id"], "no rest without a second set")
        if kind == "aerobic" and raw["minutes_per_session"] >= 15:
            # Without exception: a session the exercises cannot fill is shorter (never
            # under half, _check_shorter), not longer in walking.
            assert x["minutes"] <= spec_oracle.walking_cap(raw), "walking at most a third"


def _persona(name: str) -> dict[str, Any]:
    answers: dict[str, Any] = json.loads((PERSONAS / f"{name}.json").read_text())
    return answers


PERSONAS = Path(__file__).parents[1] / "examples" / "plans"


#: The seed the default (derandomized) profile drew this test's examples from until
#: issue 29 reworded its docstring: hypothesis seeds a derandomized test from its source,
#: so the rewording drew other examples, and among them two people the planner failed
#: (FOUND_BY_RESEEDING, below). The examples stay the ones this test has always checked;
#: the two people are checked in test_the_programme_holds_for_people_found_by_reseeding.
SEED_BEFORE_ISSUE_29 = int(
    "18641294045886684985498249543857499210853380626550691068111904181116754952055551"
    "12916254521929578225374104696910207"
)


# Issue 22's personas: the content, the equipment and the fitter start are rare in
# generated answers, so these cases are always tried.
@seed(SEED_BEFORE_ISSUE_29)
@example(raw=FIVE_MINUTES_WITH_A_HEART_CONDITION)
@example(raw=_persona("sciatica-to-the-foot"))
@example(raw=_persona("arm-nerve-pain"))
@example(raw=_persona("pregnant-30-weeks-pelvic-girdle-pain"))
@example(raw=_persona("eight-weeks-after-a-birth"))
@example(raw=_persona("walking-leg-pain-74"))
@example(raw=_persona("rower-24-every-piece-of-equipment"))
@example(raw=_persona("sixty-minutes-five-days"))
@example(raw={**_persona("rower-24-every-piece-of-equipment"), "equipment": []})
@example(raw={**_persona("eight-weeks-after-a-birth"), "equipment": ["doorway", "foam_roller"]})
@given(plannable_answers)
def test_plans_keep_the_programme_of_version_3(raw: dict[str, Any]) -> None:
    """docs/result.md, "What every plan holds": few movements to learn, the person's
    equipment, a fitter start for the fit, and the content the presentation calls for."""
    result = run(raw)
    plan = result["plan"]
    if plan is None:
        return
    level = result["triage"]["level"]
    areas = set(raw["pain_areas"])
    eligible = {
        i
        for i, e in CATALOG.items()
        if not spec_oracle.exclusions(raw, e, level) and e["level"] < 3
    }
    assert len(_movements(plan)) <= spec_oracle.movement_cap(raw), "few movements to learn"
    held = {x["id"] for w in plan["weeks"] for s in w["sessions"] for x in s["exercises"]}
    usable_kit = {
        kit
        for kit in spec_oracle.USED_EQUIPMENT
        if kit in raw["equipment"]
        and any(
            kit in CATALOG[i]["equipment"] and areas & set(CATALOG[i]["areas"]) for i in eligible
        )
    }
    used_kit = {k for i in held for k in CATALOG[i]["equipment"]}
    taught = _movements(plan)
    content = {FAMILY[i] for _, ids in spec_oracle.presentation_content(raw) for i in ids}
    gentle = {
        FAMILY[i]
        for i in held
        if CATALOG[i]["kind"] not in ("strength", "aerobic") and FAMILY[i] not in content
    }
    # With the cap taken by the presentation's content, strength work and one opener,
    # no movement is left to teach with the equipment (see the report on issue 22). A
    # week with days without strength work teaches two gentle movements: those days
    # hold gentle work only, and every session two exercises or more.
    gentle_days = any(
        all(CATALOG[x["id"]]["kind"] != "strength" for x in s["exercises"])
        for s in plan["weeks"][0]["sessions"]
    )
    most_gentle = 2 if gentle_days else 1
    capped = len(taught) >= spec_oracle.movement_cap(raw) and len(gentle) <= most_gentle
    if raw["minutes_per_session"] >= 15 and not capped:
        for kit in usable_kit - used_kit:
            # Allowed only where every such exercise is a variant of a movement already
            # taught with other equipment (a band row and a dumbbell row are one).
            users = {i for i in eligible if kit in CATALOG[i]["equipment"]}
            assert {FAMILY[i] for i in users} <= taught, f"the {kit} is used"
    # Under 15 minutes a session holds an opener and one or two exercises more: an
    # owned piece of equipment is used where it fits (see the report on issue 22).
    wanted = [(what, ids) for what, ids in spec_oracle.presentation_content(raw) if ids & eligible]
    if raw["minutes_per_session"] >= 15:
        for what, ids in wanted:
            assert ids & held, what
    elif wanted and raw["minutes_per_session"] >= 10:
        # A session of 10 to 14 minutes holds three or four exercises with its strength
        # work: at least one piece of the content (see the report on issue 22).
        assert any(ids & held for _, ids in wanted), wanted
    if spec_oracle.fitter_start(raw, level):
        level_two = {
            FAMILY[i]
            for i in eligible
            if CATALOG[i]["kind"] == "strength" and CATALOG[i]["level"] == 2
        }
        content = {i for _, ids in spec_oracle.presentation_content(raw) for i in ids}
        first = {x["id"] for s in plan["weeks"][0]["sessions"] for x in s["exercises"]}
        for i in first - content:
            if CATALOG[i]["kind"] == "strength" and FAMILY[i] in level_two:
                assert CATALOG[i]["level"] == 2, (i, "a fitter start: level 2 where one passes")
    if any(CATALOG[i]["kind"] == "aerobic" for i in eligible):
        for week in plan["weeks"]:
            assert "walking" in week, "walking on the other days, if you can"


def _yes(raw: dict[str, Any], key: str) -> bool:
    section, name = key.split(".")
    return raw[section][name] is True


def _check_dose(x: dict[str, Any], e: dict[str, Any], raw: dict[str, Any]) -> None:
    """ACSM 2011: stretches held 20-30 s (15 s at first after 65) for about a minute;
    strength 2-3 sets of 8-15 with an effort cue; walking in minutes."""
    if e["kind"] == "aerobic":
        assert x["minutes"] >= 1 and x["sets"] is None and x["reps"] is None
        return
    if e["kind"] == "stretch" and x["reps"] is None:
        assert 20 <= x["hold_seconds"] <= 30 or (x["hold_seconds"] == 15 and raw["age"] > 65)
        assert 45 <= x["sets"] * x["hold_seconds"] <= 90
    if e["kind"] == "strength":
        assert 2 <= x["sets"] <= 3 and 8 <= x["reps"] <= 15
        assert x["effort"]


def explain(raw: dict[str, Any]) -> list[dict[str, Any]]:
    return [f.to_dict() for f in BOOK.recommend(validate_answers(raw)).fired]


def _known_gap(equipment: list[str], history: list[str]) -> dict[str, Any]:
    """18, pain in the neck, shoulders, upper and lower back, one 15-minute session a
    week, many warning signs of the soon level and many restrictions."""
    raw: dict[str, Any] = json.loads(json.dumps(calm_answers()))
    raw.update(
        age=18,
        pain_areas=["neck", "shoulders", "upper_back", "lower_back"],
        pain_intensity=0,
        equipment=equipment,
        days_per_week=1,
        minutes_per_session=15,
        activity_level="low",
    )
    for flag in (
        "abdominal_or_pulsing_pain",
        "unexplained_weight_loss",
        "limb_pain_or_tingling",
        "right_upper_abdominal_pain",
        "morning_stiffness",
        "walking_leg_pain",
        "inflammatory_signs",
        "girdle_stiffness",
        "gca_signs",
    ):
        raw["red_flags"][flag] = True
    for answer in history:
        raw["history"][answer] = True
    for feeling in raw["outlook"]:
        raw["outlook"][feeling] = True
    return raw


_RESTRICTED = [
    "osteoporosis",
    "upper_neck_risk",
    "shoulder_problem",
    "hypermobility",
    "cannot_get_on_floor",
    "fragility_fracture",
    "hip_replacement",
    "pain_began_before_45",
    "spa_related_condition",
]
#: Found when the test above was reseeded (issue 29): one 15-minute session a week for
#: four painful areas, too short for everything chosen. The worktop was left unused (the
#: session held the slider and two longer exercises with the band and the dumbbells) and
#: the median nerve slider left out (the session stopped short of it); both now fit.
FOUND_BY_RESEEDING = {
    "the worktop is used": _known_gap(["worktop", "dumbbells", "resistance_band"], _RESTRICTED),
    "the median nerve slider": _known_gap(
        ["chair"], [*_RESTRICTED, "balance_problems", "heart_condition"]
    ),
}


@pytest.mark.parametrize("raw", FOUND_BY_RESEEDING.values(), ids=list(FOUND_BY_RESEEDING))
def test_the_programme_holds_for_people_found_by_reseeding(raw: dict[str, Any]) -> None:
    # hypothesis's handle on the undecorated test, which its stubs do not declare
    test_plans_keep_the_programme_of_version_3.hypothesis.inner_test(raw)  # type: ignore[attr-defined]


EVERY_PIECE = ["chair", "wall", "doorway", "worktop", "dumbbells"]


def _with_every_piece(**changes: Any) -> dict[str, Any]:
    """The calm answers with most pieces of equipment, and `changes`."""
    raw: dict[str, Any] = json.loads(json.dumps(calm_answers()))
    raw.update({"equipment": EVERY_PIECE, **changes})
    return raw


#: Found by running these property tests on 5,000 seeded sample answers (issue 22).
FOUND_ON_SAMPLES = {
    # Six movements taken before the foam roller had a place (an opener and the doorway
    # stretch both without it): the opener gives way to a gentle one with the roller.
    "the foam roller is used": _with_every_piece(
        age=42,
        pain_areas=["mid_back", "lower_back", "upper_back", "neck"],
        equipment=[*EVERY_PIECE, "resistance_band", "foam_roller"],
        days_per_week=7,
        minutes_per_session=15,
        activity_level="low",
    ),
    # A fitter start turned scapular setting (neck, shoulders, upper back) into a
    # dumbbell row, which does not work the neck: no strength for the neck in the week.
    "strength for the neck with a fitter start": _with_every_piece(
        age=30,
        pain_areas=["lower_back", "mid_back", "shoulders", "upper_back", "neck"],
        days_per_week=3,
        minutes_per_session=38,
        activity_level="high",
        pain_intensity=1,
    ),
}


@pytest.mark.parametrize("raw", FOUND_ON_SAMPLES.values(), ids=list(FOUND_ON_SAMPLES))
def test_the_plan_holds_for_people_found_on_samples(raw: dict[str, Any]) -> None:
    test_plans_keep_the_programme_of_version_3.hypothesis.inner_test(raw)  # type: ignore[attr-defined]
    for weeks in (1, 4):
        test_plans_keep_every_invariant.hypothesis.inner_test(raw, weeks)  # type: ignore[attr-defined]


def _person(yes: tuple[str, ...] = (), **changes: Any) -> dict[str, Any]:
    """The calm answers with `changes`, and the warning signs, history and feelings
    named in `yes` answered yes."""
    raw: dict[str, Any] = json.loads(json.dumps(calm_answers()))
    raw.update(changes)
    for group in ("red_flags", "history", "outlook"):
        for key in raw[group]:
            raw[group][key] = key in yes
    return raw


EVERY_AREA = ["neck", "shoulders", "upper_back", "mid_back", "lower_back"]
#: Found by running these property tests on 5,000 seeded sample answers after the fixes
#: above (issue 22): weeks with days without strength work. Strength work, the
#: presentation's content and the person's equipment took the movements to learn, so
#: those days held one gentle exercise and walking (a session of one exercise), or too
#: little to fill the time with walking at its third, and walking went past it.
DAYS_WITHOUT_STRENGTH = {
    "later pregnancy, balance and every area, 19 minutes": _person(
        ("shoulder_problem", "balance_problems", "very_bothersome"),
        age=22,
        pregnancy="later_trimester",
        pain_areas=EVERY_AREA,
        pain_intensity=8,
        onset="minor_injury",
        equipment=["wall", "doorway", "worktop", "resistance_band"],
        days_per_week=5,
        minutes_per_session=19,
        activity_level="low",
    ),
    "much equipment, 59 minutes six days": _person(
        ("cannot_get_on_floor", "worry"),
        age=63,
        pain_areas=["upper_back", "lower_back"],
        pain_intensity=4,
        pain_duration="6_to_12_weeks",
        pain_trend="unchanged",
        equipment=["chair", "foam_roller", "resistance_band", "dumbbells", "wall", "doorway"],
        days_per_week=6,
        minutes_per_session=59,
        activity_level="low",
    ),
    "every piece of equipment and every area, 16 minutes": _person(
        ("shoulder_problem", "fear_of_movement"),
        age=39,
        pain_areas=EVERY_AREA,
        pain_duration="6_to_12_weeks",
        onset="minor_injury",
        equipment=[*EVERY_PIECE, "resistance_band", "foam_roller"],
        minutes_per_session=16,
        activity_level="low",
    ),
    "105, shoulders only, 58 minutes": _person(
        ("shoulder_problem", "hypermobility", "balance_problems", "cannot_get_on_floor"),
        age=105,
        pain_areas=["shoulders"],
        pain_duration="6_to_12_weeks",
        pain_trend="worsening",
        equipment=[*EVERY_PIECE, "resistance_band", "foam_roller"],
        days_per_week=4,
        minutes_per_session=58,
        activity_level="high",
    ),
    "every piece of equipment and every area, 20 minutes": _person(
        age=54,
        pain_areas=EVERY_AREA,
        pain_intensity=5,
        equipment=[*EVERY_PIECE, "resistance_band", "foam_roller"],
        days_per_week=4,
        minutes_per_session=20,
    ),
    "later pregnancy at 79, every day": _person(
        ("cannot_get_on_floor", "fear_of_movement", "low_mood", "pessimism"),
        age=79,
        pregnancy="later_trimester",
        pain_areas=["neck", "lower_back"],
        pain_intensity=0,
        pain_duration="over_12_weeks",
        pain_trend="unchanged",
        equipment=["dumbbells", "wall", "worktop", "resistance_band"],
        days_per_week=7,
        minutes_per_session=28,
        activity_level="low",
    ),
    "112, middle back, few safe exercises": _person(
        ("hypermobility", "balance_problems", "worry", "pessimism"),
        age=112,
        pain_areas=["mid_back"],
        pain_intensity=2,
        pain_trend="worsening",
        equipment=[],
        days_per_week=5,
        minutes_per_session=58,
        activity_level="low",
    ),
    "later pregnancy and every area, 21 minutes": _person(
        ("shoulder_problem", "worry"),
        age=48,
        pregnancy="later_trimester",
        pain_areas=EVERY_AREA,
        pain_duration="over_12_weeks",
        pain_trend="unchanged",
        equipment=["foam_roller", "worktop", "chair", "dumbbells"],
        days_per_week=4,
        minutes_per_session=21,
    ),
    "later pregnancy and every area, every day": _person(
        ("morning_stiffness", "cannot_get_on_floor"),
        age=27,
        pregnancy="later_trimester",
        pain_areas=EVERY_AREA,
        pain_intensity=0,
        pain_trend="unchanged",
        onset="sudden",
        equipment=["worktop", "chair", "foam_roller", "dumbbells", "wall", "resistance_band"],
        days_per_week=7,
        minutes_per_session=22,
    ),
    "89 with osteoporosis, 52 minutes": _person(
        ("osteoporosis", "shoulder_problem", "very_bothersome"),
        age=89,
        pain_areas=["mid_back", "lower_back"],
        pain_intensity=5,
        pain_trend="worsening",
        equipment=["doorway", "wall", "resistance_band", "worktop"],
        minutes_per_session=52,
        activity_level="low",
    ),
    "after a birth, every area, 17 minutes": _person(
        ("low_mood", "pessimism"),
        age=31,
        pregnancy="postnatal",
        pain_areas=EVERY_AREA,
        pain_intensity=5,
        pain_duration="6_to_12_weeks",
        pain_trend="unchanged",
        onset="major_injury",
        equipment=[*EVERY_PIECE, "resistance_band", "foam_roller"],
        days_per_week=6,
        minutes_per_session=17,
        activity_level="low",
    ),
    "later pregnancy, band and dumbbells, 19 minutes": _person(
        ("pain_began_before_45", "fear_of_movement"),
        age=29,
        pregnancy="later_trimester",
        pain_areas=["neck", "shoulders", "lower_back", "upper_back"],
        pain_intensity=6,
        pain_duration="over_12_weeks",
        pain_trend="unchanged",
        equipment=["resistance_band", "wall", "dumbbells"],
        days_per_week=6,
        minutes_per_session=19,
    ),
}


@pytest.mark.parametrize("raw", DAYS_WITHOUT_STRENGTH.values(), ids=list(DAYS_WITHOUT_STRENGTH))
def test_the_plan_holds_on_days_without_strength_work(raw: dict[str, Any]) -> None:
    test_plans_keep_the_programme_of_version_3.hypothesis.inner_test(raw)  # type: ignore[attr-defined]
    for weeks in (1, 4, 8):
        test_plans_keep_every_invariant.hypothesis.inner_test(raw, weeks)  # type: ignore[attr-defined]


_MANY_SIGNS = (
    "abdominal_or_pulsing_pain",
    "right_upper_abdominal_pain",
    "morning_stiffness",
    "walking_leg_pain",
    "inflammatory_signs",
    "girdle_stiffness",
    "gca_signs",
    "osteoporosis",
    "upper_neck_risk",
    "shoulder_problem",
    "hypermobility",
    "cannot_get_on_floor",
    "fragility_fracture",
    "hip_replacement",
    "pain_began_before_45",
    "spa_related_condition",
    "fear_of_movement",
    "worry",
    "low_mood",
    "pessimism",
    "very_bothersome",
)
#: Found by the explore profile with fresh seeds after the fix above (issue 22), and
#: failing on the code before it too (walking at 10 and 9 minutes): the days without
#: strength work hold two gentle exercises, but their doses (one a week for every
#: session) cannot rise, since the strength days that also hold them are full, so those
#: days stay under half the time with walking at its third, and walking makes up the
#: half. Known gaps until the layout lets those doses rise (the report on issue 22).
GENTLE_DOSES_HELD_BY_FULL_STRENGTH_DAYS = {
    "later pregnancy, every area, 25 minutes": _person(
        (*_MANY_SIGNS, "unexplained_weight_loss", "heart_condition"),
        age=18,
        pregnancy="later_trimester",
        pain_areas=EVERY_AREA,
        pain_intensity=0,
        equipment=["worktop"],
        minutes_per_session=25,
        activity_level="low",
    ),
    "every area, worktop and dumbbells, 23 minutes": _person(
        (*_MANY_SIGNS, "long_term_steroids", "immunosuppressed"),
        age=18,
        pain_areas=EVERY_AREA,
        pain_intensity=0,
        pain_duration="6_to_12_weeks",
        equipment=["worktop", "dumbbells"],
        minutes_per_session=23,
        activity_level="low",
    ),
}


#: Also found with fresh seeds, and the same on the code before the fix: three safe
#: exercises (a stretch, relaxed breathing and one strength exercise) for 29 minutes.
#: The day without strength work holds the two gentle ones at the top of their ranges;
#: with walking at its third it is under half the time, so walking makes up the half.
#: docs/result.md cannot have both here (the report on issue 22).
TOO_FEW_SAFE_EXERCISES = _person(
    (
        *_MANY_SIGNS,
        "limb_pain_or_tingling",
        "long_term_steroids",
        "immunosuppressed",
        "balance_problems",
        "heart_condition",
    ),
    age=18,
    pain_areas=["mid_back"],
    pain_intensity=0,
    pain_duration="6_to_12_weeks",
    equipment=[],
    minutes_per_session=29,
    activity_level="low",
)


@pytest.mark.xfail(strict=True, reason="the spec cannot have both: walking at a third and half")
def test_too_few_safe_exercises_for_half_the_time_with_walking_at_its_third() -> None:
    test_plans_keep_every_invariant.hypothesis.inner_test(TOO_FEW_SAFE_EXERCISES, 1)  # type: ignore[attr-defined]


@pytest.mark.xfail(strict=True, reason="known gap: gentle doses held down by full strength days")
@pytest.mark.parametrize(
    "raw",
    GENTLE_DOSES_HELD_BY_FULL_STRENGTH_DAYS.values(),
    ids=list(GENTLE_DOSES_HELD_BY_FULL_STRENGTH_DAYS),
)
def test_days_without_strength_work_reach_half_the_time_with_walking_at_its_third(
    raw: dict[str, Any],
) -> None:
    test_plans_keep_every_invariant.hypothesis.inner_test(raw, 1)  # type: ignore[attr-defined]


@given(plannable_answers)
def test_session_dates_follow_the_start_date(raw: dict[str, Any]) -> None:
    result = run(raw)
    if result["plan"] is None:
        return
    start = raw.get("start_date")
    for week in result["plan"]["weeks"]:
        for session in week["sessions"]:
            if start is None:
                assert session["date"] is None
                continue
            date = dt.date.fromisoformat(session["date"])
            assert WEEKDAYS[date.weekday()] == session["day"]
            offset = (date - dt.date.fromisoformat(start)).days
            assert (week["week"] - 1) * 7 <= offset < week["week"] * 7


@settings(max_examples=50)
@given(answers())
def test_output_is_deterministic(raw: dict[str, Any]) -> None:
    first = json.dumps(run(raw), sort_keys=False)
    again = json.dumps(run(json.loads(json.dumps(raw))), sort_keys=False)
    assert first == again
