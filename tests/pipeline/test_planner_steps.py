"""The planner's steps, each alone: choose the movements, set the doses, lay out the
week, progress the weeks (recommender/pipeline/planner.py's docstring)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recommender.inputs.answers_file import validate_answers
from recommender.pipeline.choosing import Facts, choose_movements, read_facts
from recommender.pipeline.dosing import next_dose, rest_seconds, seconds, strength_rest
from recommender.pipeline.layout import apart, lay_out_week, one_more_strength_day, one_session
from recommender.pipeline.planner import assemble_plan, first_plan_week, plan_weeks
from recommender.pipeline.progression import (
    MIN_WEEKS_IN_PLACE,
    first_week,
    next_week,
    raise_to_fill,
    starting_doses,
)
from recommender.pipeline.recommend import Recommender

BOOK = Recommender.load()
PLANS = Path(__file__).parents[1] / "examples" / "plans"


def facts_for(persona: str = "desk-worker-neck", **changes: object) -> Facts:
    raw = json.loads((PLANS / f"{persona}.json").read_text())
    for key, value in changes.items():
        if "." in key:
            section, name = key.split(".")
            raw[section][name] = value
        else:
            raw[key] = value
    answers = validate_answers(raw)
    result = BOOK.recommend(answers)
    held = BOOK.engine.evaluate(answers.fact())
    filtering = BOOK.filters.apply(held, result.triage.level, answers)
    return read_facts(
        answers,
        filtering.eligible,
        BOOK.catalog.families,
        filtering.positions,
        result.triage.level == "none",
    )


# -- choose the movements ---------------------------------------------------------


@pytest.mark.parametrize("minutes, cap", [(20, 6), (30, 6), (31, 9), (60, 9)])
def test_the_movement_cap_follows_the_session_length(minutes: int, cap: int) -> None:
    facts = facts_for("rower-24-every-piece-of-equipment", minutes_per_session=minutes)
    assert facts.cap == cap
    chosen = choose_movements(facts, at_least=99)
    families = {facts.family[c.exercise.id] for c in chosen}
    assert len(chosen) == len(families) == cap


def test_the_first_movement_opens_gently_and_each_painful_area_has_strength() -> None:
    facts = facts_for("rower-24-every-piece-of-equipment")
    chosen = choose_movements(facts)
    assert chosen[0].exercise.opens_session
    strength_areas = {a for c in chosen if c.exercise.kind == "strength" for a in c.exercise.areas}
    assert set(facts.areas) <= strength_areas
    assert all(c.why for c in chosen)


def test_a_nerve_slider_is_chosen_for_leg_symptoms() -> None:
    facts = facts_for("sciatica-to-the-foot")
    ids = [c.exercise.id for c in choose_movements(facts)]
    assert "sciatic-nerve-slider" in ids
    without = facts_for("sciatica-to-the-foot", **{"red_flags.limb_pain_or_tingling": False})
    assert "sciatic-nerve-slider" not in [c.exercise.id for c in choose_movements(without)]


def test_the_fit_start_strength_work_at_level_2() -> None:
    fit = facts_for("rower-24-every-piece-of-equipment")
    assert fit.fitter
    assert any(
        c.exercise.kind == "strength" and c.exercise.level == 2 for c in choose_movements(fit)
    )
    sore = facts_for("rower-24-every-piece-of-equipment", pain_intensity=5)
    assert not sore.fitter


def test_owned_equipment_is_chosen() -> None:
    facts = facts_for("rower-24-every-piece-of-equipment")
    kit = {k for c in choose_movements(facts) for k in c.exercise.equipment}
    assert {"resistance_band", "dumbbells", "doorway", "foam_roller"} <= kit


# -- set the doses ------------------------------------------------------------------


def test_rests_are_in_the_spec_ranges_and_counted_in_the_time() -> None:
    catalog = BOOK.catalog
    row = catalog["band-row"]
    dose = row.dose.with_(sets=3, reps=12)
    assert rest_seconds(row, dose) == 60
    assert rest_seconds(row, dose, strength_rest(5)) == 30
    assert seconds(row, dose) - seconds(row, dose, 30) == 2 * 30, "two rests between 3 sets"
    stretch = catalog["self-hug-stretch"]
    assert 0 <= rest_seconds(stretch, stretch.dose) <= 30
    assert rest_seconds(row, dose.with_(sets=1)) == 0
    walking = catalog["walking"]
    assert rest_seconds(walking, walking.dose) == 0


def test_mobility_adds_a_set_after_twelve_repetitions() -> None:
    exercise = BOOK.catalog["standing-cat-cow"]
    answers = facts_for().answers
    top = exercise.dose.with_(sets=2, reps=12)
    assert next_dose(exercise, top, answers) == top.with_(sets=3)
    assert next_dose(exercise, top.with_(sets=3), answers) is None


def test_raising_to_fill_never_overruns_a_session_and_takes_felt_steps() -> None:
    facts = facts_for("sixty-minutes-five-days")
    chosen = choose_movements(facts)
    start = starting_doses(facts, chosen)
    layout = lay_out_week(facts, chosen, start)
    raised = raise_to_fill(facts, layout, start)
    assert raised != start, "a long session is filled with more work"
    for session in layout.sessions:
        assert sum(facts.time(e, raised[e.id]) for e in session) <= facts.budget
    for exercise_id, dose in raised.items():
        assert dose.volume >= start[exercise_id].volume


# -- lay out the week ---------------------------------------------------------------


def test_strength_days_are_never_neighbours_and_open_gently() -> None:
    for days in range(1, 8):
        facts = facts_for("rower-24-every-piece-of-equipment", days_per_week=days)
        chosen = choose_movements(facts)
        layout = lay_out_week(facts, chosen, starting_doses(facts, chosen))
        assert len(layout.sessions) == days
        assert all(
            apart(a, b) for a in layout.strength_days for b in layout.strength_days if a != b
        )
        for offset, session in zip(layout.offsets, layout.sessions, strict=True):
            assert session[0].opens_session
            if offset in layout.strength_days:
                assert any(e.kind == "strength" for e in session)
            else:
                assert not any(e.kind == "strength" for e in session)


def test_a_gentle_day_whose_walk_would_pass_its_third_takes_strength_work_when_it_can() -> None:
    """one_more_strength_day alone, given week one's walks: someone not yet active has
    strength work on two days; a day without it whose walk had to pass its third gets
    it too, unless that day neighbours a strength day (or the session is under 15
    minutes, where walking only tops up what the exercises leave)."""
    facts = facts_for(days_per_week=3, activity_level="low", minutes_per_session=20)
    chosen = choose_movements(facts)
    layout = lay_out_week(facts, chosen, starting_doses(facts, chosen))
    assert layout.offsets == (0, 2, 4) and layout.strength_days == {0, 2}
    within, over = facts.walk_room, facts.walk_room + 1
    assert one_more_strength_day(facts, layout, [within] * 3) is None
    assert one_more_strength_day(facts, layout, [0, 0, over]) == 4  # Friday
    assert one_more_strength_day(facts, layout, [over, 0, 0]) is None  # a strength day's
    four = facts_for(days_per_week=4, activity_level="low", minutes_per_session=20)
    chosen = choose_movements(four)
    layout = lay_out_week(four, chosen, starting_doses(four, chosen))
    assert layout.offsets == (0, 1, 3, 5) and layout.strength_days == {0, 3}
    assert one_more_strength_day(four, layout, [0, over, 0, 0]) is None  # next to Monday
    assert one_more_strength_day(four, layout, [0, 0, 0, over]) == 5  # Saturday
    ten = facts_for(days_per_week=3, activity_level="low")  # 10 minutes
    chosen = choose_movements(ten)
    layout = lay_out_week(ten, chosen, starting_doses(ten, chosen))
    assert one_more_strength_day(ten, layout, [0, 0, ten.walk_room + 1]) is None


def test_version_b_differs_from_version_a() -> None:
    facts = facts_for("sixty-minutes-five-days")
    chosen = choose_movements(facts)
    doses = starting_doses(facts, chosen)
    a = one_session(facts, chosen, doses, strength_day=False, version=0)
    b = one_session(facts, chosen, doses, strength_day=False, version=1)
    assert a != b


# -- progress the weeks -------------------------------------------------------------


def test_doses_never_fall_and_walking_stays_within_its_third() -> None:
    facts = facts_for("rower-24-every-piece-of-equipment")
    _, _, first = first_plan_week(facts)
    states = plan_weeks(facts, first, 8)
    for before, after in zip(states, states[1:], strict=False):
        assert after.number == before.number + 1
        for exercise_id, dose in after.doses.items():
            if exercise_id in before.doses:
                assert dose.volume >= before.doses[exercise_id].volume
        assert all(w <= facts.walk_room for w in after.walks)
        assert all(b <= a for b, a in zip(before.walks, after.walks, strict=True))


def test_a_harder_variant_comes_only_at_low_pain_and_after_two_weeks() -> None:
    facts = facts_for("rower-24-every-piece-of-equipment")
    _, _, first = first_plan_week(facts)
    states = plan_weeks(facts, first, 8)
    swapped = {i: s.number for s in states for i in s.harder_why}
    assert swapped, "a fit rower at pain 2 moves on"
    assert min(swapped.values()) >= 1 + MIN_WEEKS_IN_PLACE
    sore = facts_for("rower-24-every-piece-of-equipment", pain_intensity=4)
    _, _, first = first_plan_week(sore)
    assert not any(s.harder_why for s in plan_weeks(sore, first, 8))


def test_a_week_is_a_new_value() -> None:
    facts = facts_for()
    chosen = choose_movements(facts)
    doses = starting_doses(facts, chosen)
    layout = lay_out_week(facts, chosen, doses)
    one = first_week(facts, layout, doses)
    frozen = dict(one.doses)
    two = next_week(facts, one, 1)
    assert dict(one.doses) == frozen and two is not one


def test_the_same_answers_give_the_same_plan() -> None:
    facts = facts_for("sixty-minutes-five-days")
    eligible = list(facts.eligible.values())
    one = assemble_plan(facts.answers, eligible, 6, facts.family, facts.positions)
    two = assemble_plan(facts.answers, eligible, 6, facts.family, facts.positions)
    assert one.to_dict() == two.to_dict() and one.choices == two.choices


def test_a_short_session_is_said_in_plain_words() -> None:
    # The rower's day without strength work: nine movements cannot fill 45 minutes.
    plan = BOOK.recommend(facts_for("rower-24-every-piece-of-equipment").answers).plan
    assert plan is not None
    assert any(n.startswith("A shorter session") for w in plan.weeks for n in w.notes)
    for week in plan.weeks:
        short = [s for s in week.sessions if s.minutes < 45 * 0.75]
        said = [n for n in week.notes if n.startswith("A shorter session")]
        assert bool(short) == bool(said)
        if said:
            assert "walk for the rest of the time if you can" in said[0]
            assert all(s.minutes >= 45 / 2 for s in short)


@pytest.mark.parametrize("activity", ["low", "moderate", "high"])
@pytest.mark.parametrize("days", range(1, 8))
def test_the_facts_know_whether_the_week_has_days_without_strength_work(
    days: int, activity: str
) -> None:
    """Choosing keeps places for gentle work when the week has days without strength
    work (Facts.gentle_days); the layout is what decides those days."""
    facts = facts_for(days_per_week=days, activity_level=activity)
    chosen = choose_movements(facts)
    layout = lay_out_week(facts, chosen, starting_doses(facts, chosen))
    assert facts.gentle_days == (len(layout.strength_days) < days)


def test_a_week_with_days_without_strength_work_teaches_two_gentle_movements() -> None:
    """Found on sample answers (issue 22): the content, strength for every area and the
    band, dumbbells and worktop took all six places, so the days without strength work
    held neck rotation and a walk. The last movement chosen only for equipment (the
    worktop's balance exercise) gives its place; the lower back keeps its strength work."""
    facts = facts_for(
        "pregnant-30-weeks-pelvic-girdle-pain",
        age=79,
        pain_areas=["neck", "lower_back"],
        pain_intensity=0,
        equipment=["dumbbells", "wall", "worktop", "resistance_band"],
        days_per_week=7,
        minutes_per_session=28,
        activity_level="low",
        **{"history.cannot_get_on_floor": True},
    )
    chosen = [c.exercise for c in choose_movements(facts)]
    assert len(chosen) == facts.cap
    assert len([e for e in chosen if e.kind != "strength"]) >= 2
    strength = [e for e in chosen if e.kind == "strength"]
    assert {"neck", "lower_back"} <= {a for e in strength for a in e.areas}
    assert "supported-tandem-stance" not in {e.id for e in chosen}
