"""Security as a health service needs it (issue 26, item 5): CSRF on every form, the
public app's headers on every page, cookies that carry no health data and stay in
their site, no health data in any address, and a weak secret key refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from test_access import ROUTES, World, world  # noqa: F401  (the module's fixture)

from recommender.app.web.guard import SECURITY_HEADERS
from recommender.clinic.db import ClinicDB

from conftest import Run
from support.clinic import Browser, Clinic, example

POSTS = sorted(path for method, path in ROUTES if method == "POST")


@pytest.mark.parametrize("path", POSTS)
def test_every_form_is_refused_without_this_browsers_csrf_token(world: World, path: str) -> None:  # noqa: F811
    """Asked by the roles the route lets in (the others are refused before)."""
    allowed, address, form = ROUTES[("POST", path)]
    address = address.format(**world.values)
    roles = ("nobody", "ann", "doctor") if allowed == "everyone" else sorted(allowed)
    for role in roles:
        browser = world.browsers[role]
        before = world.fingerprint()
        for token in ({}, {"csrf_token": "forged.token"}):
            reply = browser.client.post(address, data={**form, **token}, follow_redirects=False)
            assert reply.status_code == 403, (role, path, token, reply.status_code)
            assert "This form could not be accepted" in reply.text
        assert world.fingerprint() == before


def test_a_token_from_another_browser_is_refused(world: World) -> None:  # noqa: F811
    ann, uma = world.browsers["ann"], world.browsers["uma"]
    reply = uma.client.post(
        "/my-data/delete", data={"csrf_token": ann.token}, follow_redirects=False
    )
    assert reply.status_code == 403


@pytest.mark.parametrize(
    ("role", "path"),
    [("nobody", "/sign-in"), ("ann", "/"), ("ann", "/questions/1"), ("doctor", "/clinic"),
     ("doctor", "/clinic/patients"), ("admin", "/admin"), ("ann", "/my-data/backplan-data.json")],
)  # fmt: skip
def test_every_page_carries_the_public_apps_headers(world: World, role: str, path: str) -> None:  # noqa: F811
    reply = world.browsers[role].get(path)
    assert reply.status_code == 200
    for name, value in SECURITY_HEADERS:
        assert reply.headers[name.decode()] == value.decode(), name


def test_cookies_are_httponly_samesite_strict_and_secure_over_https(world: World) -> None:  # noqa: F811
    fresh = world.browsers["nobody"].client
    reply = fresh.post(
        "https://testserver/sign-in",
        data={"csrf_token": world.browsers["nobody"].token, "email": "x@example.org"},
        follow_redirects=False,
    )
    assert reply.status_code in (401, 403)
    signed = world.browsers["ann"].client.post(
        "/sign-in",
        data={
            "csrf_token": world.browsers["ann"].token,
            "email": "ann@example.org",
            "password": "a long enough password",
        },
        follow_redirects=False,
    )
    cookie = signed.headers["set-cookie"]
    assert "backplan_session=" in cookie and "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "samesite=strict" in cookie.lower()
    assert "Max-Age" not in cookie and "expires" not in cookie.lower()  # gone with the browser


def test_the_session_cookie_is_secure_behind_https(
    clinic_app: FastAPI, clinic_db: ClinicDB
) -> None:
    import warnings

    from recommender.clinic import accounts

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    invite = accounts.add_staff(clinic_db, "secure@example.org")
    client = TestClient(clinic_app, base_url="https://testserver")
    page = client.get(f"/invite/{invite.code}")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    token = found.group(1)
    reply = client.post(
        "/invite",
        data={"csrf_token": token, "code": invite.code, "password": "a long enough password",
              "again": "a long enough password"},
        follow_redirects=False,
    )  # fmt: skip
    assert "backplan_session=" in reply.headers["set-cookie"]
    assert "Secure" in reply.headers["set-cookie"]


def test_no_address_carries_health_data() -> None:
    """Every number in a clinic address is a record's id, a download's format, an
    invite code or a file's name: nothing a person answered."""
    parameters = {name for _, path in ROUTES for name in re.findall(r"{(\w+)}", path)}
    assert parameters == {"number", "fmt", "code", "name"}


def test_the_pages_send_no_answer_in_an_address(
    clinic: Clinic, ann: Browser, doctor: Browser
) -> None:
    """The forms post their answers; no page links to an address with a query that
    holds one."""
    ann.answer(example("sciatica"))
    pages = [ann.get("/review").text, ann.send().text]
    number = re.findall(r'href="/clinic/results/(\d+)"', doctor.get("/clinic").text)[0]
    pages.append(doctor.get(f"/clinic/results/{number}").text)
    for html in pages:
        for form in re.findall(r"<form[^>]*>", html):
            assert (
                'method="post"' in form
                or "/invite" in form
                or "level" in form
                or ('method="get"' in form and "check-in" not in form)
            )
        for link in re.findall(r'href="([^"]+)"', html):
            assert "?" not in link or link.startswith("/sign-in?why="), link


def test_serve_clinic_refuses_a_weak_secret_key(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BACKPLAN_SECRET_KEY", "password123")
    out = run("serve", "--clinic", "--db", str(tmp_path / "c.sqlite3"), code=2)
    assert "BACKPLAN_SECRET_KEY is too weak" in out.output
    assert not (tmp_path / "c.sqlite3").exists()


def test_a_database_without_clinic_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    out = run("serve", "--db", str(tmp_path / "c.sqlite3"), code=2)
    assert "--db is for the clinic's app: add --clinic" in out.output
