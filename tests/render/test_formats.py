"""Markdown and iCalendar output, and every format on the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from icalendar import Calendar, Component

from recommender.app.cli import main
from recommender.core.wording import words
from recommender.inputs.answers_file import validate_answers
from recommender.pipeline.recommend import Recommender
from recommender.render import FORMATS, render_result

from conftest import EXAMPLES, example_answers
from support.formats import START, every_format, for_people
from support.strategies import plannable_answers

RECOMMENDER = Recommender.load()
FIXED = {"SOURCE_DATE_EPOCH": "1767225600", "NO_COLOR": "1"}  # 2026-01-01


def cli(*args: str, input: str | None = None, env: dict[str, str] = FIXED) -> Result:
    return CliRunner().invoke(main, list(args), input=input, env=env)


def dated(name: str, start: str = "2027-01-04") -> str:
    answers = example_answers(name)
    answers["start_date"] = start
    return json.dumps(answers)


# -- Markdown --------------------------------------------------------------------------


def test_markdown_has_warnings_plan_howto_notes_and_sources() -> None:
    out = cli("plan", "-a", str(EXAMPLES / "sciatica.json"), "-f", "markdown").output
    order = [
        "# backplan",
        "Pain or tingling spreading down an arm or leg",
        "## Your plan",
        "### Week 1",
        "| # | Exercise | Dose |",
        "## How to do each exercise",
        "## Notes",
        "How much pain is all right",
        "## Sources",
        "Produced by backplan",
    ]
    positions = [out.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "2026-01-01" in out


def test_markdown_escapes_the_name() -> None:
    answers = example_answers("desk-worker-upper-back")
    answers["name"] = "<b>*Bob*</b> [x](http://evil)"
    out = cli("plan", "-a", "-", "-f", "markdown", input=json.dumps(answers)).output
    first = out.splitlines()[0]
    assert "<b>" not in first and "&lt;b&gt;" in first
    assert "\\*Bob\\*" in first and "\\[x\\]" in first


def test_markdown_for_an_emergency_has_no_plan() -> None:
    out = cli("plan", "-a", str(EXAMPLES / "cauda-equina.json"), "-f", "markdown").output
    assert "> **EMERGENCY" in out and "No exercise plan is given" in out
    assert "## Your plan" not in out


# -- iCalendar ---------------------------------------------------------------------------


def _events(text: str) -> list[Component]:
    calendar = Calendar.from_ical(text)
    assert calendar["PRODID"] and str(calendar["VERSION"]) == "2.0"
    return [c for c in calendar.walk("VEVENT")]


def test_calendar_has_one_event_per_session_with_stable_uids() -> None:
    first = cli("plan", "-a", "-", "-f", "ics", input=dated("desk-worker-upper-back"))
    assert first.exit_code == 0, first.output
    every = _events(first.output)
    # Each week also ends with its check-in ("How did this week go?").
    checkins = [e for e in every if str(e["SUMMARY"]) == "How did this week go?"]
    assert len(checkins) == 4
    events = [e for e in every if e not in checkins]
    plan = json.loads(
        cli("plan", "-a", "-", "-f", "json", input=dated("desk-worker-upper-back")).output
    )
    sessions = [s for w in plan["plan"]["weeks"] for s in w["sessions"]]
    assert len(events) == len(sessions) == 4 * 4
    assert [e.decoded("DTSTART") for e in events] == [
        dt.date.fromisoformat(s["date"]) for s in sessions
    ]
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    for event, session in zip(events, sessions, strict=True):
        assert event["DTSTAMP"]
        description = str(event["DESCRIPTION"])
        assert all(x["name"] in description for x in session["exercises"])
    # Stable across runs even when produced at another time.
    later = cli(
        "plan",
        "-a",
        "-",
        "-f",
        "ics",
        input=dated("desk-worker-upper-back"),
        env={"SOURCE_DATE_EPOCH": "1800000000"},
    )
    again = [e for e in _events(later.output) if str(e["SUMMARY"]) != "How did this week go?"]
    assert [str(e["UID"]) for e in again] == uids


def test_calendar_needs_a_start_date() -> None:
    result = cli("plan", "-a", str(EXAMPLES / "sciatica.json"), "-f", "ics")
    assert result.exit_code == 2
    assert "start_date" in result.output and "Traceback" not in result.output
    assert (
        cli(
            "plan", "-a", str(EXAMPLES / "sciatica.json"), "-f", "ics", "--start", "2027-03-01"
        ).exit_code
        == 0
    )


def test_calendar_without_a_plan_reminds_what_to_do() -> None:
    result = cli("plan", "-a", "-", "-f", "ics", input=dated("cancer-thoracic"))
    assert result.exit_code == 0
    (event,) = _events(result.stdout)
    assert "see a clinician" in str(event["SUMMARY"])
    assert "URGENT" in str(event["DESCRIPTION"])
    assert "URGENT" in result.stderr  # said beside a machine format too


def test_reproducible_outputs_with_source_date_epoch() -> None:
    for fmt in every_format():
        one = cli("plan", "--example", "-f", fmt).output
        assert one == cli("plan", "--example", "-f", fmt).output, fmt


@pytest.mark.parametrize("fmt", every_format())
def test_every_format_works_on_the_bundled_example(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"plan.{fmt}"
    result = cli("plan", "--example", "-f", fmt, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text().strip()


@settings(max_examples=60)
@given(plannable_answers)
def test_every_format_renders_any_valid_answers(raw: dict[str, Any]) -> None:
    raw = dict(raw, start_date=raw.get("start_date", "2027-01-04"))
    result = RECOMMENDER.recommend(validate_answers(raw))
    for fmt in every_format():
        assert render_result(result, fmt).strip(), fmt


PLANS = EXAMPLES / "plans"


#: The fridge sheet is a page a week to tick off beside the printed plan: it carries the
#: weeks, the review point and the safety net, and leaves the advice to the plan.
ADVICE_ELSEWHERE = {"sheet"}


@pytest.mark.parametrize("fmt", for_people())
def test_every_format_shows_effort_position_walking_and_advice(fmt: str) -> None:
    """Issue 12's six plans: a person reading any format learns how hard strength work
    should feel, which position to use, when to walk, and how to look after their back."""
    for path in sorted(PLANS.glob("*.json")):
        args = ["plan", "--answers", str(path), "--format", fmt, "--start", START]
        result = CliRunner().invoke(main, args, env=FIXED)
        assert result.exit_code == 0, result.output
        # Calendar lines are folded at 75 octets; unfold them before reading (the
        # runner's stdout may have turned their CRLF into LF).
        out = result.stdout
        if FORMATS[fmt].media_type.startswith("text/calendar"):
            out = out.replace("\r\n ", "").replace("\n ", "")
        out = out.replace("\\,", ",").replace("\\;", ";")
        flat = " ".join(out.replace("\\n", " ").split())
        plan = RECOMMENDER.recommend(validate_answers(json.loads(path.read_text()))).plan
        assert plan is not None, path.name
        items = plan.prescriptions()
        assert "How hard:" in out, (path.name, fmt)
        assert any(p.dose.effort and p.dose.effort in flat for p in items)
        for p in items:
            if len(p.exercise.positions) > 1:
                # the position in the words every format uses ("lying on your back")
                assert f", {words(p.position)}" in flat, (path.name, fmt, p.exercise.id)
        assert "Walking" in out, (path.name, fmt)
        if fmt not in ADVICE_ELSEWHERE:
            assert "Keep moving and keep up your usual activities" in flat
        assert "Review point" in flat


@pytest.mark.parametrize("fmt", every_format())
def test_every_format_states_the_rests(fmt: str) -> None:
    """docs/result.md: rests are stated in every format, "rest 60 s
    between sets" for strength work and a short rest between stretch holds; JSON
    carries `rest_seconds` on every item."""
    path = PLANS / "sciatica-to-the-foot.json"
    args = ["plan", "--answers", str(path), "--format", fmt, "--start", "2027-01-04"]
    result = CliRunner().invoke(main, args, env=FIXED)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        weeks = json.loads(result.stdout)["plan"]["weeks"]
        items = [x for w in weeks for s in w["sessions"] for x in s["exercises"]]
        assert all("rest_seconds" in x for x in items)
        assert {x["rest_seconds"] for x in items if "effort" in x} == {60}
        return
    flat = " ".join(result.stdout.replace("\r\n ", "").replace("\\n", " ").split())
    assert "rest 60 s between sets" in flat, fmt
    assert "rest 10 s between" in flat, fmt
