"""A whole pilot in a real browser (issue 26, item 6), on a real `backplan serve
--clinic` with two workers, on SQLite and on PostgreSQL:

a clinician is created on the command line and sets a password from the printed link;
they invite two patients from the dashboard; each patient sets up an account and
answers the questionnaire; the urgent one sees the warning the moment she sends and
tops the queue; the clinician edits the calm one's plan (a dose, a swap, a note) and
releases it; the calm patient checks in for two weeks, both over the pain limits; the
clinician sees the flare alert on the progress page, with its chart.

axe-core checks every page the pilot opens for serious and critical violations, and
the pages a clinic shows most are saved as screenshots ($BACKPLAN_SCREENSHOTS, or the
test's folder) to be looked at.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from recommender.app.web import form
from recommender.core.paths import get_path
from recommender.inputs.questionnaire import load_questionnaire

from support.browser import chromium
from support.clinic import PASSWORD, example
from support.postgres import new_database, server_or_skip
from support.web import backplan, served

pytestmark = pytest.mark.browser  # every test here drives Chromium

if TYPE_CHECKING:  # Playwright is imported where a browser is started
    from playwright import sync_api as pw

    from recommender.app.web.form import Section


SECTIONS = form.sections(load_questionnaire())
FLARE = {"#done": "3", "#exercise_pain": "7", "#usual_pain": "5"}


@pytest.fixture(scope="module")
def browser() -> Iterator[pw.Browser]:
    yield from chromium()


@pytest.fixture(scope="module")
def postgres() -> Iterator[dict[str, Any]]:
    yield from server_or_skip()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "clinic" / "clinic.sqlite3")
    return new_database(request.getfixturevalue("postgres"))


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("BACKPLAN_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Axe:
    """Every page looked at, and the serious or critical violations found on each."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def check(self, page: pw.Page, name: str) -> None:
        from axe_playwright_python.sync_playwright import Axe as Checker

        results = Checker().run(page)
        self.found[name] = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]


def _cli(*args: str) -> str:
    done = subprocess.run([*backplan(), *args], capture_output=True, text=True, check=True)
    return done.stdout


def _fill(page: pw.Page, section: Section, answers: dict[str, Any]) -> None:
    for question in form.asked(section, answers.get("age")):
        value = get_path(answers, question.key)
        kind = form.kind(question)
        if question.or_ask:
            for key in form.part_keys(question)[: 1 if value else None]:
                page.check(f'input[name="{key}"][value="{"yes" if value else "no"}"]')
        elif kind == "yes_no":
            page.check(f'input[name="{question.key}"][value="{"yes" if value else "no"}"]')
        elif kind == "choice":
            page.check(f'input[name="{question.key}"][value="{value}"]')
        elif kind == "choices":
            for option in question.choices:
                page.locator(f'input[name="{question.key}"][value="{option}"]').set_checked(
                    option in value
                )
        else:
            page.fill(f'[name="{question.key}"]', "" if value is None else str(value))


def _set_up(page: pw.Page, link: str, email: str | None = None) -> None:
    page.goto(link)
    if email:
        page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#again", PASSWORD)
    page.get_by_role("button", name="Set up my account").click()
    page.wait_for_load_state()


def _answer(page: pw.Page, answers: dict[str, Any], axe: Axe | None) -> None:
    page.select_option("#country", "GB")
    page.get_by_role("button", name="Start").click()
    for section in SECTIONS:
        page.wait_for_url(f"**/questions/{section.number}")
        _fill(page, section, answers)
        if axe and section.number in (1, 2):
            axe.check(page, f"questions {section.number}")
        page.locator('button[value="next"]').click()
        page.wait_for_load_state()
    page.wait_for_url("**/review")
    if axe:
        axe.check(page, "patient's review")
    page.get_by_role("button", name="Send my answers to my physiotherapist").click()
    page.wait_for_load_state()


def _invite(page: pw.Page, name: str) -> str:
    page.goto("/clinic/patients")
    page.fill("#name", name)
    page.get_by_role("button", name="Make an invite").click()
    page.wait_for_load_state()
    return page.locator("code.code").inner_text()


def _check_in(page: pw.Page, week: int) -> None:
    page.goto("/check-in")
    page.select_option("#week", str(week))
    for field, value in FLARE.items():
        page.fill(field, value)
    page.check('input[name="next_morning"][value="worse"]')
    page.get_by_role("button", name="Send my check-in").click()
    page.wait_for_load_state()


@pytest.mark.slow  # a whole pilot in a browser: about 40 s on each database
def test_a_pilot_clinic(
    browser: pw.Browser, database: str, shots: Path, request: pytest.FixtureRequest
) -> None:
    axe = Axe() if "sqlite" in request.node.name else None  # once is enough for axe
    with served("--clinic", "--db", database, "--workers", "2", ready="/sign-in") as base:
        pilot = Pilot(browser, database, base, shots, axe)
        try:
            pilot.clinician_joins_and_invites()
            pilot.patients_answer()
            pilot.the_urgent_one_tops_the_queue()
            pilot.the_calm_plan_is_edited_and_released()
            pilot.the_calm_patient_checks_in_twice_over_the_limits()
            pilot.the_clinician_sees_the_flare_alert()
            pilot.the_admin_reads_the_log()
        finally:
            pilot.close()
    if axe is not None:
        assert len(axe.found) >= 20
        assert {name: found for name, found in axe.found.items() if found} == {}


class Pilot:
    """The pilot's people, each in a browser context of their own, step by step."""

    def __init__(
        self, browser: pw.Browser, database: str, base: str, shots: Path, axe: Axe | None
    ) -> None:
        self.browser, self.database, self.base = browser, database, base
        self.shots, self.axe = shots, axe
        self.contexts: list[pw.BrowserContext] = []
        self.codes: dict[str, str] = {}

    def page(self) -> pw.Page:
        made = self.browser.new_context(base_url=self.base, viewport={"width": 1280, "height": 900})
        self.contexts.append(made)
        return made.new_page()

    def look(self, page: pw.Page, name: str, shot: str = "") -> None:
        if self.axe is not None:
            self.axe.check(page, name)
        if shot:
            page.screenshot(path=str(self.shots / shot), full_page=True)

    def close(self) -> None:
        for made in self.contexts:
            made.close()

    def _link(self, email: str, *extra: str) -> str:
        printed = _cli(
            "clinic", "--db", self.database, "add-clinician", email, *extra, "--site", self.base
        )
        found = re.search(r"(http://\S+/invite/[A-Z0-9-]+)", printed)
        assert found, printed
        return found.group(1)

    def clinician_joins_and_invites(self) -> None:
        link = self._link("physio@example.org")
        self.doctor = doctor = self.page()
        doctor.goto("/sign-in")
        self.look(doctor, "sign in")
        doctor.goto(link)
        self.look(doctor, "set up")
        _set_up(doctor, link)
        assert doctor.url.endswith("/clinic")
        self.look(doctor, "empty queue")
        self.codes["ann"] = _invite(doctor, "Ann Calm")
        self.look(doctor, "invite ready")
        self.codes["uma"] = _invite(doctor, "Uma Urgent")
        self.look(doctor, "patients")

    def patients_answer(self) -> None:
        self.ann = ann = self.page()
        _set_up(ann, f"{self.base}/invite/{self.codes['ann']}", "ann@example.org")
        self.look(ann, "welcome")
        _answer(ann, example("desk-worker-upper-back"), self.axe)
        assert "Your answers are with your physiotherapist; your plan will appear here after" in (
            ann.content()
        )
        self.look(ann, "waiting", "patient-waiting.png")
        self.uma = uma = self.page()
        uma.goto("/invite")
        self.look(uma, "type a code")
        uma.fill("#code", self.codes["uma"])
        uma.get_by_role("button", name="Continue").click()
        uma.wait_for_load_state()
        _set_up(uma, uma.url, "uma@example.org")
        _answer(uma, example("osteoporosis-slip"), None)
        warning = uma.locator("main").inner_text()
        assert "before you are seen" in warning.lower()  # the escalation box, at once
        assert "Your answers are with" not in warning
        self.look(uma, "urgent advice", "patient-urgent-advice.png")

    def the_urgent_one_tops_the_queue(self) -> None:
        doctor = self.doctor
        doctor.goto("/clinic")
        rows = doctor.locator("table.queue tbody tr")
        assert rows.count() == 2
        assert "Uma Urgent" in rows.nth(0).inner_text() and "Urgent" in rows.nth(0).inner_text()
        assert "Ann Calm" in rows.nth(1).inner_text()
        self.look(doctor, "queue", "clinician-queue.png")
        rows.nth(1).get_by_role("link").click()
        doctor.wait_for_load_state()
        self.look(doctor, "result under review", "result-under-review.png")

    def the_calm_plan_is_edited_and_released(self) -> None:
        doctor = self.doctor
        doctor.fill("#reps-band-pull-apart", "20")
        doctor.get_by_role("button", name="Release the plan").click()
        doctor.wait_for_load_state()
        assert "refused by strength range" in doctor.locator(".error-summary").inner_text()
        self.look(doctor, "refused edit")
        doctor.fill("#reps-band-pull-apart", "8")
        doctor.select_option("#swap-relaxed-breathing", "seated-cat-cow")
        doctor.fill("#start", (dt.date.today() - dt.timedelta(days=8)).isoformat())
        doctor.fill("#note", "Start gently; we will talk at your next visit.")
        doctor.get_by_role("button", name="Release the plan").click()
        doctor.wait_for_load_state()
        assert "released" in doctor.locator(".record").inner_text()
        doctor.goto(doctor.url + "/plan")
        self.look(doctor, "the released plan, as the clinician sees it")

    def the_calm_patient_checks_in_twice_over_the_limits(self) -> None:
        ann = self.ann
        ann.goto("/")
        assert "Your exercise plan" in ann.locator("h1").inner_text()
        self.look(ann, "plan home", "patient-plan-home.png")
        ann.goto("/plan")
        assert "Start gently; we will talk" in ann.content()
        assert "Seated cat-cow" in ann.content() and "Relaxed breathing" not in ann.content()
        self.look(ann, "plan")
        ann.goto("/check-in")
        self.look(ann, "check-in", "patient-check-in.png")
        _check_in(ann, 1)
        _check_in(ann, 2)
        assert ann.url.rstrip("/") == self.base

    def the_clinician_sees_the_flare_alert(self) -> None:
        doctor = self.doctor
        doctor.goto("/clinic/patients")
        assert "Two flare weeks in a row" in doctor.locator("main").inner_text()
        doctor.get_by_role("link", name="Ann Calm").click()
        doctor.wait_for_load_state()
        alerts = doctor.locator(".alarm").inner_text()
        assert "Two flare weeks in a row: weeks 1 and 2" in alerts
        chart = doctor.locator("figure.chart img")
        chart.scroll_into_view_if_needed()
        assert doctor.evaluate("img => img.naturalWidth", chart.element_handle()) > 400
        self.look(doctor, "progress", "clinician-progress.png")
        doctor.goto("/agreement")
        self.look(doctor, "agreement")
        self.ann.goto("/my-data")
        self.look(self.ann, "my data")
        self.ann.goto("/my-data/delete")
        self.look(self.ann, "delete")

    def the_admin_reads_the_log(self) -> None:
        admin = self.page()
        _set_up(admin, self._link("admin@example.org", "--admin"))
        assert "released" in admin.locator("main").inner_text()  # the audit log
        self.look(admin, "audit log")


# -- today's session in the clinic ---------------------------------------------------------


def _through_the_session(page: pw.Page, skip_at: int) -> int:
    """Through the session on screen: the easier version on the first exercise that has
    one, Skip on exercise `skip_at`, Start and Done everywhere else, timed steps left
    to end by themselves. The countdowns seen."""
    counted = 0
    swapped = skipped = False
    while not page.locator("#session-end").is_visible():
        counter = page.locator(".session-item:not([hidden]) > article:not([hidden]) .counter")
        found = re.search(r"exercise (\d+)", counter.inner_text(), re.I)
        assert found, counter.inner_text()
        number = int(found.group(1))
        if not swapped and number != skip_at and page.locator("#easier").is_visible():
            page.click("#easier")
            swapped = True
        elif number == skip_at and not skipped:
            page.click("#skip")
            skipped = True
        elif page.locator("#countdown").is_visible():
            counted += 1
            now = page.locator("#now").inner_text()
            page.wait_for_function(
                "t => document.getElementById('now').textContent !== t"
                " || document.querySelector('#session-end:not([hidden])') !== null",
                arg=now,
            )
        else:
            page.click("#go")
    assert skipped
    return counted


def _checkin_rows(doctor: pw.Page) -> list[str]:
    doctor.goto("/clinic/patients")
    doctor.get_by_role("link", name="Ann Calm").click()
    doctor.wait_for_load_state()
    table = doctor.locator("h2:text('Check-ins') + table tbody tr")
    return [table.nth(i).inner_text() for i in range(table.count())]


@pytest.mark.slow  # a clinic, a plan released and one whole session: about 30 s
def test_a_patient_does_todays_session_and_the_clinician_sees_it(
    browser: pw.Browser, tmp_path: Path, shots: Path
) -> None:
    """Ann's plan was released 8 days ago: from her page she starts today's session,
    goes through it one exercise a screen (timers sped up), says how it went, and the
    session is her week 2 check-in on the clinician's progress page; a reload saves
    nothing more. axe checks the session's pages."""
    database = str(tmp_path / "clinic" / "clinic.sqlite3")
    speed = {"BACKPLAN_SESSION_SPEED": "40"}
    axe = Axe()
    with served("--clinic", "--db", database, ready="/sign-in", env=speed) as base:
        pilot = Pilot(browser, database, base, shots, axe)
        try:
            pilot.clinician_joins_and_invites()
            ann = pilot.ann = pilot.page()
            _set_up(ann, f"{base}/invite/{pilot.codes['ann']}", "ann@example.org")
            _answer(ann, example("desk-worker-upper-back"), None)
            doctor = pilot.doctor
            doctor.goto("/clinic")
            doctor.get_by_role("link", name=re.compile("Ann Calm")).first.click()
            doctor.fill("#start", (dt.date.today() - dt.timedelta(days=8)).isoformat())
            doctor.get_by_role("button", name="Release the plan").click()
            doctor.wait_for_load_state()

            ann.goto("/")
            ann.get_by_role("link", name="Start today's session").click()
            ann.wait_for_url(re.compile(r"/session$"))
            assert "Week 2, " in ann.locator("main").inner_text()
            pilot.look(ann, "the clinic's session", "clinic-session.png")
            ann.get_by_role("button", name="Start the session").click()
            pilot.look(ann, "a session's exercise", "clinic-session-exercise.png")
            assert _through_the_session(ann, skip_at=2) > 0  # holds and rests counted down
            ann.check('input[name="exercise_pain"][value="4"]')
            ann.locator('input[name="hurt"]').first.check()
            pilot.look(ann, "how did it go, in the clinic", "clinic-session-end.png")
            with ann.expect_navigation():
                ann.get_by_role("button", name="Finish").click()
            assert ann.url.endswith("/session/done")
            text = ann.locator("main").inner_text()
            assert "saved as your check-in for week 2" in text
            assert "The highest pain during the exercises: 4 out of 10." in text
            pilot.look(ann, "the session saved", "clinic-session-done.png")
            ann.reload()  # the redirect's page: nothing is sent again
            assert "saved as your check-in for week 2" in ann.locator("main").inner_text()

            rows = _checkin_rows(doctor)
            assert len(rows) == 1, rows
            week, _, sessions, pain = rows[0].split("\t")[:4]
            assert (week, sessions, pain) == ("2", "1", "4"), rows
            pilot.look(doctor, "progress after a session", "clinic-session-progress.png")
        finally:
            pilot.close()
    assert {name: found for name, found in axe.found.items() if found} == {}
