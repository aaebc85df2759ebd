"""Who can read and change what (issue 26, item 5): every route of the clinic's app,
asked by nobody, by two patients, by the clinician who cares for them, by a clinician
who does not, and by the admin.

ROUTES is the access table, route by route; the first test requires it to hold every
route the app serves, so that a new route without a line here fails. Refused means:
nobody is sent to sign in; a signed-in account of another role gets 403; a clinician
asking for a person not in their care gets 404, exactly as for a number that does not
exist. A refused form changes nothing in the database.

Patients' pages take no number at all (a patient only ever reaches their own); the
numbers in clinicians' addresses are swapped between patients and clinicians here.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from functools import partial

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import Connection, Table, select

from recommender.app.web.app import create_app
from recommender.app.web.routes.clinic import CLINIC
from recommender.clinic.db import ClinicDB
from recommender.pipeline.recommend import Recommender
from recommender.store import schema

from support.clinic import Browser, Clinic, example, result_ids

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

OPEN = "everyone"
PATIENT = {"ann", "uma"}
CLINICIAN = {"doctor"}  # and "other" for what is not about a person
ADMIN = {"admin"}
ROLES = ("nobody", "ann", "uma", "other", "admin", "doctor")  # allowed ones last

#: (method, path) -> (who may, path filled in, form sent)
ROUTES: dict[tuple[str, str], tuple[str | set[str], str, dict[str, str]]] = {
    ("GET", "/"): (OPEN, "/", {}),
    ("GET", "/sign-in"): (OPEN, "/sign-in", {}),
    ("POST", "/sign-in"): (OPEN, "/sign-in", {"email": "no@example.org", "password": "x"}),
    ("POST", "/sign-out"): (OPEN, "/sign-out", {}),
    ("GET", "/invite"): (OPEN, "/invite", {}),
    ("GET", "/invite/{code}"): (OPEN, "/invite/AAAA-BBBB-CCCC-DDDD", {}),
    ("POST", "/invite"): (OPEN, "/invite", {"code": "AAAA-BBBB-CCCC-DDDD"}),
    ("GET", "/static/{name}"): (OPEN, "/static/app.css", {}),
    ("GET", "/favicon.ico"): (OPEN, "/favicon.ico", {}),
    ("POST", "/start"): (PATIENT, "/start", {"country": "GB"}),
    ("GET", "/start-again"): (PATIENT, "/start-again", {}),
    ("GET", "/country"): (PATIENT, "/country", {}),
    ("POST", "/country"): (PATIENT, "/country", {"country": "GB"}),
    ("GET", "/no-plan"): (PATIENT, "/no-plan", {}),
    ("POST", "/reset"): (PATIENT, "/reset", {}),
    ("GET", "/questions/{number}"): (PATIENT, "/questions/1", {}),
    ("POST", "/questions/{number}"): (PATIENT, "/questions/1", {}),
    ("GET", "/review"): (PATIENT, "/review", {}),
    ("GET", "/emergency"): (PATIENT, "/emergency", {}),
    ("GET", "/emergency/mistake"): (PATIENT, "/emergency/mistake", {}),
    ("POST", "/emergency/mistake"): (PATIENT, "/emergency/mistake", {}),
    ("POST", "/send"): (PATIENT, "/send", {}),
    ("GET", "/result"): (PATIENT, "/result", {}),
    ("GET", "/plan"): (PATIENT, "/plan", {}),
    ("GET", "/plan/download/{fmt}"): (PATIENT, "/plan/download/json", {}),
    ("GET", "/check-in"): (PATIENT, "/check-in", {}),
    ("POST", "/check-in"): (PATIENT, "/check-in", {"week": "1"}),
    ("GET", "/session"): (PATIENT, "/session", {}),
    ("POST", "/session"): (PATIENT, "/session", {"exercise_pain": "3"}),
    ("GET", "/session/done"): (PATIENT, "/session/done", {}),
    ("GET", "/my-data"): (PATIENT, "/my-data", {}),
    ("GET", "/my-data/backplan-data.json"): (PATIENT, "/my-data/backplan-data.json", {}),
    ("GET", "/my-data/backplan-data.fhir.json"): (
        PATIENT,
        "/my-data/backplan-data.fhir.json",
        {},
    ),
    ("GET", "/my-data/delete"): (PATIENT, "/my-data/delete", {}),
    ("POST", "/my-data/delete"): (PATIENT, "/my-data/delete", {}),
    ("GET", "/clinic"): (CLINICIAN | {"other"}, "/clinic", {}),
    ("GET", "/clinic/results/{number}"): (CLINICIAN, "/clinic/results/{ann_result}", {}),
    ("GET", "/clinic/results/{number}/plan"): (
        CLINICIAN,
        "/clinic/results/{ann_result}/plan",
        {},
    ),
    ("POST", "/clinic/results/{number}/release"): (
        CLINICIAN,
        "/clinic/results/{uma_result}/release",
        {"start": dt.date.today().isoformat()},
    ),
    ("POST", "/clinic/results/{number}/withhold"): (
        CLINICIAN,
        "/clinic/results/{uma_result}/withhold",
        {"message": "Please call us."},
    ),
    ("POST", "/clinic/results/{number}/triage"): (
        CLINICIAN,
        "/clinic/results/{ann_result}/triage",
        {"level": "soon"},
    ),
    ("GET", "/clinic/patients"): (CLINICIAN | {"other"}, "/clinic/patients", {}),
    ("POST", "/clinic/patients/invite"): (
        CLINICIAN | {"other"},
        "/clinic/patients/invite",
        {"name": "New Person"},
    ),
    ("GET", "/clinic/patients/{number}"): (CLINICIAN, "/clinic/patients/{ann}", {}),
    ("GET", "/clinic/patients/{number}/chart.png"): (
        CLINICIAN,
        "/clinic/patients/{ann}/chart.png",
        {},
    ),
    ("POST", "/clinic/patients/{number}/delete"): (
        CLINICIAN,
        "/clinic/patients/{dora}/delete",
        {},
    ),
    ("GET", "/admin"): (ADMIN, "/admin", {}),
    ("GET", "/admin/audit.csv"): (ADMIN, "/admin/audit.csv", {}),
    ("GET", "/agreement"): (CLINICIAN | ADMIN | {"other"}, "/agreement", {}),
    ("GET", "/agreement.csv"): (CLINICIAN | ADMIN | {"other"}, "/agreement.csv", {}),
}


class World:
    """One clinic with everyone in it: Ann (released, checked in, asked for nothing),
    Uma (waiting), Dora (to be deleted), all in the doctor's care; Carl in the other
    clinician's; the admin."""

    def __init__(self, db: ClinicDB, app: FastAPI) -> None:
        self.db = db
        clinic = Clinic(db, lambda: TestClient(app, follow_redirects=True))
        doctor = clinic.staff("doctor@example.org")
        other = clinic.staff("other@example.org")
        admin = clinic.staff("admin@example.org", "admin")
        ann = clinic.patient(doctor, "Ann", "ann@example.org")
        uma = clinic.patient(doctor, "Uma", "uma@example.org")
        dora = clinic.patient(doctor, "Dora", "dora@example.org")
        carl = clinic.patient(other, "Carl", "carl@example.org")
        ann.answer(example("desk-worker-upper-back"))
        ann.send()
        (ann_result,) = result_ids(doctor.get("/clinic").text)
        start = (dt.date.today() - dt.timedelta(days=7)).isoformat()
        doctor.post(f"/clinic/results/{ann_result}/release", {"start": start})
        ann.post("/check-in", {"week": "1", "done": "2", "exercise_pain": "3",
                               "next_morning": "same", "usual_pain": "3"})  # fmt: skip
        for patient in (uma, carl):
            patient.answer(example("sciatica"))
            patient.send()
        dora.get("/my-data/delete")
        dora.post("/my-data/delete")
        people = {p.name: p.id for p in db.store.people()}
        (uma_result,) = result_ids(doctor.get("/clinic").text)
        self.values = {
            "ann_result": ann_result,
            "uma_result": uma_result,
            "ann": people["Ann"],
            "dora": people["Dora"],
        }
        self.browsers: dict[str, Browser] = {
            "nobody": clinic.browser(),
            "ann": ann,
            "uma": uma,
            "other": other,
            "admin": admin,
            "doctor": doctor,
        }
        self.browsers["nobody"].get("/sign-in")  # a CSRF token, so refusals are the roles'
        self.emails = {"ann": "ann@example.org", "uma": "uma@example.org",
                       "other": "other@example.org", "admin": "admin@example.org",
                       "doctor": "doctor@example.org"}  # fmt: skip
        self.carl_result = max(
            s for s in range(1, 20) if self._exists(s)
        )  # the last result made: Carl's

    def _exists(self, number: int) -> bool:
        return bool(
            self.db.read(
                lambda c: c.execute(
                    select(schema.submissions.c.id).where(schema.submissions.c.id == number)
                ).first()
            )
        )

    def fingerprint(self) -> dict[str, object]:
        """What a refused request must not change: every table's rows (the audit log,
        sessions and failed sign-ins aside, which record the attempt itself)."""
        skip = {"backplan_audit", "backplan_sessions", "backplan_sign_in_failures",
                "backplan_alembic_version"}  # fmt: skip
        found: dict[str, object] = {}
        for table in schema.metadata.sorted_tables:
            if table.name not in skip:
                found[table.name] = self.db.read(partial(_rows, table))
        return found


def _rows(table: Table, connection: Connection) -> list[str]:
    return sorted(map(repr, connection.execute(select(table)).all()))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, recommender: Recommender) -> Iterator[World]:
    db = ClinicDB.open(str(tmp_path_factory.mktemp("access") / "clinic.sqlite3"))
    made = World(db, create_app(recommender, clinic=db))
    yield made
    db.close()


def test_the_table_holds_every_route_the_clinic_serves() -> None:
    served = set()
    for router, _ in CLINIC:
        for route in router.routes:
            assert isinstance(route, APIRoute) and route.methods, route
            served |= {(method, route.path) for method in route.methods}
    assert served == set(ROUTES)


def _refused(reply: httpx.Response) -> bool:
    if reply.status_code in (301, 302, 303, 307):
        return reply.headers["location"].startswith("/sign-in")
    return reply.status_code in (403, 404)


def _check(
    world: World,
    role: str,
    allowed: str | set[str],
    method: str,
    path: str,
    address: str,
    reply: httpx.Response,
    before: dict[str, object] | None,
) -> None:
    may = role in allowed
    assert _refused(reply) != may, (role, method, address, reply.status_code, reply.text[:300])
    if may:
        return
    expected = 303 if role == "nobody" else 403
    if role == "other" and path.startswith("/clinic/") and "{" in path:
        expected = 404  # a person not in their care: as if there were none
    assert reply.status_code == expected, (role, method, address, reply.status_code)
    if before is not None:
        assert world.fingerprint() == before, (role, method, address)


@pytest.mark.parametrize(("method", "path"), sorted(ROUTES), ids=lambda v: str(v))
def test_each_route_lets_in_exactly_its_roles(world: World, method: str, path: str) -> None:
    allowed, address, form = ROUTES[(method, path)]
    address = address.format(**world.values)
    for role in ROLES:
        browser = world.browsers[role]
        browser.client.follow_redirects = False
        try:
            before = world.fingerprint() if method == "POST" else None
            if method == "GET":
                reply = browser.client.get(address)
            else:
                reply = browser.client.post(address, data={"csrf_token": browser.token, **form})
        finally:
            browser.client.follow_redirects = True
        if allowed == OPEN:  # how one signs in, or what every page loads
            assert reply.status_code != 403, (role, method, address)
        else:
            _check(world, role, allowed, method, path, address, reply, before)
        if path == "/sign-out" and role != "nobody":
            browser.sign_in(world.emails[role])


def test_a_clinician_cannot_reach_another_clinicians_patient_by_number(world: World) -> None:
    other = world.browsers["other"]
    doctor = world.browsers["doctor"]
    carl = world.carl_result
    assert other.get(f"/clinic/results/{carl}").status_code == 200  # his own patient
    for path in (f"/clinic/results/{carl}", f"/clinic/results/{carl}/plan"):
        assert doctor.get(path).status_code == 404
    assert doctor.get("/clinic/results/999999").status_code == 404
    assert doctor.get("/clinic/patients/999999").status_code == 404
    assert doctor.get("/clinic/results/1e3").status_code == 404


def test_a_patient_only_ever_sees_their_own(world: World) -> None:
    uma = world.browsers["uma"]
    own = uma.get("/my-data/backplan-data.json").json()
    assert own["account"]["email"] == "uma@example.org"
    assert "Ann" not in str(own) and "ann@example.org" not in str(own)
    ann_result = world.values["ann_result"]
    assert ann_result not in [r["id"] for r in own["results"]]
    fhir = uma.get("/my-data/backplan-data.fhir.json").text
    assert "ann@example.org" not in fhir and '"Ann"' not in fhir
