"""The calendar with reminders (issue 28): sessions at a time of day in a time zone,
an alarm before each, summer time right, and the week's check-in; read back with
icalendar and, where Node and ical.js are installed (CI installs them), with ical.js."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar, Component

from recommender.app.cli import main

READER = Path(__file__).resolve().parents[1] / "support" / "ical_read.cjs"

#: Four weeks from Monday 22 March 2027: British Summer Time begins on the 28th.
START = "2027-03-22"


def _ics(tmp_path: Path, *extra: str) -> Path:
    target = tmp_path / "plan.ics"
    run = CliRunner().invoke(
        main, ["plan", "--example", "-f", "ics", "--start", START, "-o", str(target), *extra]
    )
    assert run.exit_code == 0, run.output
    return target


def _events(path: Path) -> list[Component]:
    return Calendar.from_ical(path.read_bytes()).walk("VEVENT")


def test_sessions_at_half_past_six_in_london_keep_their_time_across_summer_time(
    tmp_path: Path,
) -> None:
    path = _ics(tmp_path, "--time", "18:30", "--tz", "Europe/London")
    sessions = [e for e in _events(path) if "exercises" in str(e["SUMMARY"])]
    assert sessions
    for event in sessions:
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert (start.hour, start.minute) == (18, 30)  # local time, whatever the season
        assert str(event["DTSTART"].params["TZID"]) == "Europe/London"
        summer = start.date() >= dt.date(2027, 3, 28)
        assert start.utcoffset() == dt.timedelta(hours=1 if summer else 0)
        minutes = int(str(event["SUMMARY"]).split("about ")[1].split(" ")[0])
        assert end - start == dt.timedelta(minutes=minutes)
        (alarm,) = event.walk("VALARM")
        assert alarm.decoded("TRIGGER") == dt.timedelta(minutes=-10)
        assert str(alarm["ACTION"]) == "DISPLAY"
    zones = Calendar.from_ical(path.read_bytes()).walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/London"]


def test_each_event_lists_the_exercises_the_safety_net_and_the_session_page(tmp_path: Path) -> None:
    path = _ics(tmp_path, "--time", "07:15", "--base-url", "https://exercises.example.org")
    first = next(e for e in _events(path) if "exercises" in str(e["SUMMARY"]))
    text = str(first["DESCRIPTION"])
    assert "1. " in text and "Shoulder rolls" in text
    assert "Call your local emergency number" in text  # the safety net
    assert "https://exercises.example.org/session?week=1&day=monday" in text


def test_every_week_has_its_check_in_event(tmp_path: Path) -> None:
    path = _ics(tmp_path, "--time", "18:30", "--tz", "Europe/London")
    checkins = [e for e in _events(path) if str(e["SUMMARY"]) == "How did this week go?"]
    assert [e.decoded("DTSTART").date() for e in checkins] == [
        dt.date(2027, 3, 28) + dt.timedelta(weeks=n) for n in range(4)
    ]
    assert all(e.walk("VALARM") for e in checkins)


def test_remind_0_sets_no_alarm_and_no_time_keeps_all_day_events(tmp_path: Path) -> None:
    quiet = _ics(tmp_path, "--time", "18:30", "--remind", "0")
    assert not any(e.walk("VALARM") for e in _events(quiet))
    all_day = _ics(tmp_path)
    events = _events(all_day)
    assert all(type(e.decoded("DTSTART")) is dt.date for e in events)
    assert not any(e.walk("VALARM") for e in events)


@pytest.mark.parametrize(
    "args, words",
    [
        (["--time", "25:00"], "HH:MM"),
        (["--time", "18:30", "--tz", "Mars/Olympus"], "unknown time zone"),
        (["--tz", "Europe/London"], "--time"),
        (["--time", "18:30", "--base-url", "ftp://x"], "web address"),
    ],
)
def test_bad_reminder_options_are_named_with_exit_2(args: list[str], words: str) -> None:
    run = CliRunner().invoke(main, ["plan", "--example", "-f", "ics", "--start", START, *args])
    assert run.exit_code == 2 and words in run.output and "Traceback" not in run.output


def _ical_js() -> str:
    folder = os.environ.get("BACKPLAN_ICALJS", "")
    if folder and shutil.which("node") and (Path(folder) / "ical.js").is_dir():
        return folder
    if os.environ.get("BACKPLAN_REQUIRE_ICALJS") == "1":
        pytest.fail("ical.js is required (BACKPLAN_REQUIRE_ICALJS=1) but BACKPLAN_ICALJS is unset")
    pytest.skip("Node and ical.js are not installed (see .ci/run)")


def test_ical_js_reads_the_same_times_and_alarms(tmp_path: Path) -> None:
    folder = _ical_js()
    path = _ics(tmp_path, "--time", "18:30", "--tz", "Europe/London")
    read = subprocess.run(
        ["node", str(READER), str(path)],
        capture_output=True,
        text=True,
        env=dict(os.environ, NODE_PATH=folder),
        check=True,
    )
    events = json.loads(read.stdout)
    ours = _events(path)
    assert len(events) == len(ours)
    for theirs, mine in zip(events, ours, strict=True):
        utc = mine.decoded("DTSTART").astimezone(dt.timezone.utc)
        assert theirs["start"] == utc.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        assert theirs["alarms"] == ["-PT10M"]


def test_the_intake_asks_what_time_of_day_suits_for_a_calendar(tmp_path: Path) -> None:
    from recommender.inputs.questionnaire import load_questionnaire

    from conftest import example_answers
    from support.intake_script import replies

    answers = dict(example_answers("desk-worker-upper-back"), start_date="2027-03-22")
    lines = replies(answers, load_questionnaire(), country="GB") + ["18:30"]
    target = tmp_path / "plan.ics"
    run = CliRunner().invoke(
        main, ["intake", "-f", "ics", "-o", str(target)], input="\n".join(lines) + "\n"
    )
    assert run.exit_code == 0, run.output[-2000:]
    assert "What time of day suits you" in run.stderr
    sessions = [e for e in _events(target) if "exercises" in str(e["SUMMARY"])]
    assert sessions and all(e.decoded("DTSTART").hour == 18 for e in sessions)
    assert all(e.walk("VALARM") for e in sessions)
