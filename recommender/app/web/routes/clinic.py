"""The clinic's routes (`backplan serve --clinic`, docs/clinic.md): the public app's
questionnaire and emergency pages for a signed-in patient (their answers kept on the
server: app/web/saved.py), beside the clinic's own routers:

- clinic_auth.py: signing in and out, set-up links and invites (open to all);
- clinic_home.py: the start page, which sends each role to its own;
- clinic_patient.py: a patient's answers sent, the waiting page, the plan, downloads;
- clinic_checkin.py: a patient's weekly check-in;
- clinic_session.py: a patient's session of the day, its end saved as a check-in;
- clinic_records.py: a patient's copy of everything stored, and asking for deletion;
- clinic_queue.py: the clinician's queue, a result under review and the decisions;
- clinic_people.py: the clinician's patients, invites, progress and deletions;
- clinic_admin.py: the audit log (the admin's);
- clinic_agreement.py: the triage agreement table (clinicians' and the admin's).

CLINIC pairs each router with the roles it serves (roles.allow), required on every
one of its routes when the app includes it; a router open to all lists none, and its
routes that need an account name their role themselves.
"""

from __future__ import annotations

from fastapi import APIRouter

from recommender.app.web.roles import ADMIN, CLINICIAN, PATIENT, Role, allow
from recommender.app.web.routes import (
    clinic_admin,
    clinic_agreement,
    clinic_auth,
    clinic_checkin,
    clinic_home,
    clinic_patient,
    clinic_people,
    clinic_queue,
    clinic_records,
    clinic_session,
    emergency,
    questionnaire,
    static,
)


def _without(router: APIRouter, path: str) -> APIRouter:
    """`router` less the route at `path` (the clinic's own start page replaces it)."""
    return APIRouter(
        include_in_schema=False,
        routes=[route for route in router.routes if getattr(route, "path", None) != path],
    )


CLINIC: tuple[tuple[APIRouter, tuple[Role, ...]], ...] = (
    (clinic_auth.router, ()),
    (clinic_home.router, ()),
    (_without(questionnaire.router, "/"), (PATIENT,)),
    (emergency.router, (PATIENT,)),
    (clinic_patient.router, (PATIENT,)),
    (clinic_checkin.router, (PATIENT,)),
    (clinic_session.router, (PATIENT,)),
    (clinic_records.router, (PATIENT,)),
    (clinic_queue.router, (CLINICIAN,)),
    (clinic_people.router, (CLINICIAN,)),
    (clinic_admin.router, (ADMIN,)),
    (clinic_agreement.router, (allow("clinician", "admin"),)),
    (static.router, ()),
)
