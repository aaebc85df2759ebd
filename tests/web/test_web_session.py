"""Today's session in a real browser: `backplan serve` with the timers sped up
(BACKPLAN_SESSION_SPEED, a test-only factor), Debian's chromium through Playwright,
with and without JavaScript, by mouse and by keyboard, at phone and desktop widths,
and axe on every session page."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import example_answers
from support.browser import answer_everything, axe_problems, chromium, start
from support.session_case import FIT_DESK, THURSDAY, thursday
from support.web import backplan, served

pytestmark = pytest.mark.browser  # every test here drives Chromium

if TYPE_CHECKING:  # Playwright is imported where a browser is started
    from playwright import sync_api as pw


DESK = FIT_DESK
#: Week 1's Thursday for the fit desk worker, read from the plan (support/session_case.py).
CASE = thursday()
EXERCISES = CASE.ids
EASIER = CASE.easier

#: The browser's speech and wake lock, stood in for so that a test can see what the page
#: asks of them: one voice of the device's own, one from the network that must never be
#: used, and a wake lock that notes each request and release.
STAND_INS = """
window.__said = []; window.__locks = [];
const voices = [
  {name: "Network", lang: "en-US", localService: false, voiceURI: "network"},
  {name: "Device", lang: "en-GB", localService: true, voiceURI: "device"}];
Object.defineProperty(window, "speechSynthesis", {value: {
  getVoices: () => voices, cancel: () => {}, addEventListener: () => {},
  speak: (words) => window.__said.push([words.text, words.voice && words.voice.name])}});
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
Object.defineProperty(navigator, "wakeLock", {value: {request: (kind) => {
  window.__locks.push("request " + kind);
  return Promise.resolve({release: () => {
    window.__locks.push("release"); return Promise.resolve(); }}); }}});
"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with served(env={"BACKPLAN_SESSION_SPEED": "40"}) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[pw.Browser]:
    yield from chromium()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("BACKPLAN_SCREENSHOTS") or tmp_path)


def _answered(
    browser: pw.Browser, server: str, answers: dict[str, Any] = DESK, **options: Any
) -> tuple[pw.BrowserContext, pw.Page]:
    """A new browser context with `answers` given through the questionnaire; its page."""
    options.setdefault("reduced_motion", "no-preference")
    context = browser.new_context(base_url=server, **options)
    page = context.new_page()
    start(page, "GB")
    answer_everything(page, answers)
    return context, page


def _run(page: pw.Page, easier_at: int, skip_at: int) -> list[str]:
    """Through the session on screen: Easier on exercise `easier_at`, Skip on exercise
    `skip_at` (1-based), Start and Done everywhere else, timed steps left to end by
    themselves. The countdowns seen."""
    seen: list[str] = []
    swapped = skipped = False
    while not page.locator("#session-end").is_visible():
        counter = page.locator(".session-item:not([hidden]) > article:not([hidden]) .counter")
        found = re.search(r"exercise (\d+)", counter.inner_text(), re.I)
        assert found, counter.inner_text()
        number = int(found.group(1))
        if number == easier_at and not swapped and page.locator("#easier").is_visible():
            page.click("#easier")
            swapped = True
        elif number == skip_at and not skipped:
            page.click("#skip")
            skipped = True
        elif page.locator("#countdown").is_visible():
            seen.append(page.locator("#countdown").inner_text())
            now = page.locator("#now").inner_text()
            # The next step, or the end when this was the session's last timed step.
            page.wait_for_function(
                "t => document.getElementById('now').textContent !== t"
                " || document.querySelector('#session-end:not([hidden])') !== null",
                arg=now,
            )
        else:
            page.click("#go")
    assert swapped and skipped
    return seen


def _query_keys(addresses: list[str]) -> set[str]:
    return {key for url in addresses for key in parse_qs(urlsplit(url).query)}


# -- with JavaScript ---------------------------------------------------------------------------


def test_a_whole_session_one_exercise_a_screen_with_easier_and_skip(
    browser: pw.Browser, server: str, shots: Path
) -> None:
    context, page = _answered(browser, server, viewport={"width": 1280, "height": 860})
    context.add_init_script(STAND_INS)
    addresses: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: addresses.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    try:
        page.goto("/result")
        page.get_by_role("link", name="Start today's session").click()
        page.wait_for_url(re.compile(r"/session$"))
        page.goto(THURSDAY)
        assert not page.locator("#speak").is_checked()  # spoken cues are off until asked
        page.check("#speak")
        page.get_by_role("button", name="Start the session").click()
        assert page.locator(".session-item:not([hidden])").count() == 1
        figure = page.locator(".session-item:not([hidden]) svg.figure-motion").bounding_box()
        assert figure is not None and figure["width"] > 500 and figure["height"] > 400
        page.screenshot(path=str(shots / "session-desktop-exercise.png"))
        seen = _run(page, easier_at=CASE.easier_at, skip_at=CASE.skip_at)
        # Holds and rests counted down on screen and ended by themselves.
        assert any(re.fullmatch(r"\d+ s|\d+:\d\d", text) for text in seen), seen
        form = page.locator("#session-end")
        done = [form.locator(f'input[name="done"][value="{e}"]').is_checked() for e in EXERCISES]
        assert done == [n != CASE.skip_at for n in range(1, CASE.total + 1)]
        label = form.locator(f'label[for="done-{CASE.easier_at}"]').inner_text()
        assert label == f"{EASIER} (the easier version)"
        page.screenshot(path=str(shots / "session-desktop-end.png"), full_page=True)
        said = page.evaluate("window.__said")
        locks = page.evaluate("window.__locks")
        page.check('input[name="exercise_pain"][value="7"]')
        page.check(f'input[name="hurt"][value="{EXERCISES[CASE.easier_at - 1]}"]')
        with page.expect_navigation():
            page.get_by_role("button", name="Finish").click()
        text = page.locator("main").inner_text()
        assert f"You did {CASE.total - 1} of {CASE.total} exercises." in text
        assert f"Skipped: {CASE.names[CASE.skip_at - 1]}." in text
        assert f"Hurt: {EASIER}." in text and "Your pain went above 5 out of 10" in text
    finally:
        context.close()
    # Spoken with the device's own voice, never the network's; the screen kept awake
    # while the session ran, and let go at its end.
    assert said and {voice for _, voice in said} == {"Device"}
    assert locks[0] == "request screen" and locks[-1] == "release"
    # No health data in any address: only the session's week and day.
    assert _query_keys(addresses) <= {"week", "day"}
    assert not [m for m in console if "Content Security Policy" in m or "Refused" in m]


def test_speech_stays_off_and_hidden_without_a_voice_of_the_devices_own(
    browser: pw.Browser, server: str
) -> None:
    context, page = _answered(browser, server)
    context.add_init_script(STAND_INS.replace("localService: true", "localService: false"))
    try:
        page.goto(THURSDAY)
        assert not page.locator("#speak").is_visible()
        page.get_by_role("button", name="Start the session").click()
        page.click("#go")
        assert page.evaluate("window.__said") == []
    finally:
        context.close()


def _focus_ring(page: pw.Page) -> str:
    style: str = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    return style


def test_the_whole_session_with_the_keyboard_alone(browser: pw.Browser, server: str) -> None:
    context, page = _answered(browser, server)
    try:
        page.goto(THURSDAY)
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "start":
                break
        assert _focus_ring(page) == "solid"
        page.keyboard.press("Enter")
        screens = 0
        while not page.locator("#session-end").is_visible():
            if page.evaluate("document.activeElement.classList.contains('exercise-name')"):
                screens += 1  # each screen begins at the exercise's name
                page.keyboard.press("Tab")
                assert page.evaluate("document.activeElement.id") == "go"
                assert _focus_ring(page) == "solid"
            page.keyboard.press("Enter")  # Start, Done, or end a timed step early
        assert screens == len(EXERCISES)
        assert page.evaluate("document.activeElement.id") == "end-heading"
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent") == "Finish":
                break
        assert _focus_ring(page) == "solid"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        done = f"You did {CASE.total} of {CASE.total} exercises."
        assert done in page.locator("main").inner_text()
    finally:
        context.close()


# -- without JavaScript ------------------------------------------------------------------------


def test_without_javascript_the_session_is_its_list_and_the_end_still_works(
    browser: pw.Browser, server: str
) -> None:
    context, page = _answered(browser, server, java_script_enabled=False)
    try:
        page.goto("/result")
        page.get_by_role("link", name="Start today's session").click()
        page.goto(THURSDAY)
        articles = page.locator(".session-item > article")
        assert articles.count() == len(EXERCISES)
        for index in range(len(EXERCISES)):
            article = articles.nth(index)
            assert article.is_visible()
            amount = article.locator(".amount").inner_text()
            assert amount.startswith(("Amount: 2 sets of", "Amount: hold ")), amount
            assert article.locator("svg.figure-motion").is_visible()
        assert not page.locator("#start").is_visible() and not page.locator("#player").is_visible()
        offers = page.get_by_text("Too hard? An easier version that suits you")
        assert offers.count() == CASE.offered and offers.first.is_visible()
        assert page.locator(".session-net").is_visible()  # the safety net under the list
        page.uncheck(f'input[name="done"][value="{EXERCISES[1]}"]')
        page.check('input[name="exercise_pain"][value="4"]')
        with page.expect_navigation():
            page.get_by_role("button", name="Finish").click()
        text = page.locator("main").inner_text()
        assert f"You did {CASE.total - 1} of {CASE.total} exercises." in text
        assert "Nothing you said here was kept" in text
    finally:
        context.close()


# -- the calendar's links ----------------------------------------------------------------------


def test_the_calendars_links_open_their_sessions(
    browser: pw.Browser, server: str, tmp_path: Path
) -> None:
    answers = tmp_path / "me.json"
    answers.write_text(json.dumps(DESK))
    ics = subprocess.run(
        [*backplan(), "plan", "--answers", str(answers), "--format", "ics", "--start",
         "2026-03-02", "--time", "18:30", "--tz", "Europe/London", "--base-url", server],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    from icalendar import Calendar

    text = "\n".join(str(e.get("description")) for e in Calendar.from_ical(ics).walk("VEVENT"))
    links = sorted(set(re.findall(re.escape(server) + r"/session\?week=\d+&day=[a-z]+", text)))
    assert len(links) == 4 * DESK["days_per_week"]
    context, page = _answered(browser, server, java_script_enabled=False)
    try:
        for link in links:
            found = re.search(r"week=(\d+)&day=([a-z]+)", link)
            assert found, link
            week, day = found.groups()
            reply = page.goto(link)
            assert reply is not None and reply.status == 200, link
            lead = page.locator(".session-intro .lead").inner_text()
            assert lead.startswith(f"Week {week}, {day.capitalize()}: "), (link, lead)
    finally:
        context.close()


# -- at every width, and for axe ---------------------------------------------------------------


@pytest.mark.parametrize(("width", "height"), [(320, 640), (375, 667), (1280, 860)])
def test_phone_and_desktop_widths(
    browser: pw.Browser, server: str, shots: Path, width: int, height: int
) -> None:
    context, page = _answered(browser, server, viewport={"width": width, "height": height})
    try:
        page.goto(THURSDAY)
        page.screenshot(path=str(shots / f"session-{width}-start.png"))
        page.get_by_role("button", name="Start the session").click()
        page.click("#go")  # the first set, then its hold and rest count down
        page.click("#go")
        page.wait_for_selector("#countdown:not([hidden])")
        page.screenshot(path=str(shots / f"session-{width}-countdown.png"))
        scroll = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll[0] <= scroll[1] == width, scroll
        # The picture, what to do now and the main button fit on the screen at once.
        go = page.locator("#go").bounding_box()
        figure = page.locator(".session-item:not([hidden]) svg.figure-motion").bounding_box()
        assert go is not None and figure is not None, (go, figure)  # both on screen
        assert go["y"] + go["height"] <= height, go
        assert go["height"] >= 44 and figure["height"] >= 0.3 * height, (go, figure)
        page.click("#stop")
        page.screenshot(path=str(shots / f"session-{width}-end.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_axe_finds_nothing_serious_on_the_session_pages(browser: pw.Browser, server: str) -> None:
    found: dict[str, list[str]] = {}
    context, page = _answered(browser, server)
    try:
        page.goto(THURSDAY)
        found["start"] = axe_problems(page)
        page.get_by_role("button", name="Start the session").click()
        found["an exercise"] = axe_problems(page)
        page.click("#skip")
        page.click("#skip")
        page.click("#easier")
        page.click("#go")
        page.click("#go")
        page.wait_for_selector("#countdown:not([hidden])")
        found["a countdown"] = axe_problems(page)
        page.click("#stop")
        found["how did it go"] = axe_problems(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Finish").click()
        found["session finished"] = axe_problems(page)
        page.goto("/session?week=9")
        found["no such session"] = axe_problems(page)
    finally:
        context.close()
    # axe runs as a script, so the page without ours is the page with session.js
    # refused: what a browser without JavaScript draws.
    context, page = _answered(browser, server)
    try:
        context.route("**/static/session.js", lambda route: route.abort())
        page.goto(THURSDAY)
        assert page.locator(".no-script-only").is_visible()
        found["the list, without JavaScript"] = axe_problems(page)
    finally:
        context.close()
    context, page = _answered(browser, server, example_answers("sciatica"))
    try:
        page.goto("/session")
        found["a warning first"] = axe_problems(page)
    finally:
        context.close()
    context = browser.new_context(base_url=server)
    try:
        page = context.new_page()
        page.goto(THURSDAY)
        found["no answers here"] = axe_problems(page)
    finally:
        context.close()
    assert not any(found.values()), found
    assert len(found) == 9
