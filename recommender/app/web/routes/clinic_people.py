"""The clinician's patients: the list (with each one's alerts), inviting a new one,
each one's progress, and confirming a request to delete a record.

A person not in the clinician's care is answered as if they did not exist (404),
whatever the number in the address.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from recommender.app.web import clinic_progress
from recommender.app.web.clinic_review_page import LEVEL_WORDS, STATUS_WORDS
from recommender.app.web.deps import SiteDep, checked_form
from recommender.app.web.models import NameFormDep
from recommender.app.web.roles import ActorDep, ClinicianDep
from recommender.app.web.site import Site, go, page
from recommender.clinic import accounts, alerts, audit, queue, records
from recommender.clinic.accounts import Account
from recommender.core.progress import PSFS_NAME
from recommender.core.typed import whole_number
from recommender.render.chart import draw
from recommender.render.html import long_date
from recommender.render.progress_words import OUTCOME_WORDS

router = APIRouter(include_in_schema=False)


def _db(site: Site) -> Any:
    assert site.clinic is not None
    return site.clinic


def _today() -> dt.date:
    return dt.date.today()


def person_for(site: Site, clinician: Account, number: str) -> tuple[int, str]:
    """The person at this address and their name, when in the clinician's care; 404
    otherwise."""
    person_id = whole_number(number, digits=12)
    name = records.person_in_care(_db(site), clinician, person_id) if person_id else None
    if person_id is None or name is None:
        raise HTTPException(404)
    return person_id, name


@router.get("/clinic/patients")
def patients(request: Request, site: SiteDep, clinician: ClinicianDep, actor: ActorDep) -> Response:
    found = accounts.patients_of(_db(site), clinician)
    rows = []
    for patient in found:
        followed = clinic_progress.follow(site, patient.person_id)
        rows.append(
            {
                "patient": patient,
                "alerts": alerts.alerts(followed.progress, _today()) if followed else [],
            }
        )
    audit.log(_db(site), actor, "patients_viewed", f"{len(found)} patients listed")
    return page(
        request,
        "clinic/patients.html.j2",
        title="Patients",
        rows=rows,
        nav="patients",
        name="",
        problem="",
    )


@router.post("/clinic/patients/invite")
def invite(
    request: Request, site: SiteDep, clinician: ClinicianDep, actor: ActorDep, data: NameFormDep
) -> Response:
    """A new patient: the code and link are shown once, to hand over (nothing is sent)."""
    db = _db(site)
    try:
        made = accounts.invite_patient(db, clinician, data.name)
    except accounts.AccountError as exc:
        rows = [{"patient": p, "alerts": []} for p in accounts.patients_of(db, clinician)]
        return page(
            request,
            "clinic/patients.html.j2",
            status=422,
            title="Please check: patients",
            rows=rows,
            nav="patients",
            name=data.name[:100],
            problem=str(exc),
        )
    audit.log(db, actor, "invite_created", "a patient invited", made.person_id)
    link = str(request.base_url).rstrip("/") + f"/invite/{made.code}"
    return page(
        request,
        "clinic/invited.html.j2",
        title="Invite ready",
        name=" ".join(data.name.split()),
        code=made.code,
        link=link,
        expires=long_date(made.expires.date()),
        nav="patients",
    )


@router.get("/clinic/patients/{number}")
def progress_page(
    request: Request, site: SiteDep, clinician: ClinicianDep, actor: ActorDep, number: str
) -> Response:
    person_id, name = person_for(site, clinician, number)
    db = _db(site)
    followed = clinic_progress.follow(site, person_id)
    audit.log(db, actor, "progress_viewed", f"person {person_id}'s progress", person_id)
    return page(
        request,
        "clinic/progress.html.j2",
        title=f"{name}: progress",
        nav="patients",
        name=name,
        person_id=person_id,
        results=[
            {
                "id": s.id,
                "sent": s.submitted_at,
                "level_words": LEVEL_WORDS.get(s.level, s.level),
                "level": s.level,
                "status_words": STATUS_WORDS.get(s.status, s.status),
            }
            for s in queue.of_person(db, person_id)
        ],
        course=_course_values(followed) if followed else None,
        deletion_asked=records.asked(db, person_id),
        long_date=long_date,
    )


def _course_values(followed: clinic_progress.Followed) -> dict[str, Any]:
    progress = followed.progress
    course = progress.course
    names = {s.id: s.name for block in course.blocks for s in block.safe or ()}
    return {
        "start": long_date(course.start),
        "weeks": progress.plan_weeks,
        "warning": followed.warning.line,
        "stopped": progress.stopped,
        "alerts": alerts.alerts(progress, _today()),
        "checkins": [
            {
                "week": c.week,
                "day": long_date(c.recorded.date()),
                "done": c.sessions_done,
                "pain": c.exercise_pain,
                "morning": c.next_morning,
                "usual": c.usual_pain,
                "symptoms": ", ".join(f.replace("_", " ") for f in c.new_red_flags),
                "hurt": ", ".join(names.get(e, e) for e in c.hurt),
            }
            for c in course.checkins
        ],
        "reviews": [
            {
                "week": r.week,
                "decision": OUTCOME_WORDS[r.outcome],
                "rule": r.deciding.id if r.deciding else "",
                "review": r.review.id if r.review else "",
            }
            for r in progress.reviews
        ],
        "psfs_name": PSFS_NAME,
        "psfs": course.psfs,
        "psfs_scores": [
            (r.course_week, r.summary.psfs) for r in progress.reviews if r.summary.psfs
        ],
        "chart": bool(progress.reviews),
    }


@router.get("/clinic/patients/{number}/chart.png")
def chart(
    request: Request, site: SiteDep, clinician: ClinicianDep, actor: ActorDep, number: str
) -> Response:
    """The course's chart, as the progress report draws it (a PNG: the pages allow no
    inline style, which matplotlib's SVG uses)."""
    person_id, _ = person_for(site, clinician, number)
    followed = clinic_progress.follow(site, person_id)
    if followed is None or not followed.progress.reviews:
        raise HTTPException(404)
    audit.log(_db(site), actor, "progress_viewed", f"person {person_id}'s chart", person_id)
    return Response(draw(followed.progress, "png"), media_type="image/png")


@router.post("/clinic/patients/{number}/delete", dependencies=[Depends(checked_form)])
def delete(
    request: Request, site: SiteDep, clinician: ClinicianDep, actor: ActorDep, number: str
) -> Response:
    """The patient's request to delete their record, confirmed: everything goes but the
    audit log's entries, which keep that it happened."""
    person_id, _ = person_for(site, clinician, number)
    if not records.delete_record(_db(site), actor, person_id):
        raise HTTPException(409, "This patient has not asked for their record to be deleted.")
    return go(request, "/clinic/patients")
