"""The simulated 8-week course the tracking tests, the benchmarks and the README share.

Weeks 1-3 go well, week 4 flares (pain 7 in exercise, worse next morning), week 5 is
still over the limit, weeks 6-7 settle, and in week 8 a new red flag (saddle
numbness) is reported.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # stored_course imports the store only when called; this is for mypy
    from recommender.store.courses import CourseRow

ANSWERS = Path(__file__).resolve().parents[1] / "tracking" / "course-answers.json"
START = "2026-01-05"

#: A second person for the tests of a shared database: Bob is 71, with osteoporosis
#: and a heart condition (the case of issue 25).
BOB_ANSWERS = {
    **json.loads(ANSWERS.read_text()),
    "name": "Bob",
    "age": 71,
    "pain_areas": ["neck", "upper_back"],
}
BOB_ANSWERS["history"] = {**BOB_ANSWERS["history"], "osteoporosis": True, "heart_condition": True}

START_ARGS = [
    "track", "start", "--answers", str(ANSWERS), "--start", START, "--weeks", "8",
    "--psfs", "Lifting the shopping=3", "--psfs", "Sitting through a film=4",
    "--psfs", "Gardening=2",
]  # fmt: skip

#: (week, sessions done, worst exercise pain, next morning, usual pain, PSFS, new flags)
WEEKS = [
    (1, "monday,wednesday,friday", 3, "same", 6, None, ()),
    (2, "3", 3, "better", 5, "4,5,3", ()),
    (3, "3", 4, "same", 4, None, ()),
    (4, "3", 7, "worse", 4, "5,6,4", ()),
    (5, "3", 6, "same", 4, None, ()),
    (6, "2", 4, "same", 3, "6,6,5", ()),
    (7, "3", 3, "better", 3, None, ()),
    (8, "1", 2, "same", 3, "7,7,6", ("saddle_numbness",)),
]

#: What the adaptation must decide each week, and the plan week whose doses it was done at.
EXPECTED = [
    (1, "progress", 1),
    (2, "progress", 2),
    (3, "progress", 3),
    (4, "hold", 4),
    (5, "step_back", 4),
    (6, "progress", 3),
    (7, "progress", 4),
    (8, "stop", 5),
]


def stored_course(database: str, person: str | None = None) -> CourseRow:
    """The course as the store holds it (the only person's, or `person`'s)."""
    from recommender.store.courses import Store

    store = Store.open(database)
    try:
        return store.current_course(store.person(person).id)
    finally:
        store.close()


def checkin_args(
    week: int,
    done: str,
    pain: int,
    morning: str,
    usual: int,
    psfs: str | None,
    flags: Sequence[str],
) -> list[str]:
    args = ["track", "checkin", "--week", str(week), "--done", done, "--exercise-pain", str(pain)]
    args += ["--next-morning", morning, "--usual-pain", str(usual)]
    if psfs:
        args += ["--psfs", psfs]
    for flag in flags:
        args += ["--new-symptom", flag]
    if not flags:
        args.append("--no-new-symptoms")
    return args


#: A process that opens the store, says "ready", waits for "go", then adds check-ins
#: (argv: database, how many, the exercise pain that marks its own).
_WRITER = """
import datetime as dt, sys
from recommender.core.progress import CheckIn
from recommender.store.courses import Store

store = Store.open(sys.argv[1])
course = store.current_course(store.person(None).id, with_checkins=False)
block = course.blocks[-1].id
print("ready", flush=True)
sys.stdin.readline()  # both processes start writing together
for n in range(int(sys.argv[2])):
    store.add_checkin(course.id, block, CheckIn(
        week=1 + n % 8, recorded=dt.datetime(2026, 1, 5, 8, 0, n % 60),
        sessions_done=1, exercise_pain=int(sys.argv[3]), usual_pain=4))
print("done", flush=True)
"""


def race_two_writers(database: str, each: int) -> None:
    """Two processes add `each` check-ins to the current course at the same moment
    (one marks its own with exercise pain 1, the other with 2)."""
    import subprocess
    import sys

    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, database, str(each), str(tag)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for tag in (1, 2)
    ]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        out, _ = writer.communicate(timeout=120)
        assert writer.returncode == 0 and out.strip() == "done"


#: A process that loads everything a start needs, says "ready", waits for "go", then
#: runs `backplan track start` for a person (argv: database, person).
_STARTER = """
import sys
import alembic.command, sqlalchemy  # loaded before the race, as much as can be
from recommender.app.cli import main
from recommender.pipeline.recommend import Recommender
from recommender.store.courses import Store

Recommender.load()
print("ready", flush=True)
sys.stdin.readline()
main(["track", "--db", sys.argv[1], "start", "--example", "--person", sys.argv[2]])
"""


def race_first_starts(
    database: str, people: tuple[str, ...] = ("Alice", "Bob")
) -> list[tuple[int, str]]:
    """`track start` for each of `people` at the same moment on a database that does
    not exist yet; each process's exit code and messages."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, BACKPLAN_ENGINE="reference")
    starters = [
        subprocess.Popen(
            [sys.executable, "-c", _STARTER, database, person],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for person in people
    ]
    for starter in starters:
        assert starter.stdout is not None and starter.stdout.readline().strip() == "ready"
    for starter in starters:
        assert starter.stdin is not None
        starter.stdin.write("go\n")
        starter.stdin.flush()
    found = []
    for starter in starters:
        out, err = starter.communicate(timeout=120)
        found.append((starter.returncode, out + err))
    return found
