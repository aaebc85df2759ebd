"""Blocks and history (issue 25, item 2): a block ends, `status` says so and names the
weeks with no check-in, `renew` re-screens and plans the next block from where the
person is, in the same course, and the report covers every block."""

from __future__ import annotations

import json

from recommender.app.tracking import follow
from recommender.pipeline.adapt import Level

from conftest import Run
from support.course import ANSWERS, START_ARGS, checkin_args, stored_course

RENEW = ["track", "renew", "--start", "2026-03-02", "--no-symptoms", "--no-outlook"]


def _eight_weeks(run: Run, skip: tuple[int, ...] = ()) -> None:
    run(*START_ARGS)
    for week in range(1, 9):
        if week not in skip:
            run(*checkin_args(week, "3", 3, "same", 5, None, ()))


def test_a_course_runs_through_two_blocks_and_the_report_covers_both(db: str, run: Run) -> None:
    _eight_weeks(run)
    out = run(*RENEW).output
    assert "Block 2 begins on Monday 02 March 2026" in out
    for week in (1, 2):
        run(*checkin_args(week, "3", 3, "same", 4, None, ()))
    progress, _, _ = follow(None, None)
    assert [b.block.number for b in progress.blocks] == [1, 2]
    assert [(r.block, r.week, r.course_week) for r in progress.reviews][-3:] == [
        (1, 8, 8),
        (2, 1, 9),
        (2, 2, 10),
    ]
    report = run("track", "report", "--date", "2026-03-20").output
    assert "Block 1: from Monday 05 January 2026, 8 weeks." in report
    assert "Block 2: from Monday 02 March 2026, 8 weeks" in report
    assert "Weeks checked in: 10." in report
    assert "Block 2\n  Week 1:" in report  # the decisions, block by block
    page = run("track", "report", "-f", "html", "--date", "2026-03-20").output
    assert "Block 1: from" in page and "Block 2: from" in page
    assert "Block 2, week 2:" in page


def test_renewal_starts_from_the_amounts_done_now(db: str, run: Run) -> None:
    """Same answers, same plan: the next block goes on from the amounts reached."""
    from recommender.pipeline.adapt import adapted_week
    from recommender.pipeline.choices import Choices

    _eight_weeks(run)
    progress, _, recommender = follow(None, None)
    block = progress.course.block
    assert block.result.plan is not None and block.safe is not None
    done = adapted_week(block.result.plan, 8, progress.next_level,
                        Choices(recommender.catalog, block.safe))  # fmt: skip
    reached = {a.item.id: a.item.dose.volume for a in done.items()}
    out = run(*RENEW, "--usual-pain", "6").output  # usual pain as at the start
    renewed, _, _ = follow(None, None)
    new = renewed.course.block
    assert new.number == 2 and new.first_plan_week > 1
    assert f"starting from the amounts of plan week {new.first_plan_week}" in out
    assert new.result.plan is not None
    first = new.result.plan.week(new.first_plan_week).items()
    assert {i.id: i.dose.volume for i in first} == reached
    assert new.first_plan_week == 1 + min(
        n
        for n in range(len(new.result.plan.weeks))
        if {i.id: i.dose.volume for i in new.result.plan.weeks[n].items()} == reached
    )  # the first plan week at those amounts
    status = run("track", "status", "--date", "2026-03-03").output
    assert f"doses of plan week {new.first_plan_week}" in status


def test_the_end_of_a_block_is_said_with_the_missing_weeks_and_the_next_step(
    db: str, run: Run
) -> None:
    _eight_weeks(run, skip=(3, 4))
    out = run("track", "status", "--date", "2026-03-10").output
    assert out.startswith("YOUR 8-WEEK BLOCK ENDED ON SUNDAY 01 MARCH 2026")
    assert "no check-in for weeks 3 and 4" in " ".join(out.split())
    assert "backplan track renew" in out and "--days 2 --minutes 10" in out
    assert "This week uses the doses" not in out  # no week 52 on week-3 doses
    assert "Call your local emergency number" in out  # the safety net stays


def test_missing_weeks_are_named_during_the_block_too(db: str, run: Run) -> None:
    run(*START_ARGS)
    run(*checkin_args(1, "3", 3, "same", 5, None, ()))
    out = run("track", "status", "--date", "2026-01-27").output  # week 4
    assert "No check-in for weeks 2 and 3." in out


def test_a_check_in_after_the_block_is_refused_with_the_way_on(db: str, run: Run) -> None:
    run(*START_ARGS)
    out = run("track", "checkin", "--date", "2026-03-05", "--done", "2", code=2)
    assert "8-week block ended on Sunday 01 March 2026" in out.output
    assert "--week 8" in out.output and "renew" in out.output
    assert stored_course(db).checkins == ()


def test_adherence_advice_is_renew_with_fewer_days_in_the_same_course(db: str, run: Run) -> None:
    run(*START_ARGS)
    run(*checkin_args(1, "monday", 2, "same", 6, None, ()))
    run(*checkin_args(2, "monday", 2, "same", 6, None, ()))
    status = " ".join(run("track", "status", "--week", "3").output.split())
    assert "backplan track renew --days 2 --minutes 10" in status
    assert "track start" not in status
    run("track", "renew", "--start", "2026-01-19", "--days", "2", "--minutes", "10",
        "--no-symptoms", "--no-outlook")  # fmt: skip
    course = stored_course(db)
    assert [b.number for b in course.blocks] == [1, 2] and len(course.checkins) == 2
    assert course.answers["days_per_week"] == 2 and course.answers["minutes_per_session"] == 10
    progress, _, _ = follow(None, None)
    assert progress.blocks[0].weeks_run() == 2  # block 1 ran two weeks before renewal
    plan = progress.course.block.result.plan
    assert plan is not None and len(plan.week(1).days) <= 2
    report = run("track", "report", "--date", "2026-01-21").output
    assert "(renewed after 2 weeks)" in report and "Weeks checked in: 2." in report


def test_renewal_rescreens_every_warning_sign_and_an_urgent_one_stops(db: str, run: Run) -> None:
    _eight_weeks(run)
    out = run("track", "renew", "--start", "2026-03-02", "--symptom", "fever", "--no-outlook")
    assert "URGENT" in out.output and "Fever or feeling very unwell" in out.output
    assert "No new block" in out.output
    course = stored_course(db)
    assert len(course.blocks) == 1 and course.stopped_level == "urgent"
    status = run("track", "status").output
    assert "YOUR PLAN IS STOPPED" in status and "This week uses" not in status
    assert "before you are seen" in status  # the escalation box of an urgent level


def test_renewal_reads_the_outlook_again(db: str, run: Run) -> None:
    _eight_weeks(run)
    run("track", "renew", "--start", "2026-03-02", "--no-symptoms",
        "--outlook", "worry", "--outlook", "low_mood", "--outlook", "pessimism")  # fmt: skip
    course = stored_course(db)
    assert course.answers["outlook"]["worry"] is True
    assert course.blocks[-1].level == "soon"  # YF-OUTLOOK
    assert "YF-OUTLOOK" in json.dumps(course.blocks[-1].result)


def test_renewal_without_options_asks_every_warning_sign_and_the_outlook(db: str, run: Run) -> None:
    from recommender.inputs.questionnaire import load_questionnaire

    _eight_weeks(run)
    age = json.loads(ANSWERS.read_text())["age"]
    asked = [
        q
        for q in load_questionnaire().questions
        if q.key.split(".")[0] in ("red_flags", "outlook") and not q.skipped(age)
    ]
    replies = ["n"] * len(asked) + ["4"]  # then the usual pain now
    out = run("track", "renew", "--start", "2026-03-02", input="\n".join(replies) + "\n")
    assert "warning-sign questions again" in out.stderr
    assert "between your legs" in out.stderr and "worried" in out.stderr.lower()
    assert "Block 2 begins" in out.output
    assert stored_course(db).blocks[-1].start_pain == 4


def test_renewal_needs_every_safety_answer(db: str, run: Run) -> None:
    _eight_weeks(run)
    out = run("track", "renew", "--start", "2026-03-02", "--no-symptoms", code=2)
    assert "--no-outlook" in out.output
    out = run("track", "renew", "--start", "2026-03-02", "--symptom", "hiccups",
              "--no-outlook", code=2)  # fmt: skip
    assert "hiccups" in out.output
    assert len(stored_course(db).blocks) == 1


def test_renewal_level_keeps_easier_steps_and_exercises_changed_alone() -> None:
    from recommender.core.result_record import ItemRecord, PlanRecord, SessionRecord, WeekRecord
    from recommender.pipeline.adapt import AdaptedItem, AdaptedSession, AdaptedWeek, renewal_level

    def item(name: str, reps: int) -> ItemRecord:
        return ItemRecord(name, name, 2, reps, None)

    def week(number: int, reps: int) -> WeekRecord:
        session = SessionRecord("monday", None, 10, (item("a", reps), item("b", reps)))
        return WeekRecord(number, (session,))

    plan = PlanRecord(tuple(week(n, 8 + 2 * (n - 1)) for n in range(1, 13)))
    doing = AdaptedWeek(4, 4, (AdaptedSession("monday", 10, (
        AdaptedItem(item("a", 14), "a"), AdaptedItem(item("b", 14), "b"))),))  # fmt: skip
    assert renewal_level(plan, doing, Level(4), 4) == Level(4)
    # An exercise new to the person holds the block at the plan's first amounts.
    fresh = AdaptedWeek(4, 4, (AdaptedSession("monday", 10, (AdaptedItem(item("a", 14), "a"),)),))
    assert renewal_level(plan, fresh, Level(4), 4) == Level(1)
    # Stepped back to easier versions (done now: a-easy, b-easy), and one exercise
    # swapped alone: the plan's first amounts, with both carried over.
    easier = AdaptedWeek(1, 1, (AdaptedSession("monday", 10, (
        AdaptedItem(item("a-easy", 8), "a"), AdaptedItem(item("c", 8), "b"))),))  # fmt: skip
    carried = Level(1, 1, (("b", "c"),))
    assert renewal_level(plan, easier, carried, 4) == carried
    # A plan that holds its amounts: the first week at them.
    flat = PlanRecord(tuple(week(n, min(8 + 2 * (n - 1), 12)) for n in range(1, 13)))
    assert renewal_level(flat, doing, Level(4), 4) == Level(3)


def test_a_course_from_version_2_renews_asking_each_newer_question_once(db: str, run: Run) -> None:
    """Issue 21's courses: the newer history questions are asked first, then every
    warning sign and the outlook, each once."""
    from recommender.inputs.questionnaire import load_questionnaire
    from recommender.store.courses import Store

    from support.upgrade_answers import V3_KEYS

    _eight_weeks(run)
    store = Store.open(db)
    course = store.current_course(store.person(None).id, with_checkins=False)
    older = json.loads(json.dumps(course.answers))
    for key in V3_KEYS:
        section, _, name = key.partition(".")
        if name:
            older[section].pop(name)
        else:
            older.pop(section)
    store.update_answers(course.id, older)
    refused = run(*RENEW, code=2)
    assert "newer questions" in refused.output
    age = older["age"]
    questions = [q for q in load_questionnaire().questions if not q.skipped(age)]
    history = [q for q in questions if q.key in V3_KEYS and q.key.startswith("history.")]
    rescreen = [q for q in questions if q.key.split(".")[0] in ("red_flags", "outlook")]
    replies = ["n"] * (len(history) + len(rescreen)) + ["4"]
    out = run("track", "renew", "--start", "2026-03-02", input="\n".join(replies) + "\n")
    assert f"now asks {len(history)} questions" in out.stderr
    assert "Block 2 begins" in out.output
    walking = next(q for q in rescreen if q.key == "red_flags.walking_leg_pain")
    assert out.stderr.count(" ".join(walking.full_text().split())[:40]) == 1
    from recommender.core.answers import missing_safety_answers

    assert missing_safety_answers(stored_course(db).answers) == []
