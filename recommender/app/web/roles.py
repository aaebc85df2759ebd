"""The clinic's one check of roles (`backplan serve --clinic`): who is signed in, and
which routes their role may use.

`current_account` is the account the request's session cookie opens (looked up once
per request, on the server: clinic/sessions.py). `allow(*roles)` is the dependency
every clinic route names, directly (`PatientDep`, `ClinicianDep`, `AdminDep`) or on
its router when the app includes it (routes/clinic.py): a request from anyone else is
refused, SignInNeeded (the sign-in page) or WrongRole (403), answered in app.py,
whatever links a page shows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Optional

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from recommender.app.web.deps import SiteDep
from recommender.app.web.site import SESSION_COOKIE
from recommender.clinic import sessions
from recommender.clinic.accounts import Account
from recommender.clinic.audit import Actor


class SignInNeeded(Exception):
    """Nobody is signed in (or the session has ended): answered with the sign-in page."""


class WrongRole(Exception):
    """Signed in, but the page is not for this account's role: answered with 403."""


async def current_account(request: Request, site: SiteDep) -> Optional[Account]:
    """The account signed in with this request's session cookie (None in the public
    app, or with no live session), looked up once per request."""
    if hasattr(request.state, "account"):
        found: Optional[Account] = request.state.account  # as set below
        return found
    request.state.account = None
    request.state.session_ended = False
    if site.clinic is not None:
        cookie = request.cookies.get(SESSION_COOKIE)
        result = await run_in_threadpool(sessions.find, site.clinic, cookie)
        request.state.account = result.account
        request.state.session_ended = result.expired
    account: Optional[Account] = request.state.account  # Starlette's state is untyped
    return account


AccountDep = Annotated[Optional[Account], Depends(current_account)]

Role = Callable[..., Awaitable[Account]]


def allow(*roles: str) -> Role:
    """The dependency that lets in only accounts of `roles` (the access test reads
    `.roles` off each route's dependencies)."""

    async def signed_in_as(account: AccountDep) -> Account:
        if account is None:
            raise SignInNeeded
        if account.role not in roles:
            raise WrongRole
        return account

    signed_in_as.roles = roles  # type: ignore[attr-defined]
    return signed_in_as


PATIENT = allow("patient")
CLINICIAN = allow("clinician")
ADMIN = allow("admin")
PatientDep = Annotated[Account, Depends(PATIENT)]
ClinicianDep = Annotated[Account, Depends(CLINICIAN)]
AdminDep = Annotated[Account, Depends(ADMIN)]


def address(request: Request) -> Optional[str]:
    """Where the request came from (behind a proxy on this machine, the address it
    forwarded: server.py lets uvicorn read X-Forwarded-For)."""
    return request.client.host if request.client else None


async def actor(request: Request, account: AccountDep) -> Actor:
    """Who is acting, and from where, for the audit log."""
    return Actor(account, address(request))


ActorDep = Annotated[Actor, Depends(actor)]
