"""What backplan depends on, and how it is built: hashed locks for the runtime set and
for development, ranges that stop before a breaking major version, only what is used,
and an install that writes nothing into the source tree (issue 23, item 16)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ("requirements/runtime.lock", "requirements/dev.lock")

#: Left without an upper bound on purpose, each with its reason in pyproject.toml.
UNBOUNDED = {"cryptography", "pycountry"}


def _pyproject() -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        tomllib = pytest.importorskip("tomli")
    settings: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return settings


def _dependencies() -> list[Requirement]:
    return [Requirement(line) for line in _pyproject()["project"]["dependencies"]]


def _locked(path: str) -> dict[str, list[str]]:
    """Each locked requirement line (markers included) and its hashes."""
    text = (ROOT / path).read_text().replace("\\\n", " ")
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            requirement, *hashes = line.split("--hash=")
            found[requirement.strip()] = [h.strip() for h in hashes]
    return found


@pytest.mark.parametrize("lock", LOCKS)
def test_every_locked_package_is_pinned_with_its_hashes(lock: str) -> None:
    locked = _locked(lock)
    assert len(locked) > 30
    for requirement, hashes in locked.items():
        assert "==" in requirement, requirement
        assert hashes and all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), requirement


def test_the_runtime_lock_holds_every_runtime_dependency_and_no_tool() -> None:
    names = {Requirement(r).name.lower() for r in _locked("requirements/runtime.lock")}
    for dependency in _dependencies():
        assert dependency.name.lower() in names, dependency.name
    assert not names & {"pytest", "ruff", "mypy", "hypothesis", "playwright"}


def test_runtime_dependencies_stop_before_a_breaking_major_version() -> None:
    for dependency in _dependencies():
        if dependency.name.lower() in UNBOUNDED:
            continue
        bounded = any(s.operator in ("<", "<=", "==", "~=") for s in dependency.specifier)
        assert bounded, f"{dependency} has no upper bound"


def test_only_what_is_used_uvicorn_without_its_standard_extras() -> None:
    names = {d.name.lower(): d for d in _dependencies()}
    assert not names["uvicorn"].extras  # uvicorn[standard] adds what backplan never uses
    assert {"httptools", "uvloop", "cryptography"} <= set(names)
    assert "itsdangerous" not in names
    for lock in LOCKS:
        locked = {Requirement(r).name.lower() for r in _locked(lock)}
        assert not locked & {"watchfiles", "websockets", "python-dotenv", "itsdangerous"}, lock


def _tracked_copy(target: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = ROOT / name.decode()
        if source.is_file():
            (target / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name.decode())
    return target


@pytest.mark.slow  # two wheels built from a copy of the tree
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to list the tracked files")
def test_two_installs_at_once_build_out_of_the_tree_and_leave_nothing_in_it(tmp_path: Path) -> None:
    """`pip install .` builds a wheel from the tree first: twice at once here, as two
    CI jobs or two terminals might."""
    tree = _tracked_copy(tmp_path / "tree")
    builds = [
        subprocess.Popen(
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / n), "."],
            cwd=tree,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in ("wheel-1", "wheel-2")
    ]
    for build in builds:
        output, _ = build.communicate(timeout=300)
        assert build.returncode == 0, output
    for n in ("wheel-1", "wheel-2"):
        assert len(list((tmp_path / n).glob("backplan-*.whl"))) == 1
    left = [p.name for p in tree.iterdir() if p.name == "build" or p.name.endswith(".egg-info")]
    assert not left, f"the build wrote {left} into the source tree"
