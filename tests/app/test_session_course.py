"""`backplan session` on a tracked course: today's session as the course's check-ins
adapted it, in a real terminal with the timers sped up (BACKPLAN_SESSION_SPEED), its
end recorded as a check-in that the next week follows; the course's warning first, and
no exercises on a stopped course or after its block."""

from __future__ import annotations

import os
import re
import sys
from typing import Any

import pytest

from recommender.app.tracking import follow

from conftest import EXAMPLES, Run
from support.course import stored_course
from support.terminal import Child, Pattern, matched, text_before

#: Sciatica (a plan with "see a clinician soon"): week 1's Thursday has an exercise
#: with an easier version that suits the person.
START = ["track", "start", "--answers", str(EXAMPLES / "sciatica.json"), "--start", "2026-01-05"]
THURSDAY = "2026-01-08"
#: A fit rower (no warning sign, pain 2): a plan that starts above the easiest versions
#: (issue 22's fitter start), so that Thursday's session has an easier version to take.
FIT_ROWER = EXAMPLES / "plans" / "rower-24-every-piece-of-equipment.json"
START_FIT = ["track", "start", "--answers", str(FIT_ROWER), "--start", "2026-01-05"]

# pexpect has no type information (the lock holds no stubs): the module is Any, and
# each child it spawns is held as a support.terminal.Child.
pexpect: Any = pytest.importorskip("pexpect")

SCREEN = r"Exercise (\d+) of (\d+): ([^(\r\n]+) \("


def _spawn(db: str, *args: str) -> Child:
    env = dict(os.environ, NO_COLOR="1", BACKPLAN_SESSION_SPEED="300", BACKPLAN_DB=db)
    child: Child = pexpect.spawn(
        sys.executable,
        ["-m", "recommender", "session", *args],
        env=env,
        encoding="utf-8",
        timeout=90,
        dimensions=(40, 100),
    )
    return child


def _through(child: Child) -> tuple[str, str, str]:
    """The whole session: `e` on the first exercise that has an easier version that
    suits the person, `s` on the exercise after it, Enter everywhere else. The name of
    the exercise swapped, of its easier version, and of the one skipped."""
    swapped = easier = skipped = ""
    waits: list[Pattern] = [SCREEN, "Press Enter when you have done them", "How did it go?"]
    while (found := child.expect(waits)) != 2:
        if found == 1:
            child.send("\r")
            continue
        name = matched(child).group(3).strip()
        child.expect("Enter: next")
        if not swapped and name != easier:
            child.send("e")
            if child.expect(["Changed to an easier version: ([^\r\n]+)\\.", "no easier"]) == 0:
                swapped, easier = name, matched(child).group(1)
                continue  # the easier version's screen comes next
        if swapped and not skipped and name != easier:
            child.send("s")
            child.expect("Skipped")
            skipped = name
            continue
        child.send("\r")
    return swapped, easier, skipped


def test_the_courses_warning_comes_before_the_sessions_exercises(db: str, run: Run) -> None:
    run(*START)
    child = _spawn(db, "--date", THURSDAY)
    child.expect("SEE A CLINICIAN SOON")
    assert "Exercise 1 of" not in text_before(child)
    child.expect(r"Week 1, Thursday: (\d+) exercises")
    child.expect(SCREEN)
    child.expect("Enter: next")
    child.send("q")
    child.expect("Nothing was done, so no check-in was recorded.")
    child.expect(pexpect.EOF)
    child.close()


def test_a_tracked_session_with_easier_and_skip_is_recorded_and_adapts_next_week(
    db: str, run: Run
) -> None:
    run(*START_FIT)
    child = _spawn(db, "--date", THURSDAY)
    child.expect(r"Week 1, Thursday: (\d+) exercises")
    total = int(matched(child).group(1))
    swapped, easier, skipped = _through(child)
    assert swapped and easier and skipped
    child.expect("highest pain during the exercises")
    child.sendline("7")
    child.expect(rf"(\d+)\) {re.escape(easier)}")
    number = matched(child).group(1)
    child.expect("Did any of them hurt")
    child.sendline(number)
    child.expect(rf"You did {total - 1} of {total} exercises\.")
    child.expect("Any new or changed symptom")
    child.sendline("n")
    child.expect("Check-in saved for week 1.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    (entry,) = stored_course(db).checkins
    progress, _, recommender = follow(db, None)
    catalog = recommender.catalog
    original = next(e.id for e in catalog if e.name == swapped)
    assert (entry.week, entry.sessions_done, entry.exercise_pain) == (1, 1, 7)
    # The easier version hurt: the plan's exercise it stood for is the one stepped back.
    assert entry.hurt == (original,)
    review = progress.reviews[0]
    assert [d.exercise for d in review.exercises] == [original]
    assert review.exercises[0].now != original
    # One session of the week's three so far: the doses hold (AD-ADHERENCE), and the
    # exercise that hurt steps back on its own.
    assert review.outcome == "adherence"
    status = run("track", "status", "--week", "2", "--date", "2026-01-12").output
    assert f"(in place of {swapped})" in status


def test_ctrl_c_part_way_keeps_what_was_done_as_the_check_in(db: str, run: Run) -> None:
    run(*START)
    child = _spawn(db, "--date", THURSDAY)
    child.expect(SCREEN)
    child.expect("Enter: next")
    child.send("\r")
    while child.expect(["Press Enter when you have done them", SCREEN]) == 0:
        child.send("\r")  # the first exercise, whole
    child.expect("Enter: next")
    child.sendintr()  # Ctrl-C on the second exercise's screen
    child.expect("highest pain during the exercises")
    child.sendline("2")
    child.expect("Did any of them hurt")
    child.sendline("")
    child.expect(r"You did 1 of \d+ exercises \(stopped early; what you did counts\)")
    child.expect("Any new or changed symptom")
    child.sendline("n")
    child.expect("Check-in saved for week 1.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    (entry,) = stored_course(db).checkins
    assert (entry.sessions_done, entry.exercise_pain, entry.hurt) == (1, 2, ())


def test_a_new_symptom_at_the_end_is_re_screened_and_a_yes_is_kept_through_ctrl_c(
    db: str, run: Run
) -> None:
    run(*START)
    child = _spawn(db, "--date", THURSDAY)
    child.expect(SCREEN)
    child.expect("Enter: next")
    child.send("s")
    child.expect(SCREEN)
    child.expect("Enter: next")
    child.send("q")
    child.expect("highest pain during the exercises")
    child.sendline("")
    child.expect("Did any of them hurt")
    child.sendline("")
    child.expect("Any new or changed symptom")
    child.sendline("y")
    child.expect("Answer y or n to each warning sign")
    child.expect(r"\[y/N\]")
    child.sendline("y")  # the first warning sign: numbness around the saddle area
    child.expect(r"\[y/N\]")
    child.sendintr()  # the rest cut short: the yes given is kept, and acted on
    child.expect("EMERGENCY")
    child.expect("Your plan is stopped")
    child.expect(pexpect.EOF)
    child.close()
    course = stored_course(db)
    (entry,) = course.checkins
    assert entry.new_red_flags == ("saddle_numbness",) and entry.rescreen == "emergency"
    assert course.stopped
    # From now on the session shows the stop, and no exercise.
    later = run("session", "--date", "2026-01-12")
    assert "YOUR PLAN IS STOPPED" in later.stderr
    assert "Exercise 1" not in later.stderr


def test_a_stopped_course_shows_its_warning_and_no_exercises(db: str, run: Run) -> None:
    run(*START)
    run("track", "checkin", "--week", "1", "--done", "1", "--new-symptom", "chest_pain")
    shown = run("session", "--date", THURSDAY).stderr
    assert shown.index("EMERGENCY") < shown.index("YOUR PLAN IS STOPPED")
    assert "Exercise 1" not in shown and "Week 1, Thursday" not in shown


def test_after_the_block_no_exercises_and_the_way_on(db: str, run: Run) -> None:
    run(*START)
    shown = run("session", "--date", "2026-03-02").stderr
    assert "renew" in shown and "Exercise 1" not in shown


def test_options_for_a_course_are_refused_with_answers(db: str, run: Run) -> None:
    refused = run("session", "--example", "--db", db, code=2)
    assert "--db and --person are for a tracked course" in refused.output


def test_a_week_past_the_plan_is_named(run: Run) -> None:
    refused = run("session", "--example", "--week", "9", code=2)
    assert "the plan has weeks 1 to 4, not week 9" in refused.output
