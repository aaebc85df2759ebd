"""A patient's own data: a copy of everything stored about them (JSON, and a FHIR R4
Bundle of their plans and progress), and asking for it all to be deleted, which a
clinician who cares for them confirms (clinic/records.py does the deleting).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from recommender.app.web import clinic_progress
from recommender.app.web.deps import SiteDep, checked_form
from recommender.app.web.roles import ActorDep, PatientDep
from recommender.app.web.site import Site, go, page
from recommender.clinic import audit, queue, records, review
from recommender.clinic.accounts import Account
from recommender.core.errors import AnswersError
from recommender.render import now, to_json
from recommender.render.fhir_careplan import care_plan
from recommender.render.progress_fhir import report_bundle
from recommender.store.schema import people

router = APIRouter(include_in_schema=False)


def _db(site: Site) -> Any:
    assert site.clinic is not None
    return site.clinic


@router.get("/my-data")
def my_data(request: Request, site: SiteDep, account: PatientDep) -> Response:
    assert account.person_id is not None
    return page(
        request,
        "clinic/my_data.html.j2",
        title="Your data",
        asked=records.asked(_db(site), account.person_id),
    )


def _attachment(text: str, name: str, media: str) -> Response:
    return Response(
        text.encode(),
        media_type=media,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/my-data/backplan-data.json")
def everything_json(
    request: Request, site: SiteDep, account: PatientDep, actor: ActorDep
) -> Response:
    data = records.everything(_db(site), account)
    audit.log(_db(site), actor, "exported", "everything stored, as JSON", account.person_id)
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    return _attachment(text, "backplan-data.json", "application/json")


@router.get("/my-data/backplan-data.fhir.json")
def everything_fhir(
    request: Request, site: SiteDep, account: PatientDep, actor: ActorDep
) -> Response:
    bundle = fhir_bundle(site, account)
    audit.log(_db(site), actor, "exported", "plans and progress, as FHIR", account.person_id)
    return _attachment(to_json(bundle), "backplan-data.fhir.json", "application/fhir+json")


def fhir_bundle(site: Site, account: Account) -> dict[str, Any]:
    """A FHIR R4 Bundle (collection): the person, each result as a CarePlan (a released
    plan with the clinician's edits), and the tracked course's Observations and Flags
    (render/progress_fhir.py)."""
    assert account.person_id is not None
    produced = now()
    entries: list[dict[str, Any]] = [_patient(site, account)]
    for submission in reversed(queue.of_person(_db(site), account.person_id)):
        plan = _care_plan(site, submission, produced)
        if plan is not None:
            entries.append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": plan})
    followed = clinic_progress.follow(site, account.person_id)
    if followed is not None:
        entries += report_bundle(followed.progress, followed.warning)["entry"]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _patient(site: Site, account: Account) -> dict[str, Any]:
    name = _db(site).read(
        lambda c: c.execute(
            select(people.c.display_name).where(people.c.id == account.person_id)
        ).scalar()
    )
    return {
        "fullUrl": f"urn:uuid:{uuid.uuid4()}",
        "resource": {
            "resourceType": "Patient",
            "name": [{"text": name}],
            "telecom": [{"system": "email", "value": account.email}],
        },
    }


def _care_plan(site: Site, submission: queue.Submission, produced: Any) -> Any:
    if not submission.complete:
        return None
    found = _db(site).read(lambda c: review.decisions_of(c, submission.id))
    released = review.released(found)
    try:
        if released is not None:
            result = review.result_of(
                site.recommender, submission, released.start_date, released.edits
            )
        else:
            result = review.result_of(site.recommender, submission)
    except AnswersError:
        return None
    return care_plan(result, produced)


@router.get("/my-data/delete")
def delete_page(request: Request, site: SiteDep, account: PatientDep) -> Response:
    return page(request, "clinic/delete.html.j2", title="Delete your record")


@router.post("/my-data/delete", dependencies=[Depends(checked_form)])
def ask_to_delete(
    request: Request, site: SiteDep, account: PatientDep, actor: ActorDep
) -> Response:
    records.ask_to_delete(_db(site), actor)
    return go(request, "/my-data")
