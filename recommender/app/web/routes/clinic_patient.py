"""The patient's side of the clinic: their page, sending their answers, the advice they
see at once, the waiting page, and the plan once a clinician has released it.

What the patient sees follows their latest result: answers in progress (carry on);
an emergency or urgent result (its advice, shown at once: it never waits for a
clinician); a result waiting to be checked (the waiting page, with the safety net); a
released plan (the plan, its downloads and the weekly check-in); or a message from the
clinician. No address carries an id: a patient only ever reaches their own.
"""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from recommender.app.tracking import warning_of
from recommender.app.web import pages
from recommender.app.web.answered import answers_of, result_of
from recommender.app.web.deps import SiteDep, checked_form
from recommender.app.web.roles import ActorDep, PatientDep
from recommender.app.web.site import Site, downloads, go, not_found, page
from recommender.app.web.state import BadState, State
from recommender.clinic import audit, queue, review
from recommender.clinic.accounts import Account
from recommender.core.safety_net import safety_net
from recommender.inputs.countries import emergency_number
from recommender.pipeline.recommend import Result
from recommender.pipeline.triage import NEUTRAL_EMERGENCY_NUMBER, number_words
from recommender.render import FORMATS, now, render_result
from recommender.render.html import long_date, page_values
from recommender.store.database import NotTracking, StoreError

router = APIRouter(include_in_schema=False)


def home(request: Request, site: Site, account: Account) -> Response:
    """The patient's page (at /, for a signed-in patient)."""
    assert site.clinic is not None and account.person_id is not None
    state = _draft(site, account)
    if state.started:
        if site.emergencies(state):
            return go(request, "/emergency")
        return page(
            request, "clinic/carry_on.html.j2", title="Your answers", resume=site.first_open(state)
        )
    latest = queue.latest(site.clinic, account.person_id)
    if latest is None or not latest.complete:
        notice = None
        if latest is not None:  # an emergency raised part-way, and the answers cleared
            notice = "Your physiotherapist has been told about the warning you were shown."
        return _welcome(request, site, notice)
    actor = audit.Actor(account, request.client.host if request.client else None)
    audit.log(site.clinic, actor, "result_viewed", f"result {latest.id}", account.person_id)
    if latest.status in queue.AT_ONCE:
        return _advice(request, site, latest)
    if latest.status == "waiting":
        return _waiting(request, site, latest)
    if latest.status == "released":
        return _released(request, site, latest)
    return _message(request, site, latest)


def _draft(site: Site, account: Account) -> State:
    assert site.clinic is not None
    found = queue.load_draft(site.clinic, account.id)
    if found is None:
        return State()
    try:
        return State.from_data(found.state)
    except BadState:
        return State()  # the questionnaire's own pages clear it on the next visit


def _welcome(request: Request, site: Site, notice: Optional[str]) -> Response:
    return page(
        request,
        "clinic/welcome.html.j2",
        title="Questions from your physiotherapist",
        notice=notice,
        country_question=site.questionnaire.country.ask,
        country_options=pages.country_options(None),
        count=len(site.questionnaire.questions),
        sections=site.sections,
        neutral=NEUTRAL_EMERGENCY_NUMBER,
    )


def _net(submission: queue.Submission) -> Any:
    """The safety net for a result that waits (or was withheld), with the neck's signs
    where the neck hurts and the number of the person's country."""
    country = submission.answers.get("country")
    number = emergency_number(country) if isinstance(country, str) else None
    neck = "neck" in (submission.answers.get("pain_areas") or ())
    return safety_net("soon", True, number_words(number), neck)


def _waiting(request: Request, site: Site, submission: queue.Submission) -> Response:
    result = review.result_of(site.recommender, submission)
    return page(
        request,
        "clinic/waiting.html.j2",
        title="Your answers are with your physiotherapist",
        sent=long_date(submission.submitted_at.date()),
        level=result.triage.level,
        action=result.triage.action,
        net=_net(submission),
    )


def _advice(request: Request, site: Site, submission: queue.Submission) -> Response:
    """An emergency or urgent result: its advice, as the public app shows it."""
    result = review.result_of(site.recommender, submission)
    return _result_page(request, result, "Your advice", note=None, offer_downloads=False)


def _result_page(
    request: Request,
    result: Result,
    title: str,
    note: Optional[str],
    offer_downloads: bool,
    session_link: bool = False,
) -> Response:
    values = page_values(result, now())
    if note:
        values["notes"] = [
            {"id": "", "title": "From your physiotherapist", "text": note},
            *values["notes"],
        ]
    return page(
        request,
        "clinic/result.html.j2",
        title=title,
        page=values,
        has_plan=result.plan is not None,
        start_value="",
        ics_error=None,
        today="",
        changed=None,
        note=note,
        # a released plan's calendar is dated by its course, so no first day is asked
        downloads=downloads(result.plan is not None) if offer_downloads else [],
        session_link=session_link,
    )


def _message(request: Request, site: Site, submission: queue.Submission) -> Response:
    assert site.clinic is not None
    found = site.clinic.read(lambda c: review.decisions_of(c, submission.id))
    said = next((d.message for d in reversed(found) if d.message), None)
    return page(
        request,
        "clinic/message.html.j2",
        title="A message from your physiotherapist",
        message=said or "Please contact your practice.",
        net=_net(submission),
        country_question=site.questionnaire.country.ask,
        country_options=pages.country_options(submission.answers.get("country")),
    )


def _released(request: Request, site: Site, submission: queue.Submission) -> Response:
    assert site.clinic is not None
    decision = _release_of(site, submission)
    course = site.clinic.store.current_course(submission.person_id)
    block = course.blocks[-1]
    rescreens = [c.rescreen for c in course.checkins if c.rescreen]
    warning = warning_of(
        course.answers,
        block.level,
        course.stopped_level,
        bool(course.stopped),
        rescreens,
        None,
    )
    last = course.checkins[-1] if course.checkins else None
    return page(
        request,
        "clinic/released.html.j2",
        title="Your exercise plan",
        released_on=long_date(decision.at.date()),
        first_day=long_date(block.start),
        started=block.start <= now().date(),
        note=decision.note,
        warning_line=warning.line,
        stopped=course.stopped,
        checked_in={"week": last.week, "day": long_date(last.recorded.date())} if last else None,
        net=warning.escalation or warning.net,
    )


def _release_of(site: Site, submission: queue.Submission) -> review.Decision:
    assert site.clinic is not None
    found = review.released(site.clinic.read(lambda c: review.decisions_of(c, submission.id)))
    assert found is not None
    return found


# -- sending the answers ------------------------------------------------------------


@router.post("/send", dependencies=[Depends(checked_form)])
def send(request: Request, site: SiteDep, account: PatientDep, actor: ActorDep) -> Response:
    """The answers, complete, go to the clinician; an emergency or urgent result is
    shown at once (the patient's page shows it from now on)."""
    assert site.clinic is not None and site.saved is not None
    state, _ = site.saved.load(request)
    outcome = result_of(request, site, state)  # the start, the stop or the next page first
    if isinstance(outcome, Response):
        return outcome
    result = outcome
    flags = [flag.id for flag in result.triage.flags]
    try:
        queue.submit(site.clinic, actor, answers_of(site, state), result.triage.level, flags, 4)
    except StoreError:
        return _not_sent(request, result)
    return go(request, "/")


def _not_sent(request: Request, result: Result) -> Response:
    """The answers could not be kept: an urgent or emergency result is shown all the
    same (a warning never waits on a save); otherwise, try again, with the safety net."""
    if result.triage.level in queue.AT_ONCE:
        response = _result_page(request, result, "Your advice", note=None, offer_downloads=False)
        response.status_code = 503
        return response
    return page(
        request,
        "problem.html.j2",
        status=503,
        title="Your answers could not be sent",
        lines=[
            "Something went wrong on our side, and your answers did not reach your "
            "physiotherapist. They are still saved here: please try again in a few minutes.",
            "If you feel very unwell, do not wait: call your local emergency number.",
        ],
    )


@router.get("/result")
def result_in_clinic(request: Request) -> Response:
    """The public app's result address: in the clinic, results are on the patient's
    page."""
    return go(request, "/")


# -- the released plan ---------------------------------------------------------------


def _released_result(
    request: Request, site: Site, account: Account
) -> tuple[Optional[Result], Optional[review.Decision]]:
    assert site.clinic is not None and account.person_id is not None
    latest = queue.latest(site.clinic, account.person_id)
    if latest is None or latest.status != "released":
        return None, None
    decision = _release_of(site, latest)
    result = review.result_of(site.recommender, latest, decision.start_date, decision.edits)
    return result, decision


@router.get("/plan")
def plan(request: Request, site: SiteDep, account: PatientDep, actor: ActorDep) -> Response:
    result, decision = _released_result(request, site, account)
    if result is None or decision is None:
        return go(request, "/")
    assert site.clinic is not None
    audit.log(site.clinic, actor, "plan_viewed", "the released plan", account.person_id)
    assert account.person_id is not None
    course = course_or_none(site, account.person_id)
    going = result.plan is not None and course is not None and not course.stopped
    return _result_page(
        request, result, "Your exercise plan", decision.note, True, session_link=going
    )


@router.get("/plan/download/{fmt}")
def download(
    request: Request, site: SiteDep, account: PatientDep, actor: ActorDep, fmt: str
) -> Response:
    spec = FORMATS.get(fmt)
    if spec is None or spec.download is None:
        return not_found(request)
    result, _ = _released_result(request, site, account)
    if result is None:
        return go(request, "/")
    assert site.clinic is not None
    audit.log(site.clinic, actor, "downloaded", f"the plan as {fmt}", account.person_id)
    return Response(
        render_result(result, fmt).encode(),
        media_type=spec.media_type,
        headers={"content-disposition": f'attachment; filename="{spec.download.file_name}"'},
    )


def course_or_none(site: Site, person_id: int) -> Optional[Any]:
    """The person's tracked course, or None before a plan was released."""
    assert site.clinic is not None
    try:
        return site.clinic.store.current_course(person_id)
    except NotTracking:
        return None
