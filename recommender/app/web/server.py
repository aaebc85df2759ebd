"""Running the web app: `backplan serve` calls `serve` here.

The server holds up against slow and many clients by itself, with no proxy in front:
each worker takes at most CONNECTIONS connections at once (requests past that get 503
at once), closes a connection idle for KEEP_ALIVE_SECONDS between requests, and gives
each request a deadline for its head and one for its body and answer (protocol.py).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from typing import Optional

from recommender.app.web.revoked import REVOKED_ENV
from recommender.app.web.secret import SECRET_ENV, WeakSecretKey, key_problem
from recommender.clinic.db import ClinicDB
from recommender.core.errors import BackplanError
from recommender.store.database import describe

APP = "recommender.app.web.app:create_app"
PROTOCOL = "recommender.app.web.protocol:GuardedHttpProtocol"
#: The clinic's database, for each worker `backplan serve --clinic` starts.
CLINIC_ENV = "BACKPLAN_CLINIC_DB"

#: Connections one worker holds at once (uvicorn's limit_concurrency), when the
#: process may open enough files; a few hundred slow clients must not lock others out.
CONNECTIONS = 1000
#: An idle keep-alive connection is closed after this many seconds.
KEEP_ALIVE_SECONDS = 5
#: Files a worker keeps for itself beyond its connections (the app's own files, the
#: list of cleared answers, the event loop).
SPARE_FILES = 64


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _check_free(host: str, port: int) -> None:
    """Refuse a port already in use with a plain message, before saying we run there."""
    # lazy: socket is loaded only by the commands that use it
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise BackplanError(f"cannot serve on {host}: {exc.strerror}") from None
    family, kind, proto, _, where = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(where)
        except OSError as exc:
            raise BackplanError(
                f"cannot serve on {address(host, port)}: {exc.strerror}; choose another with --port"
            ) from None


def serve(
    host: str,
    port: int,
    workers: int,
    say: Callable[[str], None],
    clinic_db: Optional[str] = None,
) -> None:
    """Serve until interrupted. Several workers share one secret key, so a page drawn
    by one worker is accepted by the next, and one list of cleared answers. With
    `clinic_db` (a URL, or "" for the default), the clinic's app on that database,
    made or migrated here, once, before any worker starts."""
    # lazy: uvicorn is loaded only by the commands that use it
    import uvicorn

    configured = os.environ.get(SECRET_ENV)
    if configured:
        problem = key_problem(configured)
        if problem:
            raise WeakSecretKey(problem)
    _check_free(host, port)
    if clinic_db is not None:
        _prepare_clinic(clinic_db, say)
    if not configured:
        # Inherited by the worker processes uvicorn starts; gone when the server stops.
        os.environ[SECRET_ENV] = secrets.token_urlsafe(32)
    folder = None
    if not os.environ.get(REVOKED_ENV):
        folder = tempfile.mkdtemp(prefix="backplan-serve-")  # private to this user (0700)
        os.environ[REVOKED_ENV] = os.path.join(folder, "cleared.sqlite3")
    connections = connection_limit()
    say(f"backplan is running at {address(host, port)}  (Ctrl-C stops it)")
    if not is_loopback(host):
        say(
            "Note: this address can be reached from other computers. Put it behind a "
            "web server with HTTPS (see docs/web.md)."
        )
    try:
        uvicorn.run(
            APP,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            http=PROTOCOL,
            limit_concurrency=connections,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            access_log=False,  # addresses and timings only, but nothing is logged by default
            log_level="warning",
            server_header=False,
            proxy_headers=True,  # X-Forwarded-Proto from a proxy on this machine: Secure cookies
        )
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
            del os.environ[REVOKED_ENV]


def _prepare_clinic(given: str, say: Callable[[str], None]) -> None:
    """Open (make, migrate) the clinic's database now, so that a bad one is refused
    with its message before the server starts; the workers find it by $CLINIC_ENV."""
    db = ClinicDB.open(given or None)
    url = db.url
    db.close()
    os.environ[CLINIC_ENV] = url
    say(f"The clinic's database: {describe(url)}")


def connection_limit() -> int:
    """CONNECTIONS, or fewer where this process may not open that many files (after
    raising its own limit as far as the system allows)."""
    try:
        # lazy: POSIX only (the module imports on Windows too)
        import resource
    except ImportError:  # not on Unix: the system's own limits apply
        return CONNECTIONS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = CONNECTIONS + SPARE_FILES
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return CONNECTIONS
    return max(1, min(CONNECTIONS, soft - SPARE_FILES))
