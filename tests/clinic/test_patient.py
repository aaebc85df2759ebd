"""The patient's side (issue 26, item 2): the public app's questionnaire, with the
answers kept on the server as they go; an emergency or urgent result shown at once
and raised to the top of the queue; otherwise the waiting page with the safety net;
and nothing, not a failed save, between a warning and the person."""

from __future__ import annotations

import re
import warnings
from typing import NoReturn

import pytest

from recommender.app.web.app import create_app
from recommender.clinic import queue
from recommender.pipeline.recommend import Recommender
from recommender.store.database import StoreError

from support.clinic import Browser, Clinic, example, h1, result_ids, submission
from support.web import SECTIONS, section_form

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

WAITING = (
    "Your answers are with your physiotherapist; your plan will appear here after they "
    "have checked it"
)


def _block(html: str, css_class: str) -> str:
    """The text of the first element of `css_class` (tags out, spaces folded)."""
    found = re.search(rf'<div class="{css_class}">(.*?)</div>', html, re.S)
    assert found, css_class
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_answers_are_kept_on_the_server_and_carry_on_from_another_device(
    clinic: Clinic, ann: Browser
) -> None:
    answers = example("desk-worker-upper-back")
    ann.get("/")
    ann.post("/start", {"country": "GB"})
    for section in SECTIONS[:2]:
        ann.post(f"/questions/{section.number}", section_form(section, answers))
    phone = clinic.browser()
    phone.sign_in("ann@example.org")
    page = phone.get("/")
    assert h1(page.text) == "Your answers so far"
    assert f'href="/questions/{SECTIONS[2].number}"' in page.text
    first = phone.get("/questions/1").text
    assert f'value="{answers["age"]}"' in first  # her age, as typed on the other device


def test_no_answer_is_ever_in_a_cookie(ann: Browser) -> None:
    ann.answer(example("desk-worker-upper-back"))
    names = {cookie.name for cookie in ann.client.cookies.jar}
    assert names == {"backplan_session", "backplan_csrf"}
    for cookie in ann.client.cookies.jar:
        assert "desk" not in cookie.value.lower() and len(cookie.value) < 100


def test_a_calm_result_waits_for_the_physiotherapist_with_the_safety_net(ann: Browser) -> None:
    assert ann.answer(example("desk-worker-upper-back")).url.path == "/review"
    page = ann.send()
    assert page.url.path == "/" and h1(page.text) == "Thank you: your answers are sent"
    assert WAITING in page.text
    assert "Call 999 or go to an emergency department now if" in page.text  # GB's number
    assert "Week 1" not in page.text and "/plan" not in page.text  # no plan until checked


def test_an_emergency_shows_at_once_as_in_the_public_app_and_tops_the_queue(
    clinic: Clinic, doctor: Browser, ann: Browser, uma: Browser, recommender: Recommender
) -> None:
    ann.answer(example("desk-worker-upper-back"))
    ann.send()
    stopped = uma.answer(example("cauda-equina"))
    assert stopped.url.path == "/emergency"
    public = Browser(TestClient(create_app(recommender), follow_redirects=True))
    public.get("/")
    shown = public.answer(example("cauda-equina"))
    assert shown.url.path == "/emergency"
    assert _block(stopped.text, "emergency") == _block(shown.text, "emergency")
    queued = doctor.get("/clinic").text
    first, second = result_ids(queued)
    assert submission(clinic.db, first).status == "emergency"
    assert submission(clinic.db, second).status == "waiting"
    assert "the questions stopped part-way" in queued
    assert h1(uma.get("/").text).startswith("EMERGENCY: call 999")  # her page keeps it


def test_an_urgent_result_shows_at_once_with_the_escalation_box_and_is_raised(
    clinic: Clinic, doctor: Browser, ann: Browser, uma: Browser
) -> None:
    ann.answer(example("desk-worker-upper-back"))
    ann.send()
    assert uma.answer(example("osteoporosis-slip")).url.path == "/review"
    page = uma.send()
    text = page.text
    assert page.url.path == "/"
    assert "before you are seen" in text  # the escalation box, at once
    assert "Week 1" not in text and "Your answers are with" not in text
    first, _ = result_ids(doctor.get("/clinic").text)
    assert submission(clinic.db, first).status == "urgent"


def test_the_queue_puts_emergency_then_urgent_then_soon_then_the_rest(
    clinic: Clinic, doctor: Browser
) -> None:
    order = ["desk-worker-upper-back", "sciatica", "osteoporosis-slip", "cauda-equina"]
    for number, name in enumerate(order):
        patient = clinic.patient(doctor, f"Patient {number}", f"p{number}@example.org")
        patient.answer(example(name))
        patient.send()
    listed = [submission(clinic.db, n) for n in result_ids(doctor.get("/clinic").text)]
    assert [(s.status, s.level) for s in listed] == [
        ("emergency", "emergency"),
        ("urgent", "urgent"),
        ("waiting", "soon"),
        ("waiting", "none"),
    ]


def test_a_failed_save_never_hides_an_emergency(
    clinic: Clinic, ann: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: object, **kwargs: object) -> NoReturn:
        raise StoreError("the disk holding the database is full: nothing was stored")

    ann.get("/")
    ann.post("/start", {"country": "GB"})
    monkeypatch.setattr(queue, "save_draft", full_disk)
    answers = example("cauda-equina")
    reply = None
    for section in SECTIONS:
        reply = ann.post(f"/questions/{section.number}", section_form(section, answers))
        if "emergency" in reply.text and reply.status_code == 200:
            break
    assert reply is not None
    assert "could not be saved just now, but this warning stands" in reply.text
    assert "Call 999 now" in reply.text or "Call 999" in reply.text


def test_a_failed_send_still_shows_an_urgent_result(
    clinic: Clinic, uma: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    uma.answer(example("osteoporosis-slip"))

    def down(*args: object, **kwargs: object) -> NoReturn:
        raise StoreError("the database cannot be reached")

    monkeypatch.setattr(queue, "submit", down)
    page = uma.send()
    assert page.status_code == 503
    assert "before you are seen" in page.text


@pytest.mark.parametrize("path", ["/result", "/download/json", "/api/plan"])
def test_the_public_results_are_not_served_by_the_clinic(ann: Browser, path: str) -> None:
    ann.answer(example("desk-worker-upper-back"))
    reply = ann.get(path)
    assert reply.url.path == "/" or reply.status_code == 404
    assert "Week 1" not in reply.text


def test_an_emergency_answered_again_after_a_mistake_is_raised_again(
    clinic: Clinic, doctor: Browser, uma: Browser
) -> None:
    assert uma.answer(example("cauda-equina")).url.path == "/emergency"
    uma.get("/emergency/mistake")
    asked_again = uma.post("/emergency/mistake").url.path
    assert asked_again.startswith("/questions/")
    number = int(asked_again.rsplit("/", 1)[1])
    again = uma.post(asked_again, section_form(SECTIONS[number - 1], example("cauda-equina")))
    assert again.url.path == "/emergency"
    raised = [submission(clinic.db, n) for n in result_ids(doctor.get("/clinic").text)]
    assert [s.status for s in raised] == ["emergency", "emergency"]
