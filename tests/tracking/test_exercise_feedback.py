"""Feedback per exercise (issue 25, item 4): an exercise named as hurting steps back
alone (to its easier version, or out for a safe exercise for the same area, or out),
the rest progresses; one named as too easy in a good, low-pain week moves on to its
harder version. Only exercises that passed the person's filters are ever offered."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from recommender.app.tracking import follow
from recommender.core.progress import NO_EXERCISE
from recommender.pipeline.recommend import Recommender
from recommender.rulebook.engines import create_engine

from conftest import Run
from support.course import ANSWERS, START_ARGS, checkin_args, stored_course

EXAMPLE = ["track", "start", "--example", "--start", "2026-01-05"]


def _week_lines(status: str) -> list[str]:
    return [line.strip() for line in status.splitlines() if line.startswith("    - ")]


def test_an_exercise_that_hurt_steps_back_alone_while_the_rest_progresses(
    db: str, run: Run
) -> None:
    run(*START_ARGS)
    # Pain 7 in exercise, the next morning no worse, usual pain steady, and the person
    # says the band hold against a sideways pull (the plan's strength work, with no
    # easier version) was what hurt.
    run(
        *checkin_args(1, "3", 7, "same", 6, None, ()), "--hurt", "band hold against a sideways pull"
    )
    progress, _, _ = follow(None, None)
    review = progress.reviews[0]
    assert review.outcome == "progress"
    assert review.deciding is not None and review.deciding.id == "AD-PROGRESS"
    (decided,) = review.exercises
    assert decided.rule is not None
    assert (decided.exercise, decided.rule.id, decided.now) == (
        "band-pallof-hold",
        "AD-EXERCISE-SWAP",
        "bridge",
    )
    status = run("track", "status", "--week", "2").output
    assert "doses of plan week 2" in status  # the rest moved on
    lines = _week_lines(status)
    swapped = "(in place of Band hold against a sideways pull)"
    assert any(line.startswith("- Bridge:") and swapped in line for line in lines)
    assert not any(line.startswith("- Band hold against a sideways pull:") for line in lines)
    # week 2's own amounts for the rest (week 1 had 2 sets of 8 and of 10)
    assert any(line.startswith("- Overhead side reach: 2 sets of 10 each side") for line in lines)
    assert any(line.startswith("- Standing back bend: 2 sets of 12") for line in lines)
    explain = " ".join(run("track", "explain").output.split())
    assert "Band hold against a sideways pull hurt and has no easier version that suits you" in (
        explain
    )
    assert "Rule AD-EXERCISE-SWAP" in explain


def test_without_naming_the_exercise_the_whole_plan_holds(db: str, run: Run) -> None:
    """The control for the test above: the same week, no exercise named."""
    run(*START_ARGS)
    run(*checkin_args(1, "3", 7, "same", 6, None, ()))
    progress, _, _ = follow(None, None)
    assert progress.reviews[0].outcome == "hold" and progress.reviews[0].exercises == ()


def test_too_easy_moves_on_to_the_harder_version_and_a_hurt_steps_back_again(
    db: str, run: Run
) -> None:
    run(*EXAMPLE)
    run(*checkin_args(1, "3", 2, "same", 3, None, ()), "--too-easy", "shoulder-blade setting")
    status = run("track", "status", "--week", "2").output
    harder = [
        line for line in _week_lines(status) if "(in place of Shoulder-blade setting)" in line
    ]
    assert harder and harder[0].startswith("- Shoulder-blade squeeze:")
    run(*checkin_args(2, "3", 6, "same", 3, None, ()), "--hurt", "shoulder-blade-squeeze")
    progress, _, _ = follow(None, None)
    (decided,) = progress.reviews[1].exercises
    assert decided.rule is not None
    assert (decided.rule.id, decided.now) == ("AD-EXERCISE-EASIER", "scapular-setting")
    assert progress.next_level.swaps == ()  # back to the plan's own exercise
    status = run("track", "status", "--week", "3").output
    assert any(line.startswith("- Shoulder-blade setting:") for line in _week_lines(status))


def test_too_easy_changes_nothing_unless_the_week_was_low_in_pain(db: str, run: Run) -> None:
    run(*EXAMPLE)
    run(*checkin_args(1, "3", 4, "same", 3, None, ()), "--too-easy", "shoulder-blade setting")
    progress, _, _ = follow(None, None)
    (decided,) = progress.reviews[0].exercises
    assert decided.rule is None and progress.next_level.swaps == ()
    assert "goes on as planned" in run("track", "explain").output


def test_an_exercise_that_hurt_with_nothing_gentler_is_left_out(db: str, run: Run) -> None:
    run(*EXAMPLE)
    # Relaxed breathing has no easier version, and no other gentle exercise of its kind
    # for the same area passed this person's filters.
    run(*checkin_args(1, "3", 6, "same", 3, None, ()), "--hurt", "Relaxed breathing")
    progress, _, _ = follow(None, None)
    (decided,) = progress.reviews[0].exercises
    assert decided.rule is not None
    assert (decided.rule.id, decided.now) == ("AD-EXERCISE-OUT", None)
    status = run("track", "status", "--week", "2").output
    assert "Left out: Relaxed breathing" in " ".join(status.split())
    assert not any(line.startswith("- Relaxed breathing:") for line in _week_lines(status))


def test_only_exercises_that_passed_the_persons_filters_are_offered(db: str, run: Run) -> None:
    """Every exercise any adapted week shows is in the safe set the filters gave."""
    run(*START_ARGS)
    hurt = ["--hurt", "band hold against a sideways pull", "--hurt", "standing back bend"]
    assert run(*checkin_args(1, "3", 7, "same", 6, None, ()), *hurt).exit_code == 0
    easy = ["--too-easy", "overhead side reach"]
    assert run(*checkin_args(2, "3", 2, "same", 5, None, ()), *easy).exit_code == 0
    progress, _, recommender = follow(None, None)
    assert progress.course.block.safe is not None
    safe = {s.id for s in progress.course.block.safe}
    answers = json.loads(ANSWERS.read_text())
    from recommender.inputs.answers_file import validate_answers

    excluded = {e.exercise for e in recommender.recommend(validate_answers(answers)).excluded}
    assert safe and not safe & excluded
    for week in (2, 3):
        status = run("track", "status", "--week", str(week)).output
        names = [line[2:].split(":", 1)[0] for line in _week_lines(status)]
        by_name = {e.name: e.id for e in recommender.catalog}
        assert all(by_name[name] in safe for name in names)


def test_a_name_that_is_not_one_of_the_persons_exercises_is_refused(db: str, run: Run) -> None:
    run(*EXAMPLE)
    recommender = Recommender.load()
    from recommender.inputs.answers_file import example_answers

    left_out = recommender.recommend(example_answers()).excluded[0].exercise
    for name in ("hiccups", left_out):
        out = run("track", "checkin", "--week", "1", "--done", "2", "--hurt", name, code=2)
        assert "--hurt" in out.output and "not one of your exercises" in out.output
    assert stored_course(db).checkins == ()


def test_the_interactive_check_in_asks_which_exercise_hurt_from_the_weeks_list(
    db: str, run: Run
) -> None:
    run(*EXAMPLE)
    # Sessions, pain 7, the next morning: then the week's list, by number.
    start = ["3", "7", "same"]
    out = run("track", "checkin", "--week", "1", input="\n".join([*start, "", "4", "n"]) + "\n")
    assert "Which exercises hurt more than they should" in out.stderr
    listed = [line.strip() for line in out.stderr.splitlines() if line.strip()[:2] in
              {f"{n}." for n in range(1, 10)}]  # fmt: skip
    assert listed and listed[0].startswith("1. ")
    picked = next(i for i, line in enumerate(listed, 1) if "Shoulder-blade setting" in line)
    run("track", "checkin", "--week", "1", input="\n".join([*start, str(picked), "4", "n"]) + "\n")
    checkins = stored_course(db).checkins
    assert checkins[0].hurt == () and checkins[1].hurt == ("scapular-setting",)


def test_a_new_symptom_narrows_what_a_week_may_hold(db: str, run: Run) -> None:
    """A symptom at `soon` brings in EX-INTENSITY's case for that level (no level 3):
    the block keeps what passes the filters now, and no week shows anything else."""
    run(*EXAMPLE)
    safe_before = stored_course(db).blocks[-1].safe
    run(*checkin_args(1, "3", 2, "same", 3, None, ("limb_pain_or_tingling",)))
    safe_after = stored_course(db).blocks[-1].safe
    # Both sets are stored: a missing one is a failure, never an empty set that passes.
    assert safe_before is not None and safe_after is not None
    before, after = set(safe_before), set(safe_after)
    recommender = Recommender.load()
    assert after < before
    assert all(recommender.catalog[e].level <= 2 for e in after)
    assert any(recommender.catalog[e].level == 3 for e in before - after)


def test_an_exercise_no_longer_safe_is_replaced_in_the_adapted_week() -> None:
    from recommender.core.progress import SafeExercise
    from recommender.core.result_record import ItemRecord, PlanRecord, SessionRecord, WeekRecord
    from recommender.pipeline.adapt import Level, adapted_week
    from recommender.pipeline.choices import Choices

    catalog = Recommender.load().catalog
    squeeze = catalog["shoulder-blade-squeeze"]
    item = ItemRecord(squeeze.id, squeeze.name, 2, 10, None)
    plan = PlanRecord((WeekRecord(1, (SessionRecord("monday", None, 10, (item,)),)),))
    setting = SafeExercise("scapular-setting", "Shoulder-blade setting", "sitting")
    week = adapted_week(plan, 1, Level(1), Choices(catalog, (setting,)))
    (adapted,) = week.sessions[0].items
    assert (adapted.item.id, adapted.change, adapted.was) == (
        "scapular-setting",
        "unsafe",
        "Shoulder-blade squeeze",
    )
    nothing = adapted_week(
        plan, 1, Level(1), Choices(catalog, (SafeExercise("walking", "W", "standing"),))
    )
    assert nothing.sessions[0].items == () and nothing.left_out == ((squeeze.id, squeeze.name),)


_BOOK = Recommender.load(engine="reference")
_ENGINE = create_engine(_BOOK.rulebook.adapt_conditions(), "reference")


@given(st.fixed_dictionaries({k: st.booleans() for k in NO_EXERCISE}))
def test_an_exercise_that_hurt_gets_exactly_one_of_the_three_steps_back(
    exercise: dict[str, bool],
) -> None:
    week = {**_BOOK.rulebook.review_baseline, "exercise": exercise}
    hurt_rules = {"AD-EXERCISE-EASIER", "AD-EXERCISE-SWAP", "AD-EXERCISE-OUT"}
    fired = _ENGINE.evaluate(week) & hurt_rules
    assert len(fired) == (1 if exercise["hurt"] else 0)
    if exercise["hurt"]:
        assert "AD-EXERCISE-HARDER" not in _ENGINE.evaluate(week)


def test_no_rule_for_one_exercise_fires_on_a_weeks_own_review() -> None:
    from recommender.pipeline.examples import example_answers

    exercise_rules = {r.id for r in _BOOK.rulebook.adapt if r.about_exercise}
    assert len(exercise_rules) == 4
    assert (
        not _ENGINE.evaluate(example_answers(_BOOK.rulebook.review_baseline, {})) & exercise_rules
    )
