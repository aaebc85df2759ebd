"""A tracking database as backplan left it at schema revision 0001 (before people and
blocks), with data in it, for the migration tests on SQLite and PostgreSQL alike.

Written the way the code of that revision wrote it: two courses (the newer one
current), each with its plan (a result object of format 2: no escalation box, no
emergency number, no rests), and the simulated course's check-ins on the newer one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from click.testing import Result

from support.course import ANSWERS, WEEKS

START = dt.date(2026, 1, 5)


def _v2(result: dict[str, Any]) -> dict[str, Any]:
    older: dict[str, Any] = json.loads(json.dumps(result))
    older.pop("escalation", None)
    older.pop("emergency_number", None)
    for week in (older.get("plan") or {}).get("weeks", []):
        for session in week["sessions"]:
            for item in session["exercises"]:
                item.pop("rest_seconds", None)
    return older


def make_revision_0001(url: str) -> dict[str, Any]:
    """Build the database at `url` (a SQLAlchemy URL) at revision 0001 with two courses;
    what was written, for the test to compare."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from recommender.inputs.answers_file import read_answers
    from recommender.pipeline.recommend import Recommender
    from recommender.store.database import _alembic_config

    answers = read_answers(str(ANSWERS))
    recommender = Recommender.load()
    first = recommender.recommend(answers, weeks=4).to_dict()
    second = recommender.recommend(answers, weeks=8).to_dict()
    engine = create_engine(url)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0001")
        made = dt.datetime(2026, 1, 4, 9, 0)
        for number, (result, start) in enumerate(((first, START), (second, START)), 1):
            connection.execute(
                text(
                    "INSERT INTO backplan_courses (id, created_at, start_date, answers, "
                    "psfs_activities) VALUES (:id, :made, :start, :answers, :psfs)"
                ),
                {
                    "id": number,
                    "made": made,
                    "start": start,
                    "answers": json.dumps(answers.fact()),
                    "psfs": json.dumps(
                        [["Lifting the shopping", 3], ["Sitting", 4], ["Gardening", 2]]
                    ),  # fmt: skip
                },
            )
            connection.execute(
                text(
                    "INSERT INTO backplan_plans (course_id, issued_at, backplan_version, "
                    "rules_version, result) VALUES (:course, :made, '0.1.0', 'abc', :result)"
                ),
                {"course": number, "made": made, "result": json.dumps(_v2(result))},
            )
        for week, done, pain, morning, usual, psfs, flags in WEEKS[:6]:
            connection.execute(
                text(
                    "INSERT INTO backplan_checkins (course_id, recorded_at, week, "
                    "sessions_done, exercise_pain, next_morning, usual_pain, new_red_flags, "
                    "rescreen, psfs) VALUES (2, :at, :week, :done, :pain, :morning, :usual, "
                    ":flags, NULL, :psfs)"
                ),
                {
                    "at": dt.datetime.combine(START, dt.time(18)) + dt.timedelta(weeks=week - 1),
                    "week": week,
                    "done": 3 if not done.isdigit() else int(done),
                    "pain": pain,
                    "morning": morning,
                    "usual": usual,
                    "flags": json.dumps(list(flags)),
                    "psfs": json.dumps([int(s) for s in psfs.split(",")]) if psfs else "null",
                },
            )
    engine.dispose()
    return {"courses": 2, "checkins": 6, "weeks": len(second["plan"]["weeks"])}


def check_migrated(url: str, run: Callable[..., Result], db_args: list[str]) -> None:
    """The migrated database: one person, both courses theirs, the newer one current
    with its block 1 and every check-in, read and followed as before."""
    from recommender.app.tracking import reviewed
    from recommender.store.courses import Store

    from support.course import EXPECTED, stored_course

    store = Store.open(url)
    (person,) = store.people()
    assert person.name == "Sam (simulated course)"
    assert store.summaries()[0].courses == 2
    store.close()
    course = stored_course(url)
    assert course.id == 2 and course.start == START
    (block,) = course.blocks
    assert (block.number, block.start, block.weeks, block.first_plan_week) == (1, START, 8, 1)
    assert (block.result_format, block.safe, block.level) == (2, None, "soon")
    assert [c.block for c in course.checkins] == [1] * 6
    progress = reviewed(url, None)
    assert [(r.week, r.outcome, r.level.week) for r in progress.reviews] == EXPECTED[:6]
    report = run("track", *db_args, "report", "--date", "2026-02-20").output
    assert "Weeks checked in: 6." in report and "AD-STEP-BACK-FLARES" in report
    week7 = ["checkin", "--week", "7", "--done", "3", "--exercise-pain", "3",
             "--next-morning", "same", "--usual-pain", "3", "--no-new-symptoms"]  # fmt: skip
    out = run("track", *db_args, *week7).output
    assert "Check-in saved for week 7." in out
    assert len(stored_course(url).checkins) == 7
