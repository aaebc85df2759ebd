"""A real PostgreSQL server for the tests and the benchmarks: Debian's `postgresql`, in
a temporary cluster made with initdb and started with pg_ctl on a Unix socket (as an
ordinary user when run as root, since PostgreSQL refuses to run as root), stopped and
removed after. Where PostgreSQL is not installed, `cluster` raises Missing."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Optional

_NAMES = itertools.count(1)


class Missing(Exception):
    """PostgreSQL is not installed here."""


def bin_dir() -> Optional[Path]:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def cluster(*settings: str) -> Iterator[dict[str, Any]]:
    """A running server: {"socket": folder, "port": number}. `settings` are extra
    `-c name=value` options (max_connections=300, say)."""
    binaries = bin_dir()
    if binaries is None:
        raise Missing("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    base = Path(tempfile.mkdtemp(prefix="backplan-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        import pwd

        nobody = pwd.getpwnam("nobody")
        os.chown(base, nobody.pw_uid, nobody.pw_gid)
        prefix = ["runuser", "-u", "nobody", "--"]
    data, port = base / "data", _free_port()

    def as_owner(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    as_owner(
        str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"
    )
    extra = "".join(f" -c {setting}" for setting in settings)
    options = f"-k {base} -p {port} -c listen_addresses='' -c fsync=off{extra}"
    as_owner(
        str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"),
        "-w", "start",
    )  # fmt: skip
    try:
        yield {"socket": str(base), "port": port}
    finally:
        as_owner(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


def new_database(server: dict[str, Any]) -> str:
    """A fresh, empty database on the server, as a postgresql:// URL."""
    import psycopg

    name = f"backplan_test_{os.getpid()}_{next(_NAMES)}"
    with psycopg.connect(
        host=server["socket"],
        port=server["port"],
        user="postgres",
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return f"postgresql://postgres@/{name}?host={server['socket']}&port={server['port']}"


def server_or_skip() -> Iterator[dict[str, Any]]:
    """For a pytest fixture: the server, or a skip where PostgreSQL is not installed (a
    failure where BACKPLAN_REQUIRE_POSTGRES is set, as in CI)."""
    import pytest

    try:
        with cluster() as server:
            yield server
    except Missing as exc:
        if os.environ.get("BACKPLAN_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required here but initdb was not found ({exc})")
        pytest.skip(str(exc))
