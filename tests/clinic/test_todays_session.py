"""Today's session in the clinic (issue 28 in the clinic of issue 26): a patient whose
plan was released does the session of their course in the browser, and its end is
saved as that week's check-in through the clinic's check-in code, so the clinician's
progress page, its alerts and the re-screening see it."""

from __future__ import annotations

import datetime as dt
import re
from typing import NoReturn

import pytest

from recommender.clinic import audit
from recommender.core.progress import CheckIn

from support.clinic import Browser, Clinic, example, h1, person_ids, result_ids

END = re.compile(r'name="(done|hurt|symptom|drawn)" value="([^"]+)"')


def _release(doctor: Browser, patient: Browser, days_ago: int = 7) -> int:
    patient.answer(example("desk-worker-upper-back"))
    patient.send()
    (number,) = result_ids(doctor.get("/clinic").text)
    start = (dt.date.today() - dt.timedelta(days=days_ago)).isoformat()
    reply = doctor.post(f"/clinic/results/{number}/release", {"start": start})
    assert reply.status_code == 200, reply.text[-2000:]
    return number


def _title(html: str) -> str:
    found = re.search(r"<title>(.*?) \| backplan</title>", html)
    return found.group(1) if found else ""


def _fields(html: str, name: str) -> list[str]:
    return [value for field, value in END.findall(html) if field == name]


def _end(page: str, pain: str = "3", **more: object) -> dict[str, object]:
    """The end's form as the page sends it: every exercise done (the boxes start
    ticked), the pain, and the page's own mark."""
    return {
        "done": _fields(page, "done"),
        "exercise_pain": pain,
        "drawn": _fields(page, "drawn")[0],
        **more,
    }


def _progress(doctor: Browser) -> str:
    (person,) = person_ids(doctor.get("/clinic/patients").text)
    return doctor.get(f"/clinic/patients/{person}").text


def _checkins(clinic: Clinic) -> tuple[CheckIn, ...]:
    (person,) = [p.id for p in clinic.db.store.people()]
    return clinic.db.store.current_course(person).checkins


def _rows(progress_page: str) -> list[list[str]]:
    table = progress_page.split("<h2>Check-ins</h2>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>(.*?)</td></tr>", table, re.S)
    return [row.split("</td><td>") for row in rows]


def test_the_plan_home_and_plan_page_start_todays_session(doctor: Browser, ann: Browser) -> None:
    _release(doctor, ann)
    for path in ("/", "/plan"):
        assert 'href="/session">Start today\'s session</a>' in ann.get(path).text


def test_a_session_is_saved_as_the_weeks_check_in_the_clinician_sees(
    clinic: Clinic, doctor: Browser, ann: Browser
) -> None:
    _release(doctor, ann, days_ago=8)  # week 2 of the plan
    page = ann.get("/session")
    assert page.status_code == 200 and h1(page.text) == "Today's session"
    assert "Week 2, " in page.text
    done = _fields(page.text, "done")
    assert len(done) >= 3
    hurt = done[1]
    reply = ann.post("/session", _end(page.text, pain="6", hurt=hurt), follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"] == "/session/done"
    finished = ann.get("/session/done").text
    assert h1(finished) == "Session finished"
    assert "saved as your check-in for week 2" in finished
    assert "The highest pain during the exercises: 6 out of 10." in finished
    (saved,) = _checkins(clinic)
    assert (saved.week, saved.sessions_done, saved.exercise_pain) == (2, 1, 6)
    assert saved.hurt == (hurt,) and saved.new_red_flags == ()
    rows = _rows(_progress(doctor))
    assert [row[:4] for row in rows] == [["2", rows[0][1], "1", "6"]]
    (person,) = [p.id for p in clinic.db.store.people()]
    actions = [e.action for e in audit.entries(clinic.db, person)]
    assert "session_viewed" in actions and "checkin" in actions


def test_a_reload_or_a_second_send_saves_nothing_more(
    clinic: Clinic, doctor: Browser, ann: Browser
) -> None:
    _release(doctor, ann)
    page = ann.get("/session").text
    first = ann.post("/session", _end(page))
    assert first.url.path == "/session/done"
    again = ann.get(str(first.url))  # the reload, after the redirect
    assert again.status_code == 200
    second = ann.post("/session", _end(page), follow_redirects=False)  # the back button
    assert second.status_code == 303 and second.headers["location"] == "/session/done"
    assert len(_checkins(clinic)) == 1
    fresh = ann.get("/session").text  # the same session done again is a second check-in
    ann.post("/session", _end(fresh))
    assert len(_checkins(clinic)) == 2


def test_a_new_symptom_at_the_end_shows_its_warning_at_once_and_stops_the_plan(
    clinic: Clinic, doctor: Browser, ann: Browser
) -> None:
    _release(doctor, ann)
    page = ann.get("/session").text
    assert "saddle_numbness" in _fields(page, "symptom")
    reply = ann.post("/session", _end(page, symptom="saddle_numbness"), follow_redirects=False)
    assert reply.status_code == 200 and "Your plan is stopped" in reply.text
    assert "call 999" in reply.text.lower()
    assert "Your session was saved as this week" in reply.text
    (saved,) = _checkins(clinic)
    assert saved.new_red_flags == ("saddle_numbness",) and saved.rescreen == "emergency"
    assert "New symptom at the check-in for week 2" in _progress(doctor)
    # No exercise from now on: the page says why, with the warning.
    stopped = ann.get("/session").text
    assert _title(stopped) == "Your plan is stopped" and 'name="done"' not in stopped
    assert "call 999" in stopped.lower()


def test_a_symptom_is_warned_of_even_when_the_check_in_cannot_be_saved(
    clinic: Clinic, doctor: Browser, ann: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recommender.store.database import StoreError

    _release(doctor, ann)
    page = ann.get("/session").text

    def full(*args: object, **kwargs: object) -> NoReturn:
        raise StoreError("the disk is full")

    monkeypatch.setattr(type(clinic.db.store), "add_checkin", full)
    reply = ann.post("/session", _end(page, symptom="saddle_numbness"))
    assert reply.status_code == 503
    assert "call 999" in reply.text.lower() and "could not be saved" in reply.text
    assert _checkins(clinic) == ()


def test_before_release_there_is_no_session_and_the_page_says_so(
    doctor: Browser, ann: Browser
) -> None:
    ann.answer(example("desk-worker-upper-back"))
    ann.send()
    page = ann.get("/session")
    assert page.status_code == 200 and _title(page.text) == "There is no session yet"
    assert "has not released your plan yet" in page.text and 'name="done"' not in page.text
    assert ann.post("/session", {"done": "cat-cow"}).status_code == 200
    assert "has not released" in ann.post("/session", {"done": "x"}).text


def test_after_the_plan_ends_there_is_no_session(
    doctor: Browser, ann: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recommender.app.web.routes import clinic_session

    _release(doctor, ann)
    later = dt.date.today() + dt.timedelta(days=7 * 13)
    monkeypatch.setattr(clinic_session, "_today", lambda: later)
    page = ann.get("/session").text
    assert _title(page) == "Your plan has ended" and 'name="done"' not in page
    assert "so there is no session to do" in page


def test_a_week_not_begun_or_a_day_without_a_session_is_named(
    doctor: Browser, ann: Browser
) -> None:
    _release(doctor, ann)
    future = ann.get("/session?week=3")
    assert future.status_code == 404 and "week 3 of your plan has not begun" in future.text.lower()
    assert ann.get("/session?week=1&day=someday").status_code == 404


def test_an_end_that_is_not_the_pages_is_refused_naming_the_field(
    clinic: Clinic, doctor: Browser, ann: Browser
) -> None:
    _release(doctor, ann)
    page = ann.get("/session").text
    reply = ann.post("/session", _end(page, symptom="not_a_sign"))
    assert reply.status_code == 400 and "have you had any of these" in reply.text
    assert _checkins(clinic) == ()


def test_nothing_done_saves_nothing(clinic: Clinic, doctor: Browser, ann: Browser) -> None:
    _release(doctor, ann)
    page = ann.get("/session").text
    reply = ann.post("/session", {"drawn": _fields(page, "drawn")[0]})
    assert "no check-in was recorded" in reply.text and _checkins(clinic) == ()
