"""Today's session in the web app, in-process (no server, no browser): the page drawn
from the answers in the cookie, its end checked, what it refuses, and the view's parts.
The same pages run in a real browser in test_web_session.py."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from recommender.app.web.session_pages import when_asked
from recommender.app.web.session_view import (
    BadReport,
    SessionView,
    When,
    report_of,
    session_of_result,
    summary,
    week_of_today,
)
from recommender.inputs.answers_file import validate_answers
from recommender.pipeline.recommend import Recommender, Result

from conftest import example_answers
from support.session_case import FIT_DESK, thursday
from support.web import answer_all

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx
    from fastapi.testclient import TestClient

THURSDAY = "/session?week=1&day=thursday"
CASE = thursday()


@pytest.fixture(scope="module")
def app(recommender: Recommender) -> FastAPI:
    from recommender.app.web.app import create_app

    return create_app(recommender)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as made:
        yield made


@pytest.fixture
def answered(client: TestClient) -> str:
    """The desk worker's answers in the cookie; the CSRF token for the forms."""
    return answer_all(client, FIT_DESK, "GB")


@pytest.fixture(scope="module")
def desk_worker(recommender: Recommender) -> Result:
    return recommender.recommend(validate_answers(FIT_DESK))


def _view(
    recommender: Recommender, result: Result, week: int = 1, day: str = "thursday"
) -> SessionView:
    when = When(week, day, dt.date(2026, 1, 8))
    return session_of_result(result, recommender.catalog.by_id, when, "/result")


# -- the page --------------------------------------------------------------------------------


def test_the_session_page_lists_the_days_exercises_with_doses_figures_and_timers(
    client: TestClient, answered: str, desk_worker: Result, recommender: Recommender
) -> None:
    page = client.get(THURSDAY)
    assert page.status_code == 200
    html = page.text
    assert desk_worker.plan is not None
    session = next(s for s in desk_worker.plan.weeks[0].sessions if s.day == "thursday")
    names = [p.exercise.name for p in session.exercises]
    own = re.sub(r'<details class="easier-version">.*?</details>', "", html, flags=re.S)
    shown = re.findall(r'<h2 class="exercise-name"[^>]*>([^<]+) <span', own)
    assert shown[: len(names)] == names  # in order, each with its figure and amount
    assert html.count('class="figure-box"') >= len(names)
    assert "Amount:</strong> 2 sets of" in html or "Amount:</strong> hold " in html
    assert 'data-kind="rest" data-seconds="' in html  # the timers the script counts down
    # The only easier version offered is one that passed the person's filters.
    assert html.count('class="easier-version"') == CASE.offered
    # Scripts only from this server's files; nothing inline for the CSP to refuse.
    assert '<script src="/static/session.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and "<style" not in html
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    for name in ("session.js", "figures.css"):
        assert client.get(f"/static/{name}").status_code == 200


def test_the_result_page_starts_todays_session(client: TestClient, answered: str) -> None:
    result = client.get("/result").text
    assert '<a class="button session-link" href="/session">Start today\'s session</a>' in result
    today = client.get("/session")
    assert today.status_code == 200 and "Today's session" in today.text


def test_the_end_says_what_was_done_in_the_terminals_words_and_keeps_nothing(
    client: TestClient, answered: str
) -> None:
    swapped, skipped = CASE.ids[CASE.easier_at - 1], CASE.ids[CASE.skip_at - 1]
    sent = {
        "csrf_token": answered,
        "done": [i for i in CASE.ids if i != skipped],
        "easier": [swapped],
        "exercise_pain": "7",
        "hurt": [swapped],
    }
    before = client.cookies.get("backplan_answers")
    reply = client.post(THURSDAY, data=sent)
    assert reply.status_code == 200
    text = re.sub(r"<[^>]+>", "", reply.text)
    assert f"You did {CASE.total - 1} of {CASE.total} exercises." in text
    assert f"Skipped: {CASE.names[CASE.skip_at - 1]}." in text
    assert f"Hurt: {CASE.easier}." in text  # the easier version, by its name
    assert "Your pain went above 5 out of 10" in text
    assert "Nothing you said here was kept" in text
    assert client.cookies.get("backplan_answers") == before  # nothing stored anywhere


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("done", "no-such-exercise", "Which exercises did you do?"),
        ("hurt", "walking", "Did any of them hurt?"),
        ("easier", "doorway-chest-stretch", "The easier versions chosen"),
        ("exercise_pain", "11", "The highest pain during the exercises"),
        ("exercise_pain", "٣", "The highest pain during the exercises"),
    ],
)
def test_an_end_no_page_of_ours_sends_is_refused_naming_the_field(
    client: TestClient, answered: str, field: str, value: str, words: str
) -> None:
    reply = client.post(THURSDAY, data={"csrf_token": answered, field: value})
    assert reply.status_code == 400
    assert words in reply.text and "Traceback" not in reply.text


def test_the_end_needs_this_browsers_csrf_token(client: TestClient, answered: str) -> None:
    reply = client.post(THURSDAY, data={"csrf_token": "forged", "done": []})
    assert reply.status_code == 403


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("?week=9&day=monday", "The plan has weeks 1 to 4, not week 9."),
        ("?week=1&day=sunday", "Week 1 has no session on Sunday: its days are"),
        ("?week=two", "There is no such session"),
        ("?day=someday", "There is no such session"),
    ],
)
def test_a_session_the_plan_lacks_is_named_with_the_way_back(
    client: TestClient, answered: str, query: str, words: str
) -> None:
    reply = client.get(f"/session{query}")
    assert reply.status_code == 404
    assert words in reply.text and 'href="/result"' in reply.text


def test_without_answers_in_the_browser_the_page_says_so(client: TestClient) -> None:
    reply = client.get(THURSDAY)  # a calendar's link, days later
    assert reply.status_code == 200
    assert "Your answers are not in this browser" in reply.text
    assert "<article" not in reply.text


def test_a_result_without_a_plan_shows_its_warning_and_no_exercise(client: TestClient) -> None:
    answer_all(client, example_answers("cancer-thoracic"), "GB")
    text = client.get("/session").text
    assert text.index("Read this first") < text.index("There is no exercise plan")
    assert "URGENT" in text.upper() and "<article" not in text and "session.js" in text


def test_an_emergency_goes_to_the_emergency_page(client: TestClient) -> None:
    with pytest.raises(AssertionError, match="/emergency"):
        answer_all(client, example_answers("cauda-equina"), "GB")  # stops at the warning
    reply = client.get(THURSDAY, follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == "/emergency"


def test_a_soon_warning_comes_before_the_exercises(client: TestClient) -> None:
    answer_all(client, example_answers("sciatica"), "GB")
    text = client.get("/session?week=1&day=thursday").text
    assert text.index("Read this first") < text.index("<article")
    assert "see a doctor or physiotherapist" in text.lower()


# -- the view's parts --------------------------------------------------------------------------


def test_the_query_names_a_session_or_nothing() -> None:
    today = dt.date(2026, 1, 8)
    assert when_asked("", "", today) == When(None, None, today)
    assert when_asked("2", "Friday", today) == When(2, "friday", today)
    for week, day in (("0", ""), ("13", ""), ("²", ""), ("1", "funday"), ("-1", "")):
        assert when_asked(week, day, today) is None


def test_a_dated_plan_starts_on_this_weeks_session() -> None:
    start = dt.date(2026, 1, 5)
    assert week_of_today(start, dt.date(2026, 1, 4), 4) == 1
    assert week_of_today(start, dt.date(2026, 1, 12), 4) == 2
    assert week_of_today(start, dt.date(2026, 6, 1), 4) == 4
    assert week_of_today(None, dt.date(2026, 6, 1), 4) == 1


def test_an_end_is_read_in_the_sessions_order_and_checked(
    recommender: Recommender, desk_worker: Result
) -> None:
    view = _view(recommender, desk_worker)
    ids = [e.id for e in view.exercises]
    fields = {"done": [ids[2], ids[0]], "exercise_pain": [" 3 "], "stopped": ["yes"]}
    report = report_of(fields, view)
    assert report.done == (ids[0], ids[2]) and report.exercise_pain == 3 and report.stopped
    assert (
        summary(view, report)[0]
        == f"You did 2 of {len(ids)} exercises (stopped early; what you did counts)."
    )
    with pytest.raises(BadReport, match="hurt"):
        report_of({"hurt": ["bridge"]}, view)
