"""The result: the printable plan with the page's own toolbar, and its downloads.

The page extends the printable plan's template (render/templates/plan.html.j2), so it
shows exactly what a printout or the downloaded HTML shows; the downloads are the
command line's formats. Both read the same answers cookie, so no answer ever appears
in an address.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Optional

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from recommender.app.web import pages, stop
from recommender.app.web.answered import recommend, result_of
from recommender.app.web.deps import SiteDep, StateDep
from recommender.app.web.models import CalendarQuery
from recommender.app.web.site import Site, downloads, not_found, page
from recommender.app.web.state import State
from recommender.core.answers import LAST_START_DATE
from recommender.pipeline.recommend import Result
from recommender.render import FORMATS, now, render_result
from recommender.render.html import page_values

router = APIRouter(include_in_schema=False)


@router.get("/result")
async def result_page(request: Request, site: SiteDep, state: StateDep) -> Response:
    outcome = result_of(request, site, state)
    if isinstance(outcome, Response):
        return outcome
    start_value = outcome.answers.start_date.isoformat() if outcome.answers.start_date else ""
    return _result_page(request, site, state, outcome, start_value, None)


@router.get("/download/{fmt}")
async def download(
    request: Request,
    site: SiteDep,
    state: StateDep,
    fmt: str,
    query: Annotated[CalendarQuery, Query()],
) -> Response:
    spec = FORMATS.get(fmt)
    if spec is None or spec.download is None:
        return not_found(request)
    outcome = result_of(request, site, state)
    if isinstance(outcome, Response):
        return outcome
    result = outcome
    if spec.dated:
        day = pages.as_date(query.start)
        problem = "Please give a real date, such as 2026-03-02."
        if day is not None and day > LAST_START_DATE:  # the plan must fit the calendar
            problem = f"Please choose a first day up to {LAST_START_DATE.isoformat()}."
            day = None
        if day is None:
            return _result_page(request, site, state, result, query.start[:20], problem)
        result = recommend(site, state, start_date=day)
    text = render_result(result, fmt)
    return Response(
        text.encode(),
        media_type=spec.media_type,
        headers={"content-disposition": f'attachment; filename="{spec.download.file_name}"'},
    )


def _result_page(
    request: Request,
    site: Site,
    state: State,
    result: Result,
    start_value: str,
    ics_error: Optional[str],
) -> Response:
    return page(
        request,
        "result.html.j2",
        status=422 if ics_error else 200,
        title="Your exercise plan" if result.plan else "Your advice",
        page=page_values(result, now()),
        has_plan=result.plan is not None,
        downloads=downloads(result.plan is not None),
        start_value=start_value,
        ics_error=ics_error,
        today=dt.date.today().isoformat(),
        changed=stop.changed_after_warning(site, state),
    )
