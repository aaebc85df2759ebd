"""`backplan session` on a tracked course: today's session of the person's course, as
the check-ins so far have adapted it, one exercise at a time (app/guided.py).

The course's warning comes first, and a course that is stopped (a clinician must see
the person first) or whose block is over shows no exercises. At the end, "how did it
go?" and whether any symptom is new are recorded as the session's check-in through
`track checkin`'s own code (app/checkin.py), so the week is reviewed, adapted and
re-screened exactly as a check-in typed there would be. Ctrl-C keeps what was done.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple, Optional

import click

from recommender.app.checkin import CheckinOptions, ask_new_symptoms, checkin, usual_pain_now
from recommender.app.guided import Done, Terminal, guide, heading
from recommender.app.tracking import (
    TrackingError,
    follow,
    newer_questions,
    progress_warning,
    week_as_adapted,
)
from recommender.core.progress import pain_limit
from recommender.pipeline.adapt import AdaptedSession, Progress
from recommender.pipeline.choices import Choices
from recommender.pipeline.recommend import Recommender
from recommender.pipeline.session import day_index, hurt_in_plan, item_of_record, todays_day
from recommender.render.progress_text import render_block_over, render_status, warning_block


class Course(NamedTuple):
    """Whose course and where it is kept, as every `track` command takes them."""

    db: Optional[str]
    person: Optional[str]
    country: Optional[str]
    engine: Optional[str]


def course_session(
    course: Course,
    week: Optional[int],
    day: Optional[str],
    today: dt.date,
    terminal: Terminal,
) -> None:
    """Today's session of the course (or week `week`'s session on `day`), its check-in
    recorded at the end. NoSession for a day the week has no session on."""
    progress, _, recommender = follow(course.db, course.engine, course.person)
    warning = progress_warning(progress, course.country)
    block = progress.course.block
    week = week or block.week_of(max(today, block.start))
    if progress.stopped or warning.level in ("urgent", "emergency"):
        # The warning and the stop alone: no exercise is shown.
        terminal.say(render_status(progress, week, None, warning, today).rstrip("\n"))
        return
    if week > block.weeks:
        terminal.say(render_block_over(progress, today, warning).rstrip("\n"))
        return
    newer = newer_questions(progress.course.answers)
    if newer:
        raise TrackingError(
            f"backplan now asks {len(newer)} questions it did not ask when your plan began; "
            "answer them once with `backplan track checkin` (without options), then start "
            "the session again"
        )
    for line in warning_block(warning):
        terminal.say(line)
    plan = week_as_adapted(progress, recommender, week)
    days = [s.day for s in plan.sessions]
    session = plan.sessions[day_index(days, week, day or todays_day(days, today))]
    done = _guided(progress, recommender, week, session, terminal)
    if done is None or not done.tried:
        terminal.say("Nothing was done, so no check-in was recorded.")
        return
    _record(course, progress, week, today, done, terminal)


def _guided(
    progress: Progress,
    recommender: Recommender,
    week: int,
    session: AdaptedSession,
    terminal: Terminal,
) -> Optional[Done]:
    catalog = recommender.catalog.by_id
    found = (item_of_record(adapted.item, catalog) for adapted in session.items)
    items = [item for item in found if item is not None]
    if not items:
        terminal.say(
            "This session has no exercise left that suits you: please ask a "
            "physiotherapist what to do instead."
        )
        return None
    block = progress.course.block
    choices = Choices(recommender.catalog, block.safe or ())
    limit = pain_limit(usual_pain_now(progress, block.start_pain))
    title = heading(week, session.day, len(items), session.minutes)
    return guide(items, title, catalog, choices.is_safe, limit, terminal)


def _record(
    course: Course,
    progress: Progress,
    week: int,
    today: dt.date,
    done: Done,
    terminal: Terminal,
) -> None:
    """The session as a check-in, with `track checkin`'s review and re-screening."""
    new: list[str] = []
    try:
        ask_new_symptoms(progress.course.answers, new)
    except (click.Abort, EOFError):
        terminal.say("")  # cut short: every yes given so far is kept
    given = CheckinOptions(
        week=week,
        done="1" if done.outcome.done else "0",
        exercise_pain=done.went.exercise_pain,
        new_symptom=tuple(new),
        hurt=hurt_in_plan(done.went.hurt, done.swapped),
    )
    checkin(course.db, course.person, course.country, course.engine, today, given, False)
