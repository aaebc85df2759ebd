"""The web app: the questionnaire page by page, the emergency stop, the plan, and an API.

Thin handlers over the same core as the command line (Recommender, the questionnaire,
the renderers), in one router per concern (routes/), with what they share given as
dependencies (deps.py). Pages are rendered on the server and work with no JavaScript;
the small script only adds a print button and an early emergency warning.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Optional

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.requests import ClientDisconnect
from starlette.routing import BaseRoute, Route

from recommender import __version__
from recommender.app.web import routes
from recommender.app.web.deps import Refused, TooLarge
from recommender.app.web.guard import Guard
from recommender.app.web.revoked import Revoked
from recommender.app.web.secret import secret_key
from recommender.app.web.server import CLINIC_ENV
from recommender.app.web.site import (
    SESSION_COOKIE,
    Site,
    delete_cookie,
    go,
    not_found,
    page,
    refused,
)
from recommender.app.web.state import MAX_AGE, STATE_COOKIE, BadState, Keys
from recommender.clinic.db import ClinicDB
from recommender.inputs.questionnaire import load_questionnaire
from recommender.pipeline.recommend import Recommender
from recommender.store.database import StoreError

_log = logging.getLogger("backplan.web")

# -- the app ---------------------------------------------------------------------------


class BackplanApp(FastAPI):
    """FastAPI with the Guard (guard.py) outside everything, Starlette's own error
    handling included, so that no response leaves without the security headers."""

    def build_middleware_stack(self) -> Any:
        return Guard(super().build_middleware_stack(), self.every_route())

    included: tuple[APIRouter, ...] = ()

    def every_route(self) -> list[BaseRoute]:
        """The app's own routes (/openapi.json) and every router's, one by one (FastAPI
        may keep an included router as one entry, which names no methods)."""
        own: list[BaseRoute] = [route for route in self.router.routes if isinstance(route, Route)]
        return own + [route for router in self.included for route in router.routes]


def create_app(
    recommender: Optional[Recommender] = None, clinic: Optional[ClinicDB] = None
) -> FastAPI:
    """The app, with one Recommender (catalog, rules, compiled engine) for its process.
    With `clinic` (or $BACKPLAN_CLINIC_DB, which `backplan serve --clinic` sets for its
    workers), the clinic's app on that database (docs/clinic.md)."""
    if clinic is None and os.environ.get(CLINIC_ENV):
        clinic = ClinicDB.open(os.environ[CLINIC_ENV])
    site = Site(
        recommender or Recommender.load(),
        load_questionnaire(),
        Keys(secret_key()),
        Revoked.from_environment(keep_seconds=MAX_AGE + 60),
        clinic,
    )
    app = BackplanApp(
        title="backplan",
        version=__version__,
        summary="Safe, explainable home-exercise plans for neck and back pain.",
        description=(
            "Red-flag triage and a progressive weekly exercise plan from an intake "
            "questionnaire. Not a diagnosis. The server stores no answers."
        ),
        docs_url=None,  # Swagger UI loads its scripts from a CDN; /docs is our own page
        redoc_url=None,
    )
    app.state.site = site
    if clinic is None:
        for router in routes.PUBLIC:
            app.include_router(router)
        app.included = routes.PUBLIC
    else:
        _make_clinic(app, site, clinic)
    _add_errors(app)
    return app


def _make_clinic(app: BackplanApp, site: Site, clinic: ClinicDB) -> None:
    """The clinic's routers, each with its roles, its answers kept in the database, and
    its own refusals. Imported here, not at the top: the clinic's modules bring
    SQLAlchemy, which cost each worker of the public app 145 modules and about 8 MB."""
    # lazy: SQLAlchemy (through app.web.routes.clinic) is loaded only by the commands that use it
    from recommender.app.web.routes.clinic import CLINIC

    # lazy: SQLAlchemy (through app.web.saved) is loaded only by the commands that use it
    from recommender.app.web.saved import ServerAnswers

    site.saved = ServerAnswers(site, clinic)
    for router, roles in CLINIC:
        app.include_router(router, dependencies=[Depends(role) for role in roles])
    app.included = tuple(router for router, _ in CLINIC)
    _add_clinic_errors(app)


def _add_errors(app: FastAPI) -> None:
    # lazy: Starlette is loaded only by the commands that use it
    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)
        if exc.status_code == 404:
            return not_found(request)
        return page(
            request,
            "problem.html.j2",
            status=exc.status_code,
            title="That did not work",
            lines=[str(exc.detail)],
        )

    @app.exception_handler(TooLarge)
    async def too_large(request: Request, exc: TooLarge) -> Response:
        return page(
            request,
            "problem.html.j2",
            status=413,
            title="Too much was sent",
            lines=["That form was far larger than any answer. Nothing was kept."],
        )

    @app.exception_handler(Refused)
    async def not_accepted(request: Request, exc: Refused) -> Response:
        return refused(request)

    @app.exception_handler(BadState)
    async def bad_state(request: Request, exc: BadState) -> Response:
        # Made with our key, yet not what these pages write: use none of it, and let
        # the person start again.
        response = page(
            request,
            "problem.html.j2",
            status=400,
            title="Your answers could not be read",
            lines=["They were cleared. Please start again."],
        )
        delete_cookie(response, request, STATE_COOKIE)
        return response

    @app.exception_handler(ClientDisconnect)
    async def gone(request: Request, exc: ClientDisconnect) -> Response:
        # The client left (or was closed for sending too slowly): nobody to answer.
        return Response(status_code=400)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        # Our fault, never the person's: a plain page, no traceback, no answers echoed.
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "internal error; please report it"}, status_code=500)
        return page(
            request,
            "problem.html.j2",
            status=500,
            title="Something went wrong on our side",
            lines=["Please try again. If it happens again, please report it."],
        )


def _add_clinic_errors(app: FastAPI) -> None:
    """The clinic's refusals: sign in first, not for this role, the database down."""
    # lazy: SQLAlchemy (through app.web.roles) is loaded only by the commands that use it
    from recommender.app.web.roles import SignInNeeded, WrongRole

    @app.exception_handler(SignInNeeded)
    async def sign_in_first(request: Request, exc: SignInNeeded) -> Response:
        ended = getattr(request.state, "session_ended", False)
        response = go(request, "/sign-in?why=ended" if ended else "/sign-in")
        if ended:
            delete_cookie(response, request, SESSION_COOKIE)
        return response

    @app.exception_handler(WrongRole)
    async def not_for_you(request: Request, exc: WrongRole) -> Response:
        return page(
            request,
            "problem.html.j2",
            status=403,
            title="This page is not for your account",
            lines=["You are signed in, but this page belongs to another kind of account."],
        )

    @app.exception_handler(StoreError)
    async def store_down(request: Request, exc: StoreError) -> Response:
        # The practice's database failed: say so plainly (its message may name the
        # server, never a password; it is logged, not shown).
        _log.error("the clinic's database failed: %s", exc)
        return page(
            request,
            "problem.html.j2",
            status=503,
            title="This service is not available just now",
            lines=[
                "Please try again in a few minutes.",
                "If you feel very unwell, do not wait: call your local emergency number.",
            ],
        )
