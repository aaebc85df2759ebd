"""`backplan serve` for real: a server process on a free loopback port, its API over
HTTP, and its pages in a real headless Chromium driven by Playwright.

The browser is Debian's chromium (Playwright's own download is not used): where none is
installed the browser tests skip, unless BACKPLAN_REQUIRE_BROWSER=1 (as in CI), when
they fail. The API tests need no browser and always run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from recommender.app.web import form
from recommender.app.web.site import downloads
from recommender.core.paths import get_path
from recommender.inputs.answers_file import parse_answers
from recommender.inputs.questionnaire import load_questionnaire
from recommender.inputs.samples import many_answers
from recommender.pipeline.recommend import Recommender
from recommender.render import FORMATS, render_result

from conftest import example_answers
from support.browser import (
    answer_everything,
    axe_problems,
    chromium,
    continue_,
    fill_section,
    start,
)
from support.phrases import EXERCISE_TALK

pytestmark = pytest.mark.browser  # every test here drives Chromium

if TYPE_CHECKING:  # Playwright is imported where a browser is started
    from playwright import sync_api as pw


SECTIONS = form.sections(load_questionnaire())
EXERCISE_WORDS = re.compile(r"\bexercis", re.IGNORECASE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def backplan() -> list[str]:
    script = Path(sys.executable).with_name("backplan")
    return [str(script)] if script.exists() else [sys.executable, "-m", "recommender"]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A real `backplan serve` (2 workers, as behind a proxy), always stopped after."""
    port = free_port()
    process = subprocess.Popen(
        [*backplan(), "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    assert process.stderr is not None
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"backplan serve exited {process.returncode}: {process.stderr.read()}")
            try:
                if httpx.get(base + "/api/questionnaire", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("backplan serve did not answer within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.stdout is not None
    assert f"backplan is running at {base}/" in process.stdout.read()


# -- the API ----------------------------------------------------------------------------


def test_api_plan_is_byte_identical_to_plan_json_for_1000_answers(
    server: str, recommender: Recommender
) -> None:
    """What `plan --format json` prints (render_result on the same Recommender) for 1,000
    varied answers, byte for byte, over HTTP from two worker processes."""
    with httpx.Client(base_url=server, timeout=30) as client:
        for number, answers in enumerate(many_answers(1000, seed=14)):
            body = json.dumps(answers).encode()
            reply = client.post(
                "/api/plan", content=body, headers={"content-type": "application/json"}
            )
            assert reply.status_code == 200, (number, reply.text)
            expected = render_result(recommender.recommend(parse_answers(body)), "json")
            assert reply.content == expected.encode(), number


def test_api_matches_the_real_plan_command(server: str, tmp_path: Path) -> None:
    """And against the command itself, process to process, for the bundled examples."""
    names = ["sciatica", "cauda-equina", "teenager", "desk-worker-upper-back"]
    with httpx.Client(base_url=server, timeout=30) as client:
        for name in names:
            path = tmp_path / f"{name}.json"
            path.write_text(json.dumps(example_answers(name)))
            cli = subprocess.run(
                [*backplan(), "plan", "--answers", str(path), "--format", "json", "-w", "6"],
                capture_output=True,
                check=True,
            )
            reply = client.post(
                "/api/plan?weeks=6",
                content=path.read_bytes(),
                headers={"content-type": "application/json"},
            )
            assert reply.content == cli.stdout, name


def test_api_bad_input_gets_422_with_the_cli_messages(server: str, tmp_path: Path) -> None:
    bad = example_answers("sciatica")
    bad["age"] = 300
    bad["pain_areas"] = ["neck", "neck"]
    del bad["red_flags"]["fever"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    cli = subprocess.run(
        [*backplan(), "plan", "--answers", str(path), "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 2
    headers = {"content-type": "application/json"}
    reply = httpx.post(server + "/api/plan", content=path.read_bytes(), headers=headers)
    assert reply.status_code == 422
    problems = reply.json()["problems"]
    assert len(problems) >= 3
    for problem in problems:
        assert problem in cli.stderr
    assert {"age", "pain_areas", "red_flags.fever"} <= set(reply.json()["fields"])


def test_api_questionnaire_is_the_fhir_questionnaire(server: str) -> None:
    cli = subprocess.run(
        [*backplan(), "questionnaire", "--format", "fhir"], capture_output=True, check=True
    )
    reply = httpx.get(server + "/api/questionnaire")
    assert reply.headers["content-type"].startswith("application/fhir+json")
    assert reply.content == cli.stdout


# -- the browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[pw.Browser]:
    yield from chromium()


@pytest.fixture
def page(browser: pw.Browser, server: str) -> Iterator[pw.Page]:
    context = browser.new_context(base_url=server, accept_downloads=True)
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()


def test_full_form_to_a_plan(page: pw.Page) -> None:
    answers = example_answers("desk-worker-upper-back")
    start(page, "GB")
    answer_everything(page, answers)
    page.get_by_role("link", name="See my advice").click()
    page.wait_for_url("**/result")
    main = page.locator("main")
    assert "Your plan" in main.inner_text()
    assert page.locator(".safety-net").is_visible()
    assert page.get_by_role("button", name="Print").is_visible()
    # Each exercise shows its figure, drawn (the CSP lets inline SVG through), beside
    # its steps: on screen the moving one.
    articles = page.locator("article.exercise")
    assert articles.count() >= 2
    for i in range(articles.count()):
        article = articles.nth(i)
        figure = article.locator("svg.figure-motion").bounding_box()
        steps = article.locator("ol.steps").bounding_box()
        assert figure is not None and steps is not None
        assert figure["height"] > 80 and figure["width"] > 80, figure
        assert figure["x"] + figure["width"] <= steps["x"], (figure, steps)
        assert (
            figure["y"] < steps["y"] + steps["height"]
            and steps["y"] < figure["y"] + figure["height"]
        )


def test_emergency_stops_the_form_mid_way(page: pw.Page) -> None:
    answers = example_answers("desk-worker-upper-back")
    start(page, "GB")
    fill_section(page, SECTIONS[0], answers)
    continue_(page)
    page.wait_for_url("**/questions/2")
    assert not page.locator("#emergency-now").is_visible()
    page.check('input[name="red_flags.saddle_numbness"][value="yes"]')
    # The script warns at once, before anything is sent.
    assert page.locator("#emergency-now").is_visible()
    assert "call 999" in page.locator("#emergency-now").inner_text()
    continue_(page)  # the other answers on the page are still blank: it stops anyway
    page.wait_for_url("**/emergency")
    text = page.locator("body").inner_text()
    assert "EMERGENCY: call 999 or go to an emergency department now" in text
    assert "Numbness around the saddle area" in text
    assert "RF-" not in text  # rule ids are for clinicians, not on a patient's page
    # No exercise talk: only the flags' own "do not exercise" may name it.
    for phrase in EXERCISE_TALK:
        assert phrase not in text.lower()
    ours = page.locator("header, h1, .emergency-lead, .restart, footer").all_inner_texts()
    assert not EXERCISE_WORDS.search(" ".join(ours))
    assert page.get_by_role("link", name="Call 999").get_attribute("href") == "tel:999"
    # The questions stay stopped: later pages lead back to the warning.
    page.goto("/questions/3")
    page.wait_for_url("**/emergency")
    page.goto("/result")
    page.wait_for_url("**/emergency")
    page.get_by_role("button", name="Clear my answers and start again").click()
    page.wait_for_url(re.compile(r"/$"))


def test_back_buttons_and_editing_at_the_review(page: pw.Page) -> None:
    answers = example_answers("desk-worker-upper-back")
    start(page)
    fill_section(page, SECTIONS[0], answers)
    continue_(page)
    fill_section(page, SECTIONS[1], answers)
    continue_(page)
    page.wait_for_url("**/questions/3")
    # The browser's own Back: the previous page, with its answers still chosen.
    page.go_back()
    page.wait_for_url("**/questions/2")
    assert page.locator('input[name="red_flags.chest_pain"][value="no"]').is_checked()
    page.go_forward()
    page.wait_for_url("**/questions/3")
    # The page's Back keeps what was typed on this page, even unfinished.
    page.check('input[name="red_flags.fever"][value="no"]')
    page.locator('button[value="back"]').click()
    page.wait_for_url("**/questions/2")
    continue_(page)
    page.wait_for_url("**/questions/3")
    assert page.locator('input[name="red_flags.fever"][value="no"]').is_checked()
    fill_section(page, SECTIONS[2], answers)
    continue_(page)
    for section in SECTIONS[3:]:
        fill_section(page, section, answers)
        continue_(page)
    page.wait_for_url("**/review")
    age = str(answers["age"])
    assert page.locator("dd").first.inner_text() == age
    page.get_by_role("link", name="Change about you and your pain").click()
    page.wait_for_url("**/questions/1")
    page.fill('[name="age"]', "abc")
    continue_(page)
    # A bad answer is named beside its field, and the summary links to it.
    assert (
        page.locator("#q-age-error")
        .inner_text()
        .endswith("Age must be a whole number from 1 to 120")
    )
    described_by = page.locator("#q-age").get_attribute("aria-describedby")
    assert described_by is not None and "q-age-error" in described_by
    assert page.locator("#q-age").get_attribute("aria-invalid") == "true"
    page.fill('[name="age"]', "52")
    continue_(page)
    # At 52 the questions asked only from 45 and from 50 are asked now, page by page,
    # with the answers already given kept; then the review again.
    older = dict(answers, age=52)
    visited = []
    while "/review" not in page.url:
        number = int(page.url.rsplit("/", 1)[1].split("#")[0])
        visited.append(number)
        if number == 3:  # the answers given before are kept
            assert page.locator('input[name="red_flags.fever"][value="no"]').is_checked()
        fill_section(page, SECTIONS[number - 1], older)
        continue_(page)
    assert visited == [3, 4]  # "Other symptoms" (from 50) and "Your health" (from 45)
    assert page.locator("dd").first.inner_text() == "52"


def tab_to(page: pw.Page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({json.dumps(selector)})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only_from_start_to_plan(page: pw.Page) -> None:
    answers = example_answers("desk-worker-upper-back")
    page.goto("/")
    tab_to(page, "#country")
    page.keyboard.type("United K")  # a select picks by typing its words
    tab_to(page, 'button[type="submit"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/questions/1")
    for section in SECTIONS:
        page.wait_for_url(f"**/questions/{section.number}")
        for question in form.asked(section, answers["age"]):
            value = get_path(answers, question.key, None)
            kind = form.kind(question)
            if question.or_ask:
                for key in form.part_keys(question)[: 1 if value else None]:
                    tab_to(page, f'input[name="{key}"]')
                    if page.evaluate("document.activeElement.value") != ("yes" if value else "no"):
                        page.keyboard.press("ArrowDown")
                    page.keyboard.press("Space")
            elif kind in ("yes_no", "choice"):
                wanted = ("yes" if value else "no") if kind == "yes_no" else value
                tab_to(page, f'input[name="{question.key}"]')
                # Arrow keys move through a radio group and choose as they go.
                for _ in range(8):
                    if page.evaluate("document.activeElement.value") == wanted:
                        break
                    page.keyboard.press("ArrowDown")
                page.keyboard.press("Space")
            elif kind == "choices":
                for option in question.choices:
                    tab_to(page, f'input[name="{question.key}"][value="{option}"]')
                    checked = page.evaluate("document.activeElement.checked")
                    if checked != (option in value):
                        page.keyboard.press("Space")
            else:
                tab_to(page, f'[name="{question.key}"]')
                page.keyboard.press("Control+A")
                page.keyboard.press("Backspace")
                if value is not None:
                    page.keyboard.type(str(value))
        tab_to(page, 'button[value="next"]')
        outline = page.evaluate(
            "getComputedStyle(document.activeElement).outlineStyle + ' ' + "
            "getComputedStyle(document.activeElement).outlineWidth"
        )
        assert outline.startswith("solid") and outline.endswith("3px"), outline
        page.keyboard.press("Enter")
        page.wait_for_load_state()
    page.wait_for_url("**/review")
    tab_to(page, 'a[href="/result"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/result")
    assert "Your plan" in page.locator("main").inner_text()


def test_phone_width_320(browser: pw.Browser, server: str, tmp_path: Path) -> None:
    context = browser.new_context(base_url=server, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        answers = example_answers("desk-worker-upper-back")
        start(page)
        shots = Path(os.environ.get("BACKPLAN_SCREENSHOTS") or tmp_path)
        page.screenshot(path=str(shots / "phone-320-questions.png"), full_page=True)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1] == 320, widths
        answer_everything(page, answers)
        page.goto("/result")
        page.screenshot(path=str(shots / "phone-320-result.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, width
        assert (shots / "phone-320-questions.png").stat().st_size > 5000
    finally:
        context.close()


def test_axe_finds_nothing_serious_on_any_page(page: pw.Page) -> None:
    found: dict[str, list[str]] = {}
    answers = example_answers("desk-worker-upper-back")
    page.goto("/")
    found["start"] = axe_problems(page)
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/questions/1")
    continue_(page)  # nothing filled in: the page with errors
    found["errors"] = axe_problems(page)
    for section in SECTIONS:
        page.wait_for_url(f"**/questions/{section.number}*")
        found[f"section {section.number}"] = axe_problems(page)
        fill_section(page, section, answers)
        continue_(page)
    page.wait_for_url("**/review")
    found["review"] = axe_problems(page)
    page.goto("/result")
    found["result"] = axe_problems(page)
    page.goto("/docs")
    found["api docs"] = axe_problems(page)
    page.goto("/no-such-page")
    found["not found"] = axe_problems(page)
    page.goto("/start-again")  # starting again asks first
    page.get_by_role("button", name="Yes, clear my answers and start again").click()
    page.wait_for_url(re.compile(r"/$"))
    start(page, "US")
    page.fill('[name="age"]', "70")
    page.check('input[name="pain_duration"][value="under_6_weeks"]')
    page.check('input[name="onset"][value="major_injury"]')
    found["early warning"] = axe_problems(page)
    continue_(page)
    page.wait_for_url("**/emergency")
    found["emergency"] = axe_problems(page)
    assert not any(found.values()), found
    assert len(found) == 8 + len(SECTIONS)


def test_downloads(page: pw.Page) -> None:
    from fhir.resources.R4B.careplan import CarePlan
    from icalendar import Calendar

    start(page)
    answer_everything(page, example_answers("desk-worker-upper-back"))
    page.goto("/result")
    saved = {}
    offered = downloads(has_plan=True)  # every format the registry offers for download
    for fmt, spec in offered:
        if spec.dated:
            continue
        assert spec.download is not None, fmt
        with page.expect_download() as download:
            page.get_by_role("link", name=spec.download.label, exact=True).click()
        assert download.value.suggested_filename == spec.download.file_name
        saved[fmt] = Path(download.value.path()).read_text(encoding="utf-8")
    assert {"html", "sheet", "markdown", "json", "fhir"} <= set(saved)
    page.fill("#start", "2026-03-02")
    ics = FORMATS["ics"].download
    assert ics is not None
    with page.expect_download() as download:
        page.get_by_role("button", name=ics.button).click()
    assert download.value.suggested_filename == "backplan-plan.ics"
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    days = sorted(
        event.decoded("dtstart")
        for event in calendar.walk("VEVENT")
        if str(event["summary"]) != "How did this week go?"  # each week's check-in
    )
    answers = example_answers("desk-worker-upper-back")
    assert days[0] == dt.date(2026, 3, 2) and len(days) == 4 * answers["days_per_week"]
    assert saved["html"].startswith("<!doctype html>")
    assert "Week 4 of 4" in saved["sheet"]
    assert "data:image" not in saved["markdown"]  # no figures as blobs
    assert "## Your plan" in saved["markdown"]
    assert json.loads(saved["json"])["plan"]["weeks"]
    model = CarePlan.model_validate_json(saved["fhir"])
    assert model.status == "active"


def _places(svg: pw.Locator) -> list[list[str]]:
    """Where each animated part of a figure is on screen now."""
    places: list[list[str]] = svg.evaluate(
        """svg => [...svg.querySelectorAll('animateTransform')].map(a => {
            const m = a.parentElement.getCTM();
            return [m.a, m.b, m.e, m.f].map(v => v.toFixed(1)); })"""
    )
    return places


def test_figures_move_on_screen_under_the_real_csp(browser: pw.Browser, server: str) -> None:
    """The result page's figures move with SVG animation under the app's own
    Content-Security-Policy (no inline style or script is needed, and none is refused);
    a person whose system asks for less motion, or who prints, gets the still poses."""
    context = browser.new_context(base_url=server, reduced_motion="no-preference")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    try:
        start(page)
        answer_everything(page, example_answers("desk-worker-upper-back"))
        page.goto("/result")
        motion = page.locator("article.exercise svg.figure-motion").first
        stills = page.locator("article.exercise svg.figure-stills").first
        box = motion.bounding_box()
        assert box is not None and box["width"] > 80 and box["height"] > 80
        hidden = stills.bounding_box()
        assert hidden is not None and hidden["width"] <= 1  # out of sight, still read aloud
        assert stills.get_attribute("role") == "img"
        # The body moves: a turning segment's place on screen differs over the cycle.
        motion.evaluate("svg => { svg.pauseAnimations(); svg.setCurrentTime(0); }")
        page.wait_for_timeout(100)
        first = _places(motion)
        motion.evaluate("svg => svg.setCurrentTime(svg.getCurrentTime() + 2.6)")
        page.wait_for_timeout(100)
        places = [first, _places(motion)]
        assert places[0] != places[1], places
        page.emulate_media(reduced_motion="reduce")
        assert not motion.is_visible()
        still = stills.bounding_box()
        assert still is not None and still["width"] > 80 and still["height"] > 80
        page.emulate_media(reduced_motion="no-preference", media="print")
        assert not motion.is_visible() and stills.is_visible()
    finally:
        context.close()
    refused = [m for m in console if "Content Security Policy" in m or "Refused" in m]
    assert refused == []


def test_without_javascript(browser: pw.Browser, server: str) -> None:
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    try:
        answers = example_answers("desk-worker-upper-back")
        start(page)
        fill_section(page, SECTIONS[0], answers)
        continue_(page)
        page.check('input[name="red_flags.chest_pain"][value="yes"]')
        # No script: no early warning, but sending the page stops the questions.
        assert not page.locator("#emergency-now").is_visible()
        continue_(page)
        page.wait_for_url("**/emergency")
        assert "call your local emergency number" in page.locator("h1").inner_text()
        page.get_by_role("button", name="Clear my answers and start again").click()
        start(page)
        answer_everything(page, answers)
        page.get_by_role("link", name="See my advice").click()
        page.wait_for_url("**/result")
        assert page.locator(".safety-net").is_visible()
        assert not page.get_by_role("button", name="Print").is_visible()
        assert "use your browser's Print command" in page.locator("nav").inner_text()
    finally:
        context.close()


def test_answered_by_mistake_in_a_real_browser(page: pw.Page, tmp_path: Path) -> None:
    """The emergency stop's own step, as a person meets it: the warning, the page that
    asks whether it was a mistake (with what to do if not), the question asked again,
    and the result that says what was changed."""
    answers = example_answers("desk-worker-upper-back")
    shots = Path(os.environ.get("BACKPLAN_SCREENSHOTS") or tmp_path)
    start(page, "GB")
    fill_section(page, SECTIONS[0], answers)
    continue_(page)
    fill_section(page, SECTIONS[1], answers)
    page.check('input[name="red_flags.chest_pain"][value="yes"]')
    continue_(page)
    page.wait_for_url("**/emergency")
    page.get_by_role("link", name="I answered a question by mistake").click()
    page.wait_for_url("**/emergency/mistake")
    page.screenshot(path=str(shots / "answered-by-mistake.png"), full_page=True)
    text = page.locator("main").inner_text()
    assert "If that is right, do not change anything." in text and "call 999" in text
    assert not axe_problems(page)
    page.get_by_role("button", name="I answered by mistake: let me answer again").click()
    page.wait_for_url("**/questions/2")
    assert not page.locator('input[name="red_flags.chest_pain"]:checked').count()
    for section in SECTIONS[1:]:
        page.wait_for_url(f"**/questions/{section.number}")
        fill_section(page, section, answers)
        continue_(page)
    page.wait_for_url("**/review")
    page.goto("/result")
    notice = page.locator(".changed-answers")
    assert notice.is_visible()
    assert "Chest pain that may be your heart" in notice.inner_text()
    assert "call 999" in notice.inner_text()
    page.screenshot(path=str(shots / "result-after-a-mistake.png"), full_page=True)
    assert not axe_problems(page)
