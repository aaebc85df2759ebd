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
(e) web (--web, or alone with --web-only): `POST /api/plan` on a real `backplan serve`
    with 2 uvicorn workers on a free loopback port, driven by a bounded async httpx
    loop (a fixed request count, a fixed number of connections and a time cap) in this
    process: requests/s, p50 and p99 latency, the server's peak RSS (supervisor and
    workers together), errors, and the server's CPU time per request. The load
    generator shares the machine's cores with the server, so the rates are a floor for
    the server alone; the CPU time per request is the figure to compare between runs.
    Then the page path: `GET /review` with a whole questionnaire's answers cookie (read
    and checked on every request), and the start page `GET /` on a first visit and with
    the answers, each page's CPU time per request.
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


def fresh_bytecode() -> None:
    """Compile the package's modules as pip does at install. In a development venv (an
    editable install, with PYTHONDONTWRITEBYTECODE set, as here) a module edited since
    its bytecode was written is compiled again at every start, which made (a) read 2.3
    where an installed backplan gives 1.7."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("recommender")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def cold_start(runs: int) -> dict:
    plan = [*backplan_command(), "plan", "--example", "--format", "json"]
    fresh_bytecode()
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
    from recommender.app import batch_lines as batch
    from recommender.inputs.samples import many_answers
    from recommender.rulebook.engines import durable_available

    lines = [json.dumps(a).encode() for a in many_answers(count)]
    everything = batch.Chunk(1, b"\n".join(lines), frozenset())
    figures = {}
    for engine in ("durable", "reference") if durable_available() else ("reference",):
        batch.setup(batch.Options(engine=engine), quiet_interrupts=False)
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


def _tree_stats(root: int) -> tuple[int, float]:
    """Resident memory (KB) and CPU time used so far (seconds, user and system) of a
    process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, int] = {}
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
        cpu[pid] = int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    total, ticks, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        ticks += cpu.get(pid, 0)
        stack += children.get(pid, [])
    return total, ticks / os.sysconf("SC_CLK_TCK")


def _tree_rss_kb(root: int) -> int:
    return _tree_stats(root)[0]


def _tree_cpu_seconds(root: int) -> float:
    return _tree_stats(root)[1]


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


async def _raw_post(reader, writer, host: str, body: bytes) -> tuple[int, bytes]:
    """One keep-alive HTTP/1.1 POST over an open connection: the cheapest client there is,
    so that the server, not the load generator, is what gets measured."""
    writer.write(
        b"POST /api/plan HTTP/1.1\r\nHost: " + host.encode() + b"\r\n"
        b"Content-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


def web_load(
    count: int, connections: int = 16, cap_seconds: float = 300.0, client_kind: str = "httpx"
) -> dict:
    """Benchmark (e): see the module docstring. `client_kind` is httpx (an async httpx
    client) or raw (hand-written HTTP/1.1 over asyncio streams, far less CPU)."""
    import asyncio
    import socket
    import urllib.request

    import httpx

    from recommender.inputs.samples import many_answers

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*backplan_command(), "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/api/questionnaire", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    message = f"backplan serve did not start: {server.stderr.read()}"
                    raise SystemExit(message) from None
                time.sleep(0.2)
        # Varied answers, as real people send: 2,000 distinct bodies, used in turn.
        bodies = [json.dumps(a).encode() for a in many_answers(2000, seed=5)]
        json_type = {"content-type": "application/json"}

        async def drive() -> tuple[list[float], int, float]:
            latencies: list[float] = []
            errors = 0
            sent = 0
            limits = httpx.Limits(max_connections=connections)
            async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
                for body in bodies[:200]:  # warm both workers up
                    await client.post("/api/plan", content=body, headers=json_type)
                cpu_before.append(_tree_cpu_seconds(server.pid))
                start = time.perf_counter()
                stop_at = start + cap_seconds

                async def one_connection() -> None:
                    nonlocal sent, errors
                    raw = None
                    if client_kind == "raw":
                        raw = await asyncio.open_connection("127.0.0.1", port)
                    while sent < count and time.perf_counter() < stop_at:
                        body = bodies[sent % len(bodies)]
                        sent += 1
                        began = time.perf_counter()
                        try:
                            if raw is not None:
                                status, content = await _raw_post(*raw, f"127.0.0.1:{port}", body)
                            else:
                                reply = await client.post(
                                    "/api/plan", content=body, headers=json_type
                                )
                                status, content = reply.status_code, reply.content
                            if status != 200 or not content.endswith(b"}\n"):
                                errors += 1
                        except (httpx.HTTPError, OSError, asyncio.IncompleteReadError, ValueError):
                            errors += 1
                            if raw is not None:  # the connection is unusable: open another
                                raw[1].close()
                                raw = await asyncio.open_connection("127.0.0.1", port)
                        latencies.append(time.perf_counter() - began)
                    if raw is not None:
                        raw[1].close()

                await asyncio.gather(*(one_connection() for _ in range(connections)))
                return latencies, errors, time.perf_counter() - start

        cpu_before: list[float] = []
        watch = MemoryWatch(server.pid)
        latencies, errors, elapsed = asyncio.run(drive())
        samples = watch.stop()
        api_cpu = _tree_cpu_seconds(server.pid) - cpu_before[0]
        pages = _page_load(base, port, server.pid, max(1000, count // 20), connections)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    latencies.sort()

    def percentile(share: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000, 1)

    return {
        "requests": len(latencies),
        "asked": count,
        "connections": connections,
        "client": client_kind,
        "server_workers": 2,
        "seconds": round(elapsed, 1),
        "requests_per_second": round(len(latencies) / elapsed),
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "errors": errors,
        "peak_server_rss_mb": round(max(kb for _, kb in samples) / 1024, 1) if samples else None,
        "capped": len(latencies) < count,
        # The server's own CPU time (supervisor and workers, user and system) per request:
        # unlike the rates, it hardly moves with what else the machine is doing.
        "server_cpu_ms_per_request": round(api_cpu * 1000 / max(1, len(latencies)), 3),
        "pages": pages,
    }


def _page_load(base: str, port: int, server_pid: int, count: int, connections: int) -> list[dict]:
    """(e), pages: GET /review with a whole questionnaire's answers cookie, and the start
    page GET / on a first visit (no cookie) and with the answers: each page's cost per
    request (reading the answers cookie, drawing the page). The cookie comes from
    answering the bundled example answers page by page, as a person would."""
    import re

    import httpx

    from recommender.app.web import form
    from recommender.core.paths import get_path
    from recommender.inputs.datafiles import bundled_dir
    from recommender.inputs.questionnaire import load_questionnaire

    answers = json.loads((bundled_dir("data") / "example-answers.json").read_text())
    answers.pop("start_date", None)  # a fixed date that may lie too far ahead or behind
    with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as client:
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)
        client.post("/start", data={"csrf_token": csrf, "country": "GB"})
        for section in form.sections(load_questionnaire()):
            sent: dict = {"csrf_token": csrf}
            for question in form.asked(section, answers.get("age")):
                value = get_path(answers, question.key)
                if isinstance(value, bool) and question.or_ask:  # one yes/no per part
                    for key in form.part_keys(question)[: 1 if value else None]:
                        sent[key] = "yes" if value else "no"
                elif isinstance(value, bool):
                    sent[question.key] = "yes" if value else "no"
                elif value is not None:
                    sent[question.key] = value if isinstance(value, list) else str(value)
            reply = client.post(f"/questions/{section.number}", data=sent)
        if reply.url.path != "/review":
            raise SystemExit(f"(e) pages: the questionnaire ended at {reply.url.path}")
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    found = [
        _get_load(port, server_pid, "/review", cookie, b"Check your answers", count, connections),
        _get_load(port, server_pid, "/", "", b"</html>", count, connections),
        _get_load(port, server_pid, "/", cookie, b"</html>", count, connections),
    ]
    for page in found:
        page["cookie_bytes"] = len(cookie) if page.pop("cookie") else 0
    return found


def _get_load(
    port: int, server_pid: int, path: str, cookie: str, expect: bytes, count: int, connections: int
) -> dict:
    """`count` GET requests for `path` over keep-alive connections (with the cookie,
    when given): the server's CPU time per request."""
    import asyncio
    import re

    with_cookie = f"Cookie: {cookie}\r\n" if cookie else ""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{with_cookie}\r\n".encode()

    async def drive() -> tuple[int, int, float]:
        done = errors = 0

        async def one_connection() -> None:
            nonlocal done, errors
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            while done < count:
                done += 1
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
                body = await reader.readexactly(length)
                if not head.startswith(b"HTTP/1.1 200") or expect not in body:
                    errors += 1
            writer.close()

        began = time.perf_counter()
        await asyncio.gather(*(one_connection() for _ in range(connections)))
        return done, errors, time.perf_counter() - began

    before = _tree_cpu_seconds(server_pid)
    done, errors, elapsed = asyncio.run(drive())
    cpu = _tree_cpu_seconds(server_pid) - before
    return {
        "path": f"GET {path}",
        "cookie": bool(cookie),
        "requests": done,
        "requests_per_second": round(done / elapsed),
        "server_cpu_ms_per_request": round(cpu * 1000 / done, 3),
        "errors": errors,
    }


def print_web(w: dict) -> None:
    print(
        f"(e) web: POST /api/plan, {w['requests']:,} requests ({w['client']} client) over "
        f"{w['connections']} connections to {w['server_workers']} workers: "
        f"{w['requests_per_second']:,} req/s "
        f"({w['seconds']} s{', hit the time cap' if w['capped'] else ''}); latency p50 "
        f"{w['p50_ms']} ms, p99 {w['p99_ms']} ms; peak server RSS {w['peak_server_rss_mb']} MB; "
        f"{w['errors']} errors; server CPU {w['server_cpu_ms_per_request']} ms per request"
    )
    for p in w["pages"]:
        size = p["cookie_bytes"]
        cookie = f"a {size:,}-byte answers cookie" if size else "no cookie"
        print(
            f"    pages: {p['path']} with {cookie}, "
            f"{p['requests']:,} requests: {p['requests_per_second']:,} req/s; server CPU "
            f"{p['server_cpu_ms_per_request']} ms per request; {p['errors']} errors"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, smaller batch")
    parser.add_argument("--soak", action="store_true", help="also run the 1,000,000-line soak")
    parser.add_argument("--web", action="store_true", help="also run (e), the web API load")
    parser.add_argument("--web-only", action="store_true", help="run only (e)")
    parser.add_argument(
        "--web-client",
        choices=("httpx", "raw"),
        default="httpx",
        help="(e)'s load generator: async httpx, or raw HTTP/1.1 on asyncio streams",
    )
    parser.add_argument("--web-connections", type=int, default=16, help="(e)'s connections")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    web_requests = 10_000 if args.quick else 100_000
    if args.web_only:
        figures = web_load(web_requests, args.web_connections, client_kind=args.web_client)
        print(json.dumps(figures, indent=2) if args.json else "", end="")
        if not args.json:
            print(f"machine: {platform.machine()}, {os.cpu_count()} cores")
            print_web(figures)
        return
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
    if args.web:
        report["web"] = web_load(web_requests, args.web_connections, client_kind=args.web_client)
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
    # Machines differ: each throughput is printed beside this run's floor and their
    # product (throughput x floor in seconds), which compares across machines.
    floor_s = cold["floor_ms"] / 1000
    for engine, warm in report["warm"].items():
        print(
            f"(b) warm, {engine} engine: {warm['per_second']} evaluations/s "
            f"({warm['evaluations']} varied answers, {warm['with_plan']} with a plan, "
            f"{warm['seconds']} s, one process); floor {cold['floor_ms']} ms; "
            f"product {warm['per_second'] * floor_s:.1f}"
        )
    run = report["batch"]
    print(
        f"(c) batch: {run['lines']:,} lines, {run['workers']} workers: "
        f"{run['lines_per_second']:,} lines/s ({run['seconds']} s), "
        f"peak RSS of the whole run {run['peak_rss_mb']} MB; floor {cold['floor_ms']} ms; "
        f"product {run['lines_per_second'] * floor_s:.1f}"
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
    if "web" in report:
        print_web(report["web"])


if __name__ == "__main__":
    main()
