"""The check-in as a person at a real terminal (a pseudo-terminal through pexpect):
the week's exercises are listed by number when the pain passed the limit, a reply
that is not a number from the list is asked again, and the one chosen steps back
alone."""

from __future__ import annotations

import os
import sys

import pexpect

from recommender.app.tracking import follow

from conftest import Run
from support.course import START_ARGS
from support.terminal import Child, matched


def test_a_person_picks_the_exercise_that_hurt_at_a_terminal(db: str, run: Run) -> None:
    run(*START_ARGS)
    child: Child = pexpect.spawn(
        sys.executable,
        ["-m", "recommender", "track", "checkin", "--week", "1"],
        encoding="utf-8",
        timeout=60,
        env=dict(os.environ, NO_COLOR="1", BACKPLAN_DB=db),
        dimensions=(50, 100),
    )
    child.expect("Sessions done")
    child.sendline("3")
    child.expect("Highest pain during the exercises")
    child.sendline("7")
    child.expect("The next morning")
    child.sendline("same")
    child.expect(r"Which exercises hurt more than they should \(over 6 out of 10")
    child.expect(r"(\d+)\. Band hold against a sideways pull")
    band_hold = matched(child).group(1)
    child.expect("Their numbers")
    child.sendline("99")  # not on the list: asked again
    child.expect("give numbers from 1 to")
    child.sendline(band_hold)
    child.expect("Your usual pain this week")
    child.sendline("6")
    child.expect("Any new or changed symptom")
    child.sendline("n")
    child.expect("Check-in saved for week 1.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    progress, _, _ = follow(None, None)
    (decided,) = progress.reviews[0].exercises
    assert decided.rule is not None
    assert decided.exercise == "band-pallof-hold" and decided.rule.id == "AD-EXERCISE-SWAP"
    # The pain over the limit was the band hold's: the rest of the plan moves on.
    assert progress.reviews[0].outcome == "progress"
