"""CONTRIBUTING.md's recipe for a new output format, followed with a made-up one: a
module and one entry in `FORMATS`, and nothing else. The command line, the web app's
downloads and the safety tests must take it up on their own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from recommender.app.web import form
from recommender.inputs.questionnaire import load_questionnaire
from recommender.pipeline.recommend import Recommender
from recommender.render import FORMATS

from conftest import example_answers
from support import dummy_format
from support.formats import every_format
from support.web import section_form

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = form.sections(load_questionnaire())


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The recipe's module and registry entry, undone after the test."""
    monkeypatch.setitem(sys.modules, dummy_format.MODULE, dummy_format.module())
    monkeypatch.setitem(FORMATS, dummy_format.NAME, dummy_format.entry())


def test_the_web_app_offers_a_new_format_for_download(
    recommender: Recommender, registered: None
) -> None:
    from recommender.app.web.app import create_app

    client = TestClient(create_app(recommender))
    page = client.get("/").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page[:500]
    csrf = found.group(1)
    client.post("/start", data={"csrf_token": csrf, "country": ""})
    # Spine surgery in the last 6 months withholds the plan (WH-SURGERY): the page has
    # every download but no exercise figure, so nothing but the downloads is at stake.
    answers = example_answers("desk-worker-upper-back")
    answers["history"]["recent_spine_surgery"] = True
    for number, section in enumerate(SECTIONS, 1):
        data = {"csrf_token": csrf, **section_form(section, answers)}
        client.post(f"/questions/{number}", data=data)
    result = client.get("/result")
    assert result.status_code == 200
    assert '<a href="/download/dummy" download>Dummy text</a>' in result.text
    saved = client.get("/download/dummy")
    assert saved.status_code == 200
    assert saved.headers["content-disposition"] == 'attachment; filename="backplan-dummy.txt"'
    assert saved.headers["content-type"] == "text/plain; charset=utf-8"
    assert saved.text.startswith(dummy_format.MARK)
    assert "No exercise plan is given" in saved.text  # the result, as text writes it
    assert dummy_format.NAME in every_format()  # what every test's list of formats reads


def _safety_tests(tmp_path: Path, careful: bool) -> subprocess.CompletedProcess[str]:
    """The safety tests in a fresh pytest, with the format registered before they are
    collected (as a module written into recommender/render/ would be): the cases of the
    new format, and the test that no result without a plan speaks of exercise."""
    plugin = tmp_path / "register_dummy_format.py"
    plugin.write_text(f"from support.dummy_format import register\nregister(careful={careful})\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT / "tests")]))
    chosen = "dummy or no_plan_means_no_exercise_talk"
    args = ["-p", "register_dummy_format", "-p", "no:cacheprovider", "-v", "-k", chosen]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args, "tests/pipeline/test_safety.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_safety_tests_hold_a_new_format_to_the_safety_net(tmp_path: Path) -> None:
    careful = _safety_tests(tmp_path, careful=True)
    assert careful.returncode == 0, careful.stdout[-3000:]
    for case in ("soon with a plan", "soon without a plan", "plan, no flags"):
        assert f"test_the_safety_net_is_in_every_format[{case}-dummy] PASSED" in careful.stdout
    # Written to a file from the command line (its --format takes the new name), the
    # format's result still leaves the warning on the screen.
    assert "test_plan_to_a_file_at_urgent_warns_on_stderr_in_every_format[dummy] PASSED" in (
        careful.stdout
    )
    careless = _safety_tests(tmp_path, careful=False)
    assert careless.returncode == 1, careless.stdout[-3000:]
    for case in ("soon with a plan", "soon without a plan", "plan, no flags"):
        assert f"test_the_safety_net_is_in_every_format[{case}-dummy] FAILED" in careless.stdout
    assert "test_no_plan_means_no_exercise_talk_in_any_format FAILED" in careless.stdout
