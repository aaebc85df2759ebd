"""Bad answers files: exit 2, every bad field named, nothing written."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from recommender.app.cli import main

from conftest import example_answers

GOOD = example_answers("desk-worker-upper-back")


def _with(**changes) -> str:
    answers = json.loads(json.dumps(GOOD))
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        target = answers
        for key in parents:
            target = target[key]
        if value is _DROP:
            del target[leaf]
        else:
            target[leaf] = value
    return json.dumps(answers)


_DROP = object()

CASES = {
    "not json": ("{age: 40", ["not valid JSON"]),
    "empty": ("", ["empty"]),
    "only whitespace": ("  \n ", ["empty"]),
    "a list": ("[1, 2]", ["JSON object"]),
    "a string": ('"hello"', ["JSON object"]),
    "duplicate key": ('{"age": 30, "age": 40}', ["age", "more than once"]),
    "NaN": ('{"age": NaN}', ["NaN"]),
    "deeply nested": ("[" * 50000 + "]" * 50000, ["nested too deeply"]),
    "missing red flag": (_with(red_flags__fever=_DROP), ["red_flags.fever", "missing"]),
    "missing history": (_with(history=_DROP), ["history", "missing"]),
    "null boolean": (_with(red_flags__chest_pain=None), ["red_flags.chest_pain", "true or false"]),
    "string boolean": (_with(history__cancer="no"), ["history.cancer", "true or false"]),
    "number boolean": (_with(history__cancer=0), ["history.cancer"]),
    "unknown key": (_with(colour="blue"), ["colour", "unknown key"]),
    "unknown red flag": (_with(red_flags__headache=True), ["red_flags.headache", "unknown key"]),
    "age too high": (_with(age=121), ["age", "between 1 and 120"]),
    "age zero": (_with(age=0), ["age"]),
    "age as text": (_with(age="40"), ["age", "whole number"]),
    "age as float": (_with(age=40.5), ["age", "whole number"]),
    "intensity 11": (_with(pain_intensity=11), ["pain_intensity", "between 0 and 10"]),
    "minutes 4": (_with(minutes_per_session=4), ["minutes_per_session", "between 5 and 60"]),
    "days 8": (_with(days_per_week=8), ["days_per_week"]),
    "bad choice": (_with(pain_trend="better"), ["pain_trend", "improving"]),
    "no areas": (_with(pain_areas=[]), ["pain_areas", "at least one"]),
    "repeated area": (_with(pain_areas=["neck", "neck"]), ["pain_areas", "neck"]),
    "unknown area": (_with(pain_areas=["knee"]), ["pain_areas[0]"]),
    "unknown equipment": (_with(equipment=["kettlebell"]), ["equipment[0]"]),
    "bad date": (_with(start_date="2026-02-30"), ["start_date", "real date written YYYY-MM-DD"]),
    "date as number": (_with(start_date=20260101), ["start_date"]),
    "week date": (_with(start_date="2026-W01-1"), ["start_date"]),
    "long name": (_with(name="x" * 101), ["name", "100"]),
    "red_flags not object": (_with(red_flags=True), ["red_flags"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_answers_exit_2_and_name_the_field(name, tmp_path):
    text, expected = CASES[name]
    answers = tmp_path / "answers.json"
    answers.write_text(text, encoding="utf-8")
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["plan", "-a", str(answers), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in expected:
        assert fragment in result.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.json"]


def test_several_problems_are_reported_together():
    text = _with(age=500, red_flags__fever=None, colour=1, history__cancer=_DROP)
    result = CliRunner().invoke(main, ["plan", "-a", "-"], input=text)
    assert result.exit_code == 2
    for field in ("age", "red_flags.fever", "colour", "history.cancer"):
        assert field in result.output


def test_not_utf8_and_too_large(tmp_path):
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"name": "Jos\xe9"}')
    result = CliRunner().invoke(main, ["plan", "-a", str(latin)])
    assert result.exit_code == 2 and "UTF-8" in result.output
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (300 * 1024) + b"{}")
    result = CliRunner().invoke(main, ["plan", "-a", str(huge)])
    assert result.exit_code == 2 and "larger than" in result.output


def test_missing_file_and_directory(tmp_path):
    result = CliRunner().invoke(main, ["plan", "-a", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "no such file" in result.output
    result = CliRunner().invoke(main, ["plan", "-a", str(tmp_path)])
    assert result.exit_code == 2 and "directory" in result.output


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode())
    assert CliRunner().invoke(main, ["plan", "-a", str(path)]).exit_code == 0
