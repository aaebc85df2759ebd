"""The clinic's start page: each role to its own (a patient to their page, a clinician
to the queue, an admin to the audit log), and anyone not signed in to sign in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from recommender.app.web.deps import SiteDep
from recommender.app.web.roles import AccountDep, SignInNeeded
from recommender.app.web.routes import clinic_patient
from recommender.app.web.site import go

router = APIRouter(include_in_schema=False)

HOMES = {"clinician": "/clinic", "admin": "/admin"}


@router.get("/")
def start(request: Request, site: SiteDep, account: AccountDep) -> Response:
    if account is None:
        if getattr(request.state, "session_ended", False):
            raise SignInNeeded  # the sign-in page says why, and the cookie goes
        return go(request, "/sign-in")
    if account.role == "patient":
        return clinic_patient.home(request, site, account)
    return go(request, HOMES[account.role])
