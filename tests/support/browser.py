"""Finding a real browser for the tests that print or drive pages (Debian's chromium)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # Playwright and the form are imported where they are used
    from playwright.sync_api import Browser, Page

    from recommender.app.web.form import Section

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


#: Whether the test now running carries @pytest.mark.browser (tests/conftest.py sets it
#: before the test's fixtures start): CI's Python 3.13 lane leaves the marked tests out,
#: so a test that drives Chromium unmarked fails here rather than run twice unnoticed.
marked_browser = False


def find_browser() -> str:
    if not marked_browser:
        pytest.fail("this test drives Chromium: mark it @pytest.mark.browser")
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    message = f"no headless browser found (looked for {', '.join(BROWSERS)} on PATH)"
    if os.environ.get("BACKPLAN_REQUIRE_BROWSER") == "1":
        pytest.fail(message + "; BACKPLAN_REQUIRE_BROWSER=1 requires one")
    pytest.skip(message + "; install chromium, or set BACKPLAN_REQUIRE_BROWSER=1 to fail")


# -- driving the web app's pages as a person does (tests/web) -----------------------------

#: Debian's chromium, headless, touching nothing outside the test.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> Iterator[Browser]:
    """Debian's chromium, headless, for as long as the caller holds it: a module's
    `browser` fixture is `yield from chromium()`."""
    executable = find_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def axe_problems(page: Page) -> list[str]:
    """Serious and critical axe-core violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def start(page: Page, country: str = "") -> None:
    page.goto("/")
    if country:
        page.select_option("#country", country)
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/questions/1")


def fill_section(page: Page, section: Section, answers: dict[str, Any]) -> None:
    """Answer every question of `section` from an answers object, as a person would."""
    from recommender.app.web import form
    from recommender.core.paths import get_path

    for question in form.asked(section, answers.get("age")):
        value = get_path(answers, question.key, None)
        kind = form.kind(question)
        if question.or_ask:  # one yes/no per part: the first "yes" answers it
            for key in form.part_keys(question)[: 1 if value else None]:
                page.check(f'input[name="{key}"][value="{"yes" if value else "no"}"]')
        elif kind == "yes_no":
            page.check(f'input[name="{question.key}"][value="{"yes" if value else "no"}"]')
        elif kind == "choice":
            page.check(f'input[name="{question.key}"][value="{value}"]')
        elif kind == "choices":
            for option in question.choices:
                box = page.locator(f'input[name="{question.key}"][value="{option}"]')
                box.set_checked(option in value)
        else:
            page.fill(f'[name="{question.key}"]', "" if value is None else str(value))


def answer_everything(page: Page, answers: dict[str, Any]) -> None:
    """Every page of questions answered from `answers`, ending at the review."""
    from recommender.app.web import form
    from recommender.inputs.questionnaire import load_questionnaire

    for section in form.sections(load_questionnaire()):
        page.wait_for_url(f"**/questions/{section.number}")
        fill_section(page, section, answers)
        continue_(page)
    page.wait_for_url("**/review")


def continue_(page: Page) -> None:
    """The questions page's Continue, and the next page loaded."""
    page.locator('button[value="next"]').click()
    page.wait_for_load_state()
