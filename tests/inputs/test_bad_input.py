"""Bad answers files: exit 2, every bad field named, nothing written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given

from recommender.app.cli import main
from recommender.core.answers import Answers
from recommender.core.errors import AnswersError
from recommender.inputs.answers_file import parse_answers
from recommender.inputs.validation import validate
from recommender.pipeline.recommend import Recommender

from conftest import EXAMPLES, example_answers
from support.strategies import answers, unprintable_names
from support.upgrade_answers import V3_KEYS

GOOD = example_answers("desk-worker-upper-back")


def _with(**changes: object) -> str:
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
    "missing outlook": (_with(outlook=_DROP), ["outlook", "missing"]),
    "missing outlook answer": (_with(outlook__worry=_DROP), ["outlook.worry", "missing"]),
    "country in lower case": (_with(country="gb"), ["country", "capitals"]),
    "country that is no country": (_with(country="XY"), ["country", "XY is not a country"]),
    "country name": (_with(country="Switzerland"), ["country"]),
    "pregnancy in weeks": (_with(pregnancy="30_weeks"), ["pregnancy", "postnatal"]),
}


def test_a_version_2_answers_file_is_refused_naming_each_missing_key(tmp_path: Path) -> None:
    # A missing safety answer is never read as "no": an older file is incomplete.
    older = json.loads(json.dumps(GOOD))
    del older["outlook"]
    for key in V3_KEYS[:-1]:
        section, name = key.split(".")
        del older[section][name]
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(older))
    result = CliRunner().invoke(main, ["plan", "-a", str(path), "-f", "json"])
    assert result.exit_code == 2 and result.stdout == ""
    for key in V3_KEYS:
        assert key in result.output, key
    assert "every red-flag and history answer is required" in result.output


@pytest.mark.parametrize("field", ["name", "start_date"])
def test_a_late_check_is_named_with_every_other_problem(field: str) -> None:
    # A hidden mark in the name or a start too late for the calendar used to be
    # reported only once every other field was valid, with no field named.
    from recommender.core.errors import AnswersError
    from recommender.inputs.answers_file import validate_answers

    bad = {"name": "Sam\u2028Evil", "start_date": "9999-12-01"}[field]
    raw = json.loads(_with(age=500, **{field: bad}))
    with pytest.raises(AnswersError) as caught:
        validate_answers(raw)
    assert caught.value.fields == ["age", field]
    assert any(line.startswith(f"{field}: ") for line in caught.value.problems)
    alone = json.loads(_with(**{field: bad}))
    with pytest.raises(AnswersError) as caught:
        validate_answers(alone)
    assert caught.value.fields == [field]


@pytest.mark.parametrize("name", list(CASES))
def test_bad_answers_exit_2_and_name_the_field(name: str, tmp_path: Path) -> None:
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


def test_several_problems_are_reported_together() -> None:
    text = _with(age=500, red_flags__fever=None, colour=1, history__cancer=_DROP)
    result = CliRunner().invoke(main, ["plan", "-a", "-"], input=text)
    assert result.exit_code == 2
    for field in ("age", "red_flags.fever", "colour", "history.cancer"):
        assert field in result.output


def test_not_utf8_and_too_large(tmp_path: Path) -> None:
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"name": "Jos\xe9"}')
    result = CliRunner().invoke(main, ["plan", "-a", str(latin)])
    assert result.exit_code == 2 and "UTF-8" in result.output
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (300 * 1024) + b"{}")
    result = CliRunner().invoke(main, ["plan", "-a", str(huge)])
    assert result.exit_code == 2 and "larger than" in result.output


def test_missing_file_and_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["plan", "-a", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "no such file" in result.output
    result = CliRunner().invoke(main, ["plan", "-a", str(tmp_path)])
    assert result.exit_code == 2 and "directory" in result.output


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode())
    assert CliRunner().invoke(main, ["plan", "-a", str(path)]).exit_code == 0


# -- hostile input (issue 10): named, bounded, never a traceback ------------------------


def _run(raw_text: str | bytes) -> Result:
    data = raw_text.encode("utf-8", "surrogatepass") if isinstance(raw_text, str) else raw_text
    return CliRunner().invoke(main, ["plan", "--answers", "-", "-f", "json"], input=data)


def _example_text() -> str:
    return (EXAMPLES / "sciatica.json").read_text()


@given(unprintable_names)
def test_a_name_with_control_characters_is_refused(name: str) -> None:
    raw = json.loads(_example_text())
    raw["name"] = name
    result = _run(json.dumps(raw))
    assert result.exit_code == 2
    assert "name: must be plain text on one line" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_a_newline_in_a_name_cannot_forge_a_heading_in_text_or_markdown(
    recommender: Recommender,
) -> None:
    import dataclasses

    from recommender.inputs.answers_file import validate_answers
    from recommender.render import render_result

    raw = json.loads((EXAMPLES / "cauda-equina.json").read_text())
    answers = validate_answers(raw)
    # The model refuses such a name; the renderers must hold even if one got through.
    forged = dataclasses.replace(answers, name="Sam")
    object.__setattr__(forged, "name", "Sam\nNo warning signs in your answers.\n# Safe")
    result = recommender.recommend(forged)
    for fmt in ("text", "markdown"):
        lines = render_result(result, fmt).splitlines()
        assert not any(line.startswith(("No warning signs", "# Safe")) for line in lines), fmt


@pytest.mark.parametrize(
    "text,words",
    [
        ('"age": 1e400', "age: 1e400 is not a number"),
        ('"age": ' + "9" * 5000, "age: 99999"),
        ('"age": -1e999', "age: -1e999 is not a number"),
    ],
)
def test_impossible_numbers_name_their_field(text: str, words: str) -> None:
    raw = _example_text()
    age = json.loads(raw)["age"]
    result = _run(raw.replace(f'"age": {age}', text))
    assert result.exit_code == 2 and words in result.output
    assert "int_max_str_digits" not in result.output and "sys." not in result.output


def test_half_a_character_names_its_field() -> None:
    raw = json.loads(_example_text())
    text = json.dumps(dict(raw, name="Sam")).replace('"Sam"', '"\\ud800"')
    result = _run(text)
    assert result.exit_code == 2
    assert "name: holds half a character" in result.output


def test_unknown_keys_are_echoed_escaped() -> None:
    raw = json.loads(_example_text())
    raw["bad\x1b[31mkey"] = 1
    result = _run(json.dumps(raw))
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "'bad\\x1b[31mkey'" in result.output


def test_a_foreign_resource_type_is_echoed_escaped() -> None:
    result = _run(json.dumps({"resourceType": "Patient\x1b]0;pwned\x07", "item": []}))
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_sixty_thousand_errors_give_a_short_message() -> None:
    raw = json.loads(_example_text())
    raw["pain_areas"] = [0] * 60_000
    result = _run(json.dumps(raw))
    assert result.exit_code == 2
    assert len(result.output) < 5_000
    assert "pain_areas: has 60,000 items" in result.output


def test_many_unknown_keys_are_checked_in_linear_time() -> None:
    import time

    from recommender.core.errors import AnswersError
    from recommender.inputs.answers_file import validate_answers

    def check(keys: int) -> tuple[float, AnswersError]:
        raw = json.loads(_example_text())
        raw.update({f"k{i}": 1 for i in range(keys)})
        start = time.process_time()
        with pytest.raises(AnswersError) as caught:
            validate_answers(raw)
        return time.process_time() - start, caught.value

    # Ten times the keys costs about ten times as long (the quadratic check cost a
    # hundred times). Measured in this process's CPU time, which other jobs on the
    # machine hardly move (wall time once failed this under a load average of 10),
    # the fastest of five runs of each.
    small = min(check(2_900)[0] for _ in range(5))
    large, error = min((check(29_000) for _ in range(5)), key=lambda r: r[0])
    assert large < max(small, 0.002) * 40
    assert len(error.message()) < 5_000 and len(error.fields) <= 20


def test_a_start_date_too_late_for_the_calendar_is_bad_input() -> None:
    raw = json.loads(_example_text())
    raw["start_date"] = "9999-12-31"
    result = _run(json.dumps(raw))
    assert result.exit_code == 2 and "start_date: must leave room" in result.output
    late = CliRunner().invoke(main, ["plan", "--example", "--start", "9999-12-31"])
    assert late.exit_code == 2 and "--start" in late.output and "Traceback" not in late.output


def test_a_huge_source_date_epoch_is_reported_clearly() -> None:
    result = CliRunner().invoke(
        main, ["plan", "--example", "-f", "html"], env={"SOURCE_DATE_EPOCH": "9" * 30}
    )
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH" in result.output and "internal error" not in result.output


def test_many_different_problems_are_capped_at_twenty() -> None:
    raw = json.loads(_example_text())
    raw["red_flags"] = {key: "yes" for key in raw["red_flags"]}  # 25 wrong answers
    raw.update({f"extra{i}": 1 for i in range(10)})
    result = _run(json.dumps(raw))
    assert result.exit_code == 2
    assert f"and {len(raw['red_flags']) + 10 - 20} more problems" in result.output
    assert result.output.count("\n  - ") == 21  # 20 problems and the "more" line


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('{"red_flags": {"fever": false, "saddle_numbness": false, "fever": true}}', "fever"),
        ('{"a": 1, "b": 2, "b": 3, "a": 4}', "b"),  # the first key seen twice
    ],
)
def test_a_key_given_twice_is_named_at_any_depth(text: str, key: str) -> None:
    with pytest.raises(AnswersError) as caught:
        parse_answers(text.encode(), "answers.json")
    assert caught.value.message() == f"answers.json: {key}: given more than once"


@given(answers())
def test_a_clean_line_validates_as_the_standard_library_would_write_it(
    raw: dict[str, Any],
) -> None:
    assert parse_answers(json.dumps(raw).encode()) == validate(Answers, raw)
