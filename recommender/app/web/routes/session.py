"""Today's session in the public app: the session pages (session_pages.py) over the
plan of the answers in this browser's cookie, the same result the result page shows.

Nothing the person says at the end is kept: the public app stores no answers. The
calendar's events link here (`/session?week=N&day=D`); when the answers are no longer
in the browser (two hours after the last page, or once it closed), the page says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Union

from fastapi import Request
from fastapi.responses import Response

from recommender.app.guided import Clock
from recommender.app.web.answered import result_of
from recommender.app.web.deps import SiteDep, StateDep
from recommender.app.web.session_pages import session_router, when_asked
from recommender.app.web.session_view import Report, SessionView, session_of_result
from recommender.app.web.site import page
from recommender.pipeline.session import NoSession

NOT_KEPT = (
    "Nothing you said here was kept: this site stores no answers. To keep a record, "
    "tick the day on your printed plan and note your pain beside it."
)


async def public_session(
    request: Request, site: SiteDep, state: StateDep, week: str = "", day: str = ""
) -> Union[SessionView, Response]:
    """Today's session (or week `week`'s on `day`) of the plan these answers give."""
    if not state.started:
        return page(
            request,
            "problem.html.j2",
            title="Your answers are not in this browser",
            lines=[
                "backplan keeps your answers only in your browser: for two hours after your "
                "last page, and never after the browser closes.",
                "Answer the questions again to do your session with timers, or follow your "
                "printed plan.",
            ],
        )
    outcome = result_of(request, site, state)
    if isinstance(outcome, Response):
        return outcome
    when = when_asked(week[:20], day[:20], dt.date.today())
    try:
        if when is None:
            raise NoSession("there is no such session: a week is a number and a day a weekday")
        speed = Clock.from_environment().speed  # test-only (BACKPLAN_SESSION_SPEED)
        return session_of_result(outcome, site.recommender.catalog.by_id, when, "/result", speed)
    except NoSession as problem:
        text = str(problem)
        return page(
            request,
            "problem.html.j2",
            status=404,
            title="There is no session there",
            lines=[text[:1].upper() + text[1:] + ".", "Your plan lists every session."],
            links=[("/session", "Today's session"), ("/result", "Your plan")],
        )


async def public_finish(request: Request, view: SessionView, report: Report) -> Sequence[str]:
    return [NOT_KEPT]


router = session_router(public_session, public_finish)
