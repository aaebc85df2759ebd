"""The web app in-process (no server, no browser): sections, state, CSRF, headers,
the emergency stop and refusals without tracebacks. The same app runs for real in
test_web_browser.py."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from recommender.app.web import form
from recommender.app.web.state import CSRF_COOKIE, STATE_COOKIE, Keys, State
from recommender.inputs.questionnaire import load_questionnaire
from recommender.pipeline.recommend import Recommender

from conftest import example_answers
from support.web import section_form

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx
    from fastapi.testclient import TestClient

QUESTIONNAIRE = load_questionnaire()
SECTIONS = form.sections(QUESTIONNAIRE)


@pytest.fixture(scope="module")
def app(recommender: Recommender) -> FastAPI:
    from recommender.app.web.app import create_app

    return create_app(recommender)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as made:
        yield made


def token(client: TestClient) -> str:
    reply = client.get("/")
    found = re.search(r'name="csrf_token" value="([^"]+)"', reply.text)
    assert found, reply.text[:500]
    return found.group(1)


def begin(client: TestClient, country: str = "") -> str:
    csrf = token(client)
    reply = client.post("/start", data={"csrf_token": csrf, "country": country})
    assert reply.url.path == "/questions/1"
    return csrf


def test_sections_are_the_questionnaire_groups_in_order() -> None:
    assert [s.title for s in SECTIONS] == [
        "About you and your pain",
        "Warning signs",
        "Other symptoms",
        "Your health",
        "Your equipment and time",
        "How the pain is affecting you",
    ]
    asked = [q.key for s in SECTIONS for q in s.questions]
    assert asked == [q.key for q in QUESTIONNAIRE.questions]
    # The questions that are an emergency on their own come in the first symptom page.
    emergencies = {"saddle_numbness", "chest_pain", "stroke_signs", "sudden_severe_neck_pain"}
    assert emergencies <= {q.key.split(".")[-1] for q in SECTIONS[1].questions}


def test_a_checked_section_names_each_bad_field_in_plain_words() -> None:
    # Each in its own words, as GOV.UK's error messages are (issue 24, item 6).
    values, errors = form.check(SECTIONS[0], {"age": "300", "pain_areas": [], "onset": "x"})
    assert errors["age"] == "Age must be a whole number from 1 to 120"
    assert errors["pain_areas"] == "Select where it hurts"
    assert errors["pain_intensity"] == "Enter how bad the pain has been, from 0 to 10"
    assert errors["pain_trend"] == "Select whether the pain is getting better or worse"
    assert errors["onset"] == "Select how the pain started"
    assert values == {}
    values, errors = form.check(SECTIONS[1], {"red_flags.saddle_numbness": "yes"})
    assert values == {"red_flags.saddle_numbness": True}
    assert errors["red_flags.chest_pain"] == "Select yes or no for chest pressure or pain"
    assert len(set(errors.values())) == len(errors)  # no two alike


def test_every_page_sends_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/docs", "/api/questionnaire", "/static/app.css", "/nowhere"):
        headers = client.get(path).headers
        assert headers["content-security-policy"].startswith("default-src 'none'")
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["cache-control"] == "no-store"


def test_the_icon_is_served_so_no_first_visit_gets_a_404(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/svg+xml"
    assert icon.content.startswith(b"<svg") and len(icon.content) < 2000
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/").text


def test_pages_load_nothing_from_elsewhere(client: TestClient) -> None:
    csrf = begin(client)
    assert csrf
    for path in ("/", "/questions/1", "/docs"):
        html = client.get(path).text
        for link in re.findall(r'(?:src|href|action)="([^"]*)"', html):
            assert link.startswith(("/", "#", "tel:")), (path, link)


def test_posts_without_the_csrf_token_are_refused(client: TestClient) -> None:
    token(client)
    for path in ("/start", "/reset", "/questions/1"):
        reply = client.post(path, data={"csrf_token": "forged", "age": "40"})
        assert reply.status_code == 403
        assert "could not be accepted" in reply.text
    # A token from another visitor (another cookie) does not fit either.
    other = TestClient(client.app)
    stolen = token(other)
    assert client.post("/start", data={"csrf_token": stolen}).status_code == 403


def test_the_state_is_signed_and_a_forged_one_is_ignored(client: TestClient) -> None:
    begin(client)
    keys = Keys("someone else's key")
    forged = keys.dump_state(State(started=True, done=[1, 2, 3, 4, 5]))
    client.cookies.set(STATE_COOKIE, forged)
    reply = client.get("/result")
    assert reply.url.path == "/"
    assert "more than two hours old" in reply.text


def test_an_emergency_stops_the_form_at_once(client: TestClient) -> None:
    answers = example_answers("desk-worker-upper-back")
    csrf = begin(client, "AU")
    client.post("/questions/1", data={"csrf_token": csrf, **section_form(SECTIONS[0], answers)})
    reply = client.post("/questions/2", data={"csrf_token": csrf, "red_flags.tearing_pain": "yes"})
    assert reply.url.path == "/emergency"
    assert "EMERGENCY: call 000 or go to an emergency department now." in reply.text
    assert "Sudden tearing pain in the chest or upper back" in reply.text
    assert "RF-" not in reply.text  # rule ids are for clinicians, not on a patient's page
    for later in ("/questions/3", "/review", "/result", "/download/json"):
        assert client.get(later).url.path == "/emergency"


def test_an_emergency_needing_two_answers_stops_when_the_second_comes(client: TestClient) -> None:
    """Pain in the tummy is an emergency from 50 (RF-AAA): the age is known first."""
    answers = example_answers("desk-worker-upper-back")
    answers["age"] = 64
    csrf = begin(client)
    client.post("/questions/1", data={"csrf_token": csrf, **section_form(SECTIONS[0], answers)})
    page = client.get("/questions/2").text
    assert re.search(
        r'name="red_flags.abdominal_or_pulsing_pain" value="yes" data-emergency="yes"', page
    )
    answers["red_flags"]["abdominal_or_pulsing_pain"] = True
    reply = client.post(
        "/questions/2", data={"csrf_token": csrf, **section_form(SECTIONS[1], answers)}
    )
    assert reply.url.path == "/emergency"
    assert "Back pain with belly pain or a pulsing feeling, aged 50 or over" in reply.text
    assert "RF-" not in reply.text
    assert "call your local emergency number (for example 911, 112 or 999)" in reply.text


def test_pages_cannot_be_skipped(client: TestClient) -> None:
    begin(client)
    assert client.get("/questions/4").url.path == "/questions/1"
    assert client.get("/review").url.path == "/questions/1"
    assert client.get("/result").url.path == "/questions/1"


def test_a_whole_questionnaire_fits_in_the_cookie(client: TestClient) -> None:
    answers = example_answers("desk-worker-upper-back")
    answers["name"] = "N" * 100
    csrf = begin(client)
    for section in SECTIONS:
        client.post(
            f"/questions/{section.number}",
            data={"csrf_token": csrf, **section_form(section, answers)},
        )
    assert len(client.cookies[STATE_COOKIE]) < 3800
    reply = client.get("/result")
    assert reply.status_code == 200 and "N" * 100 in reply.text
    assert CSRF_COOKIE in client.cookies


@pytest.mark.parametrize(
    "path, body",
    [
        ("/questions/1", b"csrf_token=%ZZ&age=\xff\xfe"),
        ("/questions/99", b""),
        ("/questions/-1", b""),
        ("/start", b"a=" + b"x" * 100_000),
        ("/api/plan", b"[1, 2"),
    ],
)
def test_bad_requests_get_a_page_never_a_traceback(
    client: TestClient, path: str, body: bytes
) -> None:
    token(client)
    reply = client.post(
        path, content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert reply.status_code in (403, 404, 413, 415, 422)
    assert "Traceback" not in reply.text


def test_api_takes_a_questionnaire_response(client: TestClient, recommender: Recommender) -> None:
    from recommender.render import render_result
    from recommender.render.fhir_questionnaire import response_from_answers

    answers = example_answers("sciatica")
    reply = client.post(
        "/api/plan?country=GB",
        content=json.dumps(response_from_answers(answers)),
        headers={"content-type": "application/fhir+json"},
    )
    from recommender.inputs.answers_file import validate_answers

    expected = recommender.recommend(validate_answers({**answers, "country": "GB"}))
    assert reply.content == render_result(expected, "json").encode()


def test_api_refusals(client: TestClient) -> None:
    body = json.dumps(example_answers("sciatica"))
    plain = client.post("/api/plan", content=body, headers={"content-type": "text/plain"})
    assert plain.status_code == 415
    weeks = client.post(
        "/api/plan?weeks=13&country=ZZ", content=body, headers={"content-type": "application/json"}
    )
    assert weeks.status_code == 422
    assert weeks.json()["fields"] == ["weeks", "country"]
    huge = client.post(
        "/api/plan", content=b" " * 300_000, headers={"content-type": "application/json"}
    )
    assert huge.status_code == 413


def test_the_openapi_document_describes_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    plan = spec["paths"]["/api/plan"]["post"]
    assert "byte for byte" in plan["description"]
    assert "red_flags" in json.dumps(plan["requestBody"])
    assert "/api/questionnaire" in spec["paths"]
    assert not any(path.startswith(("/questions", "/result")) for path in spec["paths"])
    assert "POST /api/plan" in client.get("/docs").text


def test_plan_imports_nothing_of_the_web() -> None:
    """`backplan plan` stays fast: the web stack loads only for `backplan serve`."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from recommender.app.cli import main\n"
        "result = CliRunner().invoke(main, ['plan', '--example', '--format', 'json'])\n"
        "assert result.exit_code == 0, result.output\n"
        "loaded = [m for m in ('fastapi', 'starlette', 'uvicorn', 'cryptography',"
        " 'recommender.app.web') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_serve_refuses_a_port_in_use() -> None:
    import socket

    from click.testing import CliRunner

    from recommender.app.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert "choose another with --port" in result.output


def test_the_fast_json_writer_gives_to_json_bytes(recommender: Recommender) -> None:
    from recommender.app.web.fastjson import result_json
    from recommender.app.web.fastjson import to_json as fast
    from recommender.inputs.answers_file import validate_answers
    from recommender.inputs.samples import many_answers
    from recommender.render import to_json

    def floats(value: object) -> bool:
        if isinstance(value, dict):
            return any(floats(v) for v in value.values())
        if isinstance(value, (list, tuple)):
            return any(floats(v) for v in value)
        return isinstance(value, float)

    for raw in many_answers(300, seed=41):
        data = recommender.recommend(validate_answers(raw), weeks=12).to_dict()
        assert fast(data) == to_json(data)
        assert result_json(data) == to_json(data).encode()
        assert not floats(data)  # where orjson's text would differ
    odd: dict[str, object] = {
        'é\u2028"\\\n\x01': [[], {}, (1, True), None, -3, 1.5, float("inf")],
        "": {"k": ""},
    }
    assert fast(odd) == to_json(odd)
    assert fast({1: "a"}) == to_json({1: "a"})
    assert result_json({1: "a"}) == to_json({1: "a"}).encode()  # left to to_json
    assert (
        result_json({"é\u2028": ["\x01", -3, None]})
        == to_json({"é\u2028": ["\x01", -3, None]}).encode()
    )


def test_help_lines_speak_of_ticking_not_typing(client: TestClient) -> None:
    """The terminal's help ("by number or name", "press Enter") is reworded on pages."""
    answers = example_answers("desk-worker-upper-back")
    csrf = begin(client)
    for section in SECTIONS:
        html = client.get(f"/questions/{section.number}").text
        assert "Enter" not in html and "by number or name" not in html, section.title
        client.post(
            f"/questions/{section.number}",
            data={"csrf_token": csrf, **section_form(section, answers)},
        )


# -- nothing hides a warning (docs/clinical-safety.md, S-NAME-HIDES-WARNING) -----------------


def _answer_all(client: TestClient, answers: dict[str, Any]) -> str:
    csrf = begin(client)
    for section in SECTIONS:
        client.post(
            f"/questions/{section.number}",
            data={"csrf_token": csrf, **section_form(section, answers)},
        )
    return csrf


def test_a_name_with_a_line_separator_is_refused_on_its_own_page(client: TestClient) -> None:
    answers = example_answers("desk-worker-upper-back")
    answers["name"] = "Sam\u2028Evil"
    _answer_all(client, answers)
    page_of_name = next(s for s in SECTIONS if any(q.key == "name" for q in s.questions))
    reply = client.get("/result")
    assert reply.url.path == f"/questions/{page_of_name.number}"
    shown = client.get(f"/questions/{page_of_name.number}").text
    assert "Please type the name as plain text" in shown


def test_a_result_refused_for_its_name_still_shows_the_urgent_warning(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Should the page's check and the model's ever differ again, the level and its
    # advice come first on the page that explains the problem.
    monkeypatch.setattr("recommender.inputs.questionnaire.name_problem", lambda name: None)
    answers = example_answers("desk-worker-upper-back")
    answers.update(age=69, onset="minor_injury", name="Sam\u2028Evil")
    _answer_all(client, answers)
    reply = client.get("/result")
    assert reply.status_code == 422
    text = reply.text
    assert text.index("URGENT: see a doctor today") < text.index("name: must be plain text")
    assert "before you are seen" in text
