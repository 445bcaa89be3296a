"""Slow and oversized clients against the real server (`apwps serve`, granian): clients that trickle
their headers or their bodies must not stop everyone else from being answered.

The server here runs one process with two threads, so a single upload slot: the smallest setting at
which the protection can still be seen (one thread always answers requests without a body)."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

import pytest
import requests

from apwps.config import Settings
from tests.conftest import Process, start_server, stop

TRICKLERS = 6


@pytest.fixture(scope="module")
def small_server(
    settings: Settings, built, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:  # type: ignore[no-untyped-def]
    server = start_server(
        settings,
        tmp_path_factory.mktemp("slow"),
        "--workers",
        "1",
        "--threads",
        "2",
        env={"APWPS_HEADER_READ_TIMEOUT_MS": "1500", "APWPS_UPLOAD_SLOTS": "1"},
    )
    yield server
    stop(server.process)


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


@contextlib.contextmanager
def trickling(url: str, start: bytes, count: int) -> Iterator[list[socket.socket]]:
    """`count` connections that sent `start` and then one byte more, and stay open."""
    sockets = [_connect(url) for _ in range(count)]
    try:
        for sock in sockets:
            sock.sendall(start)
            sock.sendall(b"x")
        time.sleep(0.3)  # let the server take them up
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def _search_answers(url: str) -> list[int]:
    return [
        requests.get(f"{url}/search.json", params={"q": "genocide"}, timeout=10).status_code
        for _ in range(5)
    ]


def test_clients_trickling_headers_hold_no_thread(small_server: Process) -> None:
    with trickling(small_server.url, b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", TRICKLERS):
        assert _search_answers(small_server.url) == [200] * 5


def test_headers_not_sent_in_time_close_the_connection(small_server: Process) -> None:
    with trickling(small_server.url, b"GET / HTTP/1.1\r\nHost: x\r\n", 1) as (sock,):
        sock.settimeout(10)
        received = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(4096):
                received += chunk
        # Closed by the server (after header_read_timeout_ms = 1.5 s), not by the client's timeout.
        assert b" 200 " not in received.split(b"\r\n", 1)[0]


def test_clients_trickling_bodies_leave_a_thread_for_reading(small_server: Process) -> None:
    start = (
        b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\n"
        b"Accept: application/json\r\nContent-Length: 5000\r\n\r\n"
    )
    with trickling(small_server.url, start, TRICKLERS):
        assert _search_answers(small_server.url) == [200] * 5
        refused = requests.post(
            f"{small_server.url}/validate",
            data=b"<https://example.org/a> a <https://example.org/B> .",
            headers={"Content-Type": "text/turtle", "Accept": "application/json"},
            timeout=10,
        )
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "5"
        assert refused.json()["error"] == "service_unavailable"
        assert "upload_slots" in refused.json()["message"]
    # Once the slow clients are gone, bodies are read again.
    deadline = time.monotonic() + 10
    while True:
        accepted = requests.post(
            f"{small_server.url}/sparql",
            data="ASK { ?s ?p ?o }",
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            },
            timeout=10,
        )
        if accepted.status_code != 503 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert accepted.status_code == 200
    assert accepted.json()["boolean"] is True


def test_chunked_bodies_are_read_whole(small_server: Process) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"ASK { ?s ?p "
        yield b"?o }"

    response = requests.post(
        f"{small_server.url}/sparql",
        data=chunks(),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
        timeout=10,
    )
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert response.status_code == 200
    assert response.json()["boolean"] is True


def test_chunked_body_over_the_limit_is_refused(small_server: Process, settings: Settings) -> None:
    def chunks() -> Iterator[bytes]:
        piece = b"# padding\n" * 10_000
        for _ in range(settings.max_request_bytes // len(piece) + 2):
            yield piece

    response = requests.post(
        f"{small_server.url}/sparql",
        data=chunks(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413
    assert response.json()["error"] == "request_entity_too_large"


def test_request_line_over_the_header_limit_is_refused(
    small_server: Process, settings: Settings
) -> None:
    query = "ASK { ?s ?p ?o } #" + "x" * settings.max_header_bytes
    response = requests.get(f"{small_server.url}/sparql", params={"query": query}, timeout=10)
    assert response.status_code == 431
    short = requests.get(f"{small_server.url}/sparql", params={"query": query[:8000]}, timeout=10)
    assert short.status_code == 200
