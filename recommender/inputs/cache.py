"""A small on-disk cache for what is slow to build and never changes between runs.

Loading the rules and the catalog means parsing YAML and validating it, and the
answers validator is compiled by pydantic; together they cost more than everything
else a run does. The results are pickled under the user's cache folder, keyed by a
hash of every input (the files' bytes, the code that reads them, library and Python
versions), so any change rebuilds them, the way Python's own .pyc files work.

The folder is private to the user (mode 0700). BACKPLAN_CACHE_DIR moves it;
BACKPLAN_CACHE=off turns caching off. A cache that cannot be read or written is
simply rebuilt in memory.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Optional, TypeVar, Union

try:  # the built-in BLAKE2, without loading OpenSSL (which costs a noticeable 2 ms)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b

T = TypeVar("T")
KeyPart = Union[bytes, str, Path]

_FORMAT = b"backplan-cache-1"


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
            part = part.read_bytes()
        h.update(len(part).to_bytes(8, "little"))
        h.update(part.encode() if isinstance(part, str) else part)
    return h.hexdigest()


def cached(name: str, key: Iterable[KeyPart], build: Callable[[], T]) -> T:
    """`build()`, or its result from an earlier run with the same `key`."""
    folder = cache_dir()
    if folder is None:
        return build()
    try:
        path = folder / f"{name}-{digest(key)}.pickle"
    except OSError:  # a key file vanished: nothing to cache against
        return build()
    try:
        with path.open("rb") as stream:
            return pickle.load(stream)  # noqa: S301 - our own file, in a private folder
    except FileNotFoundError:
        pass
    except Exception:  # damaged or from an incompatible version: rebuild it
        pass
    value = build()
    _store(folder, name, path, value)
    return value


def _store(folder: Path, name: str, path: Path, value: object) -> None:
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
        for old in folder.glob(f"{name}-*.pickle"):  # earlier versions of this entry
            if old != path:
                old.unlink(missing_ok=True)
    except Exception:
        # Caching is an optimisation: a read-only home or a full disk must not matter.
        pass


def source_of(*modules: object) -> list[Path]:
    """The source files of modules, for keys that must change when the code does."""
    return [Path(m.__file__) for m in modules]  # type: ignore[attr-defined]
