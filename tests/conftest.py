"""Shared fixtures and the hypothesis profiles.

The default profile is derandomized so that a test run is reproducible on any machine;
`HYPOTHESIS_PROFILE=explore pytest` searches further with fresh random examples.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

# Keep the test run's cache out of the user's own cache folder, and leave nothing
# behind in the temporary folder when the run ends.
if "BACKPLAN_CACHE_DIR" not in os.environ:
    _TEST_CACHE = tempfile.mkdtemp(prefix="backplan-test-cache-")
    os.environ["BACKPLAN_CACHE_DIR"] = _TEST_CACHE
    atexit.register(shutil.rmtree, _TEST_CACHE, ignore_errors=True)

# Likewise the user's data folder, where an unfinished intake may be kept (platformdirs
# reads XDG_DATA_HOME on Linux and BSD): no test ever leaves a draft in a real home.
if "BACKPLAN_TEST_DATA_HOME" not in os.environ:
    _TEST_DATA = tempfile.mkdtemp(prefix="backplan-test-data-")
    os.environ["BACKPLAN_TEST_DATA_HOME"] = os.environ["XDG_DATA_HOME"] = _TEST_DATA
    atexit.register(shutil.rmtree, _TEST_DATA, ignore_errors=True)

# Ctrl-C reaches the programs the tests drive at a terminal (pexpect's sendintr), also
# where the run was started with SIGINT ignored, as a shell's `pytest &` or a test
# worker starts it: an ignored signal stays ignored in every child, a handled one does
# not (exec resets it), and Python turns a default SIGINT into KeyboardInterrupt.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

from recommender.app.cli import main  # noqa: E402
from recommender.pipeline.recommend import Recommender  # noqa: E402

import support.browser as browser_support  # noqa: E402
from support.course import START_ARGS, WEEKS, checkin_args  # noqa: E402

# The clinic's fixtures (a clinic on a fresh database, its people), for tests/clinic/:
# a conftest.py of its own there would be imported as `conftest`, hiding this one.
pytest_plugins = ["support.clinic_fixtures"]

settings.register_profile(
    "default",
    derandomize=True,
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow],
)
# derandomize=False: a profile starts from the default one registered above.
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

EXAMPLES = Path(__file__).parent / "examples"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files that hold a slow test first, then those that drive a browser, then the
    rest, each group in its own order.

    `pytest -n auto` (as the README runs the suite) gives each worker whole files
    (`--dist loadfile` in pyproject.toml: a file's server and browser start once), in
    this order as workers come free (`--no-loadscope-reorder`: not the largest count of
    tests first): the longest handed out first, the workers end together, rather than
    one walking the catalog alone for a minute at the end."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    browser = {item.path for item in items if item.get_closest_marker("browser")}
    items.sort(key=lambda item: (item.path not in slow, item.path not in browser))


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers for each core this process may use. About half of the
    suite's time is spent waiting (on Chromium, the web server, a terminal, a slow
    client), so one worker a core leaves the cores idle for minutes.

    PYTEST_XDIST_AUTO_NUM_WORKERS, as pytest-xdist reads it, overrides this: CI runs
    two suites side by side, where fewer workers each do the same in less CPU."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS", "").isdigit():
        return int(os.environ["PYTEST_XDIST_AUTO_NUM_WORKERS"])
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        cores = os.cpu_count() or 1
    return 2 * cores


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # before the test's fixtures start, a module's browser among them
    browser_support.marked_browser = item.get_closest_marker("browser") is not None


@pytest.fixture(autouse=True)
def _own_data_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test its own data folder: an unfinished intake one test keeps is never
    offered to the next (a plain `backplan intake` offers to continue a kept draft)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))


@pytest.fixture(scope="session")
def recommender() -> Recommender:
    return Recommender.load()


def example_names() -> list[str]:
    return sorted(json.loads((EXAMPLES / "expected.json").read_text()))


def example_answers(name: str) -> dict[str, Any]:
    answers: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return answers


# -- tracking (tests/tracking/): a private database per test, the CLI, a whole course ------

Run = Callable[..., Result]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SQLite file path, chosen through $BACKPLAN_DB as a person would."""
    path = tmp_path / "data" / "tracking.sqlite3"
    monkeypatch.setenv("BACKPLAN_DB", str(path))
    return str(path)


@pytest.fixture
def run() -> Run:
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, code: int = 0) -> Result:
        result = runner.invoke(main, list(args), input=input)
        assert result.exit_code == code, (args, result.output, result.exception)
        assert "Traceback" not in result.output
        return result

    return invoke


@pytest.fixture
def course(db: str, run: Run) -> str:
    """The simulated 8-week course, checked in week by week."""
    run(*START_ARGS)
    for week in WEEKS:
        run(*checkin_args(*week))
    return db
