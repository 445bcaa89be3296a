"""Request IDs and structured access logs (`server/logging.py`): one JSON line per request, with
the ID the answer carries, and no secret in any of it."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from apwps.config import Settings
from apwps.stores.memory import MemoryStore
from server.logging import ACCESS_LOGGER, JsonFormatter, redacted_query
from tests.conftest import Process

HEX_ID = re.compile(r"[0-9a-f]{32}")


class Lines(logging.Handler):
    """Collects what a logger writes, formatted as the server writes it."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture()
def access_log() -> Iterator[Lines]:
    handler = Lines()
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def get(client: FlaskClient, url: str, **kwargs: object) -> object:
    response = client.get(url, **kwargs)  # type: ignore[arg-type]
    response.close()  # the access line is written when the answer is closed
    return response


def test_every_answer_carries_a_request_id(client: FlaskClient) -> None:
    first = client.get("/queries")
    second = client.get("/queries")
    assert HEX_ID.fullmatch(first.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert "X-Request-ID" in first.headers["Access-Control-Expose-Headers"]


def test_a_callers_request_id_is_kept_if_it_is_a_short_token(client: FlaskClient) -> None:
    kept = client.get("/queries", headers={"X-Request-ID": "proxy-7f3a.1"})
    assert kept.headers["X-Request-ID"] == "proxy-7f3a.1"
    for hostile in ("a" * 65, "has space", "<script>", "x\u00e9"):
        replaced = client.get("/queries", headers={"X-Request-ID": hostile})
        assert HEX_ID.fullmatch(replaced.headers["X-Request-ID"]), hostile


def test_errors_carry_the_request_id_in_their_envelope(client: FlaskClient) -> None:
    for response in (
        client.get("/queries/no-such-query", headers={"Accept": "application/json"}),
        client.get("/sparql?query=SELECT", headers={"Accept": "application/json"}),
        client.post("/validate", data=b"x", content_type="text/plain"),
    ):
        envelope = response.get_json()
        assert response.status_code >= 400
        assert envelope["request_id"] == response.headers["X-Request-ID"]
        assert set(envelope) >= {"ok", "status", "error", "message", "request_id"}


def test_one_access_line_per_request(client: FlaskClient, access_log: Lines) -> None:
    response = client.get("/search.json?q=genocide", headers={"User-Agent": "probe/1"})
    response.close()
    (line,) = access_log.lines
    assert line["logger"] == ACCESS_LOGGER and line["level"] == "info"
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["method"] == "GET" and line["path"] == "/search.json"
    assert line["query"] == "q=genocide"
    assert line["status"] == 200 and line["endpoint"] == "search.search"
    assert line["user_agent"] == "probe/1"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["response_bytes"] == len(response.data)


def test_a_streamed_answer_is_logged_when_it_ends(client: FlaskClient, access_log: Lines) -> None:
    response = client.get(
        "/sparql",
        query_string={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3000"},
        headers={"Accept": "text/csv"},
    )
    assert response.status_code == 200
    body = response.data
    response.close()
    (line,) = access_log.lines
    assert line["path"] == "/sparql" and line["status"] == 200
    assert line["streamed"] is True and line["response_bytes"] is None
    assert body.count(b"\n") > 1000


def test_no_secret_reaches_the_log(client: FlaskClient, access_log: Lines) -> None:
    secret = "s3cr3t-value-0123"
    client.post(
        f"/validate/submissions?token={secret}&curator=ann",
        data=f"<x:a> <x:b> '{secret}' .",
        headers={"Authorization": f"Bearer {secret}", "Cookie": f"session={secret}"},
        content_type="text/turtle",
    ).close()
    get(client, f"/search.json?q=x&api_key={secret}&password={secret}")
    text = json.dumps(access_log.lines)
    assert len(access_log.lines) == 2
    assert secret not in text
    assert "token=%2A%2A%2A" in text and "curator=ann" in text


def test_the_query_string_is_redacted_and_cut() -> None:
    assert redacted_query("q=a&access_token=x&Password=y") == (
        "q=a&access_token=%2A%2A%2A&Password=%2A%2A%2A"
    )
    long = redacted_query("query=" + "x" * 5000)
    assert len(long) == 1001 and long.endswith("…")


def test_an_unexpected_error_is_logged_with_its_request_id(
    settings: Settings, store: MemoryStore
) -> None:
    from server import create_app

    app: Flask = create_app(settings, store=store)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("the details stay in the log")

    handler = Lines()
    app.logger.addHandler(handler)
    try:
        response = app.test_client().get("/boom", headers={"Accept": "application/json"})
    finally:
        app.logger.removeHandler(handler)
    assert response.status_code == 500
    envelope = response.get_json()
    assert "details" not in response.get_data(as_text=True)
    (line,) = handler.lines
    assert line["level"] == "error" and line["request_id"] == envelope["request_id"]
    assert "RuntimeError: the details stay in the log" in str(line["exception"])


def json_lines(log: str) -> list[dict[str, object]]:
    """The log's JSON lines (the last one may be half written while the server runs)."""
    found = []
    for line in log.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            found.append(entry)
    return found


def test_the_server_writes_json_access_lines(live_server: Process) -> None:
    response = requests.get(
        live_server.url + "/queries", headers={"X-Request-ID": "live-check-1"}, timeout=30
    )
    assert response.headers["X-Request-ID"] == "live-check-1"
    mine: list[dict[str, object]] = []
    deadline = time.monotonic() + 10  # the line is written once the answer has been sent
    while not mine and time.monotonic() < deadline:
        mine = [x for x in json_lines(live_server.log()) if x.get("request_id") == "live-check-1"]
        time.sleep(0.05)
    assert [(x["path"], x["status"]) for x in mine] == [("/queries", 200)]
    assert not any(line.startswith("127.0.0.1 - -") for line in live_server.log().splitlines())
