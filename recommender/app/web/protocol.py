"""The HTTP connection under the app: uvicorn's httptools protocol, with deadlines for
slow clients, a limit on the size of a request's head, and the security headers on
the few answers uvicorn gives itself.

uvicorn closes a connection left idle between requests (`timeout_keep_alive`), but
not one that sends a request slowly: a client that opened a connection and sent a
byte every few seconds, of its headers or of its body, held it for ever, and a few
hundred of them used up the server's file descriptors. Here each request has two
deadlines, measured from the moment the server starts waiting for it:

- its head (request line and headers) must arrive within HEAD_SECONDS, or the server
  answers 408 and closes the connection;
- once the head is in, the body must arrive and the answer go out within
  ANSWER_SECONDS (the largest body the app takes is 256 KB), or the connection is
  closed.

A head larger than MAX_HEAD_BYTES is answered with 431 and the connection closed
(httptools itself sets no limit). uvicorn's `limit_concurrency` answers requests past
the limit with 503 at once; that answer, and uvicorn's 400 for a request it cannot
parse, carry the same security headers as every page of the app.
"""

from __future__ import annotations

import asyncio
import http
from typing import TYPE_CHECKING, Any, Optional

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from recommender.app.web.guard import SECURITY_HEADERS

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

#: A request's head must arrive within this many seconds.
HEAD_SECONDS = 10.0
#: Then its body must arrive, and its answer go out, within this many.
ANSWER_SECONDS = 20.0
#: A request's head (line and headers) may be at most this large; a browser's is a
#: few KB, this app's cookies under 8 KB together.
MAX_HEAD_BYTES = 32 * 1024


class HeadTooLarge(Exception):
    """A request's head passed MAX_HEAD_BYTES."""


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the deadlines and limits above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: Optional[asyncio.TimerHandle] = None
        self._in_head = True  # between requests or inside a head: not in a body
        self._head_bytes = 0  # bytes received since the last head ended
        self._head_size = 0  # the request line and headers read so far

    # -- the deadlines ----------------------------------------------------------------

    def _arm(self, seconds: float, when_late: Any) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, when_late)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _head_late(self) -> None:
        self._deadline = None
        if not self._head_bytes:  # nothing asked (a browser's spare connection): just close
            self.transport.close()
            return
        self._refuse(408, "The request took too long to arrive.")

    def _answer_late(self) -> None:
        # The app may be reading the body: closing tells it the client is gone.
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(HEAD_SECONDS, self._head_late)

    def connection_lost(self, exc: Optional[Exception]) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._in_head and self._head_bytes > MAX_HEAD_BYTES:
            self._refuse(431, "The request's headers were too large.")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_size = 0
        if self._deadline is None:  # else the one before is still being answered
            self._arm(HEAD_SECONDS, self._head_late)

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self._grow(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self._grow(len(name) + len(value) + 4)

    def _grow(self, size: int) -> None:
        # A head that arrives whole in one read is measured here, as it is parsed; the
        # parser turns the exception into its own error, and that into send_400_response.
        self._head_size += size
        if self._head_size > MAX_HEAD_BYTES:
            raise HeadTooLarge

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._arm(ANSWER_SECONDS, self._answer_late)
        limit = self.limit_concurrency
        if limit is None or (len(self.connections) < limit and len(self.tasks) < limit):
            super().on_headers_complete()
            return
        # Past the limit uvicorn answers with its own bare 503; answer with ours.
        app = self.app
        self.app, self.limit_concurrency = _busy, None
        try:
            super().on_headers_complete()
        finally:
            self.app, self.limit_concurrency = app, limit

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True

    def on_response_complete(self) -> None:
        if self._head_bytes:  # the next request has begun: its head has its own time
            self._arm(HEAD_SECONDS, self._head_late)
        elif self.pipeline:  # a request that came in whole is waiting for its answer
            self._arm(ANSWER_SECONDS, self._answer_late)
        else:  # idle: uvicorn's keep-alive timeout closes the connection
            self._disarm()
        super().on_response_complete()

    # -- uvicorn's own answers, with the headers --------------------------------------

    def send_400_response(self, msg: str) -> None:
        if self._head_size > MAX_HEAD_BYTES:
            self._refuse(431, "The request's headers were too large.")
        else:
            self._refuse(400, msg)

    def _refuse(self, status: int, message: str) -> None:
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is not None and cycle.response_started and not cycle.response_complete:
            self.transport.close()  # half an answer is out: closing is all that is left
            return
        self.transport.write(_plain_response(status, message))
        self.transport.close()


def _plain_response(status: int, message: str) -> bytes:
    body = message.encode()
    head = [
        f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}".encode(),
        b"content-type: text/plain; charset=utf-8",
        b"content-length: " + str(len(body)).encode(),
        b"connection: close",
        *(name + b": " + value for name, value in SECURITY_HEADERS),
    ]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


async def _busy(scope: Scope, receive: Receive, send: Send) -> None:
    """The answer past the concurrency limit: try again shortly."""
    body = b"backplan is busy. Please try again in a moment."
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", b"5"),
                (b"connection", b"close"),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
