"""The clinician's queue and a result under review, with the decisions on it.

The queue holds the open results of the people in the clinician's care, most serious
first. A result's page shows the answers in plain words, every flag with its source,
the plan, and every reason `backplan explain` gives; its forms release the plan (as it
is, or edited: clinic/edits.py holds every edit to the plan's own rules), withhold it
with a message, close an emergency or urgent result once acted on, and record the
clinician's own triage level. A result of someone not in the clinician's care is
answered as if it did not exist (404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from recommender.app.web import clinic_review_page as review_page
from recommender.app.web.deps import SiteDep
from recommender.app.web.models import FieldsFormDep
from recommender.app.web.roles import ActorDep, ClinicianDep
from recommender.app.web.site import Site, go, page
from recommender.clinic import audit, edits, queue, records, review
from recommender.clinic.accounts import Account, cares_for
from recommender.core.typed import whole_number
from recommender.render.html import long_date

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recommender.clinic.db import ClinicDB

router = APIRouter(include_in_schema=False)


def _db(site: Site) -> ClinicDB:
    assert site.clinic is not None
    return site.clinic


def submission_for(site: Site, clinician: Account, number: str) -> queue.Submission:
    """The result at this address, when its person is in the clinician's care; 404
    otherwise (whether it exists or not)."""
    found_id = whole_number(number, digits=12)

    def read(connection: Connection) -> Optional[queue.Submission]:
        found = queue.get(connection, found_id) if found_id is not None else None
        if found is None or not cares_for(connection, clinician.id, found.person_id):
            return None
        return found

    found = _db(site).read(read)
    if found is None:
        raise HTTPException(404)
    return found


@router.get("/clinic")
def queue_page(
    request: Request, site: SiteDep, clinician: ClinicianDep, actor: ActorDep
) -> Response:
    db = _db(site)
    waiting = queue.waiting_for(db, clinician)
    audit.log(db, actor, "queue_viewed", f"{len(waiting)} open results")
    return page(
        request,
        "clinic/queue.html.j2",
        title="Results to check",
        items=[review_page.queue_row(s) for s in waiting],
        deletions=records.waiting_deletions(db, clinician),
        long_date=long_date,
    )


@router.get("/clinic/results/{number}")
def result_page(
    request: Request, site: SiteDep, clinician: ClinicianDep, actor: ActorDep, number: str
) -> Response:
    submission = submission_for(site, clinician, number)
    audit.log(_db(site), actor, "review_viewed", f"result {submission.id}", submission.person_id)
    return review_page.render(request, site, submission)


@router.get("/clinic/results/{number}/plan")
def plan_page(
    request: Request, site: SiteDep, clinician: ClinicianDep, actor: ActorDep, number: str
) -> Response:
    """The plan as the patient sees (or will see) it: released with its edits, or as
    backplan made it."""
    submission = submission_for(site, clinician, number)
    audit.log(
        _db(site), actor, "plan_viewed", f"result {submission.id}'s plan", submission.person_id
    )
    return review_page.patient_view(request, site, submission)


@router.post("/clinic/results/{number}/release")
def release(
    request: Request,
    site: SiteDep,
    clinician: ClinicianDep,
    actor: ActorDep,
    number: str,
    data: FieldsFormDep,
) -> Response:
    submission = submission_for(site, clinician, number)
    try:
        asked = review_page.release_asked(site, submission, data)
        review.release(_db(site), site.recommender, actor, submission.id, asked)
    except review_page.FormProblem as problem:
        return review_page.render(request, site, submission, data, problem.message, 422)
    except edits.EditRefused as refused:
        message = f"That change was refused by {refused.rule}: {refused.message}."
        return review_page.render(request, site, submission, data, message, 422)
    except review.DecisionError as exc:
        return review_page.render(request, site, submission, data, str(exc), 409)
    return go(request, f"/clinic/results/{submission.id}")


@router.post("/clinic/results/{number}/withhold")
def withhold(
    request: Request,
    site: SiteDep,
    clinician: ClinicianDep,
    actor: ActorDep,
    number: str,
    data: FieldsFormDep,
) -> Response:
    submission = submission_for(site, clinician, number)
    try:
        review.withhold(_db(site), actor, submission.id, data.one("message"))
    except review.DecisionError as exc:
        return review_page.render(request, site, submission, data, str(exc), 422)
    return go(request, "/clinic")


@router.post("/clinic/results/{number}/triage")
def record_triage(
    request: Request,
    site: SiteDep,
    clinician: ClinicianDep,
    actor: ActorDep,
    number: str,
    data: FieldsFormDep,
) -> Response:
    submission = submission_for(site, clinician, number)
    try:
        review.record_triage(_db(site), actor, submission.id, data.one("level", 20))
    except review.DecisionError as exc:
        return review_page.render(request, site, submission, data, str(exc), 422)
    return go(request, f"/clinic/results/{submission.id}")
