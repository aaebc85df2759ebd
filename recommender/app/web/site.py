"""What every page of the web app shares: the encrypted state, the templates, and the
small helpers that draw a page or redirect to one.

Every form POST is answered with a redirect to a GET page (post/redirect/get), so the
browser's own Back and Forward buttons move between pages without "resend the form?"
prompts; each page is drawn from the answers in the encrypted state cookie (state.py),
once it is checked against the questionnaire (shape.py) and the list of cleared
answers (revoked.py).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Optional, Protocol

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from recommender import __version__
from recommender.app.web import form
from recommender.app.web.revoked import Revoked
from recommender.app.web.shape import StateShape
from recommender.app.web.state import (
    CSRF_COOKIE,
    CSRF_FIELD,
    MAX_COOKIE,
    STATE_COOKIE,
    BadState,
    Keys,
    State,
    new_sid,
)
from recommender.inputs.countries import emergency_number, find_country
from recommender.inputs.questionnaire import Questionnaire
from recommender.pipeline.recommend import Recommender
from recommender.pipeline.triage import Flag, triage_flag
from recommender.render import FORMATS, Format, to_json
from recommender.render.fhir_questionnaire import questionnaire_resource
from recommender.rulebook.conditions import holds
from recommender.rulebook.rules import WithholdRule

if TYPE_CHECKING:
    from recommender.clinic.db import ClinicDB

#: The clinic's session cookie: an opaque random id (clinic/sessions.py), nothing else.
SESSION_COOKIE = "backplan_session"

#: Answers cookies remembered as checked (shape.py), at most: a hash each.
SHAPED_COOKIES = 20_000


def downloads(has_plan: bool) -> list[tuple[str, Format]]:
    """The formats the result page offers, in the registry's order: every format with
    a `download` (render/__init__.py, FORMATS), so a new one is offered at once."""
    return [
        (name, spec)
        for name, spec in FORMATS.items()
        if spec.download is not None and (has_plan or not spec.download.only_with_plan)
    ]


def country_name(code: Optional[str]) -> str:
    """A country's name for the pages ("Not given" without one)."""
    found = find_country(code) if code else None
    return found.name if found else "Not given"


class SavedAnswers(Protocol):
    """Where the clinic keeps a patient's answers between pages (app/web/saved.py)."""

    def load(self, request: Request) -> tuple[State, bool]: ...

    def forget(self, request: Request) -> None: ...

    def redirect(self, request: Request, to: str, state: Optional[State]) -> RedirectResponse: ...


class Site:
    """What every page needs, built once per worker process. In the clinic, `clinic`
    is its database and `saved` keeps each patient's answers there instead of in a
    cookie; in the public app both are None."""

    def __init__(
        self,
        recommender: Recommender,
        questionnaire: Questionnaire,
        keys: Keys,
        revoked: Optional[Revoked] = None,
        clinic: Optional[ClinicDB] = None,
    ):
        self.clinic = clinic
        self.saved: Optional[SavedAnswers] = None
        self.recommender = recommender
        self.questionnaire = questionnaire
        self.sections = form.sections(questionnaire)
        self.keys = keys
        self.revoked = revoked or Revoked()
        self.emergency_rules = form.emergency_rules(recommender.rulebook.red_flags)
        self.emergency_ids = {rule.id for rule in self.emergency_rules}
        self.shape = StateShape(self.sections, self.emergency_ids)
        self._shaped: set[Optional[int]] = set()
        self._needed = tuple(
            (s.number, tuple((q, tuple(q.key.split("."))) for q in form.needed(s)))
            for s in self.sections
        )
        self.fhir_questionnaire = _questionnaire_json(questionnaire).encode()
        self.static = {
            "app.css": (_static("app.css"), "text/css; charset=utf-8"),
            "app.js": (_static("app.js"), "text/javascript; charset=utf-8"),
            "session.js": (_static("session.js"), "text/javascript; charset=utf-8"),
            "plan.css": (_plan_css().encode(), "text/css; charset=utf-8"),
            "figures.css": (_figures_css(), "text/css; charset=utf-8"),
            "favicon.svg": (_static("favicon.svg"), "image/svg+xml"),
        }

    # -- state and forms ---------------------------------------------------------------

    def state(self, request: Request) -> tuple[State, bool]:
        """The answers so far, and whether a cookie was there but too old or not ours;
        BadState when it is ours but not in the shape these pages write."""
        cookie = request.cookies.get(STATE_COOKIE)
        state, expired = self.keys.load_state(cookie)
        if state.sid is not None and self.revoked.holds(state.sid):
            return State(), False  # cleared: a copy of the cookie opens nothing
        # A cookie is sent again with every page: its state, once found in shape, is
        # not checked again (the cookie's hash is remembered, never its answers; it is
        # still decrypted, and so still refused once too old, every time).
        seen = hash(cookie) if cookie else None
        if seen not in self._shaped:
            self.shape.check(state)
            if len(self._shaped) >= SHAPED_COOKIES:
                self._shaped.clear()
            self._shaped.add(seen)
        return state, expired

    def forget(self, request: Request) -> None:
        """Clear the answers in this request's cookie for good: its id goes on the list
        of cleared answers, so that no copy of the cookie is accepted again. (In the
        clinic: the patient's saved answers, when the redirect that follows is sent.)"""
        if self.saved is not None:
            self.saved.forget(request)
            return
        try:
            state, _ = self.keys.load_state(request.cookies.get(STATE_COOKIE))
        except BadState:
            return
        if state.sid is not None:
            self.revoked.revoke(state.sid)

    def number(self, state: State) -> Optional[str]:
        return emergency_number(state.country) if state.country else None

    def first_open(self, state: State) -> Optional[int]:
        """The first section not yet answered, or None when all are (form.unanswered,
        from the questions each section needs answered, listed once)."""
        answers, age = state.answers, state.answers.get("age")
        for number, needed in self._needed:
            if number not in state.done:
                return number
            for question, path in needed:
                if not question.skipped(age) and _missing(answers, path):
                    return number
        return None

    def withheld_before_screening(self, answers: dict[str, Any]) -> Optional[WithholdRule]:
        """A withholding rule that already holds before any warning sign is answered
        (WH-MINOR, from the age): the questions stop there, with its advice, as the
        terminal intake's do. Once screening has begun it always finishes, so that no
        warning sign is cut short (the result then says why there is no plan)."""
        if answers.get("red_flags"):
            return None
        for rule in self.recommender.rulebook.withhold:
            if rule.condition is not None and holds(rule.condition, answers) is True:
                return rule
        return None

    def emergencies(self, state: State) -> tuple[Flag, ...]:
        """The emergency flags the answers settle, and those that stopped the questions
        before and still hold them (stop.py)."""
        number = self.number(state)
        found = form.emergencies(self.emergency_rules, state.answers, number)
        if not state.stop:
            return found
        seen = {flag.id for flag in found}
        held = (r for r in self.emergency_rules if r.id in state.stop and r.id not in seen)
        return found + tuple(triage_flag(rule, number) for rule in held)


def _missing(answers: dict[str, Any], path: tuple[str, ...]) -> bool:
    value: Any = answers
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return True
        value = value[part]
    return value is None


def _static(name: str) -> bytes:
    return resources.files("recommender.app.web").joinpath("static").joinpath(name).read_bytes()


def _plan_css() -> str:
    """The printable page's own style sheet (the `css` block of plan.html.j2), served
    as a file so that the result page looks exactly like the printout without allowing
    inline styles. No paper size is pinned on screen."""
    template = templates().get_template("plan.html.j2")
    context = template.new_context({"page": {"paper": None}})
    return "".join(template.blocks["css"](context))


def _figures_css() -> bytes:
    """The figures' own rules (render/templates/figures.css: moving on screen, still
    with reduced motion and in print), for pages that show figures without the plan."""
    return resources.files("recommender.render").joinpath("templates/figures.css").read_bytes()


def _questionnaire_json(questionnaire: Questionnaire) -> str:
    return to_json(questionnaire_resource(questionnaire))


@lru_cache(maxsize=1)
def templates() -> Any:
    """The pages' templates, and the printable plan's (render/templates), which the
    result page extends."""
    # lazy: Jinja2 is loaded only by the commands that use it
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("recommender.app.web", "templates"),
                jinja2.PackageLoader("recommender.render", "templates"),
            ]
        ),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # The templates are the package's own files: no page looks at their dates.
        auto_reload=False,
    )
    env.globals["version"] = __version__
    return env


def page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """A rendered page, carrying a CSRF token (made on the first visit) for its forms."""
    site: Site = request.app.state.site
    token = request.cookies.get(CSRF_COOKIE) or ""
    fresh = not token
    if fresh:
        token = Keys.new_csrf_cookie()
    html = (
        templates()
        .get_template(template)
        .render(
            csrf_field=CSRF_FIELD,
            csrf=site.keys.csrf_field(token),
            clinic=site.clinic is not None,
            account=getattr(request.state, "account", None),
            **values,
        )
    )
    response = HTMLResponse(html, status_code=status)
    if fresh:
        _cookie(response, request, CSRF_COOKIE, token)
    return response


def set_cookie(response: Response, request: Request, name: str, value: str) -> None:
    """A session cookie (dropped when the browser closes), HttpOnly, SameSite=Strict,
    and Secure over HTTPS."""
    _cookie(response, request, name, value)


def _cookie(response: Response, request: Request, name: str, value: str) -> None:
    # No max_age: a session cookie, dropped when the browser closes.
    response.set_cookie(name, value, **_cookie_flags(request))


def delete_cookie(response: Response, request: Request, name: str) -> None:
    """Delete a cookie with the very flags it was set with."""
    response.delete_cookie(name, **_cookie_flags(request))


def _cookie_flags(request: Request) -> dict[str, Any]:
    # Secure whenever the page came over HTTPS (behind a proxy, uvicorn reads
    # X-Forwarded-Proto); over plain HTTP a browser would refuse a Secure cookie.
    return {
        "httponly": True,
        "samesite": "strict",
        "secure": request.url.scheme == "https",
        "path": "/",
    }


def go(request: Request, to: str, state: Optional[State] = None) -> RedirectResponse:
    """303 See Other to `to` (post/redirect/get), saving `state` if given (in the
    clinic, in the database, before the redirect is sent)."""
    saved: Optional[SavedAnswers] = request.app.state.site.saved
    if saved is not None:
        return saved.redirect(request, to, state)
    response = RedirectResponse(to, status_code=303)
    if state is not None:
        site: Site = request.app.state.site
        if state.started and state.sid is None:
            state.sid = new_sid()
        value = site.keys.dump_state(state)
        if len(value) > MAX_COOKIE:  # only unsent drafts can make it grow; drop them
            state.drafts.clear()
            value = site.keys.dump_state(state)
        _cookie(response, request, STATE_COOKIE, value)
    return response


def refused(request: Request) -> HTMLResponse:
    return page(
        request,
        "problem.html.j2",
        status=403,
        title="This form could not be accepted",
        lines=[
            "The page was open for too long, cookies are turned off, or the form came "
            "from another site. Nothing was kept.",
        ],
    )


def not_found(request: Request) -> HTMLResponse:
    return page(
        request,
        "problem.html.j2",
        status=404,
        title="Page not found",
        lines=["There is no page at this address."],
    )
