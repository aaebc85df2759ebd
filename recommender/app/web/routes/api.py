"""The web app's API: POST /api/plan (answers or a FHIR QuestionnaireResponse in, the
result JSON out, byte-identical to `backplan plan --format json`), GET
/api/questionnaire, and the API's own documentation page."""

from __future__ import annotations

from typing import Annotated, NamedTuple, Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from recommender.app.web import fastjson
from recommender.app.web.deps import SiteDep, TooLarge, read_body
from recommender.app.web.site import page
from recommender.core.answers import Answers, in_country
from recommender.core.errors import AnswersError
from recommender.core.typed import quoted, whole_number
from recommender.core.weeks import DEFAULT_WEEKS, MAX_WEEKS
from recommender.inputs.answers_file import MAX_BYTES, parse_answers
from recommender.inputs.countries import normalise
from recommender.inputs.validation import json_schema

router = APIRouter(tags=["api"])

ANSWERS_SCHEMA = json_schema(Answers)


class PlanOptions(NamedTuple):
    """`?weeks=` and `?country=`, as `plan --weeks` and `--country` take them, with a
    message for each bad one (the same words as the command line's)."""

    weeks: int
    country: Optional[str]
    problems: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()


async def plan_options(request: Request) -> PlanOptions:
    problems, fields = [], []
    weeks = whole_number(request.query_params.get("weeks", str(DEFAULT_WEEKS)), digits=2)
    if weeks is None or not 1 <= weeks <= MAX_WEEKS:
        problems.append(f"weeks: must be a whole number from 1 to {MAX_WEEKS}")
        fields.append("weeks")
    sent = request.query_params.get("country")
    country = normalise(sent) if sent is not None else None
    if sent is not None and country is None:
        problems.append(f"country: unknown country code {quoted(sent, 20)}")
        fields.append("country")
    return PlanOptions(weeks or DEFAULT_WEEKS, country, tuple(problems), tuple(fields))


PlanOptionsDep = Annotated[PlanOptions, Depends(plan_options)]


@router.post(
    "/api/plan",
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
                "application/json": {"schema": ANSWERS_SCHEMA},
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
            "200": {"description": "The result object, as `plan --format json` prints it."},
            "415": {"description": "The body was not sent as JSON."},
            "422": {"description": "Bad answers: every bad field is named."},
        },
    },
)
async def api_plan(request: Request, site: SiteDep, options: PlanOptionsDep) -> Response:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    # Requiring a JSON content type keeps plain cross-site HTML forms out: they can
    # only send urlencoded, multipart or text/plain bodies.
    if kind not in ("application/json", "application/fhir+json"):
        return _api_error(415, ["the body must be sent as application/json"], [])
    if options.problems:
        return _api_error(422, list(options.problems), list(options.fields))
    try:
        body = await read_body(request, MAX_BYTES)
        answers = parse_answers(body, "the request body")
    except TooLarge:
        return _api_error(413, [f"is larger than {MAX_BYTES // 1024} KB"], [])
    except AnswersError as exc:
        return _api_error(422, exc.problems, exc.fields, exc.message())
    result = site.recommender.recommend(in_country(answers, options.country), weeks=options.weeks)
    # The same bytes as to_json (what `plan --format json` prints), in a twentieth of
    # the time (fastjson.py).
    return Response(fastjson.result_json(result.to_dict()), media_type="application/json")


@router.get(
    "/api/questionnaire",
    summary="The intake questions as a FHIR R4 Questionnaire",
    description="The same as `backplan questionnaire --format fhir`.",
    response_class=Response,
    responses={200: {"content": {"application/fhir+json": {}}}},
)
async def api_questionnaire(site: SiteDep) -> Response:
    return Response(site.fhir_questionnaire, media_type="application/fhir+json")


@router.get("/docs", include_in_schema=False)
async def api_docs(request: Request) -> HTMLResponse:
    return page(request, "docs.html.j2", title="API", api=request.app.openapi())


def _api_error(
    status: int, problems: list[str], fields: list[str], message: Optional[str] = None
) -> JSONResponse:
    if message is None:
        message = AnswersError(problems, "the request body").message()
    return JSONResponse(
        {"error": message, "problems": problems, "fields": fields}, status_code=status
    )
