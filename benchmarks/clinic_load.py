#!/usr/bin/env python3
"""The clinic under load, on loopback: run from a virtual environment where backplan is
installed, with PostgreSQL from Debian (/usr/lib/postgresql).

    python benchmarks/clinic_load.py                          # 200 patients, 20 clinicians
    python benchmarks/clinic_load.py --patients 40 --clinicians 4   # a quick look

A temporary PostgreSQL cluster; two replicas of `backplan serve --clinic` (one worker
each) sharing its database and one secret key; every patient and clinician with an
account (made beforehand, as invites would). Then, all at once, bounded by a time cap:

- each patient, in a browser of their own (cookies), signs in, answers the whole
  questionnaire page by page (varied answers, a few of them an emergency that stops the
  questions) and sends it; each request goes to the replica after the one before, as a
  proxy without sticky sessions would send it;
- each clinician signs in and works through their queue: opens each result, releases
  its plan, or closes it (or withholds it) with a message, and records their own
  triage level for every other one, until their patients have all been answered.

Reported: requests per second, p50 and p99 latency (sign-in, which hashes a password on
purpose, apart from the pages), errors, the servers' CPU time per request. Checked in
the database afterwards: every patient's answers arrived whole (one result each, with
the answers sent), and every decision a clinician was told was made is there, once.

Beside it, the public app (`backplan serve --workers 2`, the same two workers) with the
same patients answering anonymously and seeing their result page: its requests per
second and p99 on the same machine in the same run. The load generator shares the
machine's two cores with the servers and the database, so every rate is a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from bench import _tree_cpu_seconds, backplan_command  # noqa: E402

from support.postgres import cluster, new_database  # noqa: E402

PASSWORD = "a long enough password"
CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')


# -- the people and their answers --------------------------------------------------------


def answers_for(count: int, seed: int = 26) -> list[dict]:
    """Varied adults' answers, red flags rare (about one person in eight has one), no
    start date (a plan is dated when it is released)."""
    from recommender.inputs.samples import sample_answers

    rng = random.Random(seed)
    found = []
    for _ in range(count):
        answers = sample_answers(rng, red_flag_rate=0.005)
        answers["age"] = rng.randint(18, 90)
        answers.pop("start_date", None)
        found.append(answers)
    return found


def make_people(url: str, patients: int, clinicians: int) -> dict[str, Any]:
    """Accounts as invites and set-up links would make them (in this process)."""
    from recommender.clinic import accounts
    from recommender.clinic.db import ClinicDB

    db = ClinicDB.open(url)
    staff, people = [], []
    try:
        for n in range(clinicians):
            email = f"clinician{n}@example.org"
            account = accounts.accept(db, accounts.add_staff(db, email).code, None, PASSWORD)
            staff.append({"email": email, "account": account})
        for n in range(patients):
            owner = staff[n % clinicians]["account"]
            invite = accounts.invite_patient(db, owner, f"Patient {n}")
            email = f"patient{n}@example.org"
            accounts.accept(db, invite.code, email, PASSWORD)
            people.append(
                {"email": email, "person_id": invite.person_id, "clinician": n % clinicians}
            )
    finally:
        db.close()
    return {"staff": staff, "patients": people}


# -- servers ---------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server(args: list[str], ready: str, env: dict[str, str]) -> Iterator[tuple[str, int]]:
    import urllib.request

    port = _free_port()
    process = subprocess.Popen(
        [*backplan_command(), "serve", "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(base + ready, timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    message = f"backplan serve did not start: {process.stderr.read()}"
                    raise SystemExit(message) from None
                time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- the load --------------------------------------------------------------------------


class Timings:
    """Every request's latency, by kind, and the errors."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def hooks(self, kind: str) -> dict[str, list]:
        async def sent(request) -> None:
            request.extensions["began"] = time.perf_counter()

        async def answered(response) -> None:
            began = response.request.extensions.get("began")
            if began is not None:
                label = (
                    "sign-in"
                    if response.request.url.path == "/sign-in"
                    and (response.request.method == "POST")
                    else kind
                )
                self.latencies.setdefault(label, []).append(time.perf_counter() - began)

        return {"request": [sent], "response": [answered]}


class Browser:
    """One person's browser, its requests spread over the replicas in turn."""

    def __init__(self, bases: list[str], timings: Timings, kind: str) -> None:
        import httpx

        self.bases = bases
        self.turn = random.randrange(len(bases))
        self.client = httpx.AsyncClient(
            timeout=120, event_hooks=timings.hooks(kind), follow_redirects=False
        )
        self.token = ""

    def _url(self, path: str) -> str:
        self.turn = (self.turn + 1) % len(self.bases)
        return self.bases[self.turn] + path

    async def get(self, path: str) -> Any:
        reply = await self.client.get(self._url(path))
        found = CSRF.search(reply.content)
        if found:
            self.token = found.group(1).decode()
        return reply

    async def post(self, path: str, data: dict[str, Any]) -> Any:
        """A form sent, and the page it leads to (the redirect followed, to a replica of
        its own); the final reply and its path."""
        reply = await self.client.post(self._url(path), data={"csrf_token": self.token, **data})
        while reply.status_code == 303:
            reply = await self.get(reply.headers["location"])
        return reply

    async def sign_in(self, email: str) -> Any:
        await self.get("/sign-in")
        return await self.post("/sign-in", {"email": email, "password": PASSWORD})

    async def close(self) -> None:
        await self.client.aclose()


async def patient(
    bases, timings: Timings, person: dict, answers: dict, clinic: bool, delay: float, busy: list
) -> dict:
    """One patient's whole visit, begun after `delay` seconds: what happened, for the
    check afterwards. `busy` counts the patients part-way through at each moment."""
    import httpx

    await asyncio.sleep(delay)
    busy[0] += 1
    busy[1] = max(busy[1], busy[0])
    outcome = {"person": person, "answers": answers, "ended": None}
    try:
        return await _visit(bases, timings, person, answers, clinic, outcome)
    except httpx.HTTPError as exc:
        timings.errors.append(f"{person['email']}: {type(exc).__name__}: {exc}")
        return outcome
    finally:
        busy[0] -= 1


async def _visit(bases, timings: Timings, person, answers, clinic: bool, outcome: dict) -> dict:
    from support.web import SECTIONS, section_form

    browser = Browser(bases, timings, "patient pages" if clinic else "public pages")
    try:
        if clinic:
            home = await browser.sign_in(person["email"])
            if home.status_code != 200:
                timings.errors.append(f"sign-in {person['email']}: {home.status_code}")
                return outcome
        else:
            await browser.get("/")
        reply = await browser.post("/start", {"country": "GB"})
        for section in SECTIONS:
            if not reply.url.path.startswith("/questions/"):
                break
            reply = await browser.post(
                f"/questions/{section.number}", section_form(section, answers)
            )
        if reply.url.path == "/review":
            reply = await (browser.post("/send", {}) if clinic else browser.get("/result"))
        outcome["ended"] = (
            reply.url.path if reply.status_code == 200 else f"error {reply.status_code}"
        )
        if reply.status_code != 200:
            timings.errors.append(f"{person['email']}: {reply.status_code} at {reply.url.path}")
    finally:
        await browser.close()
    return outcome


async def clinician(bases, timings: Timings, member: dict, everyone_done: asyncio.Event) -> dict:
    """One clinician working through their queue until their patients are done."""
    import httpx

    browser = Browser(bases, timings, "clinician pages")
    decided: dict[int, str] = {}
    triaged: list[int] = []
    try:
        await browser.sign_in(member["email"])
        while True:
            queue = await browser.get("/clinic")
            numbers = [int(n) for n in re.findall(rb'href="/clinic/results/(\d+)"', queue.content)]
            numbers = [n for n in numbers if n not in decided]
            if not numbers:
                if everyone_done.is_set():
                    break
                await asyncio.sleep(0.5)
                continue
            for number in numbers:
                try:
                    await _decide(browser, timings, number, decided, triaged)
                except httpx.HTTPError as exc:
                    timings.errors.append(f"result {number}: {type(exc).__name__}: {exc}")
    except httpx.HTTPError as exc:
        timings.errors.append(f"{member['email']}: {type(exc).__name__}: {exc}")
    finally:
        await browser.close()
    return {"decided": decided, "triaged": triaged}


async def _decide(browser: Browser, timings: Timings, number: int, decided, triaged) -> None:
    page = await browser.get(f"/clinic/results/{number}")
    if page.status_code != 200:
        timings.errors.append(f"result {number}: {page.status_code}")
        return
    if f'action="/clinic/results/{number}/release"'.encode() in page.content:
        reply = await browser.post(
            f"/clinic/results/{number}/release", {"start": dt.date.today().isoformat()}
        )
        action = "released"
    else:
        reply = await browser.post(
            f"/clinic/results/{number}/withhold", {"message": "We will call you today."}
        )
        action = "withheld_or_closed"
    if reply.status_code == 200:
        decided[number] = action
    else:
        timings.errors.append(f"decision on {number}: {reply.status_code}")
    if number % 2 == 0:
        triage = await browser.post(f"/clinic/results/{number}/triage", {"level": "soon"})
        if triage.status_code == 200:
            triaged.append(number)


def _delays(count: int, ramp: float) -> list[float]:
    """When each patient arrives: spread evenly over `ramp` seconds."""
    return [ramp * n / max(1, count) for n in range(count)]


async def run_clinic(
    bases: list[str], people: dict, answers: list[dict], cap: float, ramp: float
) -> dict:
    timings = Timings()
    done = asyncio.Event()
    busy = [0, 0]
    began = time.perf_counter()
    staff = [
        asyncio.create_task(clinician(bases, timings, member, done)) for member in people["staff"]
    ]
    arrivals = zip(people["patients"], answers, _delays(len(answers), ramp), strict=True)
    visits = await asyncio.wait_for(
        asyncio.gather(*(patient(bases, timings, p, a, True, d, busy) for p, a, d in arrivals)),
        cap,
    )
    done.set()
    work = await asyncio.wait_for(asyncio.gather(*staff), cap)
    seconds = time.perf_counter() - began
    return {"timings": timings, "visits": visits, "work": work, "seconds": seconds, "busy": busy}


async def run_public(base: str, count: int, answers: list[dict], cap: float, ramp: float) -> dict:
    timings = Timings()
    busy = [0, 0]
    began = time.perf_counter()
    people = [{"email": f"anonymous{n}"} for n in range(count)]
    arrivals = zip(people, answers, _delays(count, ramp), strict=True)
    visits = await asyncio.wait_for(
        asyncio.gather(*(patient([base], timings, p, a, False, d, busy) for p, a, d in arrivals)),
        cap,
    )
    seconds = time.perf_counter() - began
    return {"timings": timings, "visits": visits, "seconds": seconds, "busy": busy}


# -- checking that nothing was lost ---------------------------------------------------------


def _leaves(answers: dict, prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for key, value in answers.items():
        if isinstance(value, dict):
            found += _leaves(value, f"{prefix}{key}.")
        else:
            found.append((f"{prefix}{key}", value))
    return found


def _leaf(answers: dict, key: str) -> Any:
    value: Any = answers
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _as_asked(answers: dict, questionnaire: Any) -> dict:
    """The answers as the pages keep them: a question not asked at the person's age is
    no (the generator may have said yes to it), and the country chosen on the first
    page."""
    import copy

    from recommender.core.paths import set_path

    kept = copy.deepcopy(answers)
    for question in questionnaire.questions:
        if question.skipped(kept.get("age")):
            set_path(kept, question.key, False)
    return kept | {"country": "GB"}


def check(url: str, clinic: dict) -> dict:
    """Every answer sent is stored whole, once; every decision acknowledged is stored,
    once; every result has been decided."""
    from sqlalchemy import select

    from recommender.clinic.db import ClinicDB
    from recommender.store.schema import decisions, submissions

    db = ClinicDB.open(url)
    try:
        rows = db.read(lambda c: c.execute(select(submissions)).all())
        made = db.read(lambda c: c.execute(select(decisions)).all())
    finally:
        db.close()
    return {
        "patients": len(clinic["visits"]),
        "results_stored": len(rows),
        **_answers_kept(rows, clinic["visits"]),
        **_decisions_kept(rows, made, clinic["work"]),
        "released_with_a_course": sum(
            1 for row in rows if row.status == "released" and row.course_id
        ),
        "released": sum(1 for row in rows if row.status == "released"),
        "emergencies_raised_part_way": sum(1 for row in rows if not row.complete),
    }


def _answers_kept(rows: list, visits: list[dict]) -> dict[str, int]:
    """Each patient's one result holds the answers they sent (part-way: each answer
    given before the questions stopped)."""
    from recommender.inputs.questionnaire import load_questionnaire

    questionnaire = load_questionnaire()
    by_person: dict[int, list] = {}
    for row in rows:
        by_person.setdefault(row.person_id, []).append(row)
    lost = wrong = 0
    for visit in visits:
        stored = by_person.get(visit["person"]["person_id"], [])
        if len(stored) != 1:
            lost += 1
            continue
        (row,) = stored
        sent = _as_asked(visit["answers"], questionnaire)
        if row.complete:
            wrong += row.answers != sent
        else:
            wrong += any(_leaf(sent, key) != value for key, value in _leaves(row.answers))
    return {"answers_lost": lost, "answers_wrong": wrong}


def _decisions_kept(rows: list, made: list, work: list[dict]) -> dict[str, int]:
    """Every decision a clinician was told was made is stored, once; none is left."""
    told = {n: a for done in work for n, a in done["decided"].items()}
    triaged = [n for done in work for n in done["triaged"]]
    per_result: dict[int, int] = {}
    for decision in made:
        if decision.action in ("released", "withheld", "closed"):
            per_result[decision.submission_id] = per_result.get(decision.submission_id, 0) + 1
    return {
        "decisions_acknowledged": len(told),
        "decisions_stored": sum(per_result.values()),
        "decisions_lost": len(set(told) - set(per_result)),
        "decided_twice": sum(1 for n in per_result.values() if n > 1),
        "results_never_decided": sum(
            1 for row in rows if row.status in ("emergency", "urgent", "waiting")
        ),
        "triage_acknowledged": len(triaged),
        "triage_stored": sum(1 for d in made if d.action == "triaged"),
    }


# -- the report ----------------------------------------------------------------------------


def figures(run: dict, cpu_seconds: float) -> dict:
    timings: Timings = run["timings"]
    every = sorted(t for values in timings.latencies.values() for t in values)

    def stats(values: list[float]) -> dict:
        values = sorted(values)
        return {
            "requests": len(values),
            "p50_ms": round(values[len(values) // 2] * 1000, 1),
            "p99_ms": round(values[min(len(values) - 1, int(0.99 * len(values)))] * 1000, 1),
        }

    return {
        "seconds": round(run["seconds"], 1),
        "patients_at_once_at_most": run["busy"][1],
        "requests": len(every),
        "requests_per_second": round(len(every) / run["seconds"], 1),
        "all": stats(every),
        "by_kind": {kind: stats(values) for kind, values in sorted(timings.latencies.items())},
        "errors": len(timings.errors),
        "first_errors": timings.errors[:5],
        "server_cpu_ms_per_request": round(cpu_seconds * 1000 / max(1, len(every)), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--clinicians", type=int, default=20)
    parser.add_argument("--cap", type=float, default=900, help="seconds, at most, for each run")
    parser.add_argument(
        "--ramp",
        type=float,
        default=30,
        help="seconds over which the patients arrive (0: all in the same instant)",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    options = parser.parse_args()
    answers = answers_for(options.patients)
    key = secrets.token_urlsafe(32)
    with cluster("max_connections=300") as postgres:
        url = new_database(postgres)
        made = time.perf_counter()
        people = make_people(url, options.patients, options.clinicians)
        print(
            f"accounts for {options.patients} patients and {options.clinicians} clinicians made "
            f"in {time.perf_counter() - made:.1f} s",
            flush=True,
        )
        env = {"BACKPLAN_SECRET_KEY": key}
        with ExitStack() as stack:
            replicas = [
                stack.enter_context(
                    server(["--clinic", "--db", url, "--workers", "1"], "/sign-in", env)
                )
                for _ in range(2)
            ]
            before = sum(_tree_cpu_seconds(pid) for _, pid in replicas)
            bases = [base for base, _ in replicas]
            clinic = asyncio.run(run_clinic(bases, people, answers, options.cap, options.ramp))
            cpu = sum(_tree_cpu_seconds(pid) for _, pid in replicas) - before
        checked = check(url, clinic)
    clinic_figures = figures(clinic, cpu)
    with server(["--workers", "2"], "/api/questionnaire", {}) as (base, pid):
        before = _tree_cpu_seconds(pid)
        public = asyncio.run(run_public(base, options.patients, answers, options.cap, options.ramp))
        public_figures = figures(public, _tree_cpu_seconds(pid) - before)
    report = {"clinic": clinic_figures, "checked": checked, "public": public_figures}
    print(json.dumps(report, indent=2))
    if options.json:
        Path(options.json).write_text(json.dumps(report, indent=2) + "\n")
    lost = checked["answers_lost"] + checked["answers_wrong"] + checked["decisions_lost"]
    lost += checked["decided_twice"] + checked["results_never_decided"]
    if lost or clinic_figures["errors"]:
        raise SystemExit("something was lost or failed: see above")


if __name__ == "__main__":
    main()
