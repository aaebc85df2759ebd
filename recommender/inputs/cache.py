"""A small on-disk cache for what is slow to build and never changes between runs.

Loading the rules and the catalog means parsing YAML and validating it, and the
answers validator is compiled by pydantic; together they cost more than everything
else a run does. The results are pickled under the user's cache folder, keyed by a
hash of every input (the files' bytes, the code that reads them, library and Python
versions), so any change rebuilds them, the way Python's own .pyc files work.

A pickle can run code when it is loaded, so an entry is only ever read from a folder
and a file that belong to the person running backplan and that nobody else can write
to (no group or world write bits, no symbolic links), checked on the open file
descriptors themselves so that nothing can be swapped in between the check and the
read. Anything else (another user's file, a shared folder, a FIFO, a damaged or
foreign entry) is ignored and the value is built afresh; such a folder is never
written to either.

The folder is private to the user (mode 0700). BACKPLAN_CACHE_DIR moves it;
BACKPLAN_CACHE=off turns caching off. A cache that cannot be read or written is
simply rebuilt in memory.
"""

from __future__ import annotations

import os
import pickle
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Optional, TypeVar, Union

from recommender.inputs.datafiles import read_data_file

try:  # the built-in BLAKE2, without loading OpenSSL (which costs a noticeable 2 ms)
    # (named again so that other modules may import the quick one from here)
    from _blake2 import blake2b as blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b as blake2b

T = TypeVar("T")
KeyPart = Union[bytes, str, Path]

_FORMAT = b"backplan-cache-2"
#: Bits that would let someone other than the owner change a folder or a file.
_WRITABLE_BY_OTHERS = stat.S_IWGRP | stat.S_IWOTH
#: Open flags that refuse a symbolic link and never wait on a FIFO or a device.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_SAFE_OPEN = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
#: No entry is larger than this; anything bigger is not ours.
MAX_ENTRY_BYTES = 64 * 1024 * 1024


def cache_dir() -> Optional[Path]:
    if os.environ.get("BACKPLAN_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    if os.environ.get("BACKPLAN_CACHE_DIR"):
        return Path(os.environ["BACKPLAN_CACHE_DIR"])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "backplan" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "backplan"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "backplan"


def digest(parts: Iterable[KeyPart]) -> str:
    """A hash of every part; paths count by their name and their bytes."""
    h = blake2b(_FORMAT, digest_size=16)
    h.update(sys.version.encode())
    for part in parts:
        if isinstance(part, Path):
            h.update(str(part.name).encode())
            part = read_data_file(part)  # a regular file, or refused: never a FIFO
        h.update(len(part).to_bytes(8, "little"))
        h.update(part.encode() if isinstance(part, str) else part)
    return h.hexdigest()


def cached(
    name: str, key: Iterable[KeyPart], build: Callable[[], T], kind: Optional[type] = None
) -> T:
    """`build()`, or its result from an earlier run with the same `key`.

    With `kind`, an entry that is not an instance of it is treated as damaged.
    """
    folder = cache_dir()
    if folder is None:
        return build()
    try:
        entry = f"{name}-{digest(key)}.pickle"
    except OSError:  # a key file vanished: nothing to cache against
        return build()
    trusted = _private_folder(folder)
    if trusted is not None:
        value = _load(trusted, entry)
        if value is not None and (kind is None or isinstance(value, kind)):
            return value  # type: ignore[return-value]
    value = build()
    _store(folder, name, entry, value)  # only into a folder that is ours alone
    return value


def _owned_privately(info: os.stat_result) -> bool:
    """Owned by whoever runs backplan, and writable by nobody else."""
    mine = not hasattr(os, "geteuid") or info.st_uid == os.geteuid()
    return mine and not info.st_mode & _WRITABLE_BY_OTHERS


def _private_folder(folder: Path) -> Optional[Path]:
    """`folder`, if it is a real folder (not a link) that only this user can change."""
    try:
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or not _owned_privately(info):
        return None
    return folder


def _load(folder: Path, entry: str) -> object:
    """The entry's value, or None when it is missing, foreign, unsafe or damaged."""
    try:
        fd = os.open(folder / entry, _SAFE_OPEN)
    except OSError:  # missing, or a symbolic link (O_NOFOLLOW)
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not _owned_privately(info):
            return None  # a FIFO, a device, or a file someone else could have written
        if info.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as stream:
            return pickle.load(stream)  # noqa: S301 - checked above: our own private file
    except Exception:  # damaged or from an incompatible version: rebuild it
        return None
    finally:
        os.close(fd)


def _store(folder: Path, name: str, entry: str, value: object) -> None:
    # lazy: off the cold `backplan plan` path (benchmarks/bench.py (a))
    import tempfile

    temp: Optional[str] = None
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if _private_folder(folder) is None:
            return  # never leave something behind in a folder others can change
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, folder / entry)
        temp = None
        for old in folder.glob(f"{name}-*.pickle"):  # earlier versions of this entry
            if old.name != entry:
                old.unlink(missing_ok=True)
    except Exception:
        # Caching is an optimisation: a read-only home or a full disk must not matter.
        pass
    finally:
        if temp is not None:  # a write that failed half-way leaves nothing behind
            try:
                os.unlink(temp)
            except OSError:
                pass


def source_of(*modules: object) -> list[Path]:
    """The source files of modules, for keys that must change when the code does."""
    return [Path(m.__file__) for m in modules]  # type: ignore[attr-defined]
