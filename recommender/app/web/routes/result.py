"""The result: the printable plan with the page's own toolbar, and its downloads.

The page extends the printable plan's template (render/templates/plan.html.j2), so it
shows exactly what a printout or the downloaded HTML shows; the downloads are the
command line's formats. Both read the same answers cookie, so no answer ever appears
in an address.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any, Optional, Union

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from recommender.app.web import form, pages, stop
from recommender.app.web.deps import SiteDep, StateDep
from recommender.app.web.models import CalendarQuery
from recommender.app.web.site import Site, downloads, go, not_found, page
from recommender.app.web.state import State
from recommender.core.answers import LAST_START_DATE
from recommender.core.errors import AnswersError
from recommender.inputs.answers_file import validate_answers
from recommender.pipeline.recommend import Result
from recommender.pipeline.triage import ALSO_TELL
from recommender.render import FORMATS, now, render_result
from recommender.render.html import page_values

router = APIRouter(include_in_schema=False)


@router.get("/result")
async def result_page(request: Request, site: SiteDep, state: StateDep) -> Response:
    outcome = _result(request, site, state)
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
    outcome = _result(request, site, state)
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
        result = _recommend(site, state, start_date=day)
    text = render_result(result, fmt)
    return Response(
        text.encode(),
        media_type=spec.media_type,
        headers={"content-disposition": f'attachment; filename="{spec.download.file_name}"'},
    )


def _result(request: Request, site: Site, state: State) -> Union[Result, Response]:
    """The result of a complete questionnaire, or the page that finishes it."""
    if not state.started:
        return go(request, "/")
    if site.emergencies(state):
        return go(request, "/emergency")
    if site.withheld_before_screening(state.answers):
        return go(request, "/no-plan")
    first = site.first_open(state)
    if first is not None:
        return go(request, f"/questions/{first}")
    try:
        return _recommend(site, state)
    except AnswersError as exc:  # cannot happen with checked sections; say it plainly
        # Nothing hides a warning: the level and advice of the health answers first.
        found = site.recommender.triage_of_health_answers(_with_country(site, state))
        return page(
            request,
            "problem.html.j2",
            status=422,
            title="Some answers need another look",
            lines=exc.problems,
            found=found,
            also_tell=ALSO_TELL,
        )


def _with_country(site: Site, state: State) -> dict[str, Any]:
    """The answers as an answers file holds them: the questions not asked at the
    person's age answered no, and the country with them."""
    answers = form.complete(state.answers, site.questionnaire)
    if state.country is not None:
        answers["country"] = state.country
    return answers


def _recommend(site: Site, state: State, start_date: Optional[dt.date] = None) -> Result:
    answers = validate_answers(_with_country(site, state), "your answers")
    if start_date is not None:
        answers = dataclasses.replace(answers, start_date=start_date)
    return site.recommender.recommend(answers)


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
