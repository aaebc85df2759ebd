"""Running the web app: `backplan serve` calls `serve` here."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Callable

from recommender.app.web.state import SECRET_ENV

APP = "recommender.app.web.app:create_app"


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
    import socket

    from recommender.core.errors import BackplanError

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


def serve(host: str, port: int, workers: int, say: Callable[[str], None]) -> None:
    """Serve until interrupted. Several workers share one signing key, so a page
    drawn by one worker is accepted by the next."""
    import uvicorn

    _check_free(host, port)
    if not os.environ.get(SECRET_ENV):
        # Inherited by the worker processes uvicorn starts; gone when the server stops.
        os.environ[SECRET_ENV] = secrets.token_urlsafe(32)
    say(f"backplan is running at {address(host, port)}  (Ctrl-C stops it)")
    if not is_loopback(host):
        say(
            "Note: this address can be reached from other computers. Put it behind a "
            "web server with HTTPS (see the README, 'backplan in the browser')."
        )
    uvicorn.run(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # addresses and timings only, but nothing is logged by default
        log_level="warning",
        server_header=False,
        proxy_headers=True,  # X-Forwarded-Proto from a proxy on this machine: Secure cookies
    )
