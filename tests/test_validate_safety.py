"""Submitted data never reaches outside: JSON-LD contexts are not fetched or read, XML entities are
not resolved or expanded, and nothing of a refused input reaches data/. Each is shown with a loopback
URL that must get no request and a local file (a FIFO) that must not be opened."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from apwps.build import open_built
from apwps.stores.memory import MemoryStore
from server import create_app

from .test_curation_support import built, make_copy, organisation, run_apwps, tree_digest

TOKEN = "safety-token-7f3c"


@dataclass
class Listener:
    """A loopback HTTP server that records every request made to it."""

    url: str
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            body = json.dumps({"@context": {"name": "http://example.org/leaked"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Listener(f"http://127.0.0.1:{server.server_address[1]}", seen)
    server.shutdown()


class Fifo:
    """A named pipe that records whether anyone opened it for reading."""

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self.opened = threading.Event()
        self._thread = threading.Thread(target=self._wait, daemon=True)
        self._thread.start()

    def _wait(self) -> None:
        fd = os.open(self.path, os.O_WRONLY)  # blocks until a reader opens the other end
        self.opened.set()
        with contextlib.suppress(OSError):
            os.write(fd, b'{"@context": {"name": "http://example.org/leaked"}}')
        os.close(fd)

    def close(self) -> bool:
        """Release the writer; True when something had opened the pipe before."""
        was_opened = self.opened.wait(0.3)
        reader = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        self._thread.join(5)
        os.close(reader)
        return was_opened


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    root = make_copy(tmp_path_factory.mktemp("project"))
    settings = built(root, curator_token=TOKEN, max_request_bytes=100_000)
    application = create_app(settings, store=MemoryStore(open_built(settings)))
    application.config["TESTING"] = True
    return application


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def refused_everywhere(client: FlaskClient, body: bytes, media_type: str) -> str:
    """Validation and submission (with the right token) both refuse it with 400; returns the message."""
    response = client.post("/validate", data=body, content_type=media_type)
    assert response.status_code == 400, response.get_data(as_text=True)
    submitted = client.post(
        "/validate/submissions",
        data=body,
        content_type=media_type,
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert submitted.status_code == 400
    return str(response.get_json()["message"])


def jsonld(context: object) -> bytes:
    return json.dumps(
        {
            "@context": context,
            "@id": "https://w3id.org/apwps/id/organisations/leak",
            "@type": "https://w3id.org/apwps/ontology#Organisation",
            "name": "Leak",
        }
    ).encode()


def test_remote_json_ld_contexts_are_never_fetched(client: FlaskClient, listener: Listener) -> None:
    for context in (
        f"{listener.url}/context.jsonld",
        [f"{listener.url}/a.jsonld", {"name": "http://schema.org/name"}],
        {"@import": f"{listener.url}/import.jsonld"},
    ):
        message = refused_everywhere(client, jsonld(context), "application/ld+json")
        assert "not fetched" in message
    assert listener.requests == []


def test_file_json_ld_contexts_are_never_read(client: FlaskClient, tmp_path: Path) -> None:
    fifo = Fifo(tmp_path / "context.jsonld")
    message = refused_everywhere(client, jsonld(fifo.path.as_uri()), "application/ld+json")
    assert "not fetched" in message
    assert fifo.close() is False


def test_the_command_line_refuses_them_too(tmp_path: Path, listener: Listener, app: Flask) -> None:
    fifo = Fifo(tmp_path / "context.jsonld")
    entry = tmp_path / "entry.jsonld"
    entry.write_bytes(jsonld([f"{listener.url}/cli.jsonld", fifo.path.as_uri()]))
    result = run_apwps(Path(app.extensions["apwps"].settings.root), "validate", str(entry))
    assert result.returncode == 2 and "not fetched" in result.stderr
    assert fifo.close() is False
    assert listener.requests == []


def rdfxml(doctype: str) -> bytes:
    return f"""<?xml version="1.0"?>
{doctype}
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="https://w3id.org/apwps/id/organisations/leak">
    <rdfs:label>&ext;</rdfs:label>
  </rdf:Description>
</rdf:RDF>
""".encode()


def test_xml_external_entities_are_never_resolved(
    client: FlaskClient, listener: Listener, tmp_path: Path
) -> None:
    fifo = Fifo(tmp_path / "entity.xml")
    for system in (f"{listener.url}/entity.xml", fifo.path.as_uri()):
        body = rdfxml(f'<!DOCTYPE rdf:RDF [<!ENTITY ext SYSTEM "{system}">]>')
        assert "declares entities" in refused_everywhere(client, body, "application/rdf+xml")
    assert listener.requests == []
    assert fifo.close() is False


def test_xml_entity_expansion_is_bounded(client: FlaskClient) -> None:
    entities = '<!ENTITY ext "lol">' + "".join(
        f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10 if i else "lol"}">' for i in range(9)
    )
    body = rdfxml(f"<!DOCTYPE rdf:RDF [{entities}]>").replace(b"&ext;", b"&e8;")
    assert "declares entities" in refused_everywhere(client, body, "application/rdf+xml")


def test_nothing_of_a_refused_input_reaches_data(client: FlaskClient, app: Flask) -> None:
    data_dir = Path(app.extensions["apwps"].settings.root) / "data"
    before = tree_digest(data_dir)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    cases = [
        (organisation("refused-one", changes={"orgs:un-women": "orgs:nobody"}), "text/turtle", 422),
        (b"@prefix : <http://e/> .\n:a :b", "text/turtle", 400),
        (b"#" * 120_000, "text/turtle", 413),
        (organisation("refused-two"), "text/html", 415),
        (organisation("refused-three"), "text/turtle", 401),
    ]
    for body, media_type, status in cases:
        headers = auth if status != 401 else {"Authorization": "Bearer wrong"}
        response = client.post(
            "/validate/submissions", data=body, content_type=media_type, headers=headers
        )
        assert response.status_code == status, (status, response.get_data(as_text=True))
    refused = client.post(
        "/validate/submissions", data=cases[0][0], content_type="text/turtle", headers=auth
    )
    assert refused.get_json()["report"]["findings"][0]["field"] == "Member of"
    assert tree_digest(data_dir) == before
