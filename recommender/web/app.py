"""The web app: the questionnaire page by page, the emergency stop, the plan, and an API.

Thin handlers over the same core as the command line (Recommender, the questionnaire,
the renderers). Pages are rendered on the server and work with no JavaScript; the
small script only adds a print button and an early emergency warning.

Every form POST is answered with a redirect to a GET page (post/redirect/get), so the
browser's own Back and Forward buttons move between pages without "resend the form?"
prompts; each page is drawn from the answers in the signed state cookie (state.py).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from importlib import resources
from typing import Any, Optional
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from .. import __version__
from ..answers_file import MAX_BYTES, parse_answers, validate_answers
from ..countries import EMERGENCY_NUMBERS, emergency_number, normalise
from ..errors import AnswersError
from ..intake import Questionnaire, load_questionnaire
from ..recommend import DEFAULT_WEEKS, MAX_WEEKS, Recommender
from ..render import render_result, to_json
from ..triage import NEUTRAL_EMERGENCY_NUMBER, level_action
from . import fastjson, form
from .state import CSRF_COOKIE, CSRF_FIELD, MAX_COOKIE, STATE_COOKIE, Keys, State, secret_key

#: Nothing is loaded from anywhere but this server, nothing runs inline, and no other
#: site may frame a page or receive a form.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    # Answers are health data: no browser or proxy cache may keep a page of them.
    (b"cache-control", b"no-store"),
]

#: A questionnaire page's form is well under 10 KB.
MAX_FORM_BYTES = 64 * 1024

DOWNLOADS = {
    # format: (file name, media type)
    "html": ("backplan-plan.html", "text/html; charset=utf-8"),
    "ics": ("backplan-plan.ics", "text/calendar; charset=utf-8"),
    "markdown": ("backplan-plan.md", "text/markdown; charset=utf-8"),
    "json": ("backplan-result.json", "application/json"),
    "fhir": ("backplan-careplan.json", "application/fhir+json"),
}

#: Names for the country list; the numbers themselves come from recommender.countries.
COUNTRY_NAMES = {
    "AT": "Austria",
    "AU": "Australia",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "CA": "Canada",
    "CY": "Cyprus",
    "CZ": "Czechia",
    "DE": "Germany",
    "DK": "Denmark",
    "EE": "Estonia",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "GR": "Greece",
    "HR": "Croatia",
    "HU": "Hungary",
    "IE": "Ireland",
    "IN": "India",
    "IT": "Italy",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "LV": "Latvia",
    "MT": "Malta",
    "NL": "Netherlands",
    "NZ": "New Zealand",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "SE": "Sweden",
    "SI": "Slovenia",
    "SK": "Slovakia",
    "US": "United States",
}


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response (plain ASGI: no per-request overhead of
    Starlette's BaseHTTPMiddleware on the API's hot path)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class TooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing more than `limit` bytes whatever Content-Length says."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


class Site:
    """What every page needs, built once per worker process."""

    def __init__(self, recommender: Recommender, questionnaire: Questionnaire, keys: Keys):
        self.recommender = recommender
        self.questionnaire = questionnaire
        self.sections = form.sections(questionnaire)
        self.keys = keys
        self.emergency_rules = form.emergency_rules(recommender.rulebook.red_flags)
        self.fhir_questionnaire = _questionnaire_json(questionnaire).encode()
        self.static = {
            "app.css": (_static("app.css"), "text/css; charset=utf-8"),
            "app.js": (_static("app.js"), "text/javascript; charset=utf-8"),
            "plan.css": (self._plan_css().encode(), "text/css; charset=utf-8"),
        }

    def _plan_css(self) -> str:
        """The printable page's own style sheet, served once so the result page looks
        exactly like the printout without allowing inline styles."""
        from ..answers_file import parse_answers as parse
        from ..datafiles import bundled_dir

        example = parse((bundled_dir("data") / "example-answers.json").read_bytes())
        page = render_result(self.recommender.recommend(example), "html")
        return _between(page, "<style>", "</style>")

    # -- state and forms ---------------------------------------------------------------

    def state(self, request: Request) -> tuple[State, bool]:
        return self.keys.load_state(request.cookies.get(STATE_COOKIE))

    def number(self, state: State) -> Optional[str]:
        return emergency_number(state.country) if state.country else None

    def first_open(self, state: State) -> Optional[int]:
        """The first section not yet answered, or None when all are."""
        for section in self.sections:
            if section.number not in state.done:
                return section.number
        return None

    def emergencies(self, state: State) -> tuple:
        return form.emergencies(self.emergency_rules, state.answers, self.number(state))


def _static(name: str) -> bytes:
    return resources.files("recommender.web").joinpath("static", name).read_bytes()


def _between(text: str, start: str, end: str) -> str:
    first = text.index(start) + len(start)
    return text[first : text.index(end, first)]


def _questionnaire_json(questionnaire: Questionnaire) -> str:
    from ..fhir import questionnaire_resource

    return to_json(questionnaire_resource(questionnaire))


@lru_cache(maxsize=1)
def _templates():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("recommender.web", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
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
        _templates()
        .get_template(template)
        .render(csrf_field=CSRF_FIELD, csrf=site.keys.csrf_field(token), **values)
    )
    response = HTMLResponse(html, status_code=status)
    if fresh:
        _cookie(response, request, CSRF_COOKIE, token)
    return response


def _cookie(response: Response, request: Request, name: str, value: str) -> None:
    # No max_age: a session cookie, dropped when the browser closes. Secure whenever the
    # page came over HTTPS (behind a proxy, uvicorn reads X-Forwarded-Proto).
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def go(request: Request, to: str, state: Optional[State] = None) -> RedirectResponse:
    """303 See Other to `to` (post/redirect/get), saving `state` if given."""
    response = RedirectResponse(to, status_code=303)
    if state is not None:
        site: Site = request.app.state.site
        value = site.keys.dump_state(state)
        if len(value) > MAX_COOKIE:  # only unsent drafts can make it grow; drop them
            state.drafts.clear()
            value = site.keys.dump_state(state)
        _cookie(response, request, STATE_COOKIE, value)
    return response


async def posted_form(request: Request) -> Optional[dict[str, list[str]]]:
    """The urlencoded form of a POST, or None when its CSRF token does not match."""
    site: Site = request.app.state.site
    body = await read_body(request, MAX_FORM_BYTES)
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=400)
    sent = (fields.get(CSRF_FIELD) or [""])[0]
    if not site.keys.csrf_ok(request.cookies.get(CSRF_COOKIE), sent):
        return None
    return fields


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


# -- the app ---------------------------------------------------------------------------


def create_app(recommender: Optional[Recommender] = None) -> FastAPI:
    """The app, with one Recommender (catalog, rules, compiled engine) for its process."""
    site = Site(recommender or Recommender.load(), load_questionnaire(), Keys(secret_key()))
    app = FastAPI(
        title="backplan",
        version=__version__,
        summary="Safe, explainable home-exercise plans for neck and back pain.",
        description=(
            "Red-flag triage and a progressive weekly exercise plan from an intake "
            "questionnaire. Not a diagnosis. The server stores nothing."
        ),
        docs_url=None,  # Swagger UI loads its scripts from a CDN; /docs is our own page
        redoc_url=None,
    )
    app.state.site = site
    app.add_middleware(SecurityHeaders)
    _add_api(app, site)
    _add_pages(app, site)
    _add_errors(app)
    return app


def _add_api(app: FastAPI, site: Site) -> None:
    from ..answers import Answers
    from ..validation import json_schema

    answers_schema = json_schema(Answers)

    @app.post(
        "/api/plan",
        tags=["api"],
        summary="Triage and plan for one person's answers",
        description=(
            "The body is an answers object (see `backplan schema`) or a FHIR R4 "
            "QuestionnaireResponse to `GET /api/questionnaire`. The reply is the result "
            "object, byte for byte what `backplan plan --format json` prints for the "
            "same answers. Bad input gets 422 with a message naming every bad field, "
            "the same as the command line's. The body must be sent as "
            "`application/json` (or `application/fhir+json`)."
        ),
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": answers_schema},
                    "application/fhir+json": {"schema": {"type": "object"}},
                },
            },
            "parameters": [
                {
                    "name": "weeks",
                    "in": "query",
                    "required": False,
                    "description": "Weeks to plan (1 to 12, default 4), as `plan --weeks`.",
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_WEEKS},
                },
                {
                    "name": "country",
                    "in": "query",
                    "required": False,
                    "description": "Two-letter country code whose emergency number "
                    "warnings name, as `plan --country`.",
                    "schema": {"type": "string"},
                },
            ],
            "responses": {
                "200": {"description": "The result object (SPEC section 6)."},
                "415": {"description": "The body was not sent as JSON."},
                "422": {"description": "Bad answers: every bad field is named."},
            },
        },
    )
    async def api_plan(request: Request) -> Response:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        # Requiring a JSON content type keeps plain cross-site HTML forms out: they can
        # only send urlencoded, multipart or text/plain bodies.
        if kind not in ("application/json", "application/fhir+json"):
            return _api_error(415, ["the body must be sent as application/json"], [])
        problems, fields = [], []
        weeks = request.query_params.get("weeks", str(DEFAULT_WEEKS))
        if not (weeks.isdigit() and 1 <= int(weeks) <= MAX_WEEKS):
            problems.append(f"weeks: must be a whole number from 1 to {MAX_WEEKS}")
            fields.append("weeks")
        country = request.query_params.get("country")
        if country is not None and normalise(country) is None:
            problems.append(f"country: unknown country code {country[:20]!r}")
            fields.append("country")
        if problems:
            return _api_error(422, problems, fields)
        try:
            body = await read_body(request, MAX_BYTES)
            answers = parse_answers(body, "the request body")
        except TooLarge:
            return _api_error(413, [f"is larger than {MAX_BYTES // 1024} KB"], [])
        except AnswersError as exc:
            return _api_error(422, exc.problems, exc.fields, exc.message())
        result = site.recommender.recommend(
            answers, weeks=int(weeks), emergency_number=emergency_number(country)
        )
        # fastjson writes the same bytes as to_json (what `plan --format json` prints),
        # in a third of the time.
        body = fastjson.to_json(result.to_dict()).encode()
        return Response(body, media_type="application/json")

    @app.get(
        "/api/questionnaire",
        tags=["api"],
        summary="The intake questions as a FHIR R4 Questionnaire",
        description="The same as `backplan questionnaire --format fhir`.",
        response_class=Response,
        responses={200: {"content": {"application/fhir+json": {}}}},
    )
    async def api_questionnaire() -> Response:
        return Response(site.fhir_questionnaire, media_type="application/fhir+json")

    @app.get("/docs", include_in_schema=False)
    async def api_docs(request: Request) -> HTMLResponse:
        return page(request, "docs.html.j2", title="API", api=app.openapi())


def _api_error(
    status: int, problems: list[str], fields: list[str], message: Optional[str] = None
) -> JSONResponse:
    if message is None:
        message = AnswersError(problems, "the request body").message()
    return JSONResponse(
        {"error": message, "problems": problems, "fields": fields}, status_code=status
    )


def _add_pages(app: FastAPI, site: Site) -> None:
    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        if name not in site.static:
            return Response("Not found", status_code=404, media_type="text/plain")
        body, media = site.static[name]
        return Response(body, media_type=media)

    @app.get("/", include_in_schema=False)
    async def start(request: Request) -> HTMLResponse:
        state, expired = site.state(request)
        countries = sorted(
            (
                (code, COUNTRY_NAMES.get(code, code), number)
                for code, number in EMERGENCY_NUMBERS.items()
            ),
            key=lambda c: c[1],
        )
        return page(
            request,
            "start.html.j2",
            title="Start",
            country_question=site.questionnaire.country.ask,
            countries=countries,
            chosen=state.country,
            resume=site.first_open(state) if state.started else None,
            started=state.started,
            expired=expired,
            count=len(site.questionnaire.questions),
            sections=site.sections,
            neutral=NEUTRAL_EMERGENCY_NUMBER,
        )

    @app.post("/start", include_in_schema=False)
    async def begin(request: Request) -> Response:
        fields = await posted_form(request)
        if fields is None:
            return refused(request)
        code = normalise((fields.get("country") or [""])[0])
        return go(request, "/questions/1", State(country=code, started=True))

    @app.post("/reset", include_in_schema=False)
    async def reset(request: Request) -> Response:
        if await posted_form(request) is None:
            return refused(request)
        response = go(request, "/")
        response.delete_cookie(STATE_COOKIE, path="/")
        return response

    @app.get("/questions/{number}", include_in_schema=False)
    async def show_section(request: Request, number: str) -> Response:
        state, _ = site.state(request)
        section = _section(site, number)
        if section is None:
            return not_found(request)
        if not state.started:
            return go(request, "/")
        if site.emergencies(state):
            return go(request, "/emergency")
        first = site.first_open(state)
        if first is not None and section.number > first:
            return go(request, f"/questions/{first}")
        draft = state.drafts.get(str(section.number))
        values = draft if draft is not None else _raw_from(state.answers, section)
        errors: dict[str, str] = {}
        if draft is not None and section.number in state.shown_errors:
            _, errors = form.check(section, draft)
        alarming = form.alarming_choices(site.emergency_rules, state.answers, section)
        return page(
            request,
            "section.html.j2",
            title=section.title if not errors else f"Please check: {section.title}",
            section=section,
            total=len(site.sections),
            fields=[_field(q, values, errors, alarming) for q in section.questions],
            errors=errors,
            reviewing=state.reviewing,
            action=level_action("emergency", site.number(state)),
        )

    @app.post("/questions/{number}", include_in_schema=False)
    async def answer_section(request: Request, number: str) -> Response:
        section = _section(site, number)
        if section is None:
            return not_found(request)
        fields = await posted_form(request)
        if fields is None:
            return refused(request)
        state, _ = site.state(request)
        if not state.started:
            return go(request, "/")
        raw = form.raw_values(section, fields)
        values, errors = form.check(section, raw)
        tentative = form.merged(state.answers, section, values)
        key = str(section.number)
        # Any emergency answer stops the form at once, whatever else is missing.
        if form.emergencies(site.emergency_rules, tentative, None):
            state.answers = tentative
            state.drafts.pop(key, None)
            return go(request, "/emergency", state)
        back = (fields.get("go") or [""])[0] == "back"
        if errors:
            state.drafts[key] = raw
            if back:
                if section.number in state.shown_errors:
                    state.shown_errors.remove(section.number)
            elif section.number not in state.shown_errors:
                state.shown_errors.append(section.number)
        else:
            state.answers = tentative
            state.drafts.pop(key, None)
            if section.number in state.shown_errors:
                state.shown_errors.remove(section.number)
            if section.number not in state.done:
                state.done.append(section.number)
        if back:
            return go(
                request, f"/questions/{section.number - 1}" if section.number > 1 else "/", state
            )
        if errors:
            return go(request, f"/questions/{section.number}#problems", state)
        following = site.first_open(state)
        if following is None:
            state.reviewing = True  # from now on, a changed section returns to the review
            return go(request, "/review", state)
        return go(request, f"/questions/{following}", state)

    @app.get("/emergency", include_in_schema=False)
    async def emergency(request: Request) -> Response:
        state, _ = site.state(request)
        flags = site.emergencies(state)
        if not flags:
            return go(request, "/")
        number = site.number(state)
        return page(
            request,
            "emergency.html.j2",
            title="Emergency: get help now",
            action=level_action("emergency", number),
            number=number,
            flags=flags,
        )

    @app.get("/review", include_in_schema=False)
    async def review(request: Request) -> Response:
        state, _ = site.state(request)
        if not state.started:
            return go(request, "/")
        if site.emergencies(state):
            return go(request, "/emergency")
        first = site.first_open(state)
        if first is not None:
            return go(request, f"/questions/{first}")
        return page(
            request,
            "review.html.j2",
            title="Check your answers",
            sections=[
                (s, [(q, _answer_words(q, form.get(state.answers, q.key))) for q in s.questions])
                for s in site.sections
            ],
            country=COUNTRY_NAMES.get(state.country or "", "Not given"),
        )

    @app.get("/result", include_in_schema=False)
    async def result_page(request: Request) -> Response:
        outcome = _result(request, site)
        if isinstance(outcome, Response):
            return outcome
        state, result = outcome
        ics_error = None
        start_value = result.answers.start_date.isoformat() if result.answers.start_date else ""
        return _result_page(request, result, start_value, ics_error)

    @app.get("/download/{fmt}", include_in_schema=False)
    async def download(request: Request, fmt: str) -> Response:
        if fmt not in DOWNLOADS:
            return not_found(request)
        outcome = _result(request, site)
        if isinstance(outcome, Response):
            return outcome
        state, result = outcome
        if fmt == "ics":
            start = request.query_params.get("start", "")
            day = _date(start)
            if day is None:
                return _result_page(
                    request, result, start[:20], "Please give a real date, such as 2026-03-02."
                )
            result = _recommend(site, state, start_date=day)
        name, media = DOWNLOADS[fmt]
        text = render_result(result, fmt)
        return Response(
            text.encode(),
            media_type=media,
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )


def _result(request: Request, site: Site):
    """(state, result) for a complete questionnaire, or the redirect that finishes it."""
    state, _ = site.state(request)
    if not state.started:
        return go(request, "/")
    if site.emergencies(state):
        return go(request, "/emergency")
    first = site.first_open(state)
    if first is not None:
        return go(request, f"/questions/{first}")
    try:
        return state, _recommend(site, state)
    except AnswersError as exc:  # cannot happen with checked sections; say it plainly
        return page(
            request,
            "problem.html.j2",
            status=422,
            title="Some answers need another look",
            lines=exc.problems,
        )


def _recommend(site: Site, state: State, start_date: Optional[dt.date] = None):
    answers = validate_answers(state.answers, "your answers")
    if start_date is not None:
        import dataclasses

        answers = dataclasses.replace(answers, start_date=start_date)
    return site.recommender.recommend(answers, emergency_number=site.number(state))


def _result_page(request: Request, result, start_value: str, ics_error: Optional[str]):
    printable = render_result(result, "html")
    sheet = _between(printable, "<body>", "</body>")
    # The sheet is the page's main landmark; the toolbar before it needs to jump there.
    sheet = sheet.replace('<main class="sheet">', '<main class="sheet" id="main" tabindex="-1">', 1)
    from markupsafe import Markup

    return page(
        request,
        "result.html.j2",
        status=422 if ics_error else 200,
        title="Your exercise plan" if result.plan else "Your advice",
        sheet=Markup(sheet),
        has_plan=result.plan is not None,
        level=result.triage.level,
        start_value=start_value,
        ics_error=ics_error,
        today=dt.date.today().isoformat(),
    )


def _date(text: str) -> Optional[dt.date]:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text.strip()):
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _section(site: Site, number: str) -> Optional[form.Section]:
    if not number.isdigit() or not 1 <= int(number) <= len(site.sections):
        return None
    return site.sections[int(number) - 1]


def _raw_from(answers: dict, section: form.Section) -> dict[str, Any]:
    """Kept answers as a form shows them."""
    raw: dict[str, Any] = {}
    for question in section.questions:
        value = form.get(answers, question.key)
        if value is None:
            raw[question.key] = [] if form.kind(question) == "choices" else ""
        elif isinstance(value, bool):
            raw[question.key] = "yes" if value else "no"
        elif isinstance(value, list):
            raw[question.key] = list(value)
        else:
            raw[question.key] = str(value)
    return raw


def _field(question, values: dict, errors: dict, alarming: set) -> dict:
    """One question as the template draws it."""
    kind = form.kind(question)
    value = values.get(question.key, [] if kind == "choices" else "")
    if kind == "yes_no":
        options = [("yes", "Yes"), ("no", "No")]
    else:
        options = list(question.choices.items())
    picked = set(value) if isinstance(value, list) else {value}
    default = question.default
    if not value and default is not None and kind in ("number", "choice"):
        value = str(default)  # shown filled in, as the terminal offers it on Enter
        picked = {value}
    return {
        "key": question.key,
        "id": form.input_id(question.key),
        "kind": kind,
        "ask": " ".join(question.ask.split()),
        "help": form.help_text(question),
        "value": value if isinstance(value, str) else "",
        "options": [
            {
                "value": v,
                "words": words,
                "checked": v in picked,
                "alarming": (question.key, v) in alarming,
            }
            for v, words in options
        ],
        "error": errors.get(question.key),
        "optional": question.key in ("start_date", "name"),
    }


def _answer_words(question, value: Any) -> str:
    kind = form.kind(question)
    if value is None:
        return "Not given"
    if kind == "yes_no":
        return "Yes" if value else "No"
    if kind == "choice":
        return question.choices.get(value, str(value))
    if kind == "choices":
        return ", ".join(question.choices.get(v, v) for v in value) or "None"
    if kind == "date":
        from ..render.html import long_date

        day = _date(str(value))
        return long_date(day) if day else str(value)
    return str(value)


def not_found(request: Request) -> HTMLResponse:
    return page(
        request,
        "problem.html.j2",
        status=404,
        title="Page not found",
        lines=["There is no page at this address."],
    )


def _add_errors(app: FastAPI) -> None:
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
