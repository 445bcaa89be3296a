"""Request bodies read up front, by a bounded number of threads at once.

The HTTP server (granian) reads request lines and headers in its compiled layer, so a client that
trickles its headers costs no Python thread and is cut off after `header_read_timeout_ms`. A body,
though, is read by the app's thread as it arrives, so a client trickling a body holds that thread
until it is done. This gate reads every body whole before the app runs, and lets at most
`upload_slots` threads of a process (and never all of them) do so at once: clients trickling bodies
can take those slots, never the last thread, which keeps answering requests without a body (queries
by GET, pages, searches, cards). A request that finds every slot taken waits a moment (bursts of
ordinary bodies free their slots within milliseconds), then is answered 503 with `Retry-After` by the
app's error envelope rather than queued behind the slow ones.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.exceptions import ServiceUnavailable

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]

REFUSED = "apwps.body_refused"
RETRY_AFTER_S = 5
SLOT_WAIT_S = 0.2  # how long a body waits for a slot: short, since a waiting thread serves nobody
_CHUNK = 65_536


def _declared_length(environ: Environ) -> int | None:
    """The body's length: 0 without a body, None when it is chunked or the header is no number."""
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return None
    try:
        return max(0, int(environ.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return None


class BodyGate:
    """WSGI middleware: buffer each request body under a per-process cap on concurrent readers."""

    def __init__(self, app: WsgiApp, slots: int, max_bytes: int) -> None:
        self._app = app
        self._slots = threading.BoundedSemaphore(max(1, slots))
        self._max_bytes = max_bytes

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        length = _declared_length(environ)
        if length == 0 or (length is not None and length > self._max_bytes):
            # No body, or one the app refuses from its Content-Length alone (413) without reading it.
            return self._app(environ, start_response)
        if not self._slots.acquire(timeout=SLOT_WAIT_S):
            environ[REFUSED] = True
            environ["wsgi.input"] = io.BytesIO(b"")
            environ["CONTENT_LENGTH"] = "0"
            return self._app(environ, start_response)
        try:
            body = self._read(environ["wsgi.input"], length)
        finally:
            self._slots.release()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["wsgi.input_terminated"] = True
        if length is None:  # chunked: the app now knows the length (and refuses it when too long)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self._app(environ, start_response)

    def _read(self, stream: Any, length: int | None) -> bytes:
        """Read the whole body; a chunked one only up to one byte past the limit."""
        limit = self._max_bytes + 1 if length is None else length
        parts: list[bytes] = []
        size = 0
        while size < limit:
            chunk = stream.read(min(_CHUNK, limit - size))
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
        return b"".join(parts)


def _refuse_when_gated() -> None:
    from flask import request

    if request.environ.get(REFUSED):
        raise ServiceUnavailable(
            description=(
                "too many request bodies are being received at once (setting upload_slots); "
                "try again in a few seconds"
            ),
            retry_after=RETRY_AFTER_S,
        )


def register(app: Flask, slots: int, threads: int, max_bytes: int) -> None:
    """Gate the bodies of `app`: at most `slots` readers, and always one thread left without."""
    usable = max(1, min(slots, threads - 1))
    app.wsgi_app = BodyGate(app.wsgi_app, usable, max_bytes)  # type: ignore[method-assign]
    app.before_request(_refuse_when_gated)
