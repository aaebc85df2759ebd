"""`-o FILE` writes into what FILE is, never replaces what it must not, and reports
what went wrong plainly. Devices, FIFOs and links are made by the tests in their own
temporary folders; no test points at a real system path."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any, NoReturn

import pytest
from click.testing import CliRunner, Result

from recommender.app import output
from recommender.app.cli import main

from conftest import EXAMPLES

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False
needs_root = pytest.mark.skipif(not ROOT, reason="making a device node needs root")
posix = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files")


def plan(*args: str) -> Result:
    return CliRunner().invoke(main, ["plan", "--example", *args])


@needs_root
def test_a_character_device_is_written_to_not_replaced(tmp_path: Path) -> None:
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a null device of our own
    result = plan("-o", str(device))
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.lstat(device).st_mode)


@posix
def test_a_fifo_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = plan("-f", "json", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert json.loads(received[0])["plan"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@posix
def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "plan.txt"
    target.write_text("old")
    target.chmod(0o640)
    assert plan("-o", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert "YOUR PLAN" in target.read_text()


@posix
@pytest.mark.parametrize("private,mode", [(False, 0o644), (True, 0o600)])
def test_a_new_file_follows_the_umask_unless_private(
    tmp_path: Path, private: bool, mode: int
) -> None:
    target = tmp_path / "plan.txt"
    old = os.umask(0o022)
    try:
        result = plan("-o", str(target), *(["--private"] if private else []))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == mode


@posix
def test_a_symbolic_link_is_refused_and_left_alone(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("keep me")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    result = plan("-o", str(link))
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert link.is_symlink() and real.read_text() == "keep me"


@posix
def test_a_read_only_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "plan.txt"
    target.write_text("keep me")
    target.chmod(0o444)
    result = plan("-o", str(target))
    assert result.exit_code == 2 and "read-only" in result.output
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("where,words", [("folder", "is a folder"), ("missing", "does not")])
def test_a_bad_output_path_is_bad_usage(tmp_path: Path, where: str, words: str) -> None:
    target = tmp_path if where == "folder" else tmp_path / "no" / "plan.txt"
    result = plan("-o", str(target))
    assert result.exit_code == 2 and words in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output


def _full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write to a regular file fails as on a full disk."""
    real = os.fdopen

    class Full:
        def __init__(self, stream: IO[Any]) -> None:
            self.stream = stream

        def write(self, data: object) -> NoReturn:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.stream.close()

    monkeypatch.setattr("recommender.app.output.os.fdopen", lambda fd, mode: Full(real(fd, mode)))


def test_a_full_disk_is_reported_plainly_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _full_disk(monkeypatch)
    target = tmp_path / "plan.txt"
    result = plan("-o", str(target))
    assert result.exit_code == 1
    assert f"could not write {target}: No space left on device" in result.output
    assert "internal error" not in result.output
    assert list(tmp_path.iterdir()) == []


@needs_root
def test_a_full_device_is_reported_plainly(tmp_path: Path) -> None:
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # a "full" device of our own
    result = plan("-o", str(full))
    assert result.exit_code == 1
    assert "No space left on device" in result.output and "internal error" not in result.output


def test_batch_on_a_full_disk_leaves_no_half_written_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _full_disk(monkeypatch)
    source = tmp_path / "in.jsonl"
    source.write_text((EXAMPLES / "sciatica.json").read_text().replace("\n", "") + "\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(out), "-j", "1"])
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


@pytest.mark.parametrize("alias", [False, True])
def test_batch_refuses_to_write_over_its_input(tmp_path: Path, alias: bool) -> None:
    source = tmp_path / "in.jsonl"
    line = (EXAMPLES / "sciatica.json").read_text().replace("\n", "")
    source.write_text(line + "\n")
    target = source
    if alias:  # another name for the same file
        target = tmp_path / "other-name.jsonl"
        os.link(source, target)
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(target)])
    assert result.exit_code == 2 and "is the input file" in result.output
    assert source.read_text() == line + "\n"


@posix
def test_a_closed_pipe_ends_quietly() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "recommender", "plan", "--example", "--weeks", "12"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # as `| head` does once it has what it wants
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert stderr == b""


def test_intake_save_refuses_a_link_after_showing_the_warning(tmp_path: Path) -> None:
    from recommender.inputs.questionnaire import load_questionnaire

    from support.intake_script import replies

    real = tmp_path / "real.json"
    real.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    raw = json.loads((EXAMPLES / "cauda-equina.json").read_text())
    typed = "\n".join(replies(raw, load_questionnaire())) + "\n"
    result = CliRunner().invoke(main, ["intake", "--save", str(link)], input=typed)
    assert result.exit_code == 2
    assert result.stderr.index("EMERGENCY") < result.stderr.index("symbolic link")
    assert real.read_text() == "{}"


def test_output_paths_are_not_left_with_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    assert plan("-f", "json", "-o", str(target)).exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]
    assert Path(target).stat().st_size > 0


# -- issue 23: stream links, standard input as the output, stale temporary files --------


@posix
def test_a_stream_link_to_a_redirected_file_is_written_through_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o /dev/stdout > file`: the shell's link leads to a regular file. A link of our
    own stands for /dev/stdout (never the real one), named in the patched list."""
    redirect = tmp_path / "redirect.txt"
    redirect.write_text("kept from before\n")  # as `>>` leaves a file
    link = tmp_path / "stdout"
    link.symlink_to(redirect)
    monkeypatch.setattr(output, "_STREAM_LINKS", (str(link),))
    result = plan("-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(redirect)
    text = redirect.read_text()
    assert text.startswith("kept from before\n") and "YOUR PLAN" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["redirect.txt", "stdout"]


@posix
def test_batch_refuses_to_write_over_the_file_on_its_standard_input(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    line = (EXAMPLES / "sciatica.json").read_text().replace("\n", "")
    source.write_text(line + "\n")
    with open(source, "rb") as stdin:  # `backplan batch - -o in.jsonl < in.jsonl`
        ran = subprocess.run(
            [sys.executable, "-m", "recommender", "batch", "-", "-o", str(source)],
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert ran.returncode == 2, ran.stderr
    assert "is the input file" in ran.stderr
    assert source.read_text() == line + "\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


@posix
def test_a_temporary_file_left_by_a_killed_run_is_removed_and_named(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    left = tmp_path / f".plan.json.{int(dead.stdout)}.k2j4h5g7.tmp"
    left.write_text('{"half": ')
    older = tmp_path / ".plan.json.a1b2c3d4.tmp"  # an older backplan's: no process id
    older.write_text("{")
    result = plan("-f", "json", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert f"removed {left}" in result.stderr
    assert f"{older} looks like a partial result" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [older.name, "plan.json"]
