"""`backplan intake`: scripted with CliRunner, fuzzed with hypothesis, and in a real
pseudo-terminal."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn, Optional

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.app.cli import main
from recommender.core.answers import answer_fields, answer_keys
from recommender.inputs.questionnaire import Invalid, load_questionnaire, parse_answer

from conftest import example_answers
from support import default_signals
from support.intake_script import replies, reply_line
from support.terminal import Child

QUESTIONS = load_questionnaire()
DESK = example_answers("desk-worker-upper-back")
TODAY = dt.date(2026, 12, 1)


def run(*args: str, lines: Iterable[str] = (), input_text: Optional[str] = None) -> Result:
    text = input_text if input_text is not None else "\n".join(lines) + "\n"
    return CliRunner().invoke(main, ["intake", *args], input=text, env={"NO_COLOR": "1"})


# -- the questions --------------------------------------------------------------------


def test_questions_and_answers_model_cover_each_other_exactly() -> None:
    keys = [q.key for q in QUESTIONS.questions]
    # The country is asked first, by its own question (it names the emergency number).
    assert sorted([*keys, "country"]) == sorted(answer_keys())
    assert len(keys) == len(set(keys))
    for q in QUESTIONS.questions:
        spec = answer_fields().get(q.key)
        if spec and spec.kind in ("choice", "choices"):
            assert set(q.choices) == set(spec.choices), q.key
        if q.key.startswith(("red_flags.", "history.")):
            assert q.default is None, f"{q.key} must have no default"


def test_question_order_who_and_where_then_most_serious_flags_first() -> None:
    keys = [q.key for q in QUESTIONS.questions]
    assert keys[:6] == [
        "age",
        "pain_areas",
        "pain_intensity",
        "pain_duration",
        "pain_trend",
        "onset",
    ]
    flags = [k for k in keys if k.startswith("red_flags.")]
    emergency_alone = {
        "saddle_numbness",
        "bladder_bowel_change",
        "sexual_dysfunction",
        "both_legs_symptoms",
        "chest_pain",
        "tearing_pain",
        "breathlessness",
        "stroke_signs",
        "sudden_severe_neck_pain",
    }
    assert {k.split(".")[1] for k in flags[:9]} == emergency_alone
    last_flag = max(keys.index(k) for k in flags)
    assert all(keys.index(k) > last_flag for k in keys if k.startswith("history."))
    assert keys.index("equipment") > max(keys.index(k) for k in keys if k.startswith("history."))


@pytest.mark.parametrize(
    "key,typed,expected",
    [
        ("age", " 42 ", 42),
        ("pain_areas", "1 5", ["neck", "lower_back"]),
        ("pain_areas", "neck, lower_back, neck", ["neck", "lower_back"]),
        ("pain_areas", "Lower", ["lower_back"]),
        ("pain_trend", "3", "worsening"),
        ("pain_trend", "WORSENING", "worsening"),
        ("red_flags.fever", "Y", True),
        ("red_flags.fever", "no", False),
        ("equipment", "", []),
        ("equipment", "none", []),
        ("equipment", "2,7", ["wall", "foam_roller"]),
        ("days_per_week", "", 3),
        ("pregnancy", "", "no"),
        ("start_date", "2027-01-04", "2027-01-04"),
        ("start_date", "today", "2026-12-01"),
        ("start_date", "Tomorrow", "2026-12-02"),
        ("start_date", "", None),
        ("pain_areas", "Lower back", ["lower_back"]),
        ("pain_areas", "upper back, Middle back", ["upper_back", "mid_back"]),
        ("pain_areas", "neck and lower back", ["neck", "lower_back"]),
        ("pain_areas", "mid_back", ["mid_back"]),
        ("pregnancy", "n", "no"),
        ("pregnancy", "No", "no"),
        ("pregnancy", "yes, 3 months or more", "later_trimester"),
        ("equipment", "resistance band, Sturdy chair", ["resistance_band", "chair"]),
        ("onset", "after a road accident", "major_injury"),
        ("name", "  Sam \x1b[31m ", "Sam [31m"),
        # A word found in one choice only is that choice, and common words for a
        # choice are listed in data/questions.yaml (issue 24).
        ("equipment", "band", ["resistance_band"]),
        ("equipment", "weights, kitchen counter", ["dumbbells", "worktop"]),
        ("onset", "lifting", "minor_injury"),
        ("onset", "car crash", "major_injury"),
        ("pain_trend", "worse", "worsening"),
        ("pain_areas", "low back and neck", ["lower_back", "neck"]),
        # Days of the week (TODAY, 2026-12-01, is a Tuesday).
        ("start_date", "next monday", "2026-12-07"),
        ("start_date", "Monday", "2026-12-07"),
        ("start_date", "tuesday", "2026-12-01"),
        ("start_date", "next tuesday", "2026-12-08"),
        ("start_date", "fri", "2026-12-04"),
    ],
)
def test_answers_are_read_the_way_people_type_them(key: str, typed: str, expected: object) -> None:
    question = next(q for q in QUESTIONS.questions if q.key == key)
    assert parse_answer(question, typed, TODAY) == expected


@pytest.mark.parametrize(
    "key,typed",
    [
        ("age", "0"),
        ("age", "121"),
        ("age", "forty"),
        ("age", "4.5"),
        ("age", ""),
        ("pain_areas", ""),
        ("pain_areas", "6"),
        ("pain_areas", "knee"),
        ("red_flags.fever", ""),
        ("red_flags.fever", "maybe"),
        ("history.cancer", " "),
        ("pain_trend", "0"),
        ("start_date", "2027-02-30"),
        ("start_date", "soon"),
        ("start_date", "2026-11-30"),
        ("pregnancy", "y"),
        ("pain_areas", "back"),
        ("equipment", "mat"),
        ("onset", "fall"),  # a small fall, or a fall from a height? asked, never guessed
        ("name", "x" * 101),
    ],
)
def test_bad_answers_are_explained(key: str, typed: str) -> None:
    question = next(q for q in QUESTIONS.questions if q.key == key)
    with pytest.raises(Invalid) as problem:
        parse_answer(question, typed, TODAY)
    assert str(problem.value).startswith("Please")
    if question.choices and typed.strip():  # the word not understood, and the choices as shown
        assert f'"{typed.lower()}"' in str(problem.value)
        assert not any(f" {code}" in str(problem.value) for code in question.choices if "_" in code)


# -- the whole conversation ---------------------------------------------------------------


def test_happy_path_saves_answers_that_give_the_same_result_as_plan(tmp_path: Path) -> None:
    saved = tmp_path / "answers.json"
    result = run("--save", str(saved), "-f", "json", lines=replies(DESK, QUESTIONS))
    assert result.exit_code == 0, result.output
    assert json.loads(saved.read_text()) == DESK
    planned = CliRunner().invoke(main, ["plan", "-a", str(saved), "-f", "json"])
    assert result.stdout == planned.stdout
    assert json.loads(result.stdout)["plan"] is not None
    assert f"[{len(QUESTIONS.questions)}/{len(QUESTIONS.questions)}]" in result.stderr


def test_text_result_shows_warnings_before_the_plan() -> None:
    answers = example_answers("sciatica")
    result = run(lines=replies(answers, QUESTIONS, country="US"))
    assert result.exit_code == 0
    out = result.stdout
    assert out.index("SEE A CLINICIAN SOON") < out.index("YOUR PLAN")
    assert "Pain or tingling spreading down an arm or leg" in out


def test_an_emergency_answer_stops_the_intake_at_once(tmp_path: Path) -> None:
    saved = tmp_path / "partial.json"
    answers = json.loads(json.dumps(DESK))
    answers["red_flags"]["saddle_numbness"] = True
    lines = replies(answers, QUESTIONS, country="GB")
    result = run("--save", str(saved), lines=lines)
    assert result.exit_code == 0
    assert "EMERGENCY: call 999" in result.stdout
    assert "Numbness around the saddle area" in result.stdout
    asked = [q.key for q in QUESTIONS.questions].index("red_flags.saddle_numbness") + 1
    assert f"[{asked}/" in result.stderr and f"[{asked + 1}/" not in result.stderr
    partial = json.loads(saved.read_text())
    assert partial["red_flags"] == {"saddle_numbness": True}
    refused = CliRunner().invoke(main, ["plan", "-a", str(saved)])
    assert refused.exit_code == 2 and "red_flags.fever" in refused.output


def test_a_recent_major_injury_at_66_stops_the_intake_before_any_symptom_question() -> None:
    answers = dict(DESK, onset="major_injury", age=66, pain_duration="under_6_weeks")
    result = run("-f", "json", lines=replies(answers, QUESTIONS))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["triage"]["level"] == "emergency" and data["intake_stopped"] is True
    assert [f["id"] for f in data["triage"]["flags"]] == ["RF-TRAUMA-HIGH-RISK"]
    assert "Warning signs" not in result.stderr


def test_whiplash_at_34_is_asked_every_question_and_ends_urgent_with_keep_moving() -> None:
    # Not an emergency on its own: the symptom questions decide whether it is (arm
    # tingling after a crash is), so none of them is skipped.
    answers = dict(DESK, onset="major_injury", age=34, pain_duration="under_6_weeks")
    result = run("-f", "json", lines=replies(answers, QUESTIONS))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["triage"]["level"] == "urgent" and "intake_stopped" not in data
    assert [f["id"] for f in data["triage"]["flags"]] == ["RF-TRAUMA"]
    assert "Warning signs" in result.stderr
    advice = data["triage"]["flags"][0]["advice"]
    assert "gently moving" in advice and "keep still" not in advice.lower()


def test_a_combined_emergency_fires_when_its_last_part_is_answered() -> None:
    answers = json.loads(json.dumps(DESK))
    answers["red_flags"]["limb_weakness_worsening"] = True  # urgent alone
    answers["history"]["cancer"] = True  # with it: RF-MSCC, an emergency
    result = run(lines=replies(answers, QUESTIONS))
    assert "Cancer history with nerve or spinal cord symptoms" in result.stdout
    assert "Have you ever had cancer?" in result.stderr
    assert "osteoporosis" not in result.stderr


def test_bad_answers_are_asked_again() -> None:
    lines = replies(DESK, QUESTIONS)
    lines[1:2] = ["forty", "200", lines[1]]  # age
    lines.insert(lines.index("n"), "perhaps")  # the first yes/no question
    result = run(lines=lines)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Please give a whole number from 1 to 120.") == 2
    assert "Please answer yes or no (y or n)." in result.stderr


def test_unknown_country_is_asked_again_and_bad_option_refused() -> None:
    lines = replies(DESK, QUESTIONS)
    lines[0:1] = ["Narnia", "au"]
    result = run(lines=lines)
    assert result.exit_code == 0 and 'I do not know "Narnia" as a country' in result.stderr
    assert "call 000" in result.stderr
    refused = run("--country", "XX", lines=lines)
    assert refused.exit_code == 2 and "unknown country code" in refused.output


def test_end_of_input_stops_cleanly_and_saves_nothing(tmp_path: Path) -> None:
    saved = tmp_path / "answers.json"
    result = run("--save", str(saved), lines=replies(DESK, QUESTIONS)[:10])
    assert result.exit_code == 1
    assert "Intake stopped; nothing was saved." in result.stderr
    assert "Traceback" not in result.output
    assert not saved.exists()


def test_ctrl_c_stops_cleanly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def interrupted(hint: str = "") -> NoReturn:
        raise KeyboardInterrupt

    monkeypatch.setattr("recommender.app.intake.read_reply", interrupted)
    saved = tmp_path / "answers.json"
    result = CliRunner().invoke(main, ["intake", "--save", str(saved)])
    assert result.exit_code == 130
    assert "nothing was saved" in result.output
    assert not saved.exists()


@settings(max_examples=60)
@given(
    st.lists(st.text(max_size=30).filter(lambda s: "\n" not in s and "\r" not in s), max_size=60)
)
def test_nothing_typed_crashes_the_intake(lines: list[str]) -> None:
    result = run(lines=lines)
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


# -- a real terminal ----------------------------------------------------------------------


# pexpect has no type information (the lock holds no stubs): the module is Any, and
# each child it spawns is held as a support.terminal.Child.
pexpect: Any = pytest.importorskip("pexpect") if sys.platform != "win32" else None


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_intake_in_a_real_pseudo_terminal() -> None:
    child: Child = pexpect.spawn(
        sys.executable,
        ["-m", "recommender", "intake"],
        encoding="utf-8",
        preexec_fn=default_signals,
        timeout=30,
        env=dict(os.environ, NO_COLOR="1"),
        dimensions=(40, 100),
    )
    child.expect(r"Which country")
    child.sendline("NZ")
    child.expect(r"How old are you\?")
    child.sendline("50")
    child.expect(r"Where does it hurt\?")
    child.sendline("5")
    child.expect(r"how bad")
    child.sendline("4")
    for _ in range(3):  # duration, trend, onset
        child.expect(r"> ")
        child.sendline("1")
    child.expect(r"saddle")
    child.sendline("n")
    child.expect(r"bladder")
    child.sendline("y")
    child.expect(r"EMERGENCY: call 111")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_ctrl_c_in_a_real_terminal() -> None:
    child: Child = pexpect.spawn(
        sys.executable,
        ["-m", "recommender", "intake", "--country", "US"],
        encoding="utf-8",
        preexec_fn=default_signals,
        timeout=30,
        env=dict(os.environ, NO_COLOR="1"),
    )
    child.expect(r"How old are you\?")
    child.sendintr()
    child.expect(r"nothing was saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


# -- bytes a terminal might send (issue 10, item 8) -----------------------------------


def _typed_bytes(replace_name: bytes) -> bytes:
    lines = replies(DESK, QUESTIONS)
    name_at = reply_line(DESK, QUESTIONS, "name")
    encoded = [line.encode() for line in lines]
    encoded[name_at : name_at + 1] = [replace_name, b"Sam"]  # the bad reply, then a good one
    return b"\n".join(encoded) + b"\n"


def test_a_byte_that_is_not_utf8_is_asked_again_and_nothing_is_lost(tmp_path: Path) -> None:
    saved = tmp_path / "me.json"
    typed = _typed_bytes(b"S\xe9bastien")  # Latin-1, not UTF-8
    result = CliRunner().invoke(main, ["intake", "--save", str(saved)], input=typed)
    assert result.exit_code == 0, result.output
    assert "could not be read" in result.stderr
    assert json.loads(saved.read_text())["name"] == "Sam"


def test_a_huge_reply_is_refused_quickly_and_asked_again(tmp_path: Path) -> None:
    import time

    saved = tmp_path / "me.json"
    typed = _typed_bytes(b"x" * (25 * 1024 * 1024))
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["intake", "--save", str(saved)], input=typed)
    assert time.perf_counter() - start < 10
    assert result.exit_code == 0, result.output[-500:]
    assert "too long" in result.stderr
    assert json.loads(saved.read_text())["name"] == "Sam"
