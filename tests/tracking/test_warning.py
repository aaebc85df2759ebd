"""The warning stays in view (issue 25, item 3): a course at `soon` shows its level line,
the safety net and the person's emergency number in `status`, in the report as text,
HTML and FHIR, and in each check-in's answer; the neck's signs where the neck hurts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Run
from support.course import ANSWERS, START_ARGS, WEEKS, checkin_args

SOON_LINE = "SEE A CLINICIAN SOON: book a doctor or physiotherapist within 1 to 2 weeks"
NET = "or go to an emergency department now if you have"
NEUTRAL = "your local emergency number (for example 911, 112 or 999)"


def _text(out: str) -> str:
    return " ".join(out.replace("|", " ").split())


def test_a_soon_course_keeps_its_warning_in_every_output(db: str, run: Run) -> None:
    """The simulated course's answers are at `soon` (RF-PERSISTENT)."""
    run(*START_ARGS)
    checkin = _text(run(*checkin_args(1, "3", 3, "same", 6, None, ())).output)
    assert SOON_LINE in checkin and NET in checkin and NEUTRAL in checkin
    status = _text(run("track", "status", "--week", "2").output)
    assert SOON_LINE + "; gentle exercise may continue." in status
    assert "Pain that has lasted over 6 weeks and is not improving" in status
    assert NET in status and "not clearly better after 4 to 6 weeks" in status
    report = _text(run("track", "report").output)
    assert SOON_LINE in report and NET in report
    page = run("track", "report", "--format", "html").output
    assert f'<p class="level" role="alert">{SOON_LINE}' in page
    assert NET in page and "new loss of sexual feeling" in page
    bundle = json.loads(run("track", "report", "--format", "fhir").output)
    flags = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Flag"]
    assert SOON_LINE in flags[0]["code"]["text"] and flags[0]["status"] == "active"
    assert (
        NET in flags[1]["code"]["text"] and "new loss of sexual feeling" in flags[1]["code"]["text"]
    )
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)


def test_a_course_with_no_warning_sign_shows_the_safety_net_and_no_level_line(
    db: str, run: Run
) -> None:
    run("track", "start", "--example", "--start", "2026-01-05")
    out = _text(run(*checkin_args(1, "3", 3, "same", 3, None, ())).output)
    assert "SEE A CLINICIAN" not in out and "No warning signs" not in out
    assert NET in out
    assert NET in _text(run("track", "status", "--week", "2").output)


def test_a_symptom_reported_at_a_check_in_raises_the_level_shown_after(db: str, run: Run) -> None:
    run("track", "start", "--example", "--start", "2026-01-05")
    run(*checkin_args(1, "3", 3, "same", 3, None, ("night_pain",)))
    out = _text(run(*checkin_args(2, "3", 3, "same", 3, None, ())).output)
    assert SOON_LINE in out
    status = _text(run("track", "status", "--week", "3").output)
    assert SOON_LINE in status and "night pain (new at week 1)" in status


@pytest.mark.parametrize(
    ("how", "number"),
    [(["--country", "CH"], "Call 144"), ([], "Call 999"), (["--country", "Japan"], "Call 119")],
    ids=["option", "answers", "a-country-name"],
)
def test_the_emergency_number_comes_from_the_answers_or_the_country_option(
    db: str, run: Run, tmp_path: Path, how: list[str], number: str
) -> None:
    answers = dict(json.loads(ANSWERS.read_text()), country="GB")
    path = tmp_path / "gb.json"
    path.write_text(json.dumps(answers))
    run("track", "start", "--answers", str(path), "--start", "2026-01-05")
    assert number in _text(run(*checkin_args(1, "3", 3, "same", 6, None, ()), *how).output)
    assert number in _text(run("track", "status", "--week", "2", *how).output)
    assert number in _text(run("track", "report", *how).output)


def test_the_neck_signs_join_the_safety_net_where_the_neck_hurts(
    db: str, run: Run, tmp_path: Path
) -> None:
    answers = dict(json.loads(ANSWERS.read_text()), pain_areas=["neck"])
    path = tmp_path / "neck.json"
    path.write_text(json.dumps(answers))
    run("track", "start", "--answers", str(path), "--start", "2026-01-05")
    for out in (
        run(*checkin_args(1, "3", 3, "same", 6, None, ())).output,
        run("track", "status", "--week", "2").output,
        run("track", "report").output,
    ):
        assert "double vision" in out and "trouble swallowing" in _text(out)
    # The lower back alone: no neck signs.
    run(*START_ARGS, "--new-course")
    assert "double vision" not in run(*checkin_args(1, "3", 3, "same", 6, None, ())).output


def test_a_course_stopped_at_urgent_shows_what_cannot_wait(db: str, run: Run) -> None:
    run(*START_ARGS)
    run(*checkin_args(1, "3", 3, "same", 6, None, ("fever",)))
    status = _text(run("track", "status").output)
    assert "YOUR PLAN IS STOPPED" in status and "URGENT: see a doctor today" in status
    assert "before you are seen" in status and "feel very unwell" in status
    assert "This week uses" not in status
    page = run("track", "report", "-f", "html").output
    assert "before you are seen" in page


def test_the_stopped_simulated_course_says_emergency_first(course: str, run: Run) -> None:
    out = _text(run("track", "report").output)
    assert out.index("EMERGENCY: call") < out.index("Week")
    assert WEEKS[-1][-1] == ("saddle_numbness",)
