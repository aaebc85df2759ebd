"""The clinic's questionnaire: the same pages as the public app, with each patient's
answers saved in the database as they go instead of in a cookie, so that a patient can
stop and come back from another device, and no health data is ever in a cookie.

The pages are the public app's own routes (questionnaire.py, emergency.py): they read
the answers through `Site.saved` (the `saved_state` dependency) and keep them through
`go`, which here answers with a redirect that saves first. Saving is where a warning
could be lost, so it never is: the moment the questions stop for an emergency, the
answers so far are raised to the clinic's queue in the same transaction, and if the
database cannot be written at all, the person sees the warning page itself (with a
line saying their answers were not saved) instead of a redirect to it.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from recommender.app.web import emergency_page
from recommender.app.web.site import Site, page
from recommender.app.web.state import BadState, State
from recommender.clinic import audit, queue
from recommender.clinic.accounts import Account
from recommender.clinic.db import ClinicDB

_log = logging.getLogger("backplan.web")


def _patient(request: Request) -> Account:
    """The signed-in patient: the questionnaire's routes are included in the clinic
    with the patient role as their first dependency (app.py), so there is one."""
    account: Optional[Account] = getattr(request.state, "account", None)
    assert account is not None and account.role == "patient"
    return account


def _actor(request: Request) -> audit.Actor:
    return audit.Actor(_patient(request), request.client.host if request.client else None)


class ServerAnswers:
    """Site.saved in the clinic."""

    def __init__(self, site: Site, db: ClinicDB) -> None:
        self.site = site
        self.db = db

    def load(self, request: Request) -> tuple[State, bool]:
        """The patient's answers so far (a fresh state when none are kept), and whether
        kept answers had to be cleared (from a questionnaire since changed)."""
        account = _patient(request)
        viewed = (_actor(request), request.url.path) if request.method == "GET" else None
        draft = queue.load_draft(self.db, account.id, viewed)
        if draft is None:
            return State(), False
        try:
            state = State.from_data(draft.state)
            self.site.shape.check(state)
        except BadState:
            self.db.write(lambda c: queue.clear_draft(c, account.id))
            return State(), True
        return state, False

    def forget(self, request: Request) -> None:
        request.state.clear_answers = True

    def redirect(self, request: Request, to: str, state: Optional[State]) -> RedirectResponse:
        if state is None and not getattr(request.state, "clear_answers", False):
            return RedirectResponse(to, status_code=303)  # nothing to keep
        return SavingRedirect(self, request, to, state)

    def keep(self, request: Request, state: Optional[State]) -> None:
        """Save (or clear) the answers, raising a new emergency stop to the queue."""
        account = _patient(request)
        actor = _actor(request)
        if getattr(request.state, "clear_answers", False):
            self.db.write(lambda c: queue.clear_draft(c, account.id))
            audit.log(self.db, actor, "answers_cleared", "cleared", account.person_id)
        if state is None:
            return
        answers = _answers_so_far(self.site, state)
        queue.save_draft(self.db, actor, state.to_data(), state.stop, answers)


def _answers_so_far(site: Site, state: State) -> dict[str, Any]:
    answers = dict(state.answers)
    if state.country is not None:
        answers["country"] = state.country
    return answers


class SavingRedirect(RedirectResponse):
    """A redirect that saves the answers before it is sent (in a worker thread, so the
    server goes on answering others meanwhile)."""

    def __init__(
        self, saved: ServerAnswers, request: Request, to: str, state: Optional[State]
    ) -> None:
        super().__init__(to, status_code=303)
        self.saved = saved
        self.request = request
        self.state = state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await run_in_threadpool(self.saved.keep, self.request, self.state)
        except Exception as exc:  # a full disk, a database gone: never the warning
            _log.error("the answers could not be saved", exc_info=exc)
            await self._not_saved()(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def _not_saved(self) -> Response:
        site = self.saved.site
        if self.state is not None and site.emergencies(self.state):
            return emergency_page.warning(self.request, site, self.state, saved=False)
        return page(
            self.request,
            "problem.html.j2",
            status=503,
            title="Your answers could not be saved",
            lines=[
                "Something went wrong on our side, and your last answers were not kept. "
                "Please go back and send them again in a few minutes.",
                "If you feel very unwell, do not wait: call your local emergency number.",
            ],
        )
