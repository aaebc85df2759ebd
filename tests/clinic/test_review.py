"""The clinician's side (issue 26, item 3): a result under review, releasing it as it
is or edited (every edit held to the plan's rules, a refused one naming its rule),
withholding with a message, the clinician's own triage and the agreement table."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from recommender.app.web.clinic_review_page import release_asked
from recommender.clinic import edits, review
from recommender.clinic.agreement import agreement
from recommender.pipeline.recommend import Recommender, Result

from support.clinic import Browser, Clinic, example, h1, result_ids, submission


@pytest.fixture
def sent(ann: Browser, doctor: Browser) -> int:
    """Ann's calm answers, sent: the result's number."""
    ann.answer(example("desk-worker-upper-back"))
    ann.send()
    (number,) = result_ids(doctor.get("/clinic").text)
    return number


def _result(
    clinic: Clinic,
    recommender: Recommender,
    number: int,
    changes: Sequence[Mapping[str, Any]] = (),
) -> Result:
    return review.result_of(recommender, submission(clinic.db, number), None, changes)


def test_the_review_page_shows_answers_flags_plan_and_reasons(
    doctor: Browser, ann: Browser, uma: Browser
) -> None:
    uma.answer(example("sciatica"))
    uma.send()
    (number,) = result_ids(doctor.get("/clinic").text)
    page = doctor.get(f"/clinic/results/{number}").text
    assert "Uma Urgent: result" in page
    assert "RF-RADICULOPATHY" in page and "Source: NICE NG59" in page  # a flag, its source
    answers = example("sciatica")
    assert f"<dd>{answers['age']}</dd>" in page  # the answers, in the review's words
    assert "<dt>Your country" not in page and "Country: United Kingdom" in page
    assert "Release the plan" in page and "Why: every rule that fired" in page
    assert "EX-AREA" in page  # an exercise left out, and by which rule
    whole = doctor.get(f"/clinic/results/{number}/plan").text
    assert "Week 1" in whole and "safety-net" in whole


def test_releasing_as_it_is_gives_the_patient_the_plan_backplan_made(
    doctor: Browser, ann: Browser, sent: int, clinic: Clinic, recommender: Recommender
) -> None:
    today = dt.date.today().isoformat()
    assert doctor.post(f"/clinic/results/{sent}/release", {"start": today}).status_code == 200
    assert submission(clinic.db, sent).status == "released"
    home = ann.get("/")
    assert h1(home.text) == "Your exercise plan" and 'href="/check-in"' in home.text
    json_download = ann.get("/plan/download/json").json()
    expected = _result(clinic, recommender, sent)
    expected_plan = json.loads(json.dumps(expected.to_dict()["plan"]))
    got = json_download["plan"]
    assert [[i["id"] for s in w["sessions"] for i in s["exercises"]] for w in got["weeks"]] == [
        [i["id"] for s in w["sessions"] for i in s["exercises"]] for w in expected_plan["weeks"]
    ]
    assert got["weeks"][0]["sessions"][0]["date"] == today


def test_an_edited_release_swaps_and_doses_and_the_patient_sees_the_note(
    doctor: Browser, ann: Browser, sent: int, clinic: Clinic
) -> None:
    reply = doctor.post(
        f"/clinic/results/{sent}/release",
        {
            "start": dt.date.today().isoformat(),
            "reps-band-pull-apart": "8",
            "swap-relaxed-breathing": "seated-cat-cow",
            "note": "Start gently; we will talk on Friday.",
        },
    )
    assert reply.status_code == 200 and "released" in reply.text
    plan = ann.get("/plan/download/json").json()["plan"]
    items = [i for w in plan["weeks"] for s in w["sessions"] for i in s["exercises"]]
    assert {i["reps"] for i in items if i["id"] == "band-pull-apart"} == {8}
    assert "relaxed-breathing" not in {i["id"] for i in items}
    assert "seated-cat-cow" in {i["id"] for i in items}
    page = ann.get("/plan").text
    assert "Start gently; we will talk on Friday." in page
    stored = submission(clinic.db, sent)
    course = clinic.db.store.current_course(stored.person_id)
    assert "seated-cat-cow" in json.dumps(course.blocks[0].result)  # tracking follows it


@pytest.mark.parametrize(
    ("fields", "rule", "words"),
    [
        ({"swap-shoulder-rolls": "bird-dog"}, "EX-AREA", "left out by the safety filters"),
        ({"reps-band-pull-apart": "20"}, "strength range", "must be from 8 to 15"),
        ({"hold_seconds-neck-side-bend": "45"}, "stretch range", "must be from 15 to 30"),
        ({"swap-doorway-chest-stretch": "band-row"}, "sessions open with mobility",
         "opens a session"),
        ({"swap-shoulder-rolls": "neck-side-bend"}, "one place each", "in the plan already"),
        ({"sets-band-pull-apart": "3", "reps-band-pull-apart": "15", "sets-scapular-setting": "3",
          "reps-scapular-setting": "15"}, "a session fits the time", "over the 12"),
    ],
)  # fmt: skip
def test_a_refused_edit_names_its_rule_and_nothing_is_released(
    doctor: Browser,
    ann: Browser,
    sent: int,
    clinic: Clinic,
    fields: dict[str, str],
    rule: str,
    words: str,
) -> None:
    reply = doctor.post(
        f"/clinic/results/{sent}/release", {"start": dt.date.today().isoformat(), **fields}
    )
    assert reply.status_code == 422
    assert rule in reply.text and words in reply.text
    assert submission(clinic.db, sent).status == "waiting"
    assert h1(ann.get("/").text) == "Thank you: your answers are sent"


def test_an_exercise_a_filter_left_out_for_this_person_is_refused(
    clinic: Clinic, recommender: Recommender, doctor: Browser
) -> None:
    """Bob, 71 with osteoporosis: EX-BONE leaves out loaded flexion; no edit brings it
    back (the filters still apply)."""
    bob = clinic.patient(doctor, "Bob", "bob@example.org")
    answers = example("desk-worker-upper-back")
    answers["age"] = 71
    answers["history"]["osteoporosis"] = True
    bob.answer(answers)
    bob.send()
    (number,) = result_ids(doctor.get("/clinic").text)
    result = _result(clinic, recommender, number)
    bone = {e.exercise for e in result.excluded if e.rule == "EX-BONE"}
    assert bone
    assert result.plan is not None
    first = result.plan.prescriptions()[1].exercise.id
    for excluded in sorted(bone)[:5]:
        with pytest.raises(edits.EditRefused) as refused:
            edits.apply(recommender, result, [{"op": "swap", "exercise": first, "with": excluded}])
        assert "EX-BONE" in refused.value.rule


def test_a_result_is_decided_once(doctor: Browser, sent: int, clinic: Clinic) -> None:
    today = dt.date.today().isoformat()
    assert doctor.post(f"/clinic/results/{sent}/release", {"start": today}).status_code == 200
    again = doctor.post(f"/clinic/results/{sent}/withhold", {"message": "Wait"})
    assert again.status_code == 422 and "decided already" in again.text
    assert submission(clinic.db, sent).status == "released"


def test_withholding_shows_the_patient_the_message_and_the_safety_net(
    doctor: Browser, ann: Browser, sent: int, clinic: Clinic
) -> None:
    empty = doctor.post(f"/clinic/results/{sent}/withhold", {"message": "  "})
    assert empty.status_code == 422 and "Write the message" in empty.text
    doctor.post(f"/clinic/results/{sent}/withhold", {"message": "Please book an appointment."})
    page = ann.get("/").text
    assert "Please book an appointment." in page
    assert "Call 999 or go to an emergency department now if" in page
    assert "Answer the questions again" in page
    assert result_ids(doctor.get("/clinic").text) == []


def test_an_emergency_is_closed_with_a_message(
    doctor: Browser, uma: Browser, clinic: Clinic
) -> None:
    uma.answer(example("cauda-equina"))
    (number,) = result_ids(doctor.get("/clinic").text)
    page = doctor.get(f"/clinic/results/{number}").text
    assert "Close this result" in page and "Release the plan" not in page
    doctor.post(f"/clinic/results/{number}/withhold", {"message": "We called you at 10:05."})
    assert submission(clinic.db, number).status == "closed"


def test_the_agreement_table_counts_under_and_over_triage(
    clinic: Clinic, doctor: Browser, admin: Browser
) -> None:
    levels = {"desk-worker-upper-back": "soon", "sciatica": "soon", "osteoporosis-slip": "soon"}
    for number, name in enumerate(levels):
        patient = clinic.patient(doctor, f"P{number}", f"p{number}@example.org")
        patient.answer(example(name))
        patient.send()
    ids = result_ids(doctor.get("/clinic").text)
    for result_id in ids:
        theirs = levels[
            next(
                n
                for n in levels
                if example(n)["age"] == submission(clinic.db, result_id).answers["age"]
            )
        ]
        doctor.post(f"/clinic/results/{result_id}/triage", {"level": theirs})
    table = agreement(clinic.db)
    assert (table.total, table.agreed, table.under, table.over) == (3, 1, 1, 1)
    csv = doctor.get("/agreement.csv")
    assert "under-triage (backplan lower),1" in csv.text and "agreed,1" in csv.text
    assert "attachment" in csv.headers["content-disposition"]
    assert admin.get("/agreement").status_code == 200


def test_the_release_form_reads_psfs_and_dates(
    clinic: Clinic, recommender: Recommender, sent: int
) -> None:
    from recommender.app.web.models import FieldsForm

    site = type("S", (), {"recommender": recommender})()
    form = FieldsForm(
        fields={
            "start": [dt.date.today().isoformat()],
            "psfs0-name": ["Reading"],
            "psfs0-score": ["4"],
            "psfs1-name": ["Driving"],
            "psfs1-score": ["5"],
        }
    )
    from recommender.app.web.clinic_review_page import FormProblem

    with pytest.raises(FormProblem, match="three activities"):
        release_asked(site, submission(clinic.db, sent), form)
    late = FieldsForm(fields={"start": ["2001-01-01"]})
    with pytest.raises(FormProblem, match="within four weeks"):
        release_asked(site, submission(clinic.db, sent), late)


def test_an_edit_keeps_the_plans_rests_and_minutes(recommender: Recommender) -> None:
    """A swapped-in or re-dosed exercise rests between sets as the planner would rest
    it, and each session's minutes are counted as the planner counts them."""
    from recommender.inputs.answers_file import validate_answers
    from recommender.pipeline.dosing import rest_seconds, strength_rest

    answers = validate_answers(example("desk-worker-upper-back"))
    result = recommender.recommend(answers)
    edited = edits.apply(
        recommender,
        result,
        [
            {"op": "swap", "exercise": "relaxed-breathing", "with": "band-row"},
            {"op": "dose", "exercise": "band-pull-apart", "reps": 8},
        ],
    )
    assert edited.plan is not None and result.plan is not None
    between = strength_rest(answers.minutes_per_session)
    changed = {"band-row", "band-pull-apart"}
    for item in edited.plan.prescriptions():
        assert item.rest_seconds == rest_seconds(item.exercise, item.dose, between)
        if item.exercise.id in changed:
            assert item.rest_seconds > 0
    unchanged = edits.apply(recommender, result, [])
    assert unchanged.plan is not None
    assert [s.minutes for w in unchanged.plan.weeks for s in w.sessions] == [
        s.minutes for w in result.plan.weeks for s in w.sessions
    ]
