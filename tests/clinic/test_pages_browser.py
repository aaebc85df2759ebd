"""axe-core on the clinic's pages the pilot does not reach (issue 26, item 6): errors
on the sign-in and invite pages, a patient's answers in progress, the emergency stop
and its "by mistake" page in the clinic, a withheld plan's message, the warning a
check-in raises, the patient's data pages, and the clinician's pages for a stopped plan
and an emergency. Each is opened in Chromium by a person signed in over HTTP (their
cookies handed to the browser) on a real `backplan serve --clinic`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from recommender.clinic.db import ClinicDB

from support.browser import axe_problems, chromium
from support.clinic import Browser, Clinic, example, result_ids
from support.web import SECTIONS, section_form, served

pytestmark = pytest.mark.browser  # every test here drives Chromium

if TYPE_CHECKING:  # Playwright is imported where a browser is started
    from playwright import sync_api as pw


GOOD_WEEK = {"week": "1", "done": "2", "exercise_pain": "2", "next_morning": "same",
             "usual_pain": "3"}  # fmt: skip


@pytest.fixture(scope="module", name="chromium")
def browser() -> Iterator[pw.Browser]:
    yield from chromium()


def _people(base: str, path: str) -> tuple[dict[str, Browser], int]:
    """Everyone signed in, by name, and the number of the emergency result."""
    db = ClinicDB.open(path)
    clinic = Clinic(db, lambda: httpx.Client(base_url=base, follow_redirects=True, timeout=30))
    try:
        doctor = clinic.staff("doctor@example.org")
        people = {"doctor": doctor}
        for name in ("amy", "bea", "cat", "dan"):
            people[name] = clinic.patient(doctor, name.title(), f"{name}@example.org")
    finally:
        db.close()
    people["amy"].get("/")
    people["amy"].post("/start", {"country": "GB"})
    people["amy"].post("/questions/1", section_form(SECTIONS[0], example("sciatica")))
    assert people["bea"].answer(example("cauda-equina")).url.path == "/emergency"
    for name in ("cat", "dan"):
        people[name].answer(example("desk-worker-upper-back"))
        people[name].send()
    doctor = people["doctor"]
    numbers = result_ids(doctor.get("/clinic").text)
    emergency, cat, dan = numbers  # most serious first, then in the order sent
    doctor.post(f"/clinic/results/{cat}/withhold", {"message": "Please come in first."})
    start = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    doctor.post(f"/clinic/results/{dan}/release", {"start": start})
    people["dan"].get("/my-data/delete")
    people["dan"].post("/my-data/delete")
    return people, emergency


def _signed_in(
    chromium: pw.Browser, base: str, person: Browser
) -> tuple[pw.BrowserContext, pw.Page]:
    context = chromium.new_context(base_url=base)
    context.add_cookies(
        [{"name": c.name, "value": c.value, "url": base} for c in person.client.cookies.jar]
    )
    return context, context.new_page()


def test_axe_finds_nothing_serious_on_the_clinics_other_pages(
    chromium: pw.Browser, tmp_path: Path
) -> None:
    path = str(tmp_path / "clinic.sqlite3")
    found: dict[str, list[str]] = {}
    with served("--clinic", "--db", path, ready="/sign-in") as base:
        people, emergency = _people(base, path)
        nobody = chromium.new_context(base_url=base)
        page = nobody.new_page()
        page.goto("/sign-in")
        page.fill("#email", "nobody@example.org")
        page.fill("#password", "not it")
        page.get_by_role("button", name="Sign in").click()
        found["sign-in refused"] = axe_problems(page)
        page.goto("/invite/AAAA-BBBB-CCCC-DDDD")
        found["invite expired"] = axe_problems(page)
        nobody.close()
        visits = {
            "amy": ["/", "/questions/2", "/start-again", "/country"],
            "bea": ["/emergency", "/emergency/mistake"],
            "cat": ["/"],
            "dan": ["/my-data", "/check-in"],
            "doctor": [
                "/clinic",
                "/clinic/patients",
                f"/clinic/results/{emergency}",
            ],
        }
        for name, paths in visits.items():
            context, page = _signed_in(chromium, base, people[name])
            for address in paths:
                page.goto(address)
                assert page.url.endswith(address) or address == "/", (name, page.url)
                assert "Sign in" not in page.title(), (name, address)
                found[f"{name} {address}"] = axe_problems(page)
            context.close()
        context, page = _signed_in(chromium, base, people["dan"])
        page.goto("/check-in")
        page.fill("#done", "2")
        page.fill("#exercise_pain", "2")
        page.fill("#usual_pain", "3")
        page.check('input[name="next_morning"][value="same"]')
        page.locator('input[name="symptom"][value="saddle_numbness"]').check()
        page.get_by_role("button", name="Send my check-in").click()
        page.wait_for_load_state()
        assert "Your plan is stopped" in page.content()
        found["check-in warning"] = axe_problems(page)
        page.goto("/")
        found["stopped plan"] = axe_problems(page)
        context.close()
        context, page = _signed_in(chromium, base, people["doctor"])
        page.goto("/clinic/patients")
        found["patients with alerts"] = axe_problems(page)
        page.get_by_role("link", name="Dan").click()
        page.wait_for_load_state()
        assert "The plan stopped" in page.content() and "asked for their record" in page.content()
        found["progress of a stopped plan"] = axe_problems(page)
        page.goto("/clinic/patients")
        page.get_by_role("button", name="Make an invite").click()
        page.wait_for_load_state()
        found["invite refused"] = axe_problems(page)
        context.close()
    assert len(found) >= 18
    assert {name: problems for name, problems in found.items() if problems} == {}
