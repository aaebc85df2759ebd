"""The outermost layer of the web app, around everything FastAPI and Starlette do.

- Every response carries the security headers, an error page too. Starlette answers an
  unexpected exception in its outermost layer, outside any middleware added to the
  app, so a 500 page used to go without them.
- Starlette raises that exception again once its page is sent, and uvicorn then drops
  the connection. Here it is logged and goes no further: the page was complete, so the
  connection stays open for the next request.
- HEAD is answered wherever GET is (RFC 9110, 9.3.2): the GET page without its body.
- OPTIONS lists the methods a path takes (Allow) and nothing else: no CORS headers, so
  no other site's script may call the API from a browser.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from starlette.routing import Match

if TYPE_CHECKING:
    from starlette.types import Message, Receive, Scope, Send

#: Nothing is loaded from anywhere but this server, nothing runs inline, and no other
#: site may frame a page or receive a form.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    # Answers are health data: no browser or proxy cache may keep a page of them.
    (b"cache-control", b"no-store"),
]

#: The last resort, when even the error page could not be drawn.
FALLBACK_500 = (
    b'<!doctype html><html lang="en"><head><meta charset="utf-8">'
    b"<title>Something went wrong | backplan</title></head><body><main>"
    b"<h1>Something went wrong on our side</h1>"
    b"<p>Please try again. If it happens again, please report it.</p>"
    b'<p><a href="/">Go to the start</a></p></main></body></html>'
)

_log = logging.getLogger("backplan.web")


class Guard:
    """Wraps the whole app (see the module's notes); `routes` answers OPTIONS."""

    def __init__(self, app: Any, routes: list[Any]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        elif scope["method"] == "OPTIONS":
            allowed = self._allowed(scope)
            if allowed:
                await self._options(allowed, send)
                return
        started = complete = False

        async def guarded_send(message: Message) -> None:
            nonlocal started, complete
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            elif message["type"] == "http.response.body":
                complete = not message.get("more_body", False)
                if head:
                    message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(scope, receive, guarded_send)
        except Exception as exc:
            if complete:  # the error page went out whole: keep the connection
                _log.error("error in %s %s", scope["method"], scope["path"], exc_info=exc)
                return
            if started:  # half an answer: only closing the connection can say so
                raise
            _log.error("error in %s %s", scope["method"], scope["path"], exc_info=exc)
            await guarded_send(_start(500, b"text/html; charset=utf-8", len(FALLBACK_500)))
            await guarded_send({"type": "http.response.body", "body": FALLBACK_500})

    def _allowed(self, scope: Scope) -> set[str]:
        methods: set[str] = set()
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                methods |= set(getattr(route, "methods", None) or ())
        if "GET" in methods:
            methods.add("HEAD")
        return methods | {"OPTIONS"} if methods else set()

    @staticmethod
    async def _options(allowed: set[str], send: Send) -> None:
        message = _start(204, None, None)
        message["headers"].append((b"allow", ", ".join(sorted(allowed)).encode()))
        message["headers"] += SECURITY_HEADERS
        await send(message)
        await send({"type": "http.response.body", "body": b""})


def _start(status: int, media: bytes | None, length: int | None) -> Message:
    headers: list[tuple[bytes, bytes]] = []
    if media is not None:
        headers.append((b"content-type", media))
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    return {"type": "http.response.start", "status": status, "headers": headers}
