"""The result of the answers in this browser's cookie, for every page that shows it
(the result page, its downloads, today's session), or the page that must come first:
the start, the emergency stop, the end of the questions, or the next page to answer."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Optional, Union

from fastapi import Request
from fastapi.responses import Response

from recommender.app.web import form
from recommender.app.web.site import Site, go, page
from recommender.app.web.state import State
from recommender.core.errors import AnswersError
from recommender.inputs.answers_file import validate_answers
from recommender.pipeline.recommend import Result
from recommender.pipeline.triage import ALSO_TELL


def page_before(request: Request, site: Site, state: State) -> Optional[Response]:
    """Where the questionnaire must go before its answers can be reviewed or sent: its
    start, the emergency page (a warning before anything else), the page that says no
    plan can be given, or the first section still open; None when the answers are whole."""
    if not state.started:
        return go(request, "/")
    if site.emergencies(state):
        return go(request, "/emergency")
    if site.withheld_before_screening(state.answers):
        return go(request, "/no-plan")
    first = site.first_open(state)
    if first is not None:
        return go(request, f"/questions/{first}")
    return None


def result_of(request: Request, site: Site, state: State) -> Union[Result, Response]:
    """The result of a complete questionnaire, or the page that finishes it."""
    before = page_before(request, site, state)
    if before is not None:
        return before
    try:
        return recommend(site, state)
    except AnswersError as exc:  # cannot happen with checked sections; say it plainly
        # Nothing hides a warning: the level and advice of the health answers first.
        found = site.recommender.triage_of_health_answers(answers_of(site, state))
        return page(
            request,
            "problem.html.j2",
            status=422,
            title="Some answers need another look",
            lines=exc.problems,
            found=found,
            also_tell=ALSO_TELL,
        )


def answers_of(site: Site, state: State) -> dict[str, Any]:
    """The answers as an answers file holds them: the questions not asked at the
    person's age answered no, and the country with them."""
    answers = form.complete(state.answers, site.questionnaire)
    if state.country is not None:
        answers["country"] = state.country
    return answers


def recommend(site: Site, state: State, start_date: Optional[dt.date] = None) -> Result:
    """The result of the answers so far (complete: see `result_of`)."""
    answers = validate_answers(answers_of(site, state), "your answers")
    if start_date is not None:
        answers = dataclasses.replace(answers, start_date=start_date)
    return site.recommender.recommend(answers)
