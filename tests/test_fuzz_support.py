"""What every answer to hostile or random input must be, shared by the fuzz, security and OpenAPI
tests: no server error, no traceback, no internal path, a request ID on every answer (the same one
in an error's envelope). Its own tests check that the checker catches what it should."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, settings

from tests.conftest import ROOT

# Bounded, repeatable enough for a suite: no example database, no deadline (the server is real).
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Signs of an internal detail in an answer, unless the request itself carried the same text.
LEAKS = (
    "Traceback (most recent call last)",
    'File "/',
    '.py", line ',
    "site-packages",
    str(ROOT),
    "/tmp/",
    "/usr/lib/python",
)
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# The oEmbed specification answers 501 for a format other than the ones offered.
ALLOWED_5XX = {("/oembed", 501)}
# Answered by the HTTP server (its limit on the request line and headers) before the app sees it.
FRONT_DOOR = {431}


def header(headers: Mapping[str, object], name: str) -> str | None:
    """A header's value from any client's header mapping (lists of values or plain strings)."""
    for key, value in headers.items():
        if key.lower() == name.lower():
            if isinstance(value, list):
                return str(value[0]) if value else ""
            return str(value)
    return None


def assert_clean(
    status: int,
    headers: Mapping[str, object],
    body: bytes | str,
    *,
    path: str,
    sent: str = "",
) -> None:
    """Fail unless the answer is a proper one: see the module's docstring. `sent` is the request's
    own text (URL and body), so that an echo of the caller's input is not taken for a leak."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    context = f"{status} for {path}: {text[:300]!r}"
    assert status < 500 or (path, status) in ALLOWED_5XX, context
    echoed = sent + unquote(sent)
    for leak in LEAKS:
        assert leak not in text or leak in echoed, f"{leak!r} leaked: {context}"
    if status in FRONT_DOOR:
        return
    rid = header(headers, "X-Request-ID")
    assert rid is not None and REQUEST_ID.fullmatch(rid), f"no request ID: {context}"
    content_type = header(headers, "Content-Type") or ""
    if status >= 400 and content_type.startswith("application/json"):
        envelope = json.loads(text)
        assert envelope["ok"] is False and envelope["status"] == status, context
        assert envelope["request_id"] == rid, context


def test_a_traceback_is_caught() -> None:
    body = 'Traceback (most recent call last):\n  File "/x.py", line 1'
    with pytest.raises(AssertionError, match="leaked"):
        assert_clean(400, {"X-Request-ID": "a"}, body, path="/x")


def test_an_internal_path_is_caught_unless_echoed() -> None:
    body = f"cannot read {ROOT}/dist/void.ttl"
    with pytest.raises(AssertionError, match="leaked"):
        assert_clean(404, {"X-Request-ID": "a"}, body, path="/x")
    assert_clean(400, {"X-Request-ID": "a"}, body, path="/x", sent=f"?q={ROOT}/dist/void.ttl")


def test_a_server_error_or_a_missing_request_id_is_caught() -> None:
    with pytest.raises(AssertionError):
        assert_clean(500, {"X-Request-ID": "a"}, "", path="/x")
    with pytest.raises(AssertionError, match="request ID"):
        assert_clean(200, {}, "", path="/x")
    assert_clean(501, {"x-request-id": ["a"]}, "", path="/oembed")


def test_an_envelope_with_another_request_id_is_caught() -> None:
    body = json.dumps({"ok": False, "status": 400, "error": "x", "message": "m", "request_id": "b"})
    with pytest.raises(AssertionError):
        assert_clean(400, {"X-Request-ID": "a", "Content-Type": "application/json"}, body, path="/")
