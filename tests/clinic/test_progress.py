"""After release (issue 26, items 2 and 3): weekly check-ins in the browser through the
same code as `backplan track checkin`, and the clinician's progress page with its
alerts (a new red flag at a check-in, two flare weeks, no check-in for two weeks)."""

from __future__ import annotations

import datetime as dt

import pytest

from recommender.clinic import alerts

from conftest import Run
from support.clinic import Browser, Clinic, example, h1, person_ids, result_ids, submission

FLARE = {"done": "3", "exercise_pain": "7", "next_morning": "worse", "usual_pain": "5"}
GOOD = {"done": "3", "exercise_pain": "3", "next_morning": "same", "usual_pain": "4"}
PSFS = {"psfs0-name": "Reading", "psfs0-score": "4", "psfs1-name": "Driving",
        "psfs1-score": "5", "psfs2-name": "Gardening", "psfs2-score": "2"}  # fmt: skip


def _release(doctor: Browser, patient: Browser, days_ago: int = 7, **fields: str) -> int:
    patient.answer(example("desk-worker-upper-back"))
    patient.send()
    (number,) = result_ids(doctor.get("/clinic").text)
    start = (dt.date.today() - dt.timedelta(days=days_ago)).isoformat()
    reply = doctor.post(f"/clinic/results/{number}/release", {"start": start, **fields})
    assert reply.status_code == 200, reply.text[-2000:]
    return number


def _progress(doctor: Browser) -> str:
    (person,) = person_ids(doctor.get("/clinic/patients").text)
    return doctor.get(f"/clinic/patients/{person}").text


def test_two_flare_weeks_are_an_alert_and_the_plan_steps_back(
    doctor: Browser, ann: Browser
) -> None:
    _release(doctor, ann, days_ago=8, **PSFS)
    assert ann.post("/check-in", {"week": "1", **FLARE}).url.path == "/"
    week_two = {"week": "2", **FLARE, "psfs0": "4", "psfs1": "5", "psfs2": "3"}
    assert ann.post("/check-in", week_two).url.path == "/"
    page = _progress(doctor)
    assert "Two flare weeks in a row: weeks 1 and 2" in page
    assert "AD-STEP-BACK-FLARES" in page  # week 2's decision, by the rule that alerts
    assert 'src="/clinic/patients/' in page and "Reading" in page  # the chart, the PSFS


def test_the_psfs_is_asked_every_two_weeks_and_checked(doctor: Browser, ann: Browser) -> None:
    _release(doctor, ann, days_ago=8, **PSFS)
    form = ann.get("/check-in").text
    assert "Your three activities" in form  # the form opens on this week: week 2
    missing = ann.post("/check-in", {"week": "2", **GOOD})
    assert missing.status_code == 422
    assert "Enter a score from 0 to 10 for Reading" in missing.text


def test_a_check_in_refuses_what_it_cannot_read_naming_each_answer(
    doctor: Browser, ann: Browser
) -> None:
    _release(doctor, ann)
    reply = ann.post("/check-in", {"week": "1", "done": "9", "exercise_pain": "lots"})
    assert reply.status_code == 422
    for message in (
        "Enter how many sessions you did, a number from 0 to 7",
        "Enter the worst pain during the exercises, from 0 to 10",
        "Enter your usual pain this week, from 0 to 10",
        "Select how the pain was the next morning",
    ):
        assert message in reply.text
    future = ann.post("/check-in", {"week": "3", **GOOD})
    assert future.status_code == 422 and "Select the week" in future.text


def test_a_new_red_flag_at_a_check_in_stops_the_plan_at_once_and_alerts(
    doctor: Browser, ann: Browser, clinic: Clinic
) -> None:
    _release(doctor, ann)
    reply = ann.post("/check-in", {"week": "1", **GOOD, "symptom": "saddle_numbness"})
    assert reply.status_code == 200 and "Your plan is stopped" in reply.text
    assert "call 999" in reply.text.lower()
    assert "Your plan is stopped" in ann.get("/").text
    assert ann.get("/check-in").url.path == "/"  # no more check-ins on a stopped plan
    page = _progress(doctor)
    assert "New symptom at the check-in for week 1" in page and "saddle numbness" in page
    assert "The plan stopped" in page


def test_no_check_in_for_two_weeks_is_an_alert(doctor: Browser, ann: Browser) -> None:
    _release(doctor, ann, days_ago=20)
    assert "No check-in for 20 days" in _progress(doctor)


def test_a_web_check_in_stores_what_the_command_stores(
    clinic: Clinic, doctor: Browser, run: Run
) -> None:
    """Two patients released the same plan; one checks in on the page, the other with
    `backplan track checkin` on the same database: the same check-in is stored."""
    one = clinic.patient(doctor, "One", "one@example.org")
    two = clinic.patient(doctor, "Two", "two@example.org")
    for patient in (one, two):
        _release(doctor, patient)
    one.post(
        "/check-in",
        {"week": "1", "done": "2", "exercise_pain": "6", "next_morning": "worse",
         "usual_pain": "5", "hurt": "band-pull-apart", "symptom": "night_pain"},
    )  # fmt: skip
    people = {p.name: p.id for p in clinic.db.store.people()}
    run(
        "track", "--db", clinic.db.url.removeprefix("sqlite:///"), "checkin",
        "--person", str(people["Two"]), "--week", "1", "--done", "2", "--exercise-pain", "6",
        "--next-morning", "worse", "--usual-pain", "5", "--hurt", "band-pull-apart",
        "--new-symptom", "night_pain",
    )  # fmt: skip
    web, cli = (clinic.db.store.current_course(people[n]).checkins[0] for n in ("One", "Two"))
    same = ("week", "sessions_done", "exercise_pain", "next_morning", "usual_pain",
            "new_red_flags", "rescreen", "psfs", "hurt", "too_easy", "block")  # fmt: skip
    assert {k: getattr(web, k) for k in same} == {k: getattr(cli, k) for k in same}
    assert web.hurt == ("band-pull-apart",)
    assert web.rescreen == "soon"


def test_the_command_line_follows_a_course_the_clinic_released(
    clinic: Clinic, doctor: Browser, ann: Browser, run: Run
) -> None:
    _release(doctor, ann, days_ago=8)
    ann.post("/check-in", {"week": "1", **FLARE})
    ann.post("/check-in", {"week": "2", **FLARE})
    (person,) = [p.id for p in clinic.db.store.people()]
    out = run(
        "track", "--db", clinic.db.url.removeprefix("sqlite:///"), "explain", "--person",
        str(person),
    ).output  # fmt: skip
    assert "AD-STEP-BACK-FLARES" in out


@pytest.mark.parametrize("days", [13, 14])
def test_the_silence_alert_begins_at_two_weeks(days: int) -> None:
    from recommender.core.progress import Block, Course, Person

    start = dt.date(2026, 3, 2)
    # The silence alert reads only the dates, so the block is made without a result.
    block = Block(id=1, number=1, start=start, weeks=4, result=None, start_pain=5)  # type: ignore[arg-type]
    course = Course(1, Person(1, "A", dt.datetime(2026, 3, 1)), {}, start, (block,))
    progress = type("P", (), {"course": course, "stopped": None, "blocks": ()})()
    found = alerts.alerts(progress, start + dt.timedelta(days=days))
    assert [a.kind for a in found] == ([] if days < 14 else ["silent"])


def test_releasing_starts_the_course_check_ins_adapt(
    clinic: Clinic, doctor: Browser, ann: Browser
) -> None:
    stored = submission(clinic.db, _release(doctor, ann))
    assert stored.course_id is not None
    course = clinic.db.store.current_course(stored.person_id)
    assert course.blocks[0].start == dt.date.today() - dt.timedelta(days=7)
    assert course.answers["age"] == example("desk-worker-upper-back")["age"]
    assert h1(ann.get("/check-in").text) == "Check in"
