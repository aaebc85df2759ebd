"""Store hardening (issue 25, item 8): two first starts at once both succeed; a full
disk exits 1, leaves no file and says nothing was stored; a database file or folder
that is not the user's own, or that others can write to, is refused with the reason;
"(private to you)" is said only of a file that is; passwords never appear in messages.
(The chart's matplotlibrc is tested with the chart, tests/tracking/test_chart.py.)"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from recommender.core.progress import Person
from recommender.store import database

from conftest import Run
from support.course import START_ARGS, race_first_starts, stored_course

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def test_two_first_starts_at_once_both_succeed(tmp_path: Path) -> None:
    for round_ in range(4):  # a race: several rounds, each on a database not there yet
        path = tmp_path / f"round{round_}" / "tracking.sqlite3"
        results = race_first_starts(str(path))
        for code, messages in results:
            assert code == 0, messages
            assert "already exists" not in messages
        assert {p.name for p in database_people(str(path))} == {"Alice", "Bob"}


def database_people(path: str) -> list[Person]:
    from recommender.store.courses import Store

    return Store.open(path).people()


def _mount(folder: Path, size: str) -> None:
    if not ROOT or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    folder.mkdir(mode=0o700)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 KB tmpfs under the test's folder (root only; too small for the schema)."""
    folder = tmp_path / "small"
    _mount(folder, "16k")
    try:
        yield folder
    finally:
        # Lazily: the test process may still hold the file open (a pooled connection).
        subprocess.run(["umount", "--lazy", str(folder)], check=False)


@pytest.fixture
def nearly_full_disk(tmp_path: Path, run: Run) -> Iterator[Path]:
    """A tmpfs holding a course, filled up but for a little room (root only)."""
    folder = tmp_path / "disk"
    _mount(folder, "1m")
    try:
        path = folder / "tracking.sqlite3"
        run("track", "--db", str(path), *START_ARGS[1:])
        with open(folder / "filler", "wb", buffering=0) as filler:
            try:
                while True:
                    filler.write(b"\0" * 4096)
            except OSError:
                pass  # the disk is full
        yield path
    finally:
        # Lazily: the test process may still hold the file open (a pooled connection).
        subprocess.run(["umount", "--lazy", str(folder)], check=False)


def test_a_full_disk_start_exits_1_leaves_no_file_and_says_nothing_was_stored(
    small_disk: Path, run: Run
) -> None:
    path = small_disk / "tracking.sqlite3"
    out = run("track", "--db", str(path), *START_ARGS[1:], code=1)
    assert "full" in out.output and "nothing was stored" in out.output
    assert "Traceback" not in out.output and "internal error" not in out.output
    assert list(small_disk.iterdir()) == []  # no empty file to read as "nothing tracked"


def test_a_full_disk_keeps_an_existing_course_whole(nearly_full_disk: Path) -> None:
    """Check-ins that cannot be written fail whole (exit 1): the course is as it was."""
    from click.testing import CliRunner

    from recommender.app.cli import main

    path = nearly_full_disk
    args = ["track", "--db", str(path), "checkin", "--week", "1", "--done", "3",
            "--exercise-pain", "3", "--next-morning", "same", "--usual-pain", "5",
            "--psfs", "1,2,3", "--no-new-symptoms"]  # fmt: skip
    saved = 0
    for _ in range(200):  # until the disk is full
        before = path.read_bytes()
        out = CliRunner().invoke(main, args)
        if out.exit_code != 0:
            break
        saved += 1
    assert out.exit_code == 1, out.output
    assert "full" in out.output and "nothing was stored" in out.output
    assert path.read_bytes() == before
    (path.parent / "filler").unlink()
    assert len(stored_course(str(path)).checkins) == saved


def _valid_database(tmp_path: Path, run: Run) -> Path:
    made = tmp_path / "mine" / "tracking.sqlite3"
    run("track", "--db", str(made), *START_ARGS[1:])
    return made


def test_a_planted_world_writable_file_is_refused(tmp_path: Path, run: Run) -> None:
    made = _valid_database(tmp_path, run)
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o700)
    planted = shared / "tracking.sqlite3"
    shutil.copy(made, planted)
    planted.chmod(0o666)
    before = planted.read_bytes()
    for args in (["status"], ["checkin", "--week", "1", "--done", "1"], ["report"]):
        out = run("track", "--db", str(planted), *args, code=2)
        assert "others can write to" in out.output and "0666" in out.output
    assert planted.read_bytes() == before


@pytest.mark.skipif(not ROOT, reason="giving a file to another user needs root")
def test_a_file_that_belongs_to_someone_else_is_refused(tmp_path: Path, run: Run) -> None:
    made = _valid_database(tmp_path, run)
    nobody = pwd.getpwnam("nobody")
    os.chown(made, nobody.pw_uid, nobody.pw_gid)
    out = run("track", "--db", str(made), "status", code=2)
    assert "is not yours" in out.output and "belongs to another user" in out.output


def test_a_folder_others_can_write_to_is_refused(tmp_path: Path, run: Run) -> None:
    made = _valid_database(tmp_path, run)
    made.parent.chmod(0o777)
    out = run("track", "--db", str(made), "status", code=2)
    assert "others can write to" in out.output and str(made.parent) in out.output
    fresh = tmp_path / "open"
    fresh.mkdir()
    fresh.chmod(0o777)
    out = run("track", "--db", str(fresh / "new.sqlite3"), *START_ARGS[1:], code=2)
    assert "others can write to" in out.output
    assert list(fresh.iterdir()) == []


def test_private_to_you_is_said_only_of_a_private_file(tmp_path: Path, run: Run) -> None:
    first = run("track", "--db", str(tmp_path / "own" / "t.sqlite3"), *START_ARGS[1:])
    assert "(private to you)" in first.stderr
    readable = tmp_path / "readable"
    readable.mkdir(mode=0o755)
    path = readable / "t.sqlite3"
    path.write_bytes(b"")
    path.chmod(0o644)
    second = run("track", "--db", str(path), *START_ARGS[1:])
    assert "(private to you)" not in second.stderr
    assert "others on this computer can read it" in second.stderr


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://me:s3cret-pw@127.0.0.1:1/none",
        "postgresql://me@127.0.0.1:1/none?password=s3cret-pw&sslmode=disable",
        "postgresql://me:s3cret-pw@127.0.0.1:notaport/none",
        "mysql://me:s3cret-pw@host/db?password=s3cret-pw",
    ],
    ids=["user-part", "query-string", "malformed", "unsupported"],
)
def test_passwords_never_appear_in_messages(run: Run, url: str) -> None:
    for args in (["status"], START_ARGS[1:]):
        out = run("track", "--db", url, *args, code=2)
        assert "s3cret" not in out.output
        assert "Traceback" not in out.output


def test_urls_are_shown_with_passwords_masked() -> None:
    assert database.shown("postgresql://me:pw@h/db?password=x&host=/tmp") == (
        "postgresql://me@h/db?password=***&host=/tmp"
    )
    assert database.scrubbed("failed for me:pw at x", "postgresql://me:pw@h/db") == (
        "failed for me:*** at x"
    )
