"""The web app's pages: the questionnaire section by section, the emergency stop, the
review, the result with its downloads. Pages work with no JavaScript."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any, Optional

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from recommender.app.web import form, stop
from recommender.app.web.site import (
    DOWNLOADS,
    Site,
    between,
    country_name,
    delete_cookie,
    go,
    not_found,
    page,
    posted_form,
    refused,
)
from recommender.app.web.state import (
    STATE_COOKIE,
    State,
)
from recommender.core.answers import LAST_START_DATE
from recommender.core.errors import AnswersError
from recommender.core.typed import whole_number
from recommender.inputs.answers_file import validate_answers
from recommender.inputs.countries import emergency_numbers, normalise
from recommender.pipeline.triage import ALSO_TELL, NEUTRAL_EMERGENCY_NUMBER, level_action
from recommender.render import render_result


def add_pages(app: FastAPI, site: Site) -> None:
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
            ((code, country_name(code), number) for code, number in emergency_numbers().items()),
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
        site.forget(request)  # starting again clears the answers before, for good
        return go(request, "/questions/1", State(country=code, started=True))

    @app.post("/reset", include_in_schema=False)
    async def reset(request: Request) -> Response:
        if await posted_form(request) is None:
            return refused(request)
        site.forget(request)
        response = go(request, "/")
        delete_cookie(response, request, STATE_COOKIE)
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
        values = draft if draft is not None else _raw_from(state.answers, section, state.parts)
        age = state.answers.get("age")
        errors: dict[str, str] = {}
        if draft is not None and section.number in state.shown_errors:
            _, errors = form.check(section, draft, age=age)
        alarming = form.alarming_choices(site.emergency_rules, state.answers, section)
        return page(
            request,
            "section.html.j2",
            title=section.title if not errors else f"Please check: {section.title}",
            section=section,
            total=len(site.sections),
            fields=[
                shown
                for q in form.asked(section, age)
                for shown in _fields(q, values, errors, alarming)
            ],
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
        if state.stop:  # an old tab cannot lift the stop: only its own page can (stop.py)
            return go(request, "/emergency")
        raw = form.raw_values(section, fields)
        values, errors = form.check(section, raw, age=state.answers.get("age"))
        tentative = form.merged(state.answers, section, values)
        key = str(section.number)
        # Any emergency answer stops the form at once, whatever else is missing.
        found = form.emergencies(site.emergency_rules, tentative, None)
        if found:
            state.answers = tentative
            state.drafts.pop(key, None)
            stop.record(state, found)
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
            state.parts.update(form.parts_of(section, raw))
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
                (s, [(q.full_text(), _review_words(q, state.answers)) for q in s.questions])
                for s in site.sections
            ],
            country=country_name(state.country),
        )

    @app.get("/result", include_in_schema=False)
    async def result_page(request: Request) -> Response:
        outcome = _result(request, site)
        if isinstance(outcome, Response):
            return outcome
        state, result = outcome
        ics_error = None
        start_value = result.answers.start_date.isoformat() if result.answers.start_date else ""
        return _result_page(
            request, result, start_value, ics_error, stop.changed_after_warning(site, state)
        )

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
            problem = "Please give a real date, such as 2026-03-02."
            if day is not None and day > LAST_START_DATE:  # the plan must fit the calendar
                problem = f"Please choose a first day up to {LAST_START_DATE.isoformat()}."
                day = None
            if day is None:
                return _result_page(
                    request, result, start[:20], problem, stop.changed_after_warning(site, state)
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
        # Nothing hides a warning: the level and advice of the health answers first.
        found = site.recommender.triage_of_health_answers(_with_country(site, state))
        return page(
            request,
            "problem.html.j2",
            status=422,
            title="Some answers need another look",
            lines=exc.problems,
            found=found,
            also_tell=ALSO_TELL,
        )


def _with_country(site: Site, state: State) -> dict[str, Any]:
    """The answers as an answers file holds them: the questions not asked at the
    person's age answered no, and the country with them."""
    answers = form.complete(state.answers, site.questionnaire)
    if state.country is not None:
        answers["country"] = state.country
    return answers


def _recommend(site: Site, state: State, start_date: Optional[dt.date] = None):
    answers = validate_answers(_with_country(site, state), "your answers")
    if start_date is not None:
        import dataclasses

        answers = dataclasses.replace(answers, start_date=start_date)
    return site.recommender.recommend(answers)


def _result_page(
    request: Request, result, start_value: str, ics_error: Optional[str], changed: Optional[dict]
):
    printable = render_result(result, "html")
    sheet = between(printable, "<body>", "</body>")
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
        changed=changed,
    )


def _date(text: str) -> Optional[dt.date]:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text.strip()):
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _section(site: Site, number: str) -> Optional[form.Section]:
    found = whole_number(number, digits=3)
    if found is None or not 1 <= found <= len(site.sections):
        return None
    return site.sections[found - 1]


def _raw_from(
    answers: dict, section: form.Section, parts: dict[str, list[Optional[bool]]]
) -> dict[str, Any]:
    """Kept answers as a form shows them."""
    raw: dict[str, Any] = {}
    for question in section.questions:
        value = form.get(answers, question.key)
        if question.or_ask:
            raw.update(_raw_parts(question, value, parts.get(question.key)))
            continue
        if value is None:
            raw[question.key] = [] if form.kind(question) == "choices" else ""
        elif isinstance(value, bool):
            raw[question.key] = "yes" if value else "no"
        elif isinstance(value, list):
            raw[question.key] = list(value)
        else:
            raw[question.key] = str(value)
    return raw


def _raw_parts(question: Any, value: Any, known: Optional[list[Optional[bool]]]) -> dict[str, str]:
    """A question asked in parts as the form shows it: each part's own answer when it
    was kept, else "no" to every part for no, and nothing to guess for yes."""
    keys = form.part_keys(question)
    if known is None or len(known) != len(keys):
        known = [False] * len(keys) if value is False else [None] * len(keys)
    words = {True: "yes", False: "no", None: ""}
    return {key: words[answer] for key, answer in zip(keys, known, strict=True)}


def _fields(question, values: dict, errors: dict, alarming: set) -> list[dict]:
    """A question as the template draws it: one field, or one per part."""
    if not question.or_ask:
        return [_field(question, values, errors, alarming)]
    fields = []
    for key, part in zip(form.part_keys(question), question.parts(), strict=True):
        shown = dataclasses.replace(question, key=key, ask=part.ask, help=part.help, or_ask=())
        fields.append(_field(shown, values, errors, alarming, kind="yes_no"))
    return fields


def _field(question, values: dict, errors: dict, alarming: set, kind: Optional[str] = None) -> dict:
    """One question as the template draws it."""
    kind = kind or form.kind(question)
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


def _review_words(question: Any, answers: dict[str, Any]) -> str:
    """An answer in the review, or why it was not asked."""
    value = form.get(answers, question.key)
    if value is None and question.skipped(answers.get("age")):
        return f"Not asked under {question.from_age}"
    return _answer_words(question, value)


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
        from recommender.render.html import long_date

        day = _date(str(value))
        return long_date(day) if day else str(value)
    return str(value)
