"""FHIR R4: the Questionnaire, reading and writing QuestionnaireResponses, the CarePlan.

Every resource backplan writes is checked against fhir.resources' R4B models (R4B
leaves Questionnaire, QuestionnaireResponse, CarePlan and DetectedIssue as they were in
R4), and every response backplan reads must give exactly what the answers file gives.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from click.testing import Result as CliResult
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender import __version__
from recommender.app.cli import main
from recommender.core.answers import answer_fields, answer_keys
from recommender.core.errors import AnswersError
from recommender.core.wording import dose_words
from recommender.inputs.answers_file import parse_answers, validate_answers
from recommender.inputs.fhir_codes import EXERCISE_SYSTEM, QUESTIONNAIRE_URL, code_system
from recommender.inputs.fhir_response import answers_from_response
from recommender.inputs.questionnaire import load_questionnaire
from recommender.pipeline.recommend import Recommender, Result
from recommender.render.fhir_careplan import care_plan
from recommender.render.fhir_questionnaire import questionnaire_resource, response_from_answers

from conftest import EXAMPLES, example_answers, example_names
from support import strategies

RECOMMENDER = Recommender.load()
QUESTIONS = load_questionnaire().questions
QUESTIONNAIRE = questionnaire_resource(load_questionnaire())
PRODUCED = dt.datetime(2026, 1, 1, 9, 30, tzinfo=dt.timezone.utc)
ENV = {"SOURCE_DATE_EPOCH": "1767225600", "NO_COLOR": "1"}  # 2026-01-01


def cli(*args: str, input: str | None = None) -> CliResult:
    return CliRunner().invoke(main, list(args), input=input, env=ENV)


def questions(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The Questionnaire's question items (every item that is not a display item)."""
    return [item for item in resource["item"] if item["type"] != "display"]


def every_link_id(items: list[dict[str, Any]]) -> list[str]:
    found = []
    for item in items:
        found.append(item["linkId"])
        found += every_link_id(item.get("item", []))
    return found


def result_for(raw: dict[str, Any]) -> Result:
    return RECOMMENDER.recommend(validate_answers(raw))


# -- the Questionnaire ------------------------------------------------------------------


def test_questionnaire_is_valid_r4() -> None:
    model = Questionnaire.model_validate(QUESTIONNAIRE)
    assert model.url == QUESTIONNAIRE_URL and model.status == "active"
    assert QUESTIONNAIRE["version"] == __version__
    assert QUESTIONNAIRE["id"] == "backplan-intake" and QUESTIONNAIRE["name"] == "BackplanIntake"


def test_question_link_ids_are_the_answers_file_keys_in_the_order_asked() -> None:
    link_ids = [item["linkId"] for item in questions(QUESTIONNAIRE)]
    # The country first, as the intake asks it (it names the emergency number).
    assert link_ids == ["country", *[q.key for q in QUESTIONS]]
    # The questions are asked in intake order, not the model's field order; what
    # matters is that each answers-file key is there exactly once.
    assert sorted(link_ids) == sorted(answer_keys()) and len(set(link_ids)) == len(link_ids)
    every = every_link_id(QUESTIONNAIRE["item"])
    assert len(set(every)) == len(every)  # que-2: linkIds unique across the whole tree


def test_headings_and_help_are_display_items() -> None:
    sections = [i for i in QUESTIONNAIRE["item"] if i["type"] == "display"]
    assert [s["text"] for s in sections] == [q.group for q in QUESTIONS if q.group]
    assert all(s["linkId"].startswith("section-") for s in sections)
    for item in questions(QUESTIONNAIRE):
        for child in item.get("item", []):
            assert child["type"] == "display" and child["linkId"] == item["linkId"] + ".help"
            # The terminal's typing instructions and privacy promise do not carry over.
            assert "Enter" not in child["text"] and "computer" not in child["text"]


def test_item_types_choices_bounds_and_required() -> None:
    fields = answer_fields()
    for item in questions(QUESTIONNAIRE):
        key = item["linkId"]
        field = fields.get(key)
        other = {"start_date": "date", "name": "text", "country": "text"}
        kind = field.kind if field else other[key]
        # One choice or several are both R4 "choice" items; the rest map one to one.
        plain = {"yes_no": "boolean", "number": "integer", "date": "date", "text": "string"}
        expected_type = plain.get(kind, "choice")
        assert item["type"] == expected_type, key
        assert item.get("repeats", False) == (key in ("pain_areas", "equipment")), key
        # equipment may be empty, which a required FHIR item cannot express.
        assert item["required"] == (key not in ("start_date", "name", "country", "equipment")), key
        if kind in ("choice", "choices"):
            assert field is not None, key
            codings = [o["valueCoding"] for o in item["answerOption"]]
            assert sorted(c["code"] for c in codings) == sorted(field.choices), key
            assert {c["system"] for c in codings} == {code_system(key)}
            assert all(c["display"] for c in codings)
        else:
            assert "answerOption" not in item
        if kind == "number":
            assert field is not None, key
            bounds = {e["url"].rsplit("/", 1)[1]: e["valueInteger"] for e in item["extension"]}
            assert bounds == {"minValue": field.minimum, "maxValue": field.maximum}, key
    by_key = {item["linkId"]: item for item in questions(QUESTIONNAIRE)}
    assert by_key["name"]["maxLength"] == 100


def test_defaults_become_initial_values_only_where_there_is_one() -> None:
    # The country's item comes first; it has no default.
    assert "initial" not in questions(QUESTIONNAIRE)[0]
    for question, item in zip(QUESTIONS, questions(QUESTIONNAIRE)[1:], strict=True):
        selected = [
            o["valueCoding"]["code"]
            for o in item.get("answerOption", [])
            if o.get("initialSelected")
        ]
        if question.choices:
            assert "initial" not in item  # que-11: no initial[x] beside answerOption
            default = (
                question.default
                if isinstance(question.default, list)
                else ([] if question.default is None else [question.default])
            )
            assert selected == default, question.key
        elif question.default is not None:
            assert item["initial"] == [{"valueInteger": question.default}], question.key
        else:
            assert "initial" not in item, question.key
    assert not any(
        "initial" in i or "answerOption" in i
        for i in questions(QUESTIONNAIRE)
        if i["type"] == "boolean"
    )


def test_questionnaire_command_prints_it() -> None:
    result = cli("questionnaire", "--format", "fhir")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == QUESTIONNAIRE
    Questionnaire.model_validate_json(result.stdout)


# -- responses for the public examples ------------------------------------------------------


@pytest.mark.parametrize("name", example_names())
def test_example_response_is_valid_r4_and_plans_exactly_like_the_answers_file(
    name: str, tmp_path: Path
) -> None:
    response = response_from_answers(example_answers(name))
    model = QuestionnaireResponse.model_validate(response)
    assert model.status == "completed" and model.questionnaire == QUESTIONNAIRE_URL
    path = tmp_path / f"{name}.fhir.json"
    path.write_text(json.dumps(response, indent=2))
    for fmt in ("json", "text"):
        from_file = cli("plan", "--answers", str(EXAMPLES / f"{name}.json"), "--format", fmt)
        from_fhir = cli("plan", "--answers", str(path), "--format", fmt)
        assert from_file.exit_code == from_fhir.exit_code == 0, from_fhir.output
        if fmt == "text":  # the `backplan explain` hint names the file given
            expected = from_file.stdout.replace(str(EXAMPLES / f"{name}.json"), str(path))
        else:
            expected = from_file.stdout
        assert from_fhir.stdout == expected


def test_response_from_standard_input_too() -> None:
    response = json.dumps(response_from_answers(example_answers("sciatica")))
    one = cli("plan", "--answers", "-", "--format", "json", input=response)
    two = cli("plan", "--answers", str(EXAMPLES / "sciatica.json"), "--format", "json")
    assert one.exit_code == 0 and one.stdout == two.stdout


def test_response_items_follow_the_questions() -> None:
    response = response_from_answers(example_answers("desk-worker-upper-back"))
    order = [q.key for q in QUESTIONS]
    link_ids = [item["linkId"] for item in response["item"]]
    assert link_ids == sorted(link_ids, key=order.index)
    areas = next(i for i in response["item"] if i["linkId"] == "pain_areas")
    assert [a["valueCoding"]["code"] for a in areas["answer"]] == ["upper_back", "neck"]


def test_response_from_answers_refuses_invalid_answers() -> None:
    with pytest.raises(AnswersError, match="age"):
        response_from_answers(dict(example_answers("sciatica"), age=0))


# -- round trip, for every valid answers file --------------------------------------------


@given(strategies.answers())
def test_any_answers_survive_the_round_trip_through_fhir(raw: dict[str, Any]) -> None:
    original = validate_answers(raw)
    response = json.loads(json.dumps(response_from_answers(raw)))
    back = validate_answers(answers_from_response(response, "the response"))
    if original.name == "":  # FHIR strings may not be empty: an empty name is left out
        original = dataclasses.replace(original, name=None)
    # A question the Questionnaire disables at this age (enableWhen on age) carries no
    # answer and is read back as no, as the intake records it; no rule reads it there.
    disabled = {q.key for q in QUESTIONS if q.skipped(original.age)}
    fact = original.fact()
    for key in disabled:
        section, name = key.split(".")
        fact[section][name] = False
    original = validate_answers(fact)
    assert back == original
    assert back.equipment == original.equipment  # repeats and order kept
    assert RECOMMENDER.recommend(back).to_dict() == RECOMMENDER.recommend(original).to_dict()


@settings(max_examples=40)
@given(strategies.answers())
def test_any_response_we_write_is_valid_r4(raw: dict[str, Any]) -> None:
    # Names are the one free text; FHIR strings exclude most control characters.
    if "name" in raw:
        raw = dict(raw, name="Sam O'Neil, 57")
    QuestionnaireResponse.model_validate(response_from_answers(raw))


# -- responses from elsewhere ---------------------------------------------------------------


def _nested(response: dict[str, Any]) -> dict[str, Any]:
    """The same answers as another form filler might send them: grouped, with display
    items and extra FHIR elements backplan has no use for."""
    groups: dict[str, list[Any]] = {}
    top = []
    for item in response["item"]:
        section = item["linkId"].split(".")[0]
        if section in ("red_flags", "history"):
            groups.setdefault(section, []).append(item)
        else:
            top.append(item)
    top += [{"linkId": name, "text": name, "item": items} for name, items in groups.items()]
    top.insert(0, {"linkId": "section-1", "text": "About you"})
    top.append({"linkId": "age.help", "text": "In whole years."})
    return {
        **response,
        "id": "r1",
        "questionnaire": f"{QUESTIONNAIRE_URL}|{__version__}",
        "authored": "2026-01-01T10:00:00Z",
        "subject": {"reference": "Patient/1"},
        "item": top,
    }


def test_groups_display_items_and_versioned_canonical_are_accepted() -> None:
    raw = example_answers("osteoporosis-slip")
    response = _nested(response_from_answers(raw))
    QuestionnaireResponse.model_validate(response)
    assert validate_answers(answers_from_response(response)) == validate_answers(raw)


def test_missing_questionnaire_and_system_are_accepted() -> None:
    raw = example_answers("sciatica")
    response = response_from_answers(raw)
    del response["questionnaire"]
    for item in response["item"]:
        for answer in item["answer"]:
            answer.get("valueCoding", {}).pop("system", None)
    assert validate_answers(answers_from_response(response)) == validate_answers(raw)


def test_no_equipment_answer_means_none_at_hand() -> None:
    raw = dict(example_answers("sciatica"), equipment=[])
    response = response_from_answers(raw)
    assert "equipment" not in [i["linkId"] for i in response["item"]]
    assert answers_from_response(response)["equipment"] == []
    response["item"].append({"linkId": "equipment"})  # present, nothing ticked
    assert answers_from_response(response)["equipment"] == []


def _response(name: str = "desk-worker-upper-back") -> dict[str, Any]:
    return response_from_answers(example_answers(name))


def _item(response: dict[str, Any], key: str) -> dict[str, Any]:
    return next(i for i in response["item"] if i["linkId"] == key)


def _case(change: Callable[[dict[str, Any]], None]) -> str:
    response = _response()
    change(response)
    return json.dumps(response)


BAD = {
    "wrong value type": (
        lambda r: _item(r, "age").update(answer=[{"valueString": "34"}]),
        ["age", "valueInteger", "valueString"],
    ),
    "boolean as text": (
        lambda r: _item(r, "red_flags.fever").update(answer=[{"valueBoolean": "false"}]),
        ["red_flags.fever", "true or false"],
    ),
    "integer that is a boolean": (
        lambda r: _item(r, "days_per_week").update(answer=[{"valueInteger": True}]),
        ["days_per_week", "whole number"],
    ),
    "unknown linkId": (
        lambda r: r["item"].append(
            {"linkId": "red_flags.knee_pain", "answer": [{"valueBoolean": True}]}
        ),
        ["red_flags.knee_pain", "unknown linkId"],
    ),
    "bad code": (
        lambda r: _item(r, "onset").update(answer=[{"valueCoding": {"code": "fell_off_horse"}}]),
        ["onset", "fell_off_horse", "gradual"],
    ),
    "code from another system": (
        lambda r: _item(r, "onset").update(
            answer=[{"valueCoding": {"system": "http://snomed.info/sct", "code": "gradual"}}]
        ),
        ["onset", "system"],
    ),
    "missing red flag answer": (
        lambda r: r["item"].remove(_item(r, "red_flags.saddle_numbness")),
        ["missing: red_flags.saddle_numbness"],
    ),
    "red flag item with no answer": (
        lambda r: _item(r, "red_flags.chest_pain").pop("answer"),
        ["missing: red_flags.chest_pain"],
    ),
    "linkId given twice": (
        lambda r: r["item"].append(_item(r, "age")),
        ["age", "more than once"],
    ),
    "two answers to a single-answer question": (
        lambda r: _item(r, "pregnancy")["answer"].append(_item(r, "pregnancy")["answer"][0]),
        ["pregnancy", "one answer"],
    ),
    "another questionnaire": (
        lambda r: r.update(questionnaire="http://example.org/Questionnaire/phq-9"),
        ["questionnaire", "phq-9"],
    ),
    "a Patient resource": (
        lambda r: (r.clear(), r.update(resourceType="Patient", id="p1")),
        ["FHIR QuestionnaireResponse", "not a Patient"],
    ),
    "items not a list": (lambda r: r.update(item={"linkId": "age"}), ["item", "list"]),
    "an item that is not an object": (lambda r: r["item"].append(7), ["item[", "object"]),
    "an item without a linkId": (lambda r: r["item"].append({"text": "?"}), ["item[", "linkId"]),
    "out of range after reading": (
        lambda r: _item(r, "age").update(answer=[{"valueInteger": 300}]),
        ["age", "between 1 and 120"],
    ),
    "entered in error": (lambda r: r.update(status="entered-in-error"), ["status"]),
    "a modifier extension": (
        lambda r: _item(r, "red_flags.fever").update(
            modifierExtension=[{"url": "http://example.org/negated", "valueBoolean": True}]
        ),
        ["red_flags.fever", "modifierExtension"],
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_responses_exit_2_naming_the_link_id(case: str) -> None:
    change, fragments = BAD[case]
    result = cli("plan", "--answers", "-", input=_case(change))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


def test_every_problem_is_named_at_once() -> None:
    def change(r: dict[str, Any]) -> None:
        _item(r, "age").update(answer=[{"valueString": "old"}])
        _item(r, "onset").update(answer=[{"valueCoding": {"code": "nope"}}])
        r["item"].remove(_item(r, "history.cancer"))
        _item(r, "pain_intensity").update(answer=[{"valueInteger": 11}])

    with pytest.raises(AnswersError) as caught:
        parse_answers(_case(change), "r.json")
    problems = caught.value.problems
    assert any(p.startswith("age:") for p in problems)
    assert any(p.startswith("onset:") and "nope" in p for p in problems)
    assert any(p.startswith("pain_intensity:") for p in problems)
    missing = [p for p in problems if p.startswith("missing:")]
    # Named once for what is wrong with it, never again as missing.
    assert len(missing) == 1 and "history.cancer" in missing[0] and "age" not in missing[0]


def test_deeply_nested_groups_are_refused_cleanly() -> None:
    item: dict[str, Any] = {"linkId": "age", "answer": [{"valueInteger": 40}]}
    for depth in range(300):
        item = {"linkId": f"g{depth}", "item": [item]}
    response = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [item]}
    with pytest.raises(AnswersError, match="nested too deeply"):
        parse_answers(json.dumps(response))


# -- fuzzing: nothing but AnswersError, whatever the JSON --------------------------------------

_CODES = sorted({c for f in answer_fields().values() for c in f.choices})
_LINK_IDS = [*answer_keys(), "section-1", "age.help", "red_flags", "nonsense", "item"]
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(_CODES + _LINK_IDS + ["2027-02-30", "2027-01-04", QUESTIONNAIRE_URL])
)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)
_coding = st.fixed_dictionaries(
    {},
    optional={
        "system": st.sampled_from([code_system("onset"), code_system("equipment"), "x"]) | _json,
        "code": st.sampled_from(_CODES) | _json,
        "display": _json,
    },
)
_value_names = st.sampled_from(
    [
        "valueBoolean",
        "valueInteger",
        "valueCoding",
        "valueDate",
        "valueString",
        "valueDecimal",
        "value",
    ]
)
_answer = st.one_of(
    st.dictionaries(_value_names, _scalars | _coding | _json, max_size=2),
    _json,
)


_link_id = st.one_of(*[st.sampled_from(_LINK_IDS)] * 8, _scalars)  # mostly real ones


def _items(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    item = st.fixed_dictionaries(
        {"linkId": _link_id},
        optional={
            "answer": st.lists(
                _answer
                | st.fixed_dictionaries(
                    {"valueBoolean": st.booleans()},
                    optional={"item": st.lists(children, max_size=2)},
                ),
                max_size=3,
            )
            | _json,
            "item": st.lists(children, max_size=3) | _json,
            "text": _json,
            "modifierExtension": _json,
        },
    )
    return st.one_of(item, item, item, _json)


_item_tree = st.recursive(
    st.fixed_dictionaries({"linkId": st.sampled_from(_LINK_IDS)}), _items, max_leaves=25
)
fuzzed_responses = st.fixed_dictionaries(
    {"resourceType": st.just("QuestionnaireResponse")},
    optional={
        "questionnaire": st.sampled_from(
            [QUESTIONNAIRE_URL, QUESTIONNAIRE_URL + "|9", QUESTIONNAIRE_URL + "|"]
        )
        | _json,
        "status": st.sampled_from(["completed", "entered-in-error"]) | _json,
        "item": st.lists(_item_tree, max_size=12) | st.lists(_item_tree, max_size=12) | _json,
    },
)


@pytest.mark.slow
@settings(max_examples=400)
@given(fuzzed_responses)
def test_any_json_response_gives_answers_or_answers_error(resource: Any) -> None:
    text = json.dumps(resource)
    try:
        answers_from_response(json.loads(text), "fuzz")
    except AnswersError as exc:
        assert exc.problems and all(isinstance(p, str) for p in exc.problems)
    try:
        parse_answers(text, "fuzz")
    except AnswersError:
        pass


@given(strategies.answers(), st.data())
def test_one_broken_item_in_a_good_response_is_named(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    response = response_from_answers(raw)
    index = data.draw(st.integers(0, len(response["item"]) - 1))
    item = response["item"][index]
    item["answer"] = [
        data.draw(
            st.fixed_dictionaries({"valueCoding": _coding})
            | st.dictionaries(_value_names, _json, min_size=1, max_size=2)
        )
    ]
    try:
        parse_answers(json.dumps(response), "fuzz")
    except AnswersError as exc:
        assert item["linkId"] in exc.message()


def test_a_hostile_link_id_is_quoted_not_printed_raw() -> None:
    response = _response()
    response["item"].append({"linkId": "\x1b[2J\x1b]0;owned\x07", "answer": []})
    result = cli("plan", "--answers", "-", input=json.dumps(response))
    assert result.exit_code == 2 and "\x1b" not in result.stderr
    assert '"\\u001b[2J' in result.stderr


@given(_json)
def test_anything_that_is_not_a_questionnaire_response_is_refused(value: Any) -> None:
    if isinstance(value, dict):
        value = dict(value, resourceType=value.get("resourceType", "Patient"))
        if value["resourceType"] == "QuestionnaireResponse":
            return
    with pytest.raises(AnswersError):
        answers_from_response(value, "fuzz")


# -- the CarePlan ---------------------------------------------------------------------------


def _dated(name: str, start: str = "2027-01-04") -> dict[str, Any]:
    return dict(example_answers(name), start_date=start)


def test_care_plan_for_a_plan_without_a_start_date() -> None:
    result = result_for(example_answers("desk-worker-upper-back"))
    assert result.plan is not None
    plan = care_plan(result, produced=PRODUCED)
    CarePlan.model_validate(plan)
    assert plan["status"] == "active" and plan["intent"] == "plan"
    assert plan["subject"] == {"display": "Sam"}
    assert plan["created"] == "2026-01-01T09:30:00+00:00"
    assert "period" not in plan and "contained" not in plan and "supportingInfo" not in plan
    codes = [a["detail"]["code"]["coding"][0] for a in plan["activity"]]
    assert [c["code"] for c in codes] == [e.id for e in result.plan.exercises()]
    assert {c["system"] for c in codes} == {EXERCISE_SYSTEM}
    for activity, exercise in zip(plan["activity"], result.plan.exercises(), strict=True):
        detail = activity["detail"]
        assert detail["status"] == "scheduled" and "kind" not in detail
        repeat = detail["scheduledTiming"]["repeat"]
        used = [
            w
            for w in result.plan.weeks
            if any(p.exercise.id == exercise.id for s in w.sessions for p in s.exercises)
        ]
        walking = result.plan.weeks[0].walking
        if used and used[0].number > 1:  # a harder variant that took over later
            assert detail["description"].startswith(
                (f"Week {used[0].number}", f"Weeks {used[0].number}")
            )
            continue
        sessions = [
            s
            for s in result.plan.weeks[0].sessions
            if exercise.id in [p.exercise.id for p in s.exercises]
        ]
        if not sessions and walking and walking.prescription.exercise.id == exercise.id:
            # Walking on the days between sessions.
            assert repeat["frequency"] == len(walking.days)
            assert set(repeat["dayOfWeek"]) == {d[:3] for d in walking.days}
            continue
        assert repeat["frequency"] == len(sessions)
        assert repeat["period"] == 1 and repeat["periodUnit"] == "wk"
        assert repeat["dayOfWeek"] == [s.day[:3] for s in sessions]
        used = [
            w
            for w in result.plan.weeks
            if any(p.exercise.id == exercise.id for s in w.sessions for p in s.exercises)
        ]
        assert repeat["boundsDuration"]["value"] == len(used)  # a harder variant may take over
        first = next(p.dose for p in sessions[0].exercises if p.exercise.id == exercise.id)
        # "Week 1: ..." when the dose rises; "Weeks 1 to 4: ..." when it holds throughout.
        assert detail["description"].startswith(
            (f"Week 1: {dose_words(first)}", f"Weeks 1 to {len(used)}: {dose_words(first)}")
        )
        assert exercise.steps[0].split()[0] in detail["description"]
    assert plan["note"][0]["text"].startswith("Triage: none.")
    assert any("How much pain" in n["text"] or "pain" in n["text"] for n in plan["note"][1:])


def test_care_plan_for_a_dated_plan_has_its_period() -> None:
    result = result_for(_dated("desk-worker-upper-back"))
    plan = care_plan(result, produced=PRODUCED)
    CarePlan.model_validate(plan)
    assert plan["period"] == {"start": "2027-01-04", "end": "2027-01-31"}
    for activity in plan["activity"]:
        bounds = activity["detail"]["scheduledTiming"]["repeat"]["boundsPeriod"]
        assert "2027-01-04" <= bounds["start"] <= bounds["end"] <= "2027-01-31"


def test_dose_description_shows_how_it_rises() -> None:
    result = result_for(_dated("desk-worker-upper-back"))
    assert result.plan is not None
    plan = care_plan(result, produced=PRODUCED)
    last = {p.exercise.id: p.dose for s in result.plan.weeks[-1].sessions for p in s.exercises}
    risen = [
        a["detail"]["description"].split("\n")[0]
        for a in plan["activity"]
        if "; week 4: " in a["detail"]["description"]
    ]
    assert risen  # the desk worker's doses rise over four weeks
    for activity in plan["activity"]:
        code = activity["detail"]["code"]["coding"][0]["code"]
        if code in last:
            assert dose_words(last[code]) in activity["detail"]["description"]


def test_care_plan_for_an_emergency_is_on_hold_with_a_detected_issue_per_flag() -> None:
    result = result_for(example_answers("cauda-equina"))
    plan = care_plan(result, produced=PRODUCED)
    CarePlan.model_validate(plan)
    assert plan["status"] == "on-hold" and "activity" not in plan
    issues = plan["contained"]
    assert [i["id"] for i in issues] == [f.id for f in result.triage.flags]
    references = [s["reference"] for s in plan["supportingInfo"]]
    assert references == [f"#{f.id}" for f in result.triage.flags]
    for issue, flag in zip(issues, result.triage.flags, strict=True):
        assert issue["resourceType"] == "DetectedIssue" and issue["status"] == "final"
        assert (
            issue["severity"]
            == {"emergency": "high", "urgent": "high", "soon": "moderate"}[flag.level]
        )
        assert issue["code"]["text"] == flag.title
        assert issue["identifier"] == [{"system": "urn:backplan:rule", "value": flag.id}]
        if flag in result.triage.shown_flags:
            assert flag.advice in issue["detail"]
        else:  # one message per result: a lower flag's own timeframe is not repeated
            assert flag.advice not in issue["detail"]
            assert issue["detail"].startswith("To be raised at the same visit.")
    notes = [n["text"] for n in plan["note"]]
    assert notes[0].startswith("Triage: emergency. EMERGENCY") and "RF-CES-BLADDER" in notes[0]
    # The lower flags by title only, then why there is no plan.
    assert notes[1] == (
        "Also tell the doctor about: Pain or tingling spreading down an arm or leg; Severe pain."
    )
    assert "until a clinician has checked the warning signs" in notes[2]


def test_care_plan_for_a_withheld_plan_says_why() -> None:
    result = result_for(_dated("teenager"))
    assert result.withheld is not None
    plan = care_plan(result, produced=PRODUCED)
    CarePlan.model_validate(plan)
    assert plan["status"] == "on-hold" and "activity" not in plan and "period" not in plan
    notes = [n["text"] for n in plan["note"]]
    assert any(result.withheld.id in n and result.withheld.reason in n for n in notes)


def test_care_plan_with_a_soon_flag_keeps_the_plan_and_the_issue() -> None:
    result = result_for(example_answers("sciatica"))
    plan = care_plan(result, produced=PRODUCED)
    CarePlan.model_validate(plan)
    assert plan["status"] == "active" and plan["activity"]
    assert [i["severity"] for i in plan["contained"]] == ["moderate"]
    assert plan["note"][0]["text"].startswith("Triage: soon.")


def test_unnamed_person_gets_a_subject_all_the_same() -> None:
    raw = example_answers("sciatica")
    raw.pop("name", None)
    plan = care_plan(result_for(raw), produced=PRODUCED)
    assert plan["subject"]["display"] == "The person who answered the questionnaire"


@settings(max_examples=60)
@given(strategies.answers(red_flag_rate=0.05))
def test_any_result_gives_a_valid_care_plan(raw: dict[str, Any]) -> None:
    if "name" in raw:
        raw = dict(raw, name="Alex")
    result = result_for(raw)
    plan = care_plan(result, produced=PRODUCED)
    CarePlan.model_validate(plan)
    assert (plan["status"] == "active") == (result.plan is not None)
    assert len(plan.get("contained", [])) == len(result.triage.flags)


def test_plan_command_prints_a_valid_care_plan() -> None:
    result = cli("plan", "--example", "--format", "fhir")
    assert result.exit_code == 0, result.output
    model = CarePlan.model_validate_json(result.stdout)
    assert model.created is not None and str(model.created).startswith("2026-01-01")
    assert result.stdout == cli("plan", "--example", "--format", "fhir").stdout
