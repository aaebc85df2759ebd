"""A real `backplan serve` on a free loopback port, and the questionnaire answered over
HTTP as a browser would send it (no JavaScript needed: every form is a plain POST)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Optional

import httpx

from recommender.app.web import form
from recommender.core.paths import get_path
from recommender.inputs.questionnaire import load_questionnaire

SECTIONS = form.sections(load_questionnaire())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def backplan() -> list[str]:
    script = Path(sys.executable).with_name("backplan")
    return [str(script)] if script.exists() else [sys.executable, "-m", "recommender"]


@contextmanager
def served(
    *args: str,
    env: Optional[dict[str, str]] = None,
    command: Optional[Sequence[str]] = None,
    ready: str = "/api/questionnaire",
) -> Iterator[str]:
    """A running `backplan serve ARGS` (or `command`, given the port as its last
    argument), its base address while the block runs, always stopped after. It is
    ready when `ready` answers 200 (the clinic's app has no API: /sign-in)."""
    port = free_port()
    argv = [*command, str(port)] if command else [*backplan(), "serve", "--port", str(port), *args]
    process = subprocess.Popen(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                assert process.stderr is not None
                raise AssertionError(f"backplan serve exited: {process.stderr.read()}")
            try:
                if httpx.get(base + ready, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("backplan serve did not answer within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stderr is not None
        process.stderr.close()


def csrf(client: httpx.Client) -> str:
    page = client.get("/").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, "the page carries no CSRF token"
    return found.group(1)


def section_form(section: form.Section, answers: dict[str, Any]) -> dict[str, Any]:
    """A section's form as a person fills it in from `answers`: the questions asked at
    their age, and one yes/no per part of a question asked in parts."""
    sent: dict[str, Any] = {}
    for question in form.asked(section, answers.get("age")):
        value = get_path(answers, question.key, None)
        if isinstance(value, bool) and question.or_ask:
            for key in form.part_keys(question)[: 1 if value else None]:
                sent[key] = "yes" if value else "no"
        elif isinstance(value, bool):
            sent[question.key] = "yes" if value else "no"
        elif value is not None:
            sent[question.key] = value if isinstance(value, list) else str(value)
    return sent


def begin(client: httpx.Client, country: str = "") -> str:
    """Start the questionnaire; the CSRF token for the forms that follow."""
    token = csrf(client)
    reply = client.post("/start", data={"csrf_token": token, "country": country})
    assert reply.url.path == "/questions/1", reply.url
    return token


def answer_all(client: httpx.Client, answers: dict[str, Any], country: str = "") -> str:
    """Every section answered from `answers`, ending at the review; the CSRF token."""
    token = begin(client, country)
    for section in SECTIONS:
        reply = client.post(
            f"/questions/{section.number}",
            data={"csrf_token": token, **section_form(section, answers)},
        )
    assert reply.url.path == "/review", reply.url
    return token
