"""A patient's tracked course as the clinic's pages read it: every week reviewed by
the adaptation rules (the same Adapter as `backplan track status`), the week's
exercises as adapted, and the course's warning kept in view.

The course belongs to the person the page is about: the routes decide who may ask
(their own, or a clinician who cares for them) before anything here is called.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple, Optional

from recommender.app.tracking import fill_safe, progress_warning, typed
from recommender.app.web.site import Site
from recommender.pipeline.adapt import AdaptedWeek, Adapter, Progress, adapted_week
from recommender.pipeline.choices import Choices
from recommender.pipeline.course_warning import CourseWarning
from recommender.store.database import NotTracking


class Followed(NamedTuple):
    progress: Progress
    warning: CourseWarning


def follow(site: Site, person_id: int) -> Optional[Followed]:
    """The person's current course, reviewed; None before any plan was released."""
    assert site.clinic is not None
    try:
        row = site.clinic.store.current_course(person_id)
    except NotTracking:
        return None
    recommender = site.recommender
    course = fill_safe(typed(row), recommender)
    adapter = Adapter(recommender.rulebook.adapt, recommender.adapt_engine, recommender.catalog)
    progress = adapter.follow(course)
    return Followed(progress, progress_warning(progress, None))


def this_week(progress: Progress, today: dt.date) -> int:
    """The week of the current block that `today` falls in (1 before it begins, its
    last week after it ends)."""
    block = progress.course.block
    return max(1, min(block.weeks, block.week_of(today)))


def week_plan(site: Site, progress: Progress, week: int) -> AdaptedWeek:
    """Week `week` of the current block, as the reviews so far have adapted it."""
    block = progress.course.block
    assert block.result.plan is not None
    choices = Choices(site.recommender.catalog, block.safe or ())
    hurt = frozenset(h for r in progress.current.reviews for h in r.summary.hurt)
    return adapted_week(block.result.plan, week, progress.level_for(week), choices, hurt)
