"""`backplan batch`: order kept, bad lines reported, nothing lost, Ctrl-C safe, and
the same results as `plan`, line by line."""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Optional

import pytest
from click.testing import CliRunner, Result

from recommender.app.cli import main
from recommender.core.answers import Answers
from recommender.inputs.samples import many_answers
from recommender.pipeline.recommend import Recommender
from recommender.pipeline.recommend import Result as Recommendation

from conftest import example_answers, example_names


def _write(path: Path, lines: Iterable[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@functools.cache  # the long inputs are the same for each test that stops a batch midway
def _many_lines(count: int, seed: int) -> tuple[str, ...]:
    return tuple(json.dumps(a) for a in many_answers(count, seed=seed))


def batch(*args: str, input: Optional[str] = None) -> Result:
    return CliRunner().invoke(main, ["batch", *args], input=input)


def test_results_match_plan_line_by_line_and_keep_order(tmp_path: Path) -> None:
    names = example_names()
    source = _write(tmp_path / "in.jsonl", [json.dumps(example_answers(n)) for n in names])
    result = batch(str(source), "--workers", "1")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(names)
    for name, line in zip(names, lines, strict=True):
        planned = CliRunner().invoke(
            main, ["plan", "-a", "-", "-f", "json"], input=json.dumps(example_answers(name))
        )
        assert json.loads(line) == json.loads(planned.stdout), name


def test_bad_lines_give_error_objects_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = json.dumps(example_answers("sciatica"))
    missing = example_answers("sciatica")
    del missing["red_flags"]["fever"]
    missing["age"] = 500
    source = _write(tmp_path / "in.jsonl", [good, "not json", json.dumps(missing), "", "[1]", good])
    result = batch(str(source), "-j", "1")
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 6
    assert out[0]["triage"]["level"] == "soon" and out[5] == out[0]
    assert out[1]["line"] == 2 and "not valid JSON" in out[1]["error"]
    assert out[2]["line"] == 3 and out[2]["fields"] == ["age", "red_flags.fever"]
    assert out[3]["line"] == 4 and "empty" in out[3]["error"]
    assert out[4]["line"] == 5
    assert "6 lines: 2 results" in result.stderr and "4 errors" in result.stderr


def test_two_workers_give_byte_identical_output(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", [json.dumps(a) for a in many_answers(1500, seed=3)])
    one = tmp_path / "one.jsonl"
    two = tmp_path / "two.jsonl"
    assert batch(str(source), "-o", str(one), "-j", "1").exit_code == 0
    assert batch(str(source), "-o", str(two), "-j", "2").exit_code == 0
    assert one.read_bytes() == two.read_bytes()
    assert len(one.read_text().splitlines()) == 1500


def test_standard_input_and_an_empty_batch() -> None:
    text = json.dumps(example_answers("teenager")) + "\n"
    result = batch("-", input=text)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["plan_withheld"]["id"] == "WH-MINOR"
    empty = batch("-", input="")
    assert empty.exit_code == 0 and empty.stdout == "" and "0 lines" in empty.stderr


def test_a_huge_line_is_one_error_and_not_held_in_memory(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    with source.open("wb") as f:
        f.write(b'{"name": "' + b"x" * (600 * 1024) + b'"}\n')
        f.write(json.dumps(example_answers("sciatica")).encode() + b"\n")
    result = batch(str(source), "-j", "1")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0]["line"] == 1 and "longer than" in out[0]["error"]
    assert out[1]["triage"]["level"] == "soon"


def test_missing_input_is_bad_usage(tmp_path: Path) -> None:
    result = batch(str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2 and "no such file" in result.output


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_keeps_every_finished_result_whole(tmp_path: Path, workers: str) -> None:
    source = _write(tmp_path / "in.jsonl", _many_lines(60000, 9))
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "recommender", "batch", str(source), "-o", str(out), "-j", workers],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )

    # The results go to a temporary file beside OUT until the batch ends (then renamed).
    def written() -> int:
        files = [out, *tmp_path.glob(".out.jsonl.*.tmp")]
        return max((f.stat().st_size for f in files if f.exists()), default=0)

    deadline = time.time() + 60
    while time.time() < deadline and written() < 200_000:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr  # as any program stopped by Ctrl-C
    assert "interrupted" in stderr and "Traceback" not in stderr
    text = out.read_text()
    assert text.endswith("\n")
    lines = text.splitlines()
    assert 0 < len(lines) < 60000
    for line in lines:
        json.loads(line)  # every line complete
    full = CliRunner().invoke(
        main,
        ["batch", "-", "-j", "1"],
        input="\n".join(source.read_text().splitlines()[: len(lines)]) + "\n",
    )
    assert full.stdout.splitlines() == lines  # in order, nothing skipped


# -- stops from outside (issue 10, item 5) and lines that fail (item 4) -----------------


def _children(pid: int) -> set[int]:
    """The live child processes of `pid` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def _start_batch(tmp_path: Path, workers: str = "2") -> tuple[subprocess.Popen[str], Path]:
    source = _write(tmp_path / "in.jsonl", _many_lines(60000, 11))
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "recommender", "batch", str(source), "-o", str(out), "-j", workers],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline and len(_children(process.pid)) < int(workers):
        time.sleep(0.05)
    time.sleep(0.5)  # well under way
    return process, out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and POSIX signals")
@pytest.mark.parametrize("signum,code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_stop_cleanly_and_end_the_workers(
    tmp_path: Path, signum: signal.Signals, code: int
) -> None:
    process, out = _start_batch(tmp_path)
    workers = _children(process.pid)
    assert workers
    os.kill(process.pid, signum)  # the parent only, as a service manager or a terminal
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    deadline = time.time() + 10
    while time.time() < deadline and any(Path(f"/proc/{p}").exists() for p in workers):
        time.sleep(0.05)
    assert not any(Path(f"/proc/{p}/stat").exists() for p in workers), "workers left running"
    text = out.read_text()
    assert text.endswith("\n") and all(json.loads(line) for line in text.splitlines())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and POSIX signals")
def test_a_worker_killed_while_the_batch_waits_for_input_ends_the_batch(tmp_path: Path) -> None:
    # The pool, finding a worker dead, asks the others to stop with SIGTERM (which
    # they ignore) and waits for them holding the lock that the next chunk's submit
    # needs: Python 3.13 hung here for ever. Killed between chunks, the batch must end.
    from recommender.app.batch_lines import CHUNK_LINES

    lines = [json.dumps(a).encode() + b"\n" for a in many_answers(2 * CHUNK_LINES, seed=5)]
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "recommender", "batch", "-", "-o", str(out), "-j", "2"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert process.stdin is not None
    process.stdin.write(b"".join(lines[:CHUNK_LINES]))  # one chunk, then the batch waits
    process.stdin.flush()
    deadline = time.time() + 60
    while time.time() < deadline and len(_children(process.pid)) < 2:
        time.sleep(0.05)
    time.sleep(1)  # the first chunk is worked on
    os.kill(min(_children(process.pid)), signal.SIGKILL)
    time.sleep(1)  # the pool notices, and is left waiting for the other worker
    process.stdin.write(b"".join(lines[CHUNK_LINES:]))
    process.stdin.close()
    process.wait(timeout=60)
    stderr = process.stderr.read().decode() if process.stderr else ""
    assert process.returncode == 1, stderr
    assert "worker process was stopped" in stderr and "were not processed" in stderr
    assert "Traceback" not in stderr
    first_lost = int(stderr.split("lines ")[-1].split(" onwards")[0].replace(",", ""))
    assert first_lost in (1, CHUNK_LINES + 1)
    assert len(out.read_text().splitlines()) == first_lost - 1  # what was done, whole


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and POSIX signals")
def test_a_killed_worker_is_reported_with_the_lines_not_processed(tmp_path: Path) -> None:
    process, out = _start_batch(tmp_path)
    worker = min(_children(process.pid))
    os.kill(worker, signal.SIGKILL)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1, stderr
    assert "worker process was stopped" in stderr and "were not processed" in stderr
    assert "internal error" not in stderr and "Traceback" not in stderr
    first_lost = int(stderr.split("lines ")[-1].split(" onwards")[0].replace(",", ""))
    lines = out.read_text().splitlines()
    assert len(lines) == first_lost - 1  # every line before the lost chunk, whole


def test_a_line_that_fails_inside_becomes_its_own_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Recommender.recommend

    def fragile(self: Recommender, answers: Answers, **kwargs: Any) -> Recommendation:
        if answers.age == 77:
            raise OverflowError("date value out of range")
        return real(self, answers, **kwargs)

    monkeypatch.setattr(Recommender, "recommend", fragile)
    good = example_answers("sciatica")
    bad = dict(good, age=77)
    source = _write(tmp_path / "in.jsonl", [json.dumps(good), json.dumps(bad), json.dumps(good)])
    result = batch(str(source), "-j", "1")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 3 and out[1]["line"] == 2 and "could not be processed" in out[1]["error"]
    assert out[0]["triage"] and out[2]["triage"]


def test_forty_pathological_lines_stay_small(tmp_path: Path) -> None:
    # Each line: 60,000 wrong pain areas. The errors are capped, so the output (and
    # the memory that holds it) stays small instead of growing to gigabytes.
    raw = dict(example_answers("sciatica"), pain_areas=[0] * 60_000)
    source = _write(tmp_path / "in.jsonl", [json.dumps(raw)] * 40)
    result = batch(str(source), "-j", "1")
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 40 and all("pain_areas: has 60,000 items" in o["error"] for o in out)
    assert len(result.stdout) < 40 * 5_000
    assert all(len(o["fields"]) <= 20 for o in out)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and POSIX signals")
def test_killing_the_batch_with_sigkill_ends_its_workers_and_the_next_run_cleans_up(
    tmp_path: Path,
) -> None:
    process, out = _start_batch(tmp_path)
    workers = _children(process.pid)
    assert len(workers) == 2
    temporary = [p for p in tmp_path.iterdir() if p.name.startswith(".out.jsonl.")]
    assert len(temporary) == 1  # the results so far, not yet renamed over out.jsonl
    os.kill(process.pid, signal.SIGKILL)  # as `kill -9` or the out-of-memory killer
    process.wait(timeout=30)
    deadline = time.time() + 10
    while time.time() < deadline and _alive(workers):
        time.sleep(0.05)
    assert not _alive(workers), "workers left running after their batch was killed"
    # The next run into the same file removes what the killed one left, and says so.
    source = _write(tmp_path / "small.jsonl", [json.dumps(example_answers("sciatica"))])
    result = batch(str(source), "-o", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    assert f"removed {temporary[0]}" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl", "small.jsonl"]


def _alive(pids: set[int]) -> bool:
    """Whether any of `pids` still runs (a zombie waiting to be reaped does not)."""
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            return True
    return False
