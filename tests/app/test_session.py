"""`backplan session`: today's session one exercise at a time, in a real terminal, with
the timers sped up (BACKPLAN_SESSION_SPEED, a test-only factor)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from recommender.app.cli import main
from recommender.core.catalog import Dose
from recommender.pipeline.recommend import Recommender
from recommender.pipeline.session import steps_of

from conftest import example_answers
from support.terminal import Child, Pattern, matched

# pexpect has no type information (the lock holds no stubs): the module is Any, and
# each child it spawns is held as a support.terminal.Child.
pexpect: Any = pytest.importorskip("pexpect")


# -- the steps of a dose ------------------------------------------------------------------


def test_sets_of_repetitions_are_steps_the_person_ends_with_timed_rests_between() -> None:
    steps = steps_of(Dose(sets=2, per_side=False, reps=10), rest=60)
    assert [(s.kind, s.seconds) for s in steps] == [("reps", None), ("rest", 60), ("reps", None)]
    assert steps[0].text == "Set 1 of 2: 10"


def test_holds_count_down_each_side_and_rest_between_sets() -> None:
    steps = steps_of(Dose(sets=2, per_side=True, hold_seconds=20), rest=15)
    assert [(s.kind, s.text, s.seconds) for s in steps] == [
        ("hold", "Set 1 of 2, left side: hold", 20),
        ("hold", "Set 1 of 2, right side: hold", 20),
        ("rest", "Rest", 15),
        ("hold", "Set 2 of 2, left side: hold", 20),
        ("hold", "Set 2 of 2, right side: hold", 20),
    ]


def test_the_amount_names_its_rests_as_the_printed_plan_does(recommender: Recommender) -> None:
    """A stretch held several times rests "between holds", strength work "between
    sets": the same words as every printed format."""
    from recommender.inputs.answers_file import validate_answers
    from recommender.pipeline.session import item_of
    from recommender.render.phrases import amount_words

    plan = recommender.recommend(validate_answers(example_answers("desk-worker-upper-back"))).plan
    assert plan is not None
    items = [item_of(p) for p in plan.prescriptions() if p.rest_seconds]
    holds = [i for i in items if i.dose.reps is None]
    sets = [i for i in items if i.dose.reps is not None]
    assert holds and sets
    for item in items:
        printed = amount_words(item.dose, item.rest_seconds)
        assert item.amount == printed.replace(", rest ", "; rest ")
    assert all(i.amount.endswith("between holds") for i in holds)
    assert all(i.amount.endswith("between sets") for i in sets)


def test_walking_is_one_timed_step_in_minutes() -> None:
    (walk,) = steps_of(Dose(sets=1, per_side=False, minutes=10), rest=0)
    assert walk.kind == "walk" and walk.seconds == 600


# -- the whole session in a real terminal ---------------------------------------------------


def _spawn(tmp_path: Path, *args: str) -> Child:
    env = dict(os.environ, NO_COLOR="1", BACKPLAN_SESSION_SPEED="300", COLUMNS="100")
    child: Child = pexpect.spawn(
        sys.executable,
        ["-m", "recommender", "session", *args],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 100),
    )
    return child


def _easier_and_other(answers: dict[str, Any]) -> tuple[str, int, int]:
    """A week-1 day whose session has an exercise with an easier version that suits
    the person, that exercise and another one to skip (1-based)."""
    from recommender.inputs.answers_file import validate_answers
    from recommender.pipeline.recommend import Recommender

    result = Recommender.load().recommend(validate_answers(answers))
    left_out = {e.exercise for e in result.excluded}
    assert result.plan is not None
    for session in result.plan.weeks[0].sessions:
        for at, item in enumerate(session.exercises, 1):
            if item.exercise.easier and item.exercise.easier not in left_out:
                other = 1 if at != 1 else 2
                return session.day, at, other
    raise AssertionError("no session with an easier version that suits the person")


#: A fit rower's plan starts strength work above the easiest version (issue 22's fitter
#: start), so its sessions hold exercises with an easier version to change to.
FIT_ROWER = (
    Path(__file__).parents[1] / "examples" / "plans" / "rower-24-every-piece-of-equipment.json"
)


def test_a_whole_session_with_an_easier_version_and_a_skip(tmp_path: Path) -> None:
    person = json.loads(FIT_ROWER.read_text(encoding="utf-8"))
    answers = tmp_path / "me.json"
    answers.write_text(json.dumps(person))
    day, easier_at, skip_at = _easier_and_other(person)
    child = _spawn(tmp_path, "--answers", str(answers), "--day", day)
    swapped = False
    while True:
        found = child.expect(
            [
                r"Exercise (\d+) of (\d+): ",
                r"Press Enter when you have done them",
                r"highest pain during the exercises",
            ]
        )
        if found == 2:
            break
        if found == 1:
            child.send("\r")
            continue
        number = int(matched(child).group(1))
        child.expect("Enter: next")
        if number == easier_at and not swapped:
            child.send("e")
            child.expect("Changed to an easier version")
            swapped = True
        elif number == skip_at:
            child.send("s")
            child.expect("Skipped")
        else:
            child.send("\r")
    child.sendline("3")
    child.expect("Did any of them hurt")
    child.sendline("")
    child.expect(r"You did (\d+) of (\d+) exercises")
    done, total = int(matched(child).group(1)), int(matched(child).group(2))
    assert swapped and done == total - 1
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_countdown_updates_in_place_and_q_keeps_what_was_done(tmp_path: Path) -> None:
    answers = tmp_path / "me.json"
    answers.write_text(json.dumps(example_answers("desk-worker-upper-back")))
    child = _spawn(tmp_path, "--answers", str(answers), "--day", "monday")
    child.expect("Exercise 1 of")
    child.expect("Enter: next")
    child.send("\r")
    # The first timed step counts down on one line: each update starts with a carriage
    # return, not a new line. Sets of repetitions before it are ended with Enter.
    waits: list[Pattern] = [
        r"\r\x1b\[K  [^\r\n]*: \d",
        "Press Enter when you have done them",
        "Enter: next",
    ]
    while child.expect(waits):
        child.send("\r")
    # The countdowns run out (holds shortened by the speed factor); Enter ends each set
    # of repetitions, until the second exercise: stopping there keeps the first.
    while child.expect(["Exercise 2 of", "Press Enter when you have done them", "Enter: next"]):
        child.send("\r")
    child.expect("Enter: next")
    child.send("q")
    child.expect("How did it go")
    child.sendline("")
    child.expect("Did any of them hurt")
    child.sendline("")
    child.expect(r"You did \d+ of \d+ exercises \(stopped early; what you did counts\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_no_plan_means_no_session_and_the_warning_first() -> None:
    runner = CliRunner()
    cauda = json.dumps(example_answers("cauda-equina"))
    result = runner.invoke(main, ["session", "--answers", "-"], input=cauda)
    assert result.exit_code == 0
    assert "EMERGENCY" in result.stderr
    assert "no session to do" in result.stderr and "Exercise 1" not in result.stderr


def test_a_day_without_a_session_is_named_with_the_days_it_has() -> None:
    result = CliRunner().invoke(main, ["session", "--example", "--day", "sunday"])
    assert result.exit_code == 2
    assert "no session on Sunday" in result.output and "Monday" in result.output
