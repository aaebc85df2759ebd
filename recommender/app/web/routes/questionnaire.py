"""The questionnaire: the start page, the questions section by section, the review.

Every form is answered with a redirect (post/redirect/get, site.go), so the browser's
Back and Forward buttons move between pages; each page is drawn from the state.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from recommender.app.web import form, pages, stop
from recommender.app.web.answered import page_before
from recommender.app.web.deps import SavedDep, SiteDep, StateDep, checked_form
from recommender.app.web.models import SectionFormDep, StartFormDep
from recommender.app.web.site import country_name, delete_cookie, go, not_found, page
from recommender.app.web.state import STATE_COOKIE, State
from recommender.core.safety_net import safety_net
from recommender.inputs.countries import normalise
from recommender.pipeline.triage import NEUTRAL_EMERGENCY_NUMBER, level_action, number_words

router = APIRouter(include_in_schema=False)


@router.get("/")
async def start(request: Request, site: SiteDep, saved: SavedDep) -> Response:
    state = saved.state
    return page(
        request,
        "start.html.j2",
        title="Start",
        country_question=site.questionnaire.country.ask,
        country_options=pages.country_options(state.country),
        resume=site.first_open(state) if state.started else None,
        started=state.started,
        expired=saved.expired,
        count=len(site.questionnaire.questions),
        sections=site.sections,
        neutral=NEUTRAL_EMERGENCY_NUMBER,
    )


@router.post("/start")
async def begin(request: Request, site: SiteDep, data: StartFormDep) -> Response:
    code = normalise(data.country)
    site.forget(request)  # starting again clears the answers before, for good
    return go(request, "/questions/1", State(country=code, started=True))


@router.get("/start-again")
async def start_again(request: Request, site: SiteDep, state: StateDep) -> Response:
    """Starting again clears every answer: asked first, on a page of its own."""
    if not state.started:
        return go(request, "/")
    first = site.first_open(state)
    back = "/review" if first is None else f"/questions/{first}"
    return page(request, "start_again.html.j2", title="Start again?", back=back)


@router.get("/country")
async def country(request: Request, site: SiteDep, state: StateDep) -> Response:
    """The country alone, changed with every answer kept (from the review's Change)."""
    if not state.started:
        return go(request, "/")
    return page(
        request,
        "country.html.j2",
        title="Your country",
        country_question=site.questionnaire.country.ask,
        country_options=pages.country_options(state.country),
        reviewing=state.reviewing,
    )


@router.post("/country")
async def change_country(
    request: Request, site: SiteDep, data: StartFormDep, state: StateDep
) -> Response:
    if not state.started:
        return go(request, "/")
    state.country = normalise(data.country)
    first = site.first_open(state)
    return go(request, "/review" if first is None else f"/questions/{first}", state)


@router.get("/no-plan")
async def no_plan(request: Request, site: SiteDep, state: StateDep) -> Response:
    """The questions stopped before the warning signs by a withholding rule (under
    18): its advice, and the signs that mean "get help now", since none was asked."""
    if not state.started:
        return go(request, "/")
    if site.emergencies(state):
        return go(request, "/emergency")
    rule = site.withheld_before_screening(state.answers)
    if rule is None:
        first = site.first_open(state)
        return go(request, "/review" if first is None else f"/questions/{first}")
    net = safety_net("soon", False, number_words(site.number(state)))
    return page(
        request,
        "adults.html.j2",
        title="We cannot give you a plan",
        reason=rule.reason,
        net=net,
    )


@router.post("/reset", dependencies=[Depends(checked_form)])
async def reset(request: Request, site: SiteDep) -> Response:
    site.forget(request)
    response = go(request, "/")
    delete_cookie(response, request, STATE_COOKIE)
    return response


@router.get("/questions/{number}")
async def show_section(request: Request, site: SiteDep, state: StateDep, number: str) -> Response:
    section = pages.section_at(site.sections, number)
    if section is None:
        return not_found(request)
    if not state.started:
        return go(request, "/")
    if site.emergencies(state):
        return go(request, "/emergency")
    if section.number > 1 and site.withheld_before_screening(state.answers):
        return go(request, "/no-plan")
    first = site.first_open(state)
    if first is not None and section.number > first:
        return go(request, f"/questions/{first}")
    draft = state.drafts.get(str(section.number))
    values = draft if draft is not None else pages.raw_from(state.answers, section, state.parts)
    age = state.answers.get("age")
    errors: dict[str, str] = {}
    if draft is not None and section.number in state.shown_errors:
        _, errors = form.check(section, draft, age=age)
    alarming = form.alarming_choices(site.emergency_rules, state.answers, section)
    return page(
        request,
        "section.html.j2",
        title=section.title if not errors else f"Please check: {section.title}",
        section=section,
        total=len(site.sections),
        fields=[
            shown
            for q in form.asked(section, age)
            for shown in pages.fields(q, values, errors, alarming)
        ],
        errors=errors,
        reviewing=state.reviewing,
        action=level_action("emergency", site.number(state)),
    )


@router.post("/questions/{number}")
async def answer_section(
    request: Request, site: SiteDep, number: str, data: SectionFormDep, state: StateDep
) -> Response:
    section = pages.section_at(site.sections, number)
    if section is None:
        return not_found(request)
    if not state.started:
        return go(request, "/")
    if state.stop:  # an old tab cannot lift the stop: only its own page can (stop.py)
        return go(request, "/emergency")
    raw = form.raw_values(section, data.fields)
    values, errors = form.check(section, raw, age=state.answers.get("age"))
    tentative = form.merged(state.answers, section, values)
    key = str(section.number)
    # Any emergency answer stops the form at once, whatever else is missing.
    found = form.emergencies(site.emergency_rules, tentative, None)
    if found:
        state.answers = tentative
        state.drafts.pop(key, None)
        stop.record(state, found)
        return go(request, "/emergency", state)
    stopped = not data.back and site.withheld_before_screening(tentative) is not None
    if errors and stopped:  # the age alone stops the questions, whatever else is missing
        state.answers = tentative
        state.drafts[key] = raw
        return go(request, "/no-plan", state)
    if errors:
        state.drafts[key] = raw
        if data.back:
            if section.number in state.shown_errors:
                state.shown_errors.remove(section.number)
        elif section.number not in state.shown_errors:
            state.shown_errors.append(section.number)
    else:
        state.answers = tentative
        state.parts.update(form.parts_of(section, raw))
        state.drafts.pop(key, None)
        if section.number in state.shown_errors:
            state.shown_errors.remove(section.number)
        if section.number not in state.done:
            state.done.append(section.number)
    if data.back:
        return go(request, f"/questions/{section.number - 1}" if section.number > 1 else "/", state)
    if errors:
        return go(request, f"/questions/{section.number}#problems", state)
    if stopped:
        return go(request, "/no-plan", state)
    following = site.first_open(state)
    if following is None:
        state.reviewing = True  # from now on, a changed section returns to the review
        return go(request, "/review", state)
    return go(request, f"/questions/{following}", state)


@router.get("/review")
async def review(request: Request, site: SiteDep, state: StateDep) -> Response:
    before = page_before(request, site, state)
    if before is not None:
        return before
    return page(
        request,
        "review.html.j2",
        title="Check your answers",
        sections=[
            (s, [(q.full_text(), pages.review_words(q, state.answers)) for q in s.questions])
            for s in site.sections
        ],
        country=country_name(state.country),
    )
