"""Everything on record (issue 26, item 4): the audit log of every view and change,
the admin's page and export; a patient's copy of everything stored (JSON and a FHIR
Bundle) and deletion, confirmed by a clinician, that leaves only the fact."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from sqlalchemy import Table, func, select

from recommender.clinic import audit
from recommender.store import schema

from support.clinic import PASSWORD, Browser, Clinic, example, person_ids, result_ids


def _released(doctor: Browser, patient: Browser) -> int:
    patient.answer(example("desk-worker-upper-back"))
    patient.send()
    (number,) = result_ids(doctor.get("/clinic").text)
    doctor.post(f"/clinic/results/{number}/release", {"start": dt.date.today().isoformat()})
    return number


def test_every_view_and_change_is_on_record_with_who_when_and_where(
    doctor: Browser, ann: Browser, clinic: Clinic
) -> None:
    number = _released(doctor, ann)
    ann.get("/plan")
    ann.post("/check-in", {"week": "1", "done": "1", "exercise_pain": "2",
                           "next_morning": "same", "usual_pain": "3"})  # fmt: skip
    (person,) = person_ids(doctor.get("/clinic/patients").text)
    doctor.get(f"/clinic/patients/{person}")
    entries = audit.entries(clinic.db, person_id=person)
    done = [(e.actor, e.action) for e in reversed(entries)]
    for expected in [
        ("ann@example.org", "answers_saved"),
        ("ann@example.org", "answers_viewed"),
        ("ann@example.org", "submitted"),
        ("doctor@example.org", "review_viewed"),
        ("doctor@example.org", "released"),
        ("ann@example.org", "plan_viewed"),
        ("ann@example.org", "checkin"),
        ("doctor@example.org", "progress_viewed"),
    ]:
        assert expected in done, expected
    assert all(e.address == "testclient" and e.at for e in entries)
    assert any(f"result {number}" in e.detail for e in entries)


def test_the_log_holds_no_health_answer(doctor: Browser, ann: Browser, clinic: Clinic) -> None:
    _released(doctor, ann)
    text = audit.as_csv(audit.entries(clinic.db))
    for word in ("desk", "upper_back", "pain_intensity", "true", "false"):
        assert word not in text.lower()


def test_the_admin_reads_and_exports_the_log(
    admin: Browser, doctor: Browser, ann: Browser, clinic: Clinic
) -> None:
    _released(doctor, ann)
    page = admin.get("/admin")
    assert page.status_code == 200 and "released" in page.text
    export = admin.get("/admin/audit.csv")
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    count = clinic.db.read(
        lambda c: c.execute(select(func.count()).select_from(schema.audit)).scalar()
    )
    assert count is not None
    assert len(rows) == count - 1  # all but the entry for this very export
    assert {"released", "account_set_up", "audit_viewed"} <= {row["action"] for row in rows}


def test_a_patient_downloads_everything_stored_about_them(
    doctor: Browser, ann: Browser, clinic: Clinic
) -> None:
    number = _released(doctor, ann)
    ann.post("/check-in", {"week": "1", "done": "2", "exercise_pain": "3",
                           "next_morning": "same", "usual_pain": "3"})  # fmt: skip
    data = ann.get("/my-data/backplan-data.json").json()
    assert data["account"]["email"] == "ann@example.org"
    assert "password_hash" not in json.dumps(data)
    assert data["person"]["display_name"] == "Ann Calm"
    assert data["cared_for_by"][0]["email"] == "doctor@example.org"
    (result,) = data["results"]
    assert (
        result["id"] == number
        and result["answers"]["age"] == example("desk-worker-upper-back")["age"]
    )
    assert [d["action"] for d in result["decisions"]] == ["released"]
    (course,) = data["courses"]
    assert len(course["checkins"]) == 1 and course["blocks"][0]["result"]["plan"]
    assert any(e["action"] == "released" for e in data["audit_log"])


def test_the_fhir_bundle_is_valid_r4_with_the_plan_and_progress(
    doctor: Browser, ann: Browser
) -> None:
    from fhir.resources.R4B.bundle import Bundle  # the R4 models of fhir.resources

    _released(doctor, ann)
    ann.post("/check-in", {"week": "1", "done": "2", "exercise_pain": "3",
                           "next_morning": "same", "usual_pain": "3"})  # fmt: skip
    reply = ann.get("/my-data/backplan-data.fhir.json")
    assert reply.headers["content-type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate(reply.json())
    assert bundle.entry is not None
    resources = [entry.resource for entry in bundle.entry]
    assert None not in resources
    kinds = [resource.get_resource_type() for resource in resources if resource is not None]
    assert kinds[0] == "Patient" and "CarePlan" in kinds and "Observation" in kinds


def test_deletion_asked_by_the_patient_and_confirmed_leaves_only_the_fact(
    clinic: Clinic, doctor: Browser, ann: Browser, uma: Browser
) -> None:
    _released(doctor, ann)
    uma.answer(example("sciatica"))
    uma.send()
    people = {p.name: p.id for p in clinic.db.store.people()}
    ann_id = people["Ann Calm"]
    page = doctor.get(f"/clinic/patients/{ann_id}").text
    assert "asked for their record to be deleted" not in page
    refused = doctor.post(f"/clinic/patients/{ann_id}/delete")
    assert refused.status_code == 409  # she has not asked
    ann.get("/my-data/delete")
    assert "You asked for your record to be deleted" in ann.post("/my-data/delete").text
    assert "Ann Calm" in doctor.get("/clinic").text  # the request is on the dashboard
    assert doctor.post(f"/clinic/patients/{ann_id}/delete").url.path == "/clinic/patients"

    def count(table: Table, **where: object) -> int | None:
        query = select(func.count()).select_from(table)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        return clinic.db.read(lambda c: c.execute(query).scalar())

    assert count(schema.people, id=ann_id) == 0
    assert count(schema.accounts, email="ann@example.org") == 0
    assert count(schema.submissions, person_id=ann_id) == 0
    assert count(schema.courses, person_id=ann_id) == 0
    assert count(schema.checkins) == 0 and count(schema.plans) == 0
    assert count(schema.submissions, person_id=people["Uma Urgent"]) == 1  # Uma's stay
    kept = audit.entries(clinic.db, person_id=ann_id)
    assert kept[0].action == "deleted" and kept[0].actor == "doctor@example.org"
    text = audit.as_csv(kept)
    assert "desk" not in text.lower()
    assert ann.get("/").url.path == "/sign-in"  # her session went with her account
    assert ann.sign_in("ann@example.org", PASSWORD).status_code == 401


def test_only_a_clinician_who_cares_for_the_patient_confirms(
    clinic: Clinic, doctor: Browser, ann: Browser
) -> None:
    ann.get("/my-data/delete")
    ann.post("/my-data/delete")
    other = clinic.staff("other@example.org")
    (ann_id,) = [p.id for p in clinic.db.store.people()]
    assert other.post(f"/clinic/patients/{ann_id}/delete").status_code == 404
    assert clinic.db.store.people()
