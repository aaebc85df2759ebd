"""The clinic driven over HTTP as browsers drive it: a clinic on its own database, and
people (a clinician, an admin, patients) each with their own browser (a client with
its own cookies), signed in through the real pages.

Works with Starlette's TestClient (the app in this process) and with httpx against a
real `backplan serve --clinic` alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional

import httpx

from recommender.clinic import accounts, queue
from recommender.clinic.db import ClinicDB

from support.web import SECTIONS, section_form

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PASSWORD = "a long enough password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def example(name: str) -> dict[str, Any]:
    answers: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return answers


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


class Browser:
    """One person's browser: a client with its own cookies, and the CSRF token of the
    last page that had a form."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.token = ""

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        reply: httpx.Response = self.client.get(path, **kwargs)
        if "text/html" in reply.headers.get("content-type", "") and CSRF.search(reply.text):
            self.token = csrf_of(reply.text)
        return reply

    def post(
        self, path: str, data: Optional[dict[str, Any]] = None, **kwargs: Any
    ) -> httpx.Response:
        if not self.token:
            self.get("/sign-in")
        reply: httpx.Response = self.client.post(
            path, data={"csrf_token": self.token, **(data or {})}, **kwargs
        )
        if "text/html" in reply.headers.get("content-type", "") and CSRF.search(reply.text):
            self.token = csrf_of(reply.text)
        return reply

    def sign_in(self, email: str, password: str = PASSWORD) -> httpx.Response:
        self.get("/sign-in")
        return self.post("/sign-in", {"email": email, "password": password})

    def use_invite(
        self, code: str, email: Optional[str] = None, password: str = PASSWORD
    ) -> httpx.Response:
        self.get(f"/invite/{code}")
        data = {"code": code, "password": password, "again": password}
        if email:
            data["email"] = email
        return self.post("/invite", data)

    def answer(self, answers: dict[str, Any], country: str = "GB") -> httpx.Response:
        """Every section answered from an answers object, as the pages send them; the
        last reply (the review, or wherever the questions stopped)."""
        self.get("/")
        reply = self.post("/start", {"country": country})
        for section in SECTIONS:
            if not reply.url.path.startswith("/questions/"):
                break
            reply = self.post(f"/questions/{section.number}", section_form(section, answers))
        return reply

    def send(self) -> httpx.Response:
        return self.post("/send")


class Clinic:
    """A clinic's people, each with a browser made by `new_client`."""

    def __init__(self, db: ClinicDB, new_client: Callable[[], Any]) -> None:
        self.db = db
        self.new_client = new_client

    def browser(self) -> Browser:
        return Browser(self.new_client())

    def staff(self, email: str, role: str = "clinician") -> Browser:
        invite = accounts.add_staff(self.db, email, role)
        browser = self.browser()
        reply = browser.use_invite(invite.code)
        assert reply.status_code == 200, reply.text[:500]
        return browser

    def invite(self, clinician: Browser, name: str) -> str:
        """A patient invited from the clinician's page: the code it shows."""
        clinician.get("/clinic/patients")
        reply = clinician.post("/clinic/patients/invite", {"name": name})
        assert reply.status_code == 200, reply.text[:500]
        found = re.search(r'class="code">([A-Z0-9-]+)<', reply.text)
        assert found
        return found.group(1)

    def patient(self, clinician: Browser, name: str, email: str) -> Browser:
        browser = self.browser()
        reply = browser.use_invite(self.invite(clinician, name), email)
        assert reply.status_code == 200 and reply.url.path == "/", reply.text[:500]
        return browser


def submission(db: ClinicDB, number: int) -> queue.Submission:
    found = db.read(lambda c: queue.get(c, number))
    assert found is not None
    return found


def result_ids(html: str) -> list[int]:
    """The results a queue page lists, in its order."""
    return [int(n) for n in re.findall(r'href="/clinic/results/(\d+)"', html)]


def person_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/clinic/patients/(\d+)"', html)]


def h1(html: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def httpx_client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, follow_redirects=True, timeout=30)
