"""Accounts and roles (issue 26, item 1): set-up links and invites that work once,
Argon2id hashes, server-side sessions that end on sign-out and when idle, a new session
id at every sign-in, and sign-in limited per account and per address."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import select, update

from recommender.clinic import accounts, limits, sessions, signin
from recommender.clinic.db import ClinicDB, now
from recommender.store.schema import accounts as account_table
from recommender.store.schema import invites
from recommender.store.schema import sessions as session_table

from support.clinic import PASSWORD, Browser, Clinic, h1


def test_a_set_up_link_sets_the_password_once(clinic: Clinic, clinic_db: ClinicDB) -> None:
    invite = accounts.add_staff(clinic_db, "Doc@Example.org ")
    browser = clinic.browser()
    assert browser.use_invite(invite.code).url.path == "/clinic"
    again = clinic.browser().get(f"/invite/{invite.code}")
    assert again.status_code == 404 and "has been used or has expired" in again.text
    stored = clinic_db.read(
        lambda c: c.execute(
            select(account_table.c.email, account_table.c.password_hash, account_table.c.role)
        ).one()
    )
    assert stored.email == "doc@example.org" and stored.role == "clinician"
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash


def test_an_expired_or_made_up_code_opens_nothing(clinic: Clinic, clinic_db: ClinicDB) -> None:
    invite = accounts.add_staff(clinic_db, "late@example.org")
    clinic_db.write(lambda c: c.execute(update(invites).values(expires_at=now())))
    assert clinic.browser().get(f"/invite/{invite.code}").status_code == 404
    made_up = clinic.browser().get("/invite/AAAA-BBBB-CCCC-DDDD")
    assert made_up.status_code == 404


def test_a_code_typed_in_any_case_with_spaces_is_accepted(
    clinic: Clinic, clinic_db: ClinicDB
) -> None:
    invite = accounts.add_staff(clinic_db, "typed@example.org")
    typed = invite.code.lower().replace("-", " ")
    page = clinic.browser().get("/invite", params={"code": typed})
    assert page.status_code == 200 and "Choose the password" in page.text


def test_a_second_staff_account_for_one_email_is_refused(clinic_db: ClinicDB) -> None:
    accounts.add_staff(clinic_db, "one@example.org")
    accounts.accept(
        clinic_db, accounts.add_staff(clinic_db, "one@example.org").code, None, PASSWORD
    )
    with pytest.raises(accounts.AccountError, match="already has an account"):
        accounts.add_staff(clinic_db, "one@example.org")


def test_a_weak_password_or_two_different_ones_are_refused_with_the_reason(
    clinic: Clinic, clinic_db: ClinicDB
) -> None:
    invite = accounts.add_staff(clinic_db, "weak@example.org")
    browser = clinic.browser()
    short = browser.use_invite(invite.code, password="short")
    assert short.status_code == 422 and "at least 10 characters" in short.text
    browser.get(f"/invite/{invite.code}")
    different = browser.post(
        "/invite", {"code": invite.code, "password": PASSWORD, "again": PASSWORD + "x"}
    )
    assert different.status_code == 422 and "not the same" in different.text
    assert browser.use_invite(invite.code).url.path == "/clinic"  # not used up by a refusal


def test_a_patient_invite_makes_a_patient_account_for_that_person(
    clinic: Clinic, doctor: Browser, clinic_db: ClinicDB
) -> None:
    ann = clinic.patient(doctor, "Ann Calm", "ann@example.org")
    assert h1(ann.get("/").text) == "Questions from your physiotherapist"
    (patient,) = accounts.patients_of(clinic_db, accounts.Account(1, "", "clinician", None))
    assert (patient.name, patient.email) == ("Ann Calm", "ann@example.org")


def test_signing_in_gives_a_new_session_id_and_the_old_one_opens_nothing(
    clinic: Clinic, doctor: Browser, ann: Browser
) -> None:
    planted = "planted-by-someone-else"
    ann.client.cookies.set("backplan_session", planted, domain="testserver.local")
    ann.sign_in("ann@example.org")
    after = ann.client.cookies.get("backplan_session")
    assert after and after != planted
    other = clinic.browser()
    other.client.cookies.set("backplan_session", planted, domain="testserver.local")
    assert other.get("/").url.path == "/sign-in"


def test_the_cookie_holds_only_a_random_id_and_the_database_its_hash(
    ann: Browser, clinic_db: ClinicDB
) -> None:
    cookie = ann.client.cookies.get("backplan_session")
    assert len(cookie) >= 40 and "ann" not in cookie
    stored = clinic_db.read(lambda c: c.execute(select(session_table.c.id)).scalars().all())
    assert cookie not in stored and all(len(s) == 64 for s in stored)


def test_signing_out_ends_the_session_on_the_server(clinic: Clinic, ann: Browser) -> None:
    cookie = ann.client.cookies.get("backplan_session")
    out = ann.post("/sign-out")
    assert out.url.path == "/sign-in" and "You have signed out" in out.text
    copy = clinic.browser()
    copy.client.cookies.set("backplan_session", cookie, domain="testserver.local")
    assert copy.get("/").url.path == "/sign-in"


def test_a_session_idle_for_30_minutes_ends(ann: Browser, clinic_db: ClinicDB) -> None:
    idle = now() - sessions.IDLE - dt.timedelta(seconds=1)
    clinic_db.write(lambda c: c.execute(update(session_table).values(last_seen=idle)))
    page = ann.get("/")
    assert page.url.path == "/sign-in" and "30 minutes without activity" in page.text
    left = clinic_db.read(lambda c: c.execute(select(session_table.c.account_id)).all())
    assert all(account_id != 2 for (account_id,) in left)  # the doctor's own stays


def test_a_session_in_use_is_kept_alive(ann: Browser, clinic_db: ClinicDB) -> None:
    from recommender.clinic.tokens import digest

    key = digest(ann.client.cookies.get("backplan_session"))
    nearly = now() - sessions.IDLE + dt.timedelta(minutes=1)
    clinic_db.write(lambda c: c.execute(update(session_table).values(last_seen=nearly)))
    assert ann.get("/").url.path == "/"
    seen = clinic_db.read(
        lambda c: c.execute(
            select(session_table.c.last_seen).where(session_table.c.id == key)
        ).scalar()
    )
    assert seen is not None
    assert now() - seen < dt.timedelta(minutes=1)


def test_a_wrong_password_and_an_unknown_email_get_the_same_message(
    clinic: Clinic, ann: Browser
) -> None:
    wrong = clinic.browser().sign_in("ann@example.org", "not the password")
    nobody = clinic.browser().sign_in("nobody@example.org", "not the password")
    assert wrong.status_code == nobody.status_code == 401
    assert signin.WRONG in wrong.text and signin.WRONG in nobody.text


def test_sign_in_is_paused_per_account_after_five_failures_even_with_the_password(
    clinic: Clinic, ann: Browser
) -> None:
    for _ in range(limits.PER_ACCOUNT):
        assert clinic.browser().sign_in("ann@example.org", "guess").status_code == 401
    paused = clinic.browser().sign_in("ann@example.org")
    assert paused.status_code == 429
    assert "sign-in is paused for 15 minutes" in paused.text
    # Another account from the same address is not affected (yet).
    assert clinic.browser().sign_in("nobody@example.org", "guess").status_code == 401


def test_sign_in_is_paused_per_address_after_twenty_failures(clinic: Clinic, ann: Browser) -> None:
    for number in range(limits.PER_ADDRESS):
        clinic.browser().sign_in(f"someone{number}@example.org", "guess")
    paused = clinic.browser().sign_in("ann@example.org")
    assert paused.status_code == 429 and "from this network" in paused.text


def test_the_pause_ends_after_the_window(clinic: Clinic, ann: Browser, clinic_db: ClinicDB) -> None:
    from recommender.store.schema import sign_in_failures

    for _ in range(limits.PER_ACCOUNT):
        clinic.browser().sign_in("ann@example.org", "guess")
    past = now() - limits.WINDOW - dt.timedelta(seconds=1)
    clinic_db.write(lambda c: c.execute(update(sign_in_failures).values(at=past)))
    assert clinic.browser().sign_in("ann@example.org").url.path == "/"


def test_every_sign_in_and_failure_is_on_record(
    clinic: Clinic, ann: Browser, clinic_db: ClinicDB
) -> None:
    from recommender.clinic import audit

    clinic.browser().sign_in("ann@example.org", "guess")
    clinic.browser().sign_in("ann@example.org")
    actions = [e.action for e in audit.entries(clinic_db)]
    assert "sign_in_failed" in actions and "sign_in" in actions and "account_set_up" in actions


def test_the_audit_log_refuses_to_be_changed_or_deleted_in_the_database(
    clinic_db: ClinicDB, ann: Browser
) -> None:
    path = clinic_db.url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("UPDATE backplan_audit SET action = 'nothing'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("DELETE FROM backplan_audit")


def test_when_every_turn_to_check_a_password_is_taken_sign_in_says_try_again(
    clinic: Clinic, ann: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recommender.clinic import passwords

    monkeypatch.setattr(passwords, "TURN_WAIT", 0.05)
    taken = [passwords._turns.acquire() for _ in range(passwords.HASHES_AT_ONCE)]
    try:
        busy = clinic.browser().sign_in("ann@example.org")
    finally:
        for _ in taken:
            passwords._turns.release()
    assert busy.status_code == 503 and signin.BUSY in busy.text
    assert clinic.browser().sign_in("ann@example.org").url.path == "/"


def test_a_password_hashed_with_older_parameters_is_hashed_again_at_sign_in(
    clinic: Clinic, ann: Browser, clinic_db: ClinicDB
) -> None:
    from argon2 import PasswordHasher

    older = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash(PASSWORD)
    clinic_db.write(
        lambda c: c.execute(
            update(account_table).where(account_table.c.email == "ann@example.org")
            .values(password_hash=older)
        )
    )  # fmt: skip
    assert clinic.browser().sign_in("ann@example.org").url.path == "/"
    now_stored = clinic_db.read(
        lambda c: c.execute(
            select(account_table.c.password_hash).where(account_table.c.email == "ann@example.org")
        ).scalar()
    )
    assert now_stored is not None
    assert now_stored != older and "m=19456,t=2,p=1" in now_stored
