#!/usr/bin/env python3
"""Tracking benchmarks: run from a virtual environment where backplan is installed.

    python benchmarks/tracking.py            # both
    python benchmarks/tracking.py --quick    # fewer repetitions

(a) cold check-in: wall time of `backplan track checkin` with every measure given, as
    a new process each time, on an SQLite database made by `track start` (median of
    runs interleaved with `backplan --help`, the floor the command line itself sets,
    and `python -c "import click"`). Target: under 150 ms.
(b) report: wall time of `backplan track report` (text, html with its chart, fhir) as a
    new process over a course of 10,000 stored check-ins in five blocks. Target: under
    1 s for text.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def backplan_command() -> list[str]:
    script = Path(sys.executable).with_name("backplan")
    if script.exists():
        return [str(script)]
    found = shutil.which("backplan")
    return [found] if found else [sys.executable, "-m", "recommender"]


#: CPU time (user + system) of each finished child, beside the wall time: on a machine
#: shared with other jobs the wall time swings with their load, the CPU time far less.
CPU: dict[str, list[float]] = {}


def timed(command: list[str], env: dict, label: str = "") -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    CPU.setdefault(label, []).append(cpu)
    return wall


def _ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 1)


def _cpu_ms(label: str) -> float:
    return _ms(CPU[label])


def cold_checkin(runs: int, env: dict) -> dict:
    backplan = backplan_command()
    subprocess.run([*backplan, "track", "start", "--example"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    checkin = [*backplan, "track", "checkin", "--done", "1", "--exercise-pain", "3",
               "--next-morning", "same", "--usual-pain", "4", "--no-new-symptoms"]  # fmt: skip
    floor = [sys.executable, "-c", "import click"]
    helps, floors, checkins = [], [], []
    timed(checkin, env)  # the first run compiles nothing of ours that later runs reuse
    for _ in range(runs):
        floors.append(timed(floor, env, "floor"))
        helps.append(timed([*backplan, "--help"], env, "help"))
        checkins.append(timed(checkin, env, "checkin"))
    return {
        "checkin_ms": _ms(checkins),
        "checkin_best_ms": round(min(checkins) * 1000, 1),
        "checkin_cpu_ms": _cpu_ms("checkin"),
        "backplan_help_ms": _ms(helps),
        "backplan_help_cpu_ms": _cpu_ms("help"),
        "python_import_click_ms": _ms(floors),
        "target_ms": 150,
        "runs": runs,
    }


def report_over(count: int, runs: int, env: dict) -> dict:
    """A course of five blocks (12, 12, 12, 12 and 4 weeks: 52 weeks) holding `count`
    check-ins, a few naming an exercise that hurt, written through the store."""
    from recommender.app.tracking import rules_version, safe_row
    from recommender.inputs.answers_file import example_answers
    from recommender.inputs.result_record import read_result
    from recommender.pipeline.adapt import session_days
    from recommender.pipeline.choices import safe_exercises
    from recommender.pipeline.recommend import Recommender
    from recommender.store.courses import NewBlock, Store
    from recommender.store.schema import blocks, checkins

    answers = example_answers()
    recommender = Recommender.load()
    result = recommender.recommend(answers, weeks=12)
    plan = read_result(result.to_dict()).plan
    safe = safe_row(safe_exercises(recommender, answers, result.triage.level))
    store = Store.open(env["BACKPLAN_DB"], create=True)
    person = store.add_person("Benchmark")
    start = dt.date(2025, 1, 6)
    lengths = (12, 12, 12, 12, 4)
    versions = ("bench", rules_version())

    def block(first: dt.date, weeks: int) -> NewBlock:
        return NewBlock(first, weeks, 5, result.triage.level, session_days(plan), safe)

    course = store.start_course(person.id, answers.fact(), result.to_dict(),
                                (("Lifting", 3),) * 3, versions, block(start, 12))  # fmt: skip
    first = start
    for number, weeks in enumerate(lengths[1:], 2):
        first += dt.timedelta(weeks=lengths[number - 2])
        store.add_block(course, number, answers.fact(), result.to_dict(), versions,
                        block(first, weeks))  # fmt: skip
    with store.engine.connect() as connection:
        ids = [row.id for row in connection.execute(blocks.select().order_by(blocks.c.number))]
    hurt = plan.week(1).items()[0].id
    rows, begin = [], dt.datetime(2025, 1, 6, 8)
    for n in range(count):
        week = 1 + n * 52 // count  # of the course
        number, offset = 0, 0
        while week > offset + lengths[number]:
            offset += lengths[number]
            number += 1
        rows.append({
            "course_id": course, "block_id": ids[number], "week": week - offset,
            "recorded_at": begin + dt.timedelta(days=7 * (week - 1)), "sessions_done": 1,
            "exercise_pain": (n * 7) % 6, "next_morning": ("better", "same")[n % 2],
            "usual_pain": max(0, 5 - week // 10), "new_red_flags": [], "rescreen": None,
            "psfs": [4, 5, 6] if n % 400 == 0 else None,
            "hurt": [hurt] if n % 500 == 0 else [], "too_easy": [],
        })  # fmt: skip
    with store.engine.begin() as connection:
        connection.execute(checkins.insert(), rows)
    store.close()
    backplan = backplan_command()
    text = [timed([*backplan, "track", "report"], env, "text") for _ in range(runs)]
    html = [timed([*backplan, "track", "report", "-f", "html"], env, "html") for _ in range(runs)]
    fhir = [timed([*backplan, "track", "report", "-f", "fhir"], env, "fhir") for _ in range(runs)]
    return {
        "checkins": count,
        "blocks": len(lengths),
        "report_text_ms": _ms(text),
        "report_text_cpu_ms": _cpu_ms("text"),
        "report_html_ms": _ms(html),
        "report_html_cpu_ms": _cpu_ms("html"),
        "report_fhir_ms": _ms(fhir),
        "report_fhir_cpu_ms": _cpu_ms("fhir"),
        "target_ms": 1000,
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    runs = 5 if args.quick else 15
    figures: dict = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, BACKPLAN_CACHE_DIR=str(Path(folder) / "cache"))
        env["BACKPLAN_DB"] = str(Path(folder) / "checkin.sqlite3")
        figures["cold_checkin"] = cold_checkin(runs, env)
        env["BACKPLAN_DB"] = str(Path(folder) / "report.sqlite3")
        os.environ.update(env)
        figures["report_10000"] = report_over(10_000, 3 if args.quick else 5, env)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
