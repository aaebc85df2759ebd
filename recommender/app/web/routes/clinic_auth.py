"""The clinic's doors: signing in and out, and using a set-up link or an invite.

Open to everyone (these are how one becomes someone); every other clinic page names
its roles (roles.allow). Signing in always starts a new session with a new id, and the
session cookie holds that random id alone.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from recommender.app.web.deps import SiteDep, checked_form
from recommender.app.web.models import InviteFormDep, SignInFormDep
from recommender.app.web.roles import AccountDep, ActorDep, address
from recommender.app.web.site import SESSION_COOKIE, delete_cookie, go, page, set_cookie
from recommender.clinic import accounts, audit, sessions, signin
from recommender.clinic.db import ClinicDB

router = APIRouter(include_in_schema=False)


def _db(site: SiteDep) -> ClinicDB:
    assert site.clinic is not None  # these routes are included only in the clinic
    return site.clinic


@router.get("/sign-in")
def sign_in_page(request: Request, site: SiteDep, account: AccountDep) -> Response:
    if account is not None:
        return go(request, "/")
    return _sign_in_form(request, status=200)


def _sign_in_form(request: Request, status: int, problem: str = "", email: str = "") -> Response:
    notice = {
        "ended": "You were signed out after 30 minutes without activity. Please sign in again.",
        "out": "You have signed out.",
    }.get(request.query_params.get("why", ""))
    return page(
        request,
        "clinic/sign_in.html.j2",
        status=status,
        title="Sign in" if not problem else "Please check: sign in",
        problem=problem,
        notice=notice,
        email=email,
    )


@router.post("/sign-in")
def sign_in(request: Request, site: SiteDep, data: SignInFormDep) -> Response:
    previous = request.cookies.get(SESSION_COOKIE)
    outcome = signin.sign_in(_db(site), data.email, data.password, address(request), previous)
    if outcome.session_id is None:
        status = {signin.BUSY: 503}.get(outcome.problem or "", 401)
        if outcome.problem and "paused" in outcome.problem:
            status = 429
        return _sign_in_form(request, status, outcome.problem or "", data.email[:254])
    response = go(request, "/")
    set_cookie(response, request, SESSION_COOKIE, outcome.session_id)
    return response


@router.post("/sign-out", dependencies=[Depends(checked_form)])
def sign_out(request: Request, site: SiteDep, actor: ActorDep) -> Response:
    """Ends the session on the server (a copy of the cookie opens nothing after)."""
    db = _db(site)
    sessions.end(db, request.cookies.get(SESSION_COOKIE))
    if actor.account is not None:
        audit.log(db, actor, "sign_out", "signed out")
    response = go(request, "/sign-in?why=out")
    delete_cookie(response, request, SESSION_COOKIE)
    return response


@router.get("/invite")
def invite_code_page(request: Request, site: SiteDep) -> Response:
    """Where a code given by the practice is typed in (sent back here as ?code=)."""
    typed = request.query_params.get("code")
    if typed:
        return invite_page(request, site, typed)
    return page(request, "clinic/invite_code.html.j2", title="Use your code", problem="")


@router.get("/invite/{code}")
def invite_page(request: Request, site: SiteDep, code: str) -> Response:
    """The set-up link's page: the code is good once, for a week."""
    found = accounts.pending(_db(site), code[:60])
    if found is None:
        return page(
            request,
            "clinic/invite_code.html.j2",
            status=404,
            title="This link has been used or has expired",
            problem="This link has been used or has expired. Ask your practice for a new one.",
        )
    return _invite_form(request, found, code[:60], status=200)


def _invite_form(
    request: Request,
    found: accounts.Pending,
    code: str,
    status: int,
    problem: str = "",
    email: str = "",
) -> Response:
    return page(
        request,
        "clinic/invite.html.j2",
        status=status,
        title="Set up your account" if not problem else "Please check: set up your account",
        invite=found,
        code=code,
        problem=problem,
        email=email,
    )


@router.post("/invite")
def use_invite(request: Request, site: SiteDep, data: InviteFormDep) -> Response:
    db = _db(site)
    found = accounts.pending(db, data.code)
    if found is None:
        return page(
            request,
            "clinic/invite_code.html.j2",
            status=404,
            title="Please check: use your code",
            problem="This code has been used, has expired, or was typed wrongly. Check it, or "
            "ask your practice for a new one.",
        )
    if data.password != data.again:
        problem = "The two passwords are not the same. Please type them again."
        return _invite_form(request, found, data.code, 422, problem, data.email[:254])
    try:
        account = accounts.accept(db, data.code, data.email, data.password)
    except accounts.AccountError as exc:
        return _invite_form(request, found, data.code, 422, str(exc), data.email[:254])
    audit.log(
        db,
        audit.Actor(account, address(request)),
        "account_set_up",
        f"{account.role} account set up with an invite",
        account.person_id,
    )
    session_id = sessions.start(db, account.id, request.cookies.get(SESSION_COOKIE))
    response = go(request, "/")
    set_cookie(response, request, SESSION_COOKIE, session_id)
    return response
