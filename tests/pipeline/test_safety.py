"""Safety first: the clinical cases a reviewer named, the safety net on every plan, no
exercise talk without a plan, and the warning reaching the person whatever happens to
the result (docs/clinical-safety.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given

from recommender.app.cli import main
from recommender.core.safety_net import REVIEW, SIGNS
from recommender.inputs.answers_file import validate_answers
from recommender.inputs.questionnaire import load_questionnaire
from recommender.pipeline.recommend import Recommender, Result
from recommender.render import render_result

from conftest import EXAMPLES
from support.formats import calendar_events, dated, every_format, for_machines
from support.formats import shown as shown_in
from support.intake_script import replies
from support.phrases import EXERCISE_TALK
from support.strategies import answers

SAFETY = EXAMPLES / "safety"
#: Every format the registry holds: a new one is held to the same safety tests at once
#: (tests/render/test_format_recipe.py shows it).
FORMATS = every_format()
assert {"text", "json", "markdown", "html", "ics", "fhir", "sheet"} <= set(FORMATS)


def load(name: str) -> dict[str, Any]:
    answers: dict[str, Any] = json.loads((SAFETY / f"{name}.json").read_text())
    return answers


def result_for(
    recommender: Recommender, raw: dict[str, Any], weeks: int = 4, country: str | None = None
) -> Result:
    raw = dict(raw, country=country) if country else raw
    return recommender.recommend(validate_answers(raw, "test"), weeks=weeks)


# -- the reviewer's cases ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name,level,flag",
    [
        ("neck-pain-after-a-fall-at-67", "urgent", "RF-NECK-TRAUMA"),
        ("sudden-back-and-tummy-pain-at-72", "emergency", "RF-AAA"),
        ("thunderclap-neck-pain", "emergency", "RF-ARTERY"),
        ("osteoporosis-sudden-mid-back-pain-at-68", "urgent", "RF-FRACTURE"),
        ("weight-loss-and-night-pain-at-60", "urgent", "RF-COMBINED"),
        ("injects-drugs-pain-for-2-weeks", "urgent", "RF-INFECTION-NEW"),
    ],
)
def test_the_named_cases_reach_their_level_with_their_flag(
    recommender: Recommender, name: str, level: str, flag: str
) -> None:
    result = result_for(recommender, load(name))
    assert result.triage.level == level
    assert flag in [f.id for f in result.triage.flags]
    assert next(f for f in result.triage.flags if f.id == flag).level == level
    assert result.plan is None
    assert result.notes == () and result.safety_net is None


def test_the_named_cases_through_the_command_line() -> None:
    runner = CliRunner()
    for path in sorted(SAFETY.glob("*.json")):
        run = runner.invoke(main, ["plan", "--answers", str(path), "-f", "json"])
        assert run.exit_code == 0, run.output
        data = json.loads(run.stdout)
        assert data["plan"] is None and data["triage"]["level"] in ("urgent", "emergency")
        assert data["notes"] == [] and data["safety_net"] is None


# -- the safety net --------------------------------------------------------------------


def _rendered(result: Result, fmt: str) -> str:
    """What a person or tool receives (support/formats.py), with every event of a
    calendar carrying the whole safety net, not only the first."""
    if result.safety_net is not None:
        assert all(REVIEW in " ".join(d.split()) for d in calendar_events(result, fmt))
    return shown_in(result, fmt)


def _soon_with_plan(recommender: Recommender) -> Result:
    raw = json.loads((EXAMPLES / "sciatica.json").read_text())
    raw["start_date"] = "2027-03-01"
    result = result_for(recommender, raw)
    assert result.triage.level == "soon" and result.plan is not None
    return result


def _soon_without_plan(recommender: Recommender) -> Result:
    raw = json.loads((EXAMPLES / "teenager.json").read_text())
    raw.update(age=16, pain_duration="under_6_weeks", start_date="2027-03-01")
    result = result_for(recommender, raw)
    assert result.withheld is not None
    assert result.triage.level == "soon" and result.withheld.id == "WH-MINOR"
    return result


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", ["soon with a plan", "soon without a plan", "plan, no flags"])
def test_the_safety_net_is_in_every_format(recommender: Recommender, fmt: str, case: str) -> None:
    if case == "soon with a plan":
        result = _soon_with_plan(recommender)
    elif case == "soon without a plan":
        result = _soon_without_plan(recommender)
    else:
        raw = json.loads((EXAMPLES / "desk-worker-upper-back.json").read_text())
        result = result_for(recommender, dict(raw, start_date="2027-03-01"))
        assert result.triage.level == "none" and result.plan is not None
    shown = _rendered(result, fmt)
    assert "or go to an emergency department now if you have" in shown
    for sign in SIGNS:
        assert sign in shown, sign
    assert REVIEW in shown


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "name",
    ["neck-pain-after-a-fall-at-67", "thunderclap-neck-pain", "injects-drugs-pain-for-2-weeks"],
)
def test_urgent_and_emergency_results_carry_only_their_own_advice(
    recommender: Recommender, fmt: str, name: str
) -> None:
    raw = dict(load(name), start_date="2027-03-01")
    result = result_for(recommender, raw)
    shown = _rendered(result, fmt)
    # No safety net (its review line speaks of weeks); an urgent result's own box of
    # signs that cannot wait is its escalation box, which opens differently.
    assert REVIEW not in shown and "now if you have" not in shown
    found = result.triage
    assert ("before you are seen" in shown) == (found.level == "urgent")
    for flag in found.shown_flags:  # people read titles; machines and clinicians ids
        assert (flag.id if for_machines(fmt) else flag.title) in shown
    for flag in found.flags:
        if flag not in found.shown_flags:  # people read a lower flag's title only
            assert flag.title in shown
            if fmt != "json":  # the result object keeps every flag whole
                assert " ".join(flag.advice.split()) not in " ".join(shown.split())


def test_the_safety_net_names_the_persons_emergency_number(recommender: Recommender) -> None:
    result = result_for(recommender, load("neck-pain-after-a-fall-at-67"), country="GB")
    assert result.safety_net is None
    raw = json.loads((EXAMPLES / "sciatica.json").read_text())
    net = result_for(recommender, raw, country="GB").safety_net
    assert net is not None
    assert net.title.startswith("Call 999 or go to an emergency department now")
    net = result_for(recommender, raw).safety_net
    assert net is not None
    assert "your local emergency number (for example 911, 112 or 999)" in net.title


# -- nothing suggests exercising without a plan ---------------------------------------------


@given(answers(red_flag_rate=0.15))
def test_no_plan_means_no_exercise_talk_in_any_format(
    recommender: Recommender, raw: dict[str, Any]
) -> None:
    result = result_for(recommender, dated(raw))
    if result.plan is not None:
        assert result.notes, "a plan always carries the pain-monitoring note"
        return
    assert result.notes == ()
    assert "gentle exercise may continue" not in result.triage.action
    for fmt in FORMATS:
        shown = _rendered(result, fmt).lower()
        for phrase in EXERCISE_TALK:
            assert phrase not in shown, (fmt, phrase)


def test_soon_advice_never_speaks_of_exercise(recommender: Recommender) -> None:
    # Whether exercise goes on is said once for the whole result, so a "soon" flag's
    # advice can never contradict an urgent flag that fired beside it.
    for rule in recommender.rulebook.red_flags:
        if rule.level == "soon":
            words = " ".join(rule.advice.lower().split())
            assert "exercis" not in words and "active" not in words, rule.id


def test_urgent_and_soon_together_keep_only_the_urgent_stance_on_exercise(
    recommender: Recommender,
) -> None:
    raw = load("weight-loss-and-night-pain-at-60")  # RF-COMBINED urgent + soon flags
    result = result_for(recommender, raw)
    levels = {f.level for f in result.triage.flags}
    assert levels == {"urgent", "soon"}
    text = _rendered(result, "text").lower()
    assert "do not start new exercises" in text
    for phrase in EXERCISE_TALK:
        assert phrase not in text


def test_a_plan_at_soon_says_gentle_exercise_may_continue(recommender: Recommender) -> None:
    assert _soon_with_plan(recommender).triage.action.endswith("gentle exercise may continue")
    assert "exercise" not in _soon_without_plan(recommender).triage.action


# -- pain monitoring relative to usual pain ---------------------------------------------------


@pytest.mark.parametrize(
    "usual,words",
    [
        (0, "pain may rise to 5 out of 10 at most"),
        (5, "pain may rise to 5 out of 10 at most"),
        (6, "no exercise should push your pain higher than it was before the session"),
        (7, "no exercise should push your pain higher than it was before the session"),
    ],
)
def test_pain_monitoring_follows_usual_pain(
    recommender: Recommender, usual: int, words: str
) -> None:
    raw = json.loads((EXAMPLES / "desk-worker-upper-back.json").read_text())
    result = result_for(recommender, dict(raw, pain_intensity=usual))
    assert result.plan is not None
    texts = [" ".join(n.text.split()) for n in result.notes if n.id.startswith("NOTE-PAIN")]
    assert len(texts) == 1
    assert words in texts[0].lower() or words in texts[0]
    assert "settle" in texts[0] and "next morning" in texts[0]


# -- the warning reaches the person ------------------------------------------------------


def _typed(name: str) -> str:
    raw = (
        load(name)
        if (SAFETY / f"{name}.json").exists()
        else json.loads((EXAMPLES / f"{name}.json").read_text())
    )
    return "\n".join(replies(raw, load_questionnaire())) + "\n"


def test_intake_with_the_result_redirected_shows_the_warning_on_stderr() -> None:
    # `backplan intake -f json > result.json` with saddle numbness: the JSON goes to the
    # file, and the person at the terminal still reads the emergency.
    run = CliRunner().invoke(main, ["intake", "-f", "json"], input=_typed("cauda-equina"))
    assert run.exit_code == 0
    assert json.loads(run.stdout)["triage"]["level"] == "emergency"
    assert "EMERGENCY: call your local emergency number" in run.stderr
    assert "New bladder or bowel trouble" in run.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_intake_shows_an_urgent_warning_on_stderr_whatever_the_format(
    fmt: str, tmp_path: Path
) -> None:
    out = tmp_path / "result.txt"
    typed = _typed("injects-drugs-pain-for-2-weeks")
    run = CliRunner().invoke(main, ["intake", "-f", fmt, "-o", str(out)], input=typed)
    assert run.exit_code == 0, run.output
    assert (
        "URGENT: see a doctor today" in run.stderr
        and "New back or neck pain with a weaker defence against infection" in run.stderr
    )
    assert "New back or neck pain with a weaker defence against infection" in out.read_text()


def test_intake_shows_the_level_even_when_nothing_is_wrong() -> None:
    run = CliRunner().invoke(main, ["intake", "-f", "json"], input=_typed("desk-worker-upper-back"))
    assert run.exit_code == 0
    assert "No warning signs in your answers" in run.stderr


def test_a_failed_save_never_hides_the_warning(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "me.json"
    typed = _typed("cauda-equina")
    run = CliRunner().invoke(main, ["intake", "--save", str(missing)], input=typed)
    assert run.exit_code != 0
    warning = run.stderr.index("EMERGENCY: call your local emergency number")
    failure = run.stderr.index(str(missing))
    assert warning < failure
    assert not missing.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_plan_to_a_file_at_urgent_warns_on_stderr_in_every_format(fmt: str, tmp_path: Path) -> None:
    raw = dict(load("neck-pain-after-a-fall-at-67"), start_date="2027-03-01")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(raw))
    out = tmp_path / f"result.{fmt}"
    run = CliRunner().invoke(main, ["plan", "--answers", str(answers), "-f", fmt, "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert run.stdout == ""
    assert (
        "URGENT: see a doctor today" in run.stderr
        and "Neck pain after a fall or knock" in run.stderr
    )
    assert out.stat().st_size > 0


def test_plan_to_a_file_without_flags_stays_quiet(tmp_path: Path) -> None:
    out = tmp_path / "plan.txt"
    run = CliRunner().invoke(main, ["plan", "--example", "-o", str(out)])
    assert run.exit_code == 0 and run.stderr == ""


# -- citations people can read ---------------------------------------------------------------


def test_no_rule_cites_the_internal_spec(recommender: Recommender) -> None:
    for rule in recommender.rulebook.rules:
        for field in ("source", "title", "advice", "reason", "text"):
            value = getattr(rule, field, "") or ""
            assert "SPEC" not in value, (rule.id, field)
        for case in getattr(rule, "cases", ()):
            assert "SPEC" not in case.reason, rule.id


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_output_cites_the_internal_spec(recommender: Recommender, fmt: str) -> None:
    for path in [*sorted(EXAMPLES.glob("*.json")), *sorted(SAFETY.glob("*.json"))]:
        if path.name == "expected.json":
            continue
        raw = dict(json.loads(path.read_text()), start_date="2027-03-01")
        shown = render_result(result_for(recommender, raw), fmt)
        assert "SPEC" not in shown, (path.name, fmt)
    for args in (["explain", "--example"], ["explain", "--example", "-f", "json"]):
        run = CliRunner().invoke(main, args)
        assert run.exit_code == 0 and "SPEC" not in run.output


def test_the_safety_cases_are_answers_files_a_person_could_write() -> None:
    for path in SAFETY.glob("*.json"):
        validate_answers(json.loads(Path(path).read_text()), path.name)
