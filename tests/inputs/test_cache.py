"""The start-up cache: rebuilt whenever an input changes, harmless when it cannot work."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from recommender.core.errors import DataFileError
from recommender.inputs import cache
from recommender.inputs.catalog_file import load_catalog
from recommender.inputs.datafiles import bundled_dir
from recommender.rulebook.rules import RedFlagRule, Rulebook, load_rulebook


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BACKPLAN_CACHE_DIR", str(folder))
    return folder


def test_a_second_load_comes_from_the_cache(cache_dir: Path) -> None:
    first = load_catalog()
    stored = sorted(p.name for p in cache_dir.glob("catalog-*.pickle"))
    assert len(stored) == 1
    again = load_catalog()
    assert [e.to_dict() for e in again] == [e.to_dict() for e in first]


def test_editing_a_rule_file_rebuilds_the_rules(cache_dir: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(bundled_dir("rules"), rules)
    catalog = load_catalog()

    def severe(book: Rulebook) -> RedFlagRule:
        return next(rule for rule in book.red_flags if rule.id == "RF-SEVERE")

    assert severe(load_rulebook(catalog, rules)).title == "Severe pain"
    path = rules / "red-flags-soon.yaml"
    path.write_text(path.read_text().replace("title: Severe pain\n", "title: Very bad pain\n"))
    assert severe(load_rulebook(catalog, rules)).title == "Very bad pain"
    # The stale entry is replaced, not kept beside the new one.
    assert len(list(cache_dir.glob("rules-*.pickle"))) == 1


def test_a_broken_edit_is_refused_even_after_a_cached_load(cache_dir: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(bundled_dir("rules"), rules)
    catalog = load_catalog()
    load_rulebook(catalog, rules)
    path = rules / "notes.yaml"
    path.write_text(path.read_text().replace("id: NOTE-HEART", "id: NOTE-HEART\n    colour: red"))
    with pytest.raises(DataFileError, match="NOTE-HEART"):
        load_rulebook(catalog, rules)


def test_a_damaged_cache_file_is_rebuilt(cache_dir: Path) -> None:
    load_catalog()
    (entry,) = cache_dir.glob("catalog-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert len(load_catalog()) >= 28


def test_an_unwritable_cache_folder_does_not_matter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv("BACKPLAN_CACHE_DIR", str(blocker / "cache"))
    assert len(load_catalog()) >= 28


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKPLAN_CACHE", "off")
    assert cache.cache_dir() is None
    assert len(load_catalog()) >= 28


# -- nothing planted in the cache can run code (docs/clinical-safety.md, S-CACHE) -------


class _Payload:
    """A pickle that, when loaded, leaves a mark: proof that planted code ran."""

    def __init__(self, mark: Path) -> None:
        self.mark = mark

    def __reduce__(self) -> tuple[Callable[[str], None], tuple[str]]:
        return (os.mkdir, (str(self.mark),))


def _entry_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The file name the catalog's cache entry takes (it does not depend on the folder)."""
    probe = tmp_path / "probe"
    monkeypatch.setenv("BACKPLAN_CACHE_DIR", str(probe))
    load_catalog()
    (entry,) = probe.glob("catalog-*.pickle")
    return entry.name


def _as_another_user(action: Callable[[], None]) -> bool:
    """Run `action` in a child process as user and group 65534 (nobody); False when this
    process cannot change user (not root, or no fork)."""
    if not hasattr(os, "fork") or os.geteuid() != 0:
        return False
    pid = os.fork()
    if pid == 0:  # the child: drop to nobody, plant, and leave without cleanup
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            action()
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return True


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder anyone may write to, as /tmp is, outside pytest's private tmp_path."""
    folder = Path(tempfile.mkdtemp(prefix="backplan-shared-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_pickle_planted_by_another_user_never_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_folder: Path
) -> None:
    name = _entry_name(tmp_path, monkeypatch)
    mark = shared_folder / "planted-code-ran"
    planted = shared_folder / name

    def plant() -> None:
        planted.write_bytes(pickle.dumps(_Payload(mark)))

    if not _as_another_user(plant):  # not root: a group member's shared folder instead
        shared_folder.chmod(0o775)
        plant()
    monkeypatch.setenv("BACKPLAN_CACHE_DIR", str(shared_folder))
    assert len(load_catalog()) >= 28
    assert not mark.exists(), "a pickle from a folder others can write to was loaded"
    # Nor is anything of ours written into such a folder.
    assert sorted(p.name for p in shared_folder.iterdir()) == [name]


def test_a_file_owned_by_someone_else_in_our_folder_is_not_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = _entry_name(tmp_path, monkeypatch)
    folder = tmp_path / "private"
    folder.mkdir(mode=0o700)
    mark = tmp_path / "planted-code-ran"
    planted = folder / name
    planted.write_bytes(pickle.dumps(_Payload(mark)))
    if os.geteuid() == 0:
        os.chown(planted, 65534, 65534)  # as if another user had put it there
    else:
        planted.chmod(0o666)  # or left it writable by others
    monkeypatch.setenv("BACKPLAN_CACHE_DIR", str(folder))
    assert len(load_catalog()) >= 28
    assert not mark.exists()


def test_a_symbolic_link_in_the_cache_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = _entry_name(tmp_path, monkeypatch)
    folder = tmp_path / "private"
    folder.mkdir(mode=0o700)
    mark = tmp_path / "planted-code-ran"
    elsewhere = tmp_path / "elsewhere.pickle"
    elsewhere.write_bytes(pickle.dumps(_Payload(mark)))
    (folder / name).symlink_to(elsewhere)
    monkeypatch.setenv("BACKPLAN_CACHE_DIR", str(folder))
    assert len(load_catalog()) >= 28
    assert not mark.exists()


def test_a_fifo_in_the_cache_neither_hangs_nor_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = _entry_name(tmp_path, monkeypatch)
    folder = tmp_path / "private"
    folder.mkdir(mode=0o700)
    os.mkfifo(folder / name)
    monkeypatch.setenv("BACKPLAN_CACHE_DIR", str(folder))
    result = subprocess.run(
        [sys.executable, "-m", "recommender", "plan", "--example", "--format", "json"],
        capture_output=True,
        timeout=60,
        env=dict(os.environ, BACKPLAN_CACHE_DIR=str(folder)),
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["plan"]


def test_an_entry_of_the_wrong_type_is_rebuilt(cache_dir: Path) -> None:
    load_catalog()
    (entry,) = cache_dir.glob("catalog-*.pickle")
    entry.write_bytes(pickle.dumps({"not": "a list of exercises"}))
    assert len(load_catalog()) >= 28
    assert isinstance(pickle.loads(entry.read_bytes()), list)  # and stored afresh


def test_a_failed_write_leaves_no_temporary_file(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: object, **kwargs: object) -> NoReturn:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pickle, "dump", full_disk)  # the pickle module the cache writes with
    assert len(load_catalog()) >= 28
    assert list(cache_dir.iterdir()) == []
