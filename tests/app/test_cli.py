"""The command line, driven with click's CliRunner: exit codes and exact outputs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Optional

import pytest
from click.testing import CliRunner, Result

from recommender import __version__
from recommender.app.cli import main
from recommender.inputs.questionnaire import choices, load_questionnaire

from conftest import EXAMPLES

EXAMPLE_FILE = str(EXAMPLES / "sciatica.json")


#: The command line as a function: its arguments (and standard input) in, click's Result out.
Invoke = Callable[..., Result]


@pytest.fixture
def cli() -> Invoke:
    runner = CliRunner()

    def invoke(*args: str, input: Optional[str] = None) -> Result:
        return runner.invoke(main, list(args), input=input, env={"NO_COLOR": "1"})

    return invoke


def test_plan_example_text_leads_with_the_triage_then_the_plan(cli: Invoke) -> None:
    result = cli("plan", "--example")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("No warning signs") < out.index("YOUR PLAN") < out.index("Week 1")
    assert "HOW TO DO EACH EXERCISE" in out and "NOTES" in out
    # People read plain words: rule ids and commands stay in explain, JSON and FHIR.
    assert "backplan explain" not in out and "RF-" not in out and "NOTE-" not in out
    assert "\x1b[" not in out  # NO_COLOR honoured


def test_plan_json_has_the_spec_keys(cli: Invoke) -> None:
    result = cli("plan", "--example", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    # The contract's keys in order, then the boxes of signs (additive keys), then the
    # emergency number (docs/result.md, "The object").
    assert list(data) == [
        "triage",
        "plan_withheld",
        "plan",
        "excluded",
        "notes",
        "safety_net",
        "escalation",
        "emergency_number",
    ]
    session = data["plan"]["weeks"][0]["sessions"][0]
    assert {"day", "date", "minutes", "exercises"} <= set(session)
    assert {"id", "name", "sets", "reps", "hold_seconds"} <= set(session["exercises"][0])


def test_plan_reads_standard_input(cli: Invoke) -> None:
    text = (EXAMPLES / "sciatica.json").read_text()
    piped = cli("plan", "--answers", "-", "--format", "json", input=text)
    direct = cli("plan", "--answers", EXAMPLE_FILE, "--format", "json")
    assert piped.exit_code == direct.exit_code == 0
    assert piped.output == direct.output


def test_plan_is_byte_identical_across_runs(cli: Invoke) -> None:
    first = cli("plan", "-a", EXAMPLE_FILE, "-f", "json").output
    assert first == cli("plan", "-a", EXAMPLE_FILE, "-f", "json").output


@pytest.mark.parametrize("weeks", [1, 12])
def test_weeks_option(cli: Invoke, weeks: int) -> None:
    data = json.loads(cli("plan", "--example", "-f", "json", "--weeks", str(weeks)).output)
    assert len(data["plan"]["weeks"]) == weeks


@pytest.mark.parametrize("weeks", ["0", "13", "four"])
def test_weeks_out_of_range_is_a_usage_error(cli: Invoke, weeks: str) -> None:
    result = cli("plan", "--example", "--weeks", weeks)
    assert result.exit_code == 2
    assert "--weeks" in result.output


def test_output_file_is_written_whole(cli: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    result = cli("plan", "--example", "-f", "json", "-o", str(target))
    assert result.exit_code == 0 and result.output == ""
    assert json.loads(target.read_text())["plan"] is not None
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_emergency_text_is_unmissable_without_colour(cli: Invoke, tmp_path: Path) -> None:
    answers = json.loads((EXAMPLES / "cauda-equina.json").read_text())
    result = cli("plan", "-a", "-", input=json.dumps(answers))
    assert result.exit_code == 0
    first_lines = result.output.splitlines()[:6]
    assert any("EMERGENCY" in line for line in first_lines)
    assert "911, 112 or 999" in result.output
    assert "No exercise plan is given" in result.output
    assert "YOUR PLAN" not in result.output


def test_withheld_plan_says_why(cli: Invoke) -> None:
    result = cli("plan", "-a", str(EXAMPLES / "teenager.json"))
    assert result.exit_code == 0
    assert "No exercise plan is given" in result.output and "adults" in result.output


def test_explain_lists_rules_exclusions_and_sources(cli: Invoke) -> None:
    result = cli("explain", "-a", EXAMPLE_FILE)
    assert result.exit_code == 0
    out = result.output
    assert "RF-RADICULOPATHY" in out and "NICE NG59" in out
    assert "EX-EQUIPMENT" in out and "band-row" in out
    data = json.loads(cli("explain", "-a", EXAMPLE_FILE, "-f", "json").output)
    assert {f["rule"] for f in data["fired"]} >= {
        "RF-RADICULOPATHY",
        "EX-AREA",
        "NOTE-PAIN-MONITORING",
    }
    assert all(x["source"] for x in data["excluded"])


def test_exercises_json_lists_catalog_objects(cli: Invoke) -> None:
    data = json.loads(cli("exercises", "--format", "json").output)
    assert len(data) >= 44
    fields = {
        "id",
        "name",
        "areas",
        "kind",
        "level",
        "equipment",
        "positions",
        "properties",
        "contraindications",
        "review",
        "dose",
        "steps",
        "cautions",
        "easier",
        "harder",
    }
    assert all(set(e) == fields for e in data)


def test_exercises_filters(cli: Invoke) -> None:
    neck = json.loads(cli("exercises", "-f", "json", "--area", "neck").output)
    assert neck and all("neck" in e["areas"] for e in neck)
    bare = json.loads(cli("exercises", "-f", "json", "--equipment", "none").output)
    assert bare and all(e["equipment"] == [] for e in bare)
    chair = json.loads(cli("exercises", "-f", "json", "--equipment", "chair").output)
    assert all(set(e["equipment"]) <= {"chair"} for e in chair)
    assert len(chair) > len(bare)
    text = cli("exercises", "--kind", "strength").output
    assert "band-row" in text and "cat-cow" not in text


def test_rules_list_and_check(cli: Invoke) -> None:
    listing = cli("rules", "list")
    assert listing.exit_code == 0
    assert "RF-CES-SADDLE" in listing.output and "EX-INTENSITY" in listing.output
    rows = json.loads(cli("rules", "list", "-f", "json").output)
    assert {r["id"] for r in rows} >= {"RF-MSCC", "WH-TOO-FEW", "EX-FLOOR"}
    check = cli("rules", "check")
    assert check.exit_code == 0, check.output
    assert "all rule files are valid" in check.output


def test_schema_describes_the_answers_file(cli: Invoke) -> None:
    schema = json.loads(cli("schema").output)
    assert schema["additionalProperties"] is False
    assert {"age", "red_flags", "history", "pain_areas"} <= set(schema["required"])


def test_version_and_help_everywhere(cli: Invoke) -> None:
    version = cli("--version")
    assert version.exit_code == 0 and __version__ in version.output
    commands = [
        [],
        ["plan"],
        ["intake"],
        ["explain"],
        ["exercises"],
        ["rules"],
        ["rules", "list"],
        ["rules", "check"],
        ["schema"],
    ]
    for command in commands:
        result = cli(*command, "--help")
        assert result.exit_code == 0, command
        assert "Usage:" in result.output


def test_questionnaire_text_lists_every_question_in_order_with_its_key(
    cli: Invoke, tmp_path: Path
) -> None:
    """`backplan questionnaire`: every intake question in the order asked, numbered,
    under its group's heading, with its help, the questions asked after a "no", its
    choices in words and the answers-file key it fills; wrapped for a terminal, and the
    same text in a file with -o."""
    questions = load_questionnaire().questions
    total = len(questions)
    result = cli("questionnaire")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.endswith("\n") and not out.startswith("\n")
    assert max(len(line) for line in out.splitlines()) <= 78
    after = 0  # the end of the previous question's key line
    for number, question in enumerate(questions, 1):
        start = out.index(f"[{number}/{total}] ", after)
        if question.group:
            assert f"{question.group}\n" in out[after:start], question.key
        else:
            assert not out[after:start].strip(), question.key
        key_line = f"key: {question.key}\n"
        end = out.index(key_line, start)
        shown = " ".join(out[start:end].split())
        assert " ".join(question.ask.split()) in shown, question.key
        assert " ".join(question.help.split()) in shown, question.key
        for part in question.or_ask:  # the questions asked after a "no", in order
            assert " ".join(f"If no: {part.ask} {part.help}".split()) in shown, question.key
        for option in choices(question):
            assert f"{option.number}) {' '.join(option.words.split())}" in shown, question.key
        after = end + len(key_line)
    assert after == len(out)
    written = tmp_path / "questions.txt"
    assert cli("questionnaire", "-o", str(written)).exit_code == 0
    assert written.read_text(encoding="utf-8") == out


def test_plan_without_answers_is_a_usage_error(cli: Invoke) -> None:
    result = cli("plan")
    assert result.exit_code == 2
    assert "--answers" in result.output
    both = cli("plan", "--example", "-a", EXAMPLE_FILE)
    assert both.exit_code == 2


def test_country_names_the_emergency_number(cli: Invoke) -> None:
    text = (EXAMPLES / "cauda-equina.json").read_text()
    us = cli("plan", "-a", "-", "--country", "us", input=text)
    assert us.exit_code == 0 and "call 911" in us.output and "112 or 999" not in us.output
    au = cli("plan", "-a", "-", "--country", "AU", "-f", "json", input=text)
    assert "call 000" in json.loads(au.stdout)["triage"]["flags"][0]["advice"].lower()
    bad = cli("plan", "-a", "-", "--country", "ZZ", input=text)
    assert bad.exit_code == 2 and "unknown country code" in bad.output


def test_explain_offers_only_the_formats_it_has(cli: Invoke) -> None:
    result = cli("explain", "--example", "-f", "html")
    assert result.exit_code == 2 and "'html' is not one of" in result.output


def test_explain_says_why_each_exercise_was_chosen(cli: Invoke, tmp_path: Path) -> None:
    data = json.loads(cli("explain", "--example", "--format", "json").output)
    chosen = {c["exercise"]: c["reason"] for c in data["chosen"]}
    plan = json.loads(cli("plan", "--example", "--format", "json").output)["plan"]
    in_plan = {x["id"] for w in plan["weeks"] for s in w["sessions"] for x in s["exercises"]}
    in_plan |= {w["walking"]["id"] for w in plan["weeks"] if "walking" in w}
    assert in_plan == set(chosen)
    assert all(reason for reason in chosen.values())
    assert "NICE NG59" in chosen["walking"]


@pytest.mark.parametrize(
    "command, words",
    [
        ("batch - <&-", "standard input is closed"),
        ("plan --example >&-", "standard output is closed"),
        ("batch - -j 2 < {example} >&-", "standard output is closed"),
    ],
)
def test_a_closed_standard_stream_is_a_sentence_not_an_internal_error(
    command: str, words: str
) -> None:
    """The shell closed a stream backplan needs: exit 1 and a sentence saying so."""
    import shlex
    import subprocess
    import sys

    backplan = shlex.join([sys.executable, "-m", "recommender"])
    line = f"{backplan} {command.format(example=shlex.quote(EXAMPLE_FILE))}"
    ran = subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=60)
    assert ran.returncode == 1, ran.stderr
    assert words in ran.stderr
    assert "internal error" not in ran.stderr and "Traceback" not in ran.stderr
    assert "Exception ignored" not in ran.stderr
