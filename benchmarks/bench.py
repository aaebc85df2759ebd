#!/usr/bin/env python3
"""backplan benchmarks: run from a virtual environment where backplan is installed.

    python benchmarks/bench.py            # everything
    python benchmarks/bench.py --quick    # fewer repetitions

(a) cold start: wall time of `backplan plan --example --format json` as a ratio to
    `python -c "import pydantic, click, durable.lang"`, the floor its dependencies set
    (median of interleaved runs; the start-up cache is filled first, and the very
    first run, with an empty cache, is reported beside it).
(b) warm throughput: whole-pipeline evaluations per second in one process over varied
    answers, for each installed engine: a JSON line in, a JSON result line out
    (parse, validate, triage, filter, plan, serialise), exactly as `batch` does.
(c) batch: `backplan batch` on 100,000 varied lines with 2 workers: lines per second
    and the peak memory (RSS) of the whole run, parent and workers together.
(d) soak (--soak, about 5 minutes): 1,000,000 lines piped through `backplan batch`
    with 2 workers; memory is sampled throughout and must stay flat, with no error.
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
import threading
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
    from recommender.app import batch
    from recommender.inputs.samples import many_answers
    from recommender.rulebook.engines import durable_available

    lines = [json.dumps(a).encode() for a in many_answers(count)]
    everything = batch.Chunk(1, b"\n".join(lines), frozenset())
    figures = {}
    for engine in ("durable", "reference") if durable_available() else ("reference",):
        batch._setup(batch.Options(engine=engine), quiet_interrupts=False)
        batch.work(batch.Chunk(1, b"\n".join(lines[:200]), frozenset()))  # warm up
        start = time.perf_counter()
        done = batch.work(everything)
        elapsed = time.perf_counter() - start
        figures[engine] = {
            "evaluations": count,
            "with_plan": done.plans,
            "seconds": round(elapsed, 2),
            "per_second": round(count / elapsed),
        }
    return figures


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/status") as f:
                kb = next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        except (OSError, IndexError, ValueError):
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = kb
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total


class MemoryWatch:
    """Samples the RSS of a process tree every 50 ms while it runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.samples = pid, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.perf_counter(), _tree_rss_kb(self.pid)))
            time.sleep(0.05)

    def stop(self) -> list:
        self._stop.set()
        self._thread.join()
        return [s for s in self.samples if s[1]]


def batch_run(count: int, workers: int = 2) -> dict:
    from recommender.inputs.samples import many_answers

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.jsonl"
        with source.open("w") as f:
            for answers in many_answers(count, seed=7):
                f.write(json.dumps(answers) + "\n")
        command = [
            *backplan_command(),
            "batch",
            str(source),
            "-o",
            os.devnull,
            "--workers",
            str(workers),
        ]
        start = time.perf_counter()
        process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        watch = MemoryWatch(process.pid) if sys.platform.startswith("linux") else None
        _, summary = process.communicate()
        elapsed = time.perf_counter() - start
        samples = watch.stop() if watch else []
    if process.returncode != 0:
        raise SystemExit(f"batch failed: {summary}")
    return {
        "lines": count,
        "workers": workers,
        "seconds": round(elapsed, 2),
        "lines_per_second": round(count / elapsed),
        "peak_rss_mb": round(max(kb for _, kb in samples) / 1024, 1) if samples else None,
        "summary": summary.strip(),
    }


def soak(count: int, workers: int = 2) -> dict:
    """Lines generated on the fly into batch's stdin: no 1 GB file on disk."""
    from recommender.inputs.samples import many_answers

    command = [*backplan_command(), "batch", "-", "-o", os.devnull, "--workers", str(workers)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    watch = MemoryWatch(process.pid)
    assert process.stdin is not None
    for answers in many_answers(count, seed=11):
        process.stdin.write(json.dumps(answers).encode() + b"\n")
    process.stdin.close()
    summary = process.stderr.read().decode() if process.stderr else ""
    process.wait()
    elapsed = time.perf_counter() - start
    samples = watch.stop()
    tenth = max(1, len(samples) // 10)
    early = max(kb for _, kb in samples[tenth : 2 * tenth]) / 1024  # after start-up
    late = max(kb for _, kb in samples[-tenth:]) / 1024
    return {
        "lines": count,
        "exit_code": process.returncode,
        "seconds": round(elapsed, 1),
        "lines_per_second": round(count / elapsed),
        "rss_mb_10_to_20_percent": round(early, 1),
        "rss_mb_last_10_percent": round(late, 1),
        "peak_rss_mb": round(max(kb for _, kb in samples) / 1024, 1),
        "summary": summary.strip(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, smaller batch")
    parser.add_argument("--soak", action="store_true", help="also run the 1,000,000-line soak")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    report = {
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "cold_start": cold_start(10 if args.quick else 30),
        "warm": warm_throughput(2000 if args.quick else 10000),
        "batch": batch_run(10_000 if args.quick else 100_000),
    }
    if args.soak:
        report["soak"] = soak(1_000_000)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    cold = report["cold_start"]
    print(f"machine: {report['machine']}")
    print(
        f"(a) cold start: backplan plan --example --format json {cold['plan_ms']} ms; "
        f"floor (import pydantic, click, durable.lang) {cold['floor_ms']} ms; "
        f"ratio {cold['ratio']} (median of {cold['runs']}); "
        f"first run with an empty cache {cold['first_run_empty_cache_ms']} ms"
    )
    for engine, warm in report["warm"].items():
        print(
            f"(b) warm, {engine} engine: {warm['per_second']} evaluations/s "
            f"({warm['evaluations']} varied answers, {warm['with_plan']} with a plan, "
            f"{warm['seconds']} s, one process)"
        )
    run = report["batch"]
    print(
        f"(c) batch: {run['lines']:,} lines, {run['workers']} workers: "
        f"{run['lines_per_second']:,} lines/s ({run['seconds']} s), "
        f"peak RSS of the whole run {run['peak_rss_mb']} MB"
    )
    print(f"    {run['summary']}")
    if "soak" in report:
        s = report["soak"]
        print(
            f"(d) soak: {s['lines']:,} lines, exit code {s['exit_code']}, {s['seconds']} s "
            f"({s['lines_per_second']:,} lines/s); RSS {s['rss_mb_10_to_20_percent']} MB early, "
            f"{s['rss_mb_last_10_percent']} MB at the end, peak {s['peak_rss_mb']} MB"
        )
        print(f"    {s['summary']}")


if __name__ == "__main__":
    main()
