"""The first hour in a real browser (issue 24): nothing lost, the focus never hidden,
adults first, downloads that stand alone, messages that name each field. A real
`backplan serve` and Debian's Chromium driven by Playwright, as in
test_web_browser.py; screenshots go to $BACKPLAN_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from recommender.app.web import form
from recommender.inputs.questionnaire import load_questionnaire
from recommender.pipeline.recommend import Recommender

from conftest import example_answers
from support.browser import (
    answer_everything,
    axe_problems,
    chromium,
    continue_,
    fill_section,
    start,
)
from support.web import served

pytestmark = pytest.mark.browser  # every test here drives Chromium

if TYPE_CHECKING:  # Playwright is imported where a browser is started
    from playwright import sync_api as pw


SECTIONS = form.sections(load_questionnaire())
ANSWERS = "desk-worker-upper-back"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with served("--workers", "2") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[pw.Browser]:
    yield from chromium()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("BACKPLAN_SCREENSHOTS") or tmp_path)


def opened(browser: pw.Browser, server: str, **options: Any) -> tuple[pw.BrowserContext, pw.Page]:
    context = browser.new_context(base_url=server, accept_downloads=True, **options)
    return context, context.new_page()


def country_line(page: pw.Page) -> str:
    return page.locator("section[aria-labelledby=review-country]").inner_text()


def review_answers(page: pw.Page) -> list[str]:
    return page.locator("dl.answers dd").all_inner_texts()


# -- 1. nothing lost ---------------------------------------------------------------------


def test_changing_the_country_at_the_review_keeps_every_answer(
    browser: pw.Browser, server: str, shots: Path
) -> None:
    context, page = opened(browser, server)
    try:
        start(page, "GB")
        answer_everything(page, example_answers(ANSWERS))
        before = review_answers(page)
        assert "United Kingdom" in country_line(page)
        page.get_by_role("link", name="Change your country").click()
        page.wait_for_url("**/country")
        assert page.locator("#country").input_value() == "GB"
        page.select_option("#country", "AU")
        page.screenshot(path=str(shots / "change-country.png"), full_page=True)
        assert not axe_problems(page)
        page.get_by_role("button", name="Save and return to the review").click()
        page.wait_for_url("**/review")
        assert "Australia" in country_line(page)
        assert review_answers(page) == before  # every answer kept
        page.get_by_role("link", name="See my advice").click()
        page.wait_for_url("**/result")
        assert "000" in page.locator(".safety-net").inner_text()  # Australia's number
    finally:
        context.close()


def test_start_again_asks_before_clearing_anything(
    browser: pw.Browser, server: str, shots: Path
) -> None:
    answers = example_answers(ANSWERS)
    context, page = opened(browser, server)
    try:
        start(page)
        fill_section(page, SECTIONS[0], answers)
        continue_(page)
        page.wait_for_url("**/questions/2")
        page.goto("/")
        page.get_by_role("link", name="Start again").click()
        page.wait_for_url("**/start-again")
        assert "clears every answer" in page.locator("main").inner_text()
        page.screenshot(path=str(shots / "start-again.png"), full_page=True)
        assert not axe_problems(page)
        page.get_by_role("link", name="No, keep my answers").click()
        page.wait_for_url("**/questions/2")
        page.goto("/questions/1")  # the first page still holds what was answered
        assert page.locator('[name="age"]').input_value() == str(answers["age"])
        continue_(page)
        for section in SECTIONS[1:]:
            page.wait_for_url(f"**/questions/{section.number}")
            fill_section(page, section, answers)
            continue_(page)
        page.goto("/result")  # the plan's own "Start again" asks first too
        page.locator(".result-restart").get_by_role("link", name="Start again").click()
        page.wait_for_url("**/start-again")
        page.get_by_role("button", name="Yes, clear my answers and start again").click()
        page.wait_for_url(re.compile(r"/$"))
        assert page.get_by_role("button", name="Start").is_visible()
        page.goto("/questions/1")
        page.wait_for_url(re.compile(r"/$"))  # nothing is left to carry on with
    finally:
        context.close()


# -- 2. focus never hidden ----------------------------------------------------------------

COVERED = """() => {
    const focused = document.activeElement;
    const alarm = document.getElementById('emergency-now');
    const box = focused.getBoundingClientRect();
    if (focused === document.body || box.width === 0) { return null; }
    const a = alarm.getBoundingClientRect();
    const overlap = !alarm.hidden && !alarm.contains(focused) && !focused.contains(alarm)
        && box.left < a.right && a.left < box.right && box.top < a.bottom && a.top < box.bottom;
    return {name: focused.name || focused.id || focused.tagName, covered: overlap,
            top: box.top, bottom: box.bottom, height: window.innerHeight};
}"""


def test_the_warning_never_covers_the_focused_field_at_320px(
    browser: pw.Browser, server: str, shots: Path
) -> None:
    """Tab down the warning signs' page with the warning shown, and back up again:
    no part of the field that has the focus is ever under the warning (WCAG 2.2,
    2.4.11 and 2.4.12), and it is always on the screen."""
    answers = example_answers(ANSWERS)
    context, page = opened(browser, server, viewport={"width": 320, "height": 640})
    try:
        start(page, "GB")
        fill_section(page, SECTIONS[0], answers)
        continue_(page)
        page.wait_for_url("**/questions/2")
        page.check('input[name="red_flags.saddle_numbness"][value="yes"]')
        assert page.locator("#emergency-now").is_visible()
        page.screenshot(path=str(shots / "phone-320-warning.png"))
        page.locator('input[name="red_flags.saddle_numbness"][value="yes"]').focus()
        stops = []
        for key in ["Tab"] * 30 + ["Shift+Tab"] * 30:
            page.keyboard.press(key)
            where = page.evaluate(COVERED)
            if where is None:
                continue
            stops.append(where)
            assert not where["covered"], where
            assert where["top"] >= 0 and where["bottom"] <= where["height"], where
        names = {stop["name"] for stop in stops}
        assert {"red_flags.chest_pain", "red_flags.abdominal_or_pulsing_pain", "go"} <= names
        assert not axe_problems(page)
    finally:
        context.close()


# -- 3. adults first ----------------------------------------------------------------------


def test_a_person_under_18_is_stopped_after_the_age_with_the_terminals_advice(
    browser: pw.Browser, server: str, shots: Path, recommender: Recommender
) -> None:
    minor = next(r for r in recommender.rulebook.withhold if r.id == "WH-MINOR")
    context, page = opened(browser, server, viewport={"width": 320, "height": 640})
    try:
        start(page, "GB")
        page.fill('[name="age"]', "16")  # nothing else on the page answered yet
        continue_(page)
        page.wait_for_url("**/no-plan")
        text = page.locator("main").inner_text()
        assert " ".join(minor.reason.split()) in " ".join(text.split())
        assert "Call 999 or go to an emergency department now if you have" in text
        assert "The warning signs were not asked about" in text
        page.screenshot(path=str(shots / "phone-320-under-18.png"), full_page=True)
        assert not axe_problems(page)
        # No later page can be reached, nor a result.
        for later in ("/questions/2", "/review", "/result", "/download/json"):
            page.goto(later)
            page.wait_for_url("**/no-plan")
        # A typing slip is put right on the first page, which keeps what was typed.
        page.get_by_role("link", name="change your age").click()
        page.wait_for_url("**/questions/1")
        page.fill('[name="age"]', "46")
        fill_section(page, SECTIONS[0], {**example_answers(ANSWERS), "age": 46})
        continue_(page)
        page.wait_for_url("**/questions/2")
    finally:
        context.close()


# -- 4. the downloads stand alone -----------------------------------------------------------


def test_the_downloaded_page_fits_a_320px_phone_on_its_own(
    browser: pw.Browser, server: str, shots: Path, tmp_path: Path
) -> None:
    context, page = opened(browser, server)
    try:
        start(page)
        answer_everything(page, example_answers(ANSWERS))
        page.goto("/result")
        with page.expect_download() as download:
            page.get_by_role("link", name="Web page (HTML)").click()
        saved = tmp_path / "backplan-plan.html"
        download.value.save_as(saved)
    finally:
        context.close()
    # Opened from the disk, with nothing of the app's: only its own styles.
    phone = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        alone = phone.new_page()
        alone.goto(saved.as_uri())
        alone.screenshot(path=str(shots / "phone-320-download.png"))
        alone.locator(".session").first.scroll_into_view_if_needed()
        alone.screenshot(path=str(shots / "phone-320-download-session.png"))
        width = alone.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, width
        wide = alone.evaluate(
            "[...document.querySelectorAll('main *')].filter(e => "
            "e.getBoundingClientRect().right > 320.5).map(e => e.className || e.tagName)"
        )
        assert wide == [], wide
    finally:
        phone.close()


# -- 6. messages that name each field --------------------------------------------------------


def test_each_problem_is_named_in_its_own_words_beside_its_field_and_in_the_summary(
    browser: pw.Browser, server: str, shots: Path
) -> None:
    context, page = opened(browser, server, viewport={"width": 320, "height": 900})
    try:
        start(page)
        continue_(page)  # the first page sent empty
        page.wait_for_url("**/questions/1*")
        links = page.locator(".error-summary a").all_inner_texts()
        assert links == [
            "Enter your age in whole years",
            "Select where it hurts",
            "Enter how bad the pain has been, from 0 to 10",
            "Select how long you have had this pain",
            "Select whether the pain is getting better or worse",
            "Select how the pain started",
        ]
        assert len(set(links)) == len(links)
        beside = page.locator("p.error").all_inner_texts()
        assert [re.sub(r"^Problem:\s*", "", t) for t in beside] == links
        page.screenshot(path=str(shots / "phone-320-errors.png"), full_page=True)
        # Each summary link takes the focus to its own field.
        page.get_by_role("link", name="Select where it hurts").click()
        assert page.evaluate("document.activeElement.name") == "pain_areas"
        page.fill('[name="age"]', "300")
        continue_(page)
        assert (
            page.locator("#q-age-error")
            .inner_text()
            .endswith("Age must be a whole number from 1 to 120")
        )
        # The warning signs' page: every message names its own question.
        fill_section(page, SECTIONS[0], example_answers(ANSWERS))
        continue_(page)
        page.wait_for_url("**/questions/2")
        continue_(page)
        links = page.locator(".error-summary a").all_inner_texts()
        assert len(links) == len(SECTIONS[1].questions) == len(set(links))
        assert "Select yes or no for chest pressure or pain" in links
        assert not axe_problems(page)
    finally:
        context.close()
