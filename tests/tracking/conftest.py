"""Fixtures for tracking: a private database per test, and the CLI runner."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result

from recommender.app.cli import main

from support.course import START_ARGS, WEEKS, checkin_args

Run = Callable[..., Result]


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
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
def course(db, run) -> str:
    """The simulated 8-week course, checked in week by week."""
    run(*START_ARGS)
    for week in WEEKS:
        run(*checkin_args(*week))
    return db
