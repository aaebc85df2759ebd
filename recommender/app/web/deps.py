"""What the routes ask for, as FastAPI dependencies: the site, the answers so far, and
a posted form that is within its limits and carries a good CSRF token.

A route names what it needs in its signature (`site: SiteDep`, `state: StateDep`,
`data: StartFormDep` in models.py) and FastAPI provides it, once per request; nothing
reads a cookie or a body by hand. Each dependency is a coroutine, since FastAPI runs a
plain function in a thread, which would cost more than most of them do. A refusal is
an exception (Refused, TooLarge, and BadState from state.py), each answered with its
own page by the handlers in app.py.

The clinic's signed-in account and its one check of roles are in roles.py, beside
these (kept apart so that the public app's workers never load the clinic's modules).
"""

from __future__ import annotations

from typing import Annotated, NamedTuple

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request as StarletteRequest
from starlette.types import Message

from recommender.app.web.site import Site
from recommender.app.web.state import CSRF_COOKIE, CSRF_FIELD, State
from recommender.core.typed import whole_number

#: A questionnaire page's form is well under 10 KB, and has fewer than 50 fields.
MAX_FORM_BYTES = 64 * 1024
MAX_FORM_FIELDS = 400


class TooLarge(Exception):
    """A body larger than the route takes: answered with 413, nothing kept."""


class Refused(Exception):
    """A form whose CSRF token does not fit this browser's: answered with 403."""


async def get_site(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


SiteDep = Annotated[Site, Depends(get_site)]


class Saved(NamedTuple):
    """The answers so far, and whether a cookie was there but too old or not ours."""

    state: State
    expired: bool


async def saved_state(request: Request, site: SiteDep) -> Saved:
    """BadState when the cookie is ours but not in the shape these pages write. In the
    clinic, the signed-in patient's answers, from the database (app/web/saved.py)."""
    if site.saved is not None:
        return Saved(*await run_in_threadpool(site.saved.load, request))
    return Saved(*site.state(request))


SavedDep = Annotated[Saved, Depends(saved_state)]


async def current_state(saved: SavedDep) -> State:
    return saved.state


StateDep = Annotated[State, Depends(current_state)]


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing more than `limit` bytes whatever Content-Length says
    (TooLarge), before more than that is read."""
    declared = whole_number(request.headers.get("content-length", ""), digits=20)
    if declared is not None and declared > limit:
        raise TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def checked_form(request: Request, site: SiteDep) -> FormData:
    """The form of a POST, parsed by Starlette once its body is known to be within
    MAX_FORM_BYTES and MAX_FORM_FIELDS, and accepted only with this browser's CSRF
    token (a signed double submit, state.py)."""
    body = await read_body(request, MAX_FORM_BYTES)

    async def replay() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    reading = StarletteRequest(request.scope, replay)
    try:
        form = await reading.form(max_fields=MAX_FORM_FIELDS, max_files=0)
    except (MultiPartException, StarletteHTTPException) as exc:
        # Starlette says 400 for a body it cannot parse, and for more fields (or files)
        # than allowed, which is too much of it: 413, as for a body too large.
        if "Too many" in str(getattr(exc, "detail", None) or getattr(exc, "message", "")):
            raise TooLarge from None
        raise
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not site.keys.csrf_ok(request.cookies.get(CSRF_COOKIE), sent):
        raise Refused
    return form


FormDep = Annotated[FormData, Depends(checked_form)]
