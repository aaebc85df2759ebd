"""The plan's rules and the adaptation rules compile into two durable-rules engines
that live side by side in one process (track status, report and explain). The C
library keeps its rulesets in one table per process: with one shared ruleset name the
second was refused now and then ("error code: 102"), depending on the memory layout.
Each engine now names its own ruleset; this runs the real command in fresh processes,
whose layouts differ, where the old code failed in 6 of 8."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from recommender.rulebook.engines import durable_available

from support.course import START_ARGS

pytestmark = [
    pytest.mark.skipif(not durable_available(), reason="needs durable-rules"),
    pytest.mark.slow,  # nine fresh processes, each compiling both engines
]


def test_status_compiles_both_engines_in_every_process(tmp_path: Path) -> None:
    db = str(tmp_path / "course.db")
    env = dict(os.environ, BACKPLAN_ENGINE="durable")

    def backplan(*args: str, seed: int = 0) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "recommender", "track", "--db", db, *args],
            capture_output=True,
            text=True,
            env=dict(env, PYTHONHASHSEED=str(seed)),
        )

    started = backplan(*START_ARGS[1:])
    assert started.returncode == 0, started.stderr
    for seed in range(8):
        status = backplan("status", seed=seed)
        assert status.returncode == 0, (seed, status.stderr)
        assert "error code" not in status.stderr
