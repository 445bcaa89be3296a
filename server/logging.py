"""Request IDs and structured access logs.

Every request gets an ID: the caller's `X-Request-ID` when it is a short token (so a proxy's ID
carries through), otherwise a fresh one. It is sent back in `X-Request-ID`, put in every error
envelope, and written in every log line, so a curator who reports an error's ID leads an operator
to its log lines.

Logs are one JSON object per line on standard error: `apwps.access` writes one line per request
when its answer has been sent (streamed answers included); the app's own logger (unexpected errors)
writes the same shape. Secrets stay out: no header but the user agent is logged, no body ever, and
query-string values whose names look secret are replaced by `***`.
"""

from __future__ import annotations

import json
import logging
import random
import re
import sys
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import Flask, Response, g, has_request_context, request

ACCESS_LOGGER = "apwps.access"
HEADER = "X-Request-ID"
_INCOMING_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_SECRET_NAME = re.compile(r"token|pass|secret|key|auth|session|cookie|credential", re.IGNORECASE)
MAX_QUERY_CHARS = 1000
MAX_AGENT_CHARS = 200


def fresh_id() -> str:
    """A new request ID: 128 random bits. It needs to be unique, not secret, so it comes from the
    process's random generator (reseeded in every forked worker) rather than from a system call."""
    return f"{random.getrandbits(128):032x}"


def request_id() -> str:
    """The ID of the current request (made on first use; empty outside a request)."""
    if not has_request_context():
        return ""
    current: str | None = g.get("request_id")
    if current is None:
        incoming = request.headers.get(HEADER, "")
        current = incoming if _INCOMING_ID.fullmatch(incoming) else fresh_id()
        g.request_id = current
    return current


def redacted_query(query_string: str) -> str:
    """The query string with secret-looking values hidden, cut to `MAX_QUERY_CHARS`."""
    if not query_string:
        return ""
    if _SECRET_NAME.search(query_string):  # a secret-looking name somewhere: hide its value
        pairs = parse_qsl(query_string, keep_blank_values=True)
        shown = [(k, "***" if _SECRET_NAME.search(k) else v) for k, v in pairs]
        query_string = urlencode(shown)
    text = query_string
    return text if len(text) <= MAX_QUERY_CHARS else text[:MAX_QUERY_CHARS] + "…"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the record's `fields`, and the
    request ID when logged during a request."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if "request_id" not in entry and has_request_context():
            entry["request_id"] = request_id()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _json_handler() -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.set_name("apwps-json")
    return handler


def _install(logger: logging.Logger) -> None:
    """Give `logger` the JSON handler (once) in place of any plain one."""
    from flask.logging import default_handler

    logger.removeHandler(default_handler)
    if not any(h.get_name() == "apwps-json" for h in logger.handlers):
        logger.addHandler(_json_handler())
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish(response: Response) -> Response:
    rid = request_id()
    response.headers[HEADER] = rid
    if "Access-Control-Allow-Origin" in response.headers:
        exposed = response.headers.get("Access-Control-Expose-Headers", "")
        if HEADER.lower() not in exposed.lower():
            response.headers["Access-Control-Expose-Headers"] = ", ".join(
                part for part in (exposed, HEADER) if part
            )
    fields = {
        "request_id": rid,
        "method": request.method,
        "path": request.path,
        "query": redacted_query(request.query_string.decode("latin-1")),
        "status": response.status_code,
        "endpoint": request.endpoint,
        "remote": request.remote_addr,
        "user_agent": request.user_agent.string[:MAX_AGENT_CHARS],
        "request_bytes": request.content_length,
    }
    started: float = g.get("request_started", time.perf_counter())
    streamed = response.is_streamed
    length = None if streamed else response.content_length

    def write() -> None:
        fields["duration_ms"] = round((time.perf_counter() - started) * 1000, 2)
        fields["response_bytes"] = length
        fields["streamed"] = streamed
        logging.getLogger(ACCESS_LOGGER).info("request", extra={"fields": fields})

    response.call_on_close(write)
    return response


def register(app: Flask) -> None:
    _install(logging.getLogger(ACCESS_LOGGER))
    _install(app.logger)
    app.before_request(_start)
    app.after_request(_finish)
