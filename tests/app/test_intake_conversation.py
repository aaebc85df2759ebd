"""The intake as a person in pain lives it (issue 13): going back, the review, Ctrl-C
and --resume, answers typed as shown, the early stop for a minor, dates, countries
and the ending. Each is a scripted conversation through the real command."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Optional

import pytest
from click.testing import CliRunner, Result

from recommender.app.cli import main
from recommender.inputs.questionnaire import load_questionnaire

from conftest import example_answers
from support.intake_script import replies, reply_line

QUESTIONS = load_questionnaire()
KEYS = [q.key for q in QUESTIONS.questions]
TOTAL = len(KEYS)
DESK = example_answers("desk-worker-upper-back")
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The start date's checks read today through one function; fixing it keeps the
    tests' dates from expiring."""
    monkeypatch.setattr("recommender.app.intake_session.today", lambda: TODAY)


def run(*args: str, lines: Iterable[str] = (), env: Optional[Mapping[str, str]] = None) -> Result:
    text = "\n".join(lines) + "\n"
    return CliRunner().invoke(
        main, ["intake", *args], input=text, env={"NO_COLOR": "1", **(env or {})}
    )


def line_of(key: str, answers: dict[str, Any] = DESK) -> int:
    """The index in replies(answers) of the reply to `key` (the country comes first)."""
    return reply_line(answers, QUESTIONS, key)


# -- going back ----------------------------------------------------------------------------


def test_going_back_three_questions_and_changing_an_answer(tmp_path: Path) -> None:
    saved = tmp_path / "me.json"
    lines = replies(DESK, QUESTIONS)
    saddle = line_of("red_flags.saddle_numbness")
    # At the first warning-sign question: back to onset, trend, then duration...
    detour = ["back", "b", "BACK", "3", "", ""]  # ...a new duration; Enter keeps the next two
    lines[saddle:saddle] = detour
    result = run("--save", str(saved), lines=lines)
    assert result.exit_code == 0, result.output[-2000:]
    expected = dict(DESK, pain_duration="over_12_weeks")
    assert json.loads(saved.read_text()) == expected
    duration = KEYS.index("pain_duration") + 1
    assert result.stderr.count(f"[{duration}/{TOTAL}]") == 2
    assert "[Enter: keep 'About the same'; back: the one before]" in result.stderr


def test_back_at_the_first_question_stays_there() -> None:
    lines = replies(DESK, QUESTIONS)
    lines[1:1] = ["back"]
    result = run(lines=lines)
    assert result.exit_code == 0
    assert "This is the first question." in result.stderr


def test_the_emergency_stop_fires_after_going_back() -> None:
    lines = replies(DESK, QUESTIONS, country="GB")
    bladder = line_of("red_flags.bladder_bowel_change")
    # "No" to the saddle question, then back to it from the next one, and "yes".
    lines[bladder:] = ["back", "y"]
    result = run(lines=lines)
    assert result.exit_code == 0
    assert (
        "EMERGENCY: call 999" in result.stdout
        and "Numbness around the saddle area" in result.stdout
    )
    assert f"[{KEYS.index('red_flags.sexual_dysfunction') + 1}/" not in result.stderr


# -- the review -----------------------------------------------------------------------------


def test_the_review_lists_every_answer_in_plain_words_by_section() -> None:
    result = run(lines=replies(DESK, QUESTIONS))
    assert result.exit_code == 0
    review = result.stderr[result.stderr.index("Your answers:") :]
    for heading in ("About you and your pain", "Warning signs", "Your health", "Your equipment"):
        assert heading in review
    assert f"  1. Age: {DESK['age']}" in review
    assert "Where it hurts: Upper back (between the shoulder blades), Neck" in review
    assert "upper_back" not in review and "True" not in review and "False" not in review
    assert f"{KEYS.index('name') + 1:>2}. Name on the plan: Sam" in review
    # Not asked at 34: every rule that reads them needs 50 or over.
    assert (
        "New headache at the temples, jaw pain on chewing or a change in sight: not asked under 50"
        in " ".join(review.split())
    )


def test_two_answers_edited_at_the_review(tmp_path: Path) -> None:
    saved = tmp_path / "me.json"
    lines = replies(DESK, QUESTIONS, review=False)
    days = KEYS.index("days_per_week") + 1
    intensity = KEYS.index("pain_intensity") + 1
    lines += [str(days), "5", "x", str(intensity), "7", ""]
    result = run("--save", str(saved), lines=lines)
    assert result.exit_code == 0, result.output[-2000:]
    assert json.loads(saved.read_text()) == dict(DESK, days_per_week=5, pain_intensity=7)
    # The list once; each change confirmed on one line, which never scrolls away.
    assert result.stderr.count("Your answers:") == 1
    assert f"Changed: {days}. Days a week: 5" in result.stderr
    assert f"Changed: {intensity}. Pain over the past week (0 to 10): 7" in result.stderr
    assert f"Please type a number from 1 to {TOTAL}" in result.stderr


def test_an_emergency_answer_given_at_the_review_stops_at_once() -> None:
    lines = replies(DESK, QUESTIONS, country="US", review=False)
    lines += [str(KEYS.index("red_flags.chest_pain") + 1), "y"]
    result = run("-f", "json", lines=lines)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["intake_stopped"] is True and data["triage"]["level"] == "emergency"
    assert "RF-CARDIAC" in [f["id"] for f in data["triage"]["flags"]] or data["triage"]["flags"]


# -- answers typed as shown --------------------------------------------------------------------


def test_lower_back_as_shown_and_no_at_pregnancy(tmp_path: Path) -> None:
    saved = tmp_path / "me.json"
    answers = dict(DESK, pain_areas=["lower_back", "neck"])
    lines = replies(answers, QUESTIONS)
    lines[line_of("pain_areas")] = "Lower back, neck"
    lines[line_of("pregnancy")] = "no"
    result = run("--save", str(saved), lines=lines)
    assert result.exit_code == 0, result.output[-2000:]
    assert json.loads(saved.read_text()) == answers
    lines[line_of("pain_areas")] = "Lower back neck"
    lines[line_of("pregnancy")] = "n"
    again = run("--save", str(saved), lines=lines)
    assert again.exit_code == 0 and json.loads(saved.read_text()) == answers
    assert "Please" not in again.stderr.split("Your answers:")[0]  # nothing was refused


def test_a_refusal_quotes_the_word_and_lists_the_choices_as_shown() -> None:
    lines = replies(DESK, QUESTIONS)
    lines[line_of("equipment") : line_of("equipment")] = ["mat, band, weights"]
    result = run(lines=lines)
    assert result.exit_code == 0
    said = " ".join(result.stderr.split())
    refusal = said[said.index('"mat"') : said.index("[Enter: none]", said.index('"mat"'))]
    assert refusal.startswith('"mat" is not one of: 1) A sturdy chair, 2) A clear wall,')
    assert "6) A resistance band, 7) A foam roller." in refusal
    assert "resistance_band" not in refusal and "foam_roller" not in refusal


# -- stopping early for a minor ------------------------------------------------------------------


def test_a_16_year_old_is_told_after_one_question(tmp_path: Path) -> None:
    saved = tmp_path / "me.json"
    result = run("--save", str(saved), lines=["", "16"])
    assert result.exit_code == 0, result.output
    assert f"[1/{TOTAL}]" in result.stderr and f"[2/{TOTAL}]" not in result.stderr
    assert "No exercise plan is given. backplan is built for adults" in result.stdout
    assert "Call your local emergency number" in result.stdout  # nothing was screened
    assert "In short: no exercise plan (under 18)" in result.stderr
    assert json.loads(saved.read_text()) == {"age": 16}
    as_json = run("-f", "json", lines=["", "16"])
    data = json.loads(as_json.stdout)
    assert data["triage"] is None and data["plan"] is None and data["intake_stopped"]
    assert data["plan_withheld"]["id"] == "WH-MINOR"


def test_an_adult_is_not_stopped_and_a_minor_age_given_later_still_gets_a_full_triage() -> None:
    lines = replies(DESK, QUESTIONS, review=False) + ["1", "17", ""]
    result = run("-f", "json", lines=lines)
    data = json.loads(result.stdout)
    planned = CliRunner().invoke(
        main, ["plan", "-a", "-", "-f", "json"], input=json.dumps(dict(DESK, age=17))
    )
    assert data["plan_withheld"]["id"] == "WH-MINOR" and "intake_stopped" not in data
    assert data["triage"] == json.loads(planned.stdout)["triage"]  # the full screening


# -- dates ---------------------------------------------------------------------------------------


def test_a_start_date_in_the_past_is_refused_and_tomorrow_accepted(tmp_path: Path) -> None:
    saved = tmp_path / "me.json"
    lines = replies(DESK, QUESTIONS)
    lines[line_of("start_date") : line_of("start_date") + 1] = ["2026-11-30", "tomorrow"]
    result = run("--save", str(saved), lines=lines)
    assert result.exit_code == 0
    assert "2026-11-30 has already passed" in result.stderr
    assert json.loads(saved.read_text())["start_date"] == "2026-12-02"


# -- countries -----------------------------------------------------------------------------------

#: An emergency settled by the first page of answers (RF-TRAUMA-HIGH-RISK).
CRASH_AT_66 = dict(DESK, onset="major_injury", age=66, pain_duration="under_6_weeks")


@pytest.mark.parametrize(
    "typed,number",
    [("CH", "144"), ("no", "113"), ("Japan", "119"), ("ZA", "10177"), ("che", "144")],
)
def test_countries_refused_before_now_have_their_number(typed: str, number: str) -> None:
    lines = replies(CRASH_AT_66, QUESTIONS, country=typed)
    result = run(lines=lines)
    assert result.exit_code == 0
    assert f"EMERGENCY: call {number} or go" in result.stdout


def test_a_country_without_a_checked_number_gets_the_neutral_wording() -> None:
    result = run(lines=replies(CRASH_AT_66, QUESTIONS, country="Chad"))
    assert "backplan has no checked emergency number there" in result.stderr
    assert "call your local emergency number" in result.stdout


# -- the ending ----------------------------------------------------------------------------------


def test_the_last_screen_is_the_summary(tmp_path: Path) -> None:
    saved = tmp_path / "me.json"
    result = run("--save", str(saved), lines=replies(example_answers("sciatica"), QUESTIONS))
    assert result.exit_code == 0
    lines = result.stderr.rstrip("\n").splitlines()
    tail = lines[max(i for i, line in enumerate(lines) if line.startswith("-----")) + 1 :]
    assert len(tail) <= 12  # it all fits on the last screen of 24 lines
    assert tail[0].startswith("In short: SEE A CLINICIAN SOON")
    said = " ".join(" ".join(tail).split())
    assert "This week: Monday," in said and "minutes each:" in said
    assert "Your plan (4 weeks, 4 days a week" in " ".join(" ".join(tail).split())
    command = " ".join(line.strip().rstrip("\\").strip() for line in tail[-2:])
    assert command.endswith(f"backplan plan --answers {saved} --format html -o plan.html")
    assert all(len(line) <= 78 for line in tail if str(saved) not in line)


def test_with_o_stderr_says_where_the_result_went_and_the_level(tmp_path: Path) -> None:
    out = tmp_path / "plan.txt"
    result = run("-o", str(out), lines=replies(example_answers("sciatica"), QUESTIONS))
    assert result.exit_code == 0 and result.stdout == ""
    said = " ".join(result.stderr.split())
    assert f"The result was written to {out}." in said
    assert "In short: SEE A CLINICIAN SOON" in said
    assert "YOUR PLAN" in out.read_text()


# -- Ctrl-C and --resume -------------------------------------------------------------------------


class Script:
    """Replies from a list, with Ctrl-C pressed before reply number `stop_at`."""

    def __init__(self, lines: Iterable[str], stop_at: Optional[int] = None) -> None:
        self.lines = list(lines)
        self.stop_at = stop_at
        self.read = 0

    def __call__(self, hint: str = "") -> str:
        if self.read == self.stop_at:
            self.stop_at = None
            raise KeyboardInterrupt
        if self.read >= len(self.lines):
            raise EOFError
        self.read += 1
        return self.lines[self.read - 1]


def test_ctrl_c_keeps_a_private_draft_and_resume_gives_byte_identical_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lines = replies(DESK, QUESTIONS, country="GB")
    whole = run("-f", "json", lines=lines)
    whole_text = run(lines=lines)
    assert whole.exit_code == 0 and whole_text.exit_code == 0

    stop_at = line_of("red_flags.fever")
    script = Script([*lines[:stop_at], "y"], stop_at=stop_at)
    monkeypatch.setattr("recommender.app.intake.read_reply", script)
    stopped = CliRunner().invoke(main, ["intake", "-f", "json"])
    assert stopped.exit_code == 130, stopped.output
    draft = str(tmp_path.parent / "nowhere")  # replaced by the path the intake names
    for line in stopped.stderr.splitlines():
        if line.startswith("  backplan intake --resume "):
            draft = line.split("--resume ", 1)[1].strip()
    assert os.path.exists(draft) and draft.startswith(os.environ["XDG_DATA_HOME"])
    assert stat.S_IMODE(os.stat(draft).st_mode) == 0o600
    kept = json.loads(open(draft).read())
    # Every question before the fever's was answered, but those not asked at 34.
    before = QUESTIONS.questions[: KEYS.index("red_flags.fever")]
    assert kept["country"] == "GB"
    assert len(kept["answers"]) == sum(not q.skipped(DESK["age"]) for q in before)

    refused = CliRunner().invoke(main, ["plan", "-a", draft])
    assert refused.exit_code == 2 and "unfinished intake" in refused.output

    monkeypatch.setattr("recommender.app.intake.read_reply", Script(lines[stop_at:]))
    resumed = CliRunner().invoke(main, ["intake", "-f", "json", "--resume", draft])
    assert resumed.exit_code == 0, resumed.output[-2000:]
    assert resumed.stdout_bytes == whole.stdout_bytes
    fever = KEYS.index("red_flags.fever") + 1
    assert f"Continuing your unfinished intake from question {fever}." in resumed.stderr
    assert not os.path.exists(draft)  # a finished intake leaves no health data behind

    script = Script([*lines[:stop_at], "y"], stop_at=stop_at)
    monkeypatch.setattr("recommender.app.intake.read_reply", script)
    CliRunner().invoke(main, ["intake"])
    monkeypatch.setattr("recommender.app.intake.read_reply", Script(lines[stop_at:]))
    resumed_text = CliRunner().invoke(main, ["intake", "--resume", draft])
    assert resumed_text.stdout_bytes == whole_text.stdout_bytes


def test_ctrl_c_with_save_keeps_the_draft_there_and_resumes_into_the_answers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    saved = tmp_path / "me.json"
    lines = replies(DESK, QUESTIONS)
    stop_at = line_of("equipment")
    monkeypatch.setattr(
        "recommender.app.intake.read_reply", Script([*lines[:stop_at], "yes"], stop_at)
    )
    stopped = CliRunner().invoke(main, ["intake", "--save", str(saved)])
    assert stopped.exit_code == 130
    assert f"backplan intake --resume {saved} --save {saved}" in stopped.stderr
    assert "backplan_intake_draft" in saved.read_text()
    monkeypatch.setattr("recommender.app.intake.read_reply", Script(lines[stop_at:]))
    resumed = CliRunner().invoke(main, ["intake", "--resume", str(saved), "--save", str(saved)])
    assert resumed.exit_code == 0, resumed.output[-2000:]
    assert json.loads(saved.read_text()) == DESK


def test_ctrl_c_and_no_keeps_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    lines = replies(DESK, QUESTIONS)
    monkeypatch.setattr("recommender.app.intake.read_reply", Script([*lines[:5], "n"], 5))
    saved = tmp_path / "me.json"
    stopped = CliRunner().invoke(main, ["intake", "--save", str(saved)])
    assert stopped.exit_code == 130 and "nothing was saved" in stopped.stderr
    assert not saved.exists()


def test_a_resumed_draft_is_checked_again(tmp_path: Path) -> None:
    draft = tmp_path / "draft.json"
    answers = {"age": 50, "pain_areas": ["neck"], "start_date": "2026-11-01"}
    draft.write_text(json.dumps({"backplan_intake_draft": 1, "country": None, "answers": answers}))
    at_50 = dict(DESK, age=50)
    lines = replies(at_50, QUESTIONS)[line_of("pain_intensity", at_50) :]
    result = run("--resume", str(draft), lines=lines)
    assert result.exit_code == 0, result.output[-2000:]
    start = KEYS.index("start_date") + 1
    assert f"Your earlier answer to question {start} cannot be used now" in result.stderr
    draft.write_text(json.dumps({"backplan_intake_draft": 1, "answers": {"knee": 1}}))
    bad = run("--resume", str(draft))
    assert bad.exit_code == 2 and "answers.knee: not a question of the intake" in bad.output
    draft.write_text(json.dumps(DESK))
    not_draft = run("--resume", str(draft))
    assert not_draft.exit_code == 2 and "is not an unfinished intake" in not_draft.output


def test_a_complete_draft_is_still_refused_by_plan(tmp_path: Path) -> None:
    from recommender.inputs.intake_draft import draft_json

    given = {}
    for question in QUESTIONS.questions:
        node: object = DESK
        for part in question.key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        given[question.key] = copy.deepcopy(node)
    draft = tmp_path / "draft.json"
    draft.write_text(draft_json("GB", given, QUESTIONS))
    refused = CliRunner().invoke(main, ["plan", "-a", str(draft)])
    assert refused.exit_code == 2 and "unfinished intake (a draft)" in refused.output
    resumed = run("--resume", str(draft), lines=[""])
    assert resumed.exit_code == 0 and "the review of your answers" in resumed.stderr


def test_a_resumed_draft_that_holds_an_emergency_stops_before_any_question(tmp_path: Path) -> None:
    draft = tmp_path / "draft.json"
    answers = {"age": 50, "red_flags.saddle_numbness": True}
    draft.write_text(json.dumps({"backplan_intake_draft": 1, "country": "NO", "answers": answers}))
    result = run("--resume", str(draft))
    assert result.exit_code == 0
    assert (
        "EMERGENCY: call 113" in result.stdout
        and "Numbness around the saddle area" in result.stdout
    )
    assert "[" not in result.stderr.split("EMERGENCY")[0]  # no question was asked


# -- nothing hides a warning (docs/clinical-safety.md, S-NAME-HIDES-WARNING) -----------------

#: A fall at 69: urgent (RF-FRACTURE), so the end of the intake carries a warning.
FALL_AT_69 = dict(DESK, age=69, pain_areas=["lower_back"], onset="minor_injury")


@pytest.mark.parametrize("hidden", ["\u2028", "\u202e", "\u2067"])
def test_a_name_with_an_invisible_mark_is_asked_again_at_once_and_the_warning_is_shown(
    tmp_path: Path, hidden: str
) -> None:
    # A line separator, or the right-to-left marks that apps paste in: version 2
    # accepted them at the question and refused the whole intake at the end.
    saved = tmp_path / "me.json"
    lines = replies(FALL_AT_69, QUESTIONS)
    at = reply_line(FALL_AT_69, QUESTIONS, "name")
    lines[at] = f"Sam{hidden}Evil"
    lines.insert(at + 1, "Sam")
    result = run("--save", str(saved), lines=lines)
    assert result.exit_code == 0, result.output[-2000:]
    asked = result.stderr.index("What name should go on your plan?")
    refusal = result.stderr.index("Please type the name as plain text", asked)
    assert refusal < result.stderr.index("Your answers:")  # at once, not at the end
    assert "URGENT: see a doctor today" in result.stdout
    assert json.loads(saved.read_text())["name"] == "Sam"


def test_a_name_refused_at_the_end_still_shows_the_warning_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Should the name question's check and the model's ever differ again, the triage
    # of the health answers is shown first, then the problem, and nothing is saved.
    monkeypatch.setattr("recommender.inputs.questionnaire.name_problem", lambda name: None)
    saved = tmp_path / "me.json"
    lines = replies(dict(FALL_AT_69, name="Sam\u2028Evil"), QUESTIONS)
    result = run("--save", str(saved), lines=lines)
    assert result.exit_code == 2
    warning = result.stderr.index("URGENT: see a doctor today")
    assert "before you are seen" in result.stderr
    assert warning < result.stderr.index("name: must be plain text")
    assert not saved.exists()


def test_the_country_chosen_at_the_start_is_written_into_the_answers(tmp_path: Path) -> None:
    saved = tmp_path / "me.json"
    result = run("--save", str(saved), lines=replies(DESK, QUESTIONS, country="Switzerland"))
    assert result.exit_code == 0
    assert json.loads(saved.read_text())["country"] == "CH"
    planned = CliRunner().invoke(main, ["plan", "-a", str(saved), "-f", "json"])
    assert json.loads(planned.stdout)["emergency_number"] == "144"


def test_the_intake_asks_every_new_question_of_version_3(tmp_path: Path) -> None:
    older = dict(DESK, age=72)
    result = run(lines=replies(older, QUESTIONS))
    assert result.exit_code == 0, result.output[-2000:]
    said = " ".join(result.stderr.split())
    for words in (
        "NEW or quickly worsening",  # both legs
        "eases when you sit down or bend forward",  # walking leg pain
        "wake you in the second half of the night",  # inflammatory signs, part 1
        "moves from one side to the other",  # ... part 2
        "both shoulders or both hips",  # girdle stiffness (asked from 50)
        "a new headache at your temples",  # GCA (asked from 50)
        "broken a bone in a fall from standing height",  # fragility fracture
        "hip replaced",
        "psoriasis, Crohn's disease",
        "Does the pain wake you up at night?",  # night pain, part 2
        "kitchen worktop",
        "had a baby in the last 6 months",
        "help choose the right kind of help",  # the outlook's introduction
        "Do you worry that moving or exercising could damage",
        "Lately, have you felt down",
    ):
        assert words in said, words
    # 72 began this pain after 45 or not: the question is asked from 45.
    assert "Did this back or neck pain first begin before you were 45?" in said


def test_a_typical_intake_asks_about_fifty_questions() -> None:
    # The length a person meets: the desk worker, 34, answering no to each warning sign
    # (a question in two parts is asked twice; three are not asked under 45 or 50).
    typed = replies(DESK, QUESTIONS, review=False)[1:]  # without the country
    assert len(typed) == len(QUESTIONS.questions) - 3 + 2


# -- the first hour in the terminal (issue 24) -----------------------------------------------


def test_a_draft_kept_in_a_named_file_is_private(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    saved = tmp_path / "me.json"
    lines = replies(DESK, QUESTIONS)
    stop_at = line_of("equipment")
    monkeypatch.setattr(
        "recommender.app.intake.read_reply", Script([*lines[:stop_at], "yes"], stop_at)
    )
    stopped = CliRunner().invoke(main, ["intake", "--save", str(saved)])
    assert stopped.exit_code == 130
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600  # health answers, the owner's alone


def _keep_a_private_draft(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], int]:
    lines = replies(DESK, QUESTIONS, country="GB")
    stop_at = line_of("red_flags.fever")
    monkeypatch.setattr(
        "recommender.app.intake.read_reply", Script([*lines[:stop_at], "y"], stop_at)
    )
    assert CliRunner().invoke(main, ["intake"]).exit_code == 130
    return lines, stop_at


def test_a_plain_intake_offers_to_continue_the_kept_draft(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    whole = run("-f", "json", lines=replies(DESK, QUESTIONS, country="GB"))
    lines, stop_at = _keep_a_private_draft(monkeypatch)
    monkeypatch.setattr("recommender.app.intake.read_reply", Script(["y", *lines[stop_at:]]))
    resumed = CliRunner().invoke(main, ["intake", "-f", "json"])
    assert resumed.exit_code == 0, resumed.output[-2000:]
    assert "You have an unfinished intake, kept on" in resumed.stderr
    assert resumed.stdout_bytes == whole.stdout_bytes


def test_a_plain_intake_can_start_again_and_delete_the_kept_draft(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lines, _ = _keep_a_private_draft(monkeypatch)
    from recommender.app.intake_session import draft_path

    assert draft_path().exists()
    monkeypatch.setattr("recommender.app.intake.read_reply", Script(["n", *lines]))
    fresh = CliRunner().invoke(main, ["intake", "-f", "json"])
    assert fresh.exit_code == 0, fresh.output[-2000:]
    assert "The unfinished intake is deleted; starting again." in fresh.stderr
    assert not draft_path().exists()


def test_nothing_is_printed_before_the_emergency_box(tmp_path: Path) -> None:
    saved = tmp_path / "partial.json"
    answers = json.loads(json.dumps(DESK))
    answers["red_flags"]["saddle_numbness"] = True
    result = run(
        "--save", str(saved), "-o", str(tmp_path / "out.txt"), lines=replies(answers, QUESTIONS)
    )
    assert result.exit_code == 0
    after_questions = result.stderr[result.stderr.index("saddle") :]
    box = after_questions.index("EMERGENCY: call")
    assert after_questions.index(f"Your answers are saved in {saved}") > box


def test_the_review_shows_the_country_and_changes_it(tmp_path: Path) -> None:
    saved = tmp_path / "me.json"
    lines = replies(DESK, QUESTIONS, country="GB", review=False)
    lines += ["c", "Switzerland", ""]
    result = run("--save", str(saved), lines=lines)
    assert result.exit_code == 0, result.output[-2000:]
    assert "C. Country: United Kingdom (emergency number: 999)" in result.stderr
    assert "Changed: country: Switzerland (emergency number: 144)" in result.stderr
    assert json.loads(saved.read_text())["country"] == "CH"


def test_a_drafts_keys_are_echoed_with_their_terminal_escapes_written_out(tmp_path: Path) -> None:
    """A draft is a file anyone may hand over: its keys must not retitle the terminal
    (OSC 0) or hide a link (OSC 8) when the refusal names them."""
    draft = tmp_path / "evil.json"
    retitle = "\x1b]0;you have been pwned\x07"
    link = "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\"
    draft.write_text(json.dumps({"backplan_intake_draft": 1, retitle: 1, "answers": {link: True}}))
    result = CliRunner().invoke(main, ["intake", "--resume", str(draft)])
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "\x07" not in result.output
    # Shown, with the escape characters written out instead of sent.
    assert "\\x1b]0;you have been pwned\\x07" in result.stderr
    assert "\\x1b]8;;https://evil.example/" in result.stderr


def test_ctrl_c_with_a_data_folder_that_cannot_be_written_is_a_sentence(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A read-only home: the draft cannot be kept, and the person is told how to keep
    it instead (a file stands where the data folder should be: root ignores modes)."""
    blocked = tmp_path / "home-data"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocked))
    lines = replies(DESK, QUESTIONS)
    monkeypatch.setattr("recommender.app.intake.read_reply", Script([*lines[:5], "y"], 5))
    stopped = CliRunner().invoke(main, ["intake"])
    assert stopped.exit_code == 1, stopped.output
    assert "your answers could not be kept" in stopped.stderr
    assert "--save FILE" in stopped.stderr
    assert "internal error" not in stopped.output and "Traceback" not in stopped.output
    assert blocked.read_text() == "not a folder"
