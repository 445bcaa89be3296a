"""One error envelope for the whole app: JSON for machines, a page for browsers."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from apwps.errors import (
    ApwpsError,
    InputError,
    QueryError,
    QueryRefused,
    QueryTimeout,
    StoreError,
    UnknownQueryError,
)
from server.logging import request_id

STATUS: list[tuple[type[ApwpsError], int]] = [
    (QueryTimeout, 503),
    (QueryRefused, 400),
    (UnknownQueryError, 404),
    (QueryError, 400),
    (InputError, 400),
    (StoreError, 502),
]


def wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > 0


def envelope(status: int, code: str, message: str, **extra: Any) -> Response:
    rid = request_id()  # also in the X-Request-ID header (server.logging)
    if wants_html():
        body = render_template(
            "error.html", status=status, code=code, message=message, extra=extra, request_id=rid
        )
        response = Response(body, status=status, mimetype="text/html")
    else:
        response = jsonify(
            {
                "ok": False,
                "status": status,
                "error": code,
                "message": message,
                **extra,
                "request_id": rid,
            }
        )
        response.status_code = status
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def register(app: Flask) -> None:
    @app.errorhandler(ApwpsError)
    def domain_error(exc: ApwpsError) -> Response:
        status = next((s for kind, s in STATUS if isinstance(exc, kind)), 500)
        extra: dict[str, Any] = {}
        if isinstance(exc, UnknownQueryError):
            extra["known"] = exc.known
        if isinstance(exc, QueryError) and exc.position is not None:
            extra["line"], extra["column"] = exc.position
        if isinstance(exc, InputError) and exc.line is not None:
            extra["line"] = exc.line
            if exc.column is not None:
                extra["column"] = exc.column
        return envelope(status, exc.code, str(exc), **extra)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = (exc.name or "error").lower().replace(" ", "_")
        response = envelope(exc.code or 500, code, exc.description or exc.name or "error")
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        if exc.code == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        app.logger.exception("unexpected error")
        return envelope(500, "internal_error", "an unexpected error occurred; it has been logged")
