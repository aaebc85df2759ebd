#!/usr/bin/env python3
"""backplan benchmarks: run from a virtual environment where backplan is installed.

    python benchmarks/bench.py            # everything
    python benchmarks/bench.py --quick    # fewer repetitions

(a) cold start: wall time of `backplan plan --example --format json` as a ratio to
    `python -c "import pydantic, click, durable.lang"`, the floor its dependencies set
    (median of interleaved runs; the start-up cache is filled first, and the very
    first run, with an empty cache, is reported beside it).
(b) warm throughput: whole-pipeline evaluations per second in one process over varied
    answers (validate, triage, filter, plan, render JSON), on one core.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = [sys.executable, "-c", "import pydantic, click, durable.lang"]


def backplan_command() -> list[str]:
    script = Path(sys.executable).with_name("backplan")
    if script.exists():
        return [str(script)]
    found = shutil.which("backplan")
    if found:
        return [found]
    return [sys.executable, "-m", "recommender"]


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def cold_start(runs: int) -> dict:
    plan = [*backplan_command(), "plan", "--example", "--format", "json"]
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, BACKPLAN_CACHE_DIR=cache)
        first = timed(plan, env)  # empty cache: parses YAML, builds validators
        floor_times, plan_times = [], []
        for _ in range(runs):  # interleaved, so drift affects both alike
            floor_times.append(timed(FLOOR, env))
            plan_times.append(timed(plan, env))
    floor, cold = statistics.median(floor_times), statistics.median(plan_times)
    return {
        "floor_ms": round(floor * 1000, 1),
        "plan_ms": round(cold * 1000, 1),
        "ratio": round(cold / floor, 2),
        "first_run_empty_cache_ms": round(first * 1000, 1),
        "runs": runs,
    }


def warm_throughput(count: int) -> dict:
    from recommender.answers_file import validate_answers
    from recommender.recommend import Recommender
    from recommender.render import to_json
    from recommender.samples import many_answers

    recommender = Recommender.load()
    answers = list(many_answers(count))
    for raw in answers[:50]:  # warm up
        to_json(recommender.recommend(validate_answers(raw)).to_dict())
    start = time.perf_counter()
    plans = 0
    for raw in answers:
        result = recommender.recommend(validate_answers(raw))
        to_json(result.to_dict())
        plans += result.plan is not None
    elapsed = time.perf_counter() - start
    return {
        "evaluations": count,
        "with_plan": plans,
        "seconds": round(elapsed, 2),
        "per_second": round(count / elapsed),
        "engine": recommender.engine.name,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "cold_start": cold_start(10 if args.quick else 30),
        "warm": warm_throughput(2000 if args.quick else 10000),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    cold, warm = report["cold_start"], report["warm"]
    print(f"machine: {report['machine']}")
    print(f"(a) cold start: backplan plan --example --format json {cold['plan_ms']} ms; "
          f"floor (import pydantic, click, durable.lang) {cold['floor_ms']} ms; "
          f"ratio {cold['ratio']} (median of {cold['runs']}); "
          f"first run with an empty cache {cold['first_run_empty_cache_ms']} ms")
    print(f"(b) warm: {warm['per_second']} evaluations/s ({warm['evaluations']} varied answers, "
          f"{warm['with_plan']} with a plan, {warm['seconds']} s, {warm['engine']} engine, one process)")


if __name__ == "__main__":
    main()
