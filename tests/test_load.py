"""Loading files: one named graph per file, errors that name file, line and column, nothing fetched."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest

from apwps import formats
from apwps.errors import InputError
from apwps.load import discover, graph_iri_for, load_files, parse_bytes

from .minimal import make_project

BASE = "https://w3id.org/apwps/"


def test_each_file_becomes_its_own_named_graph(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "data" / "frameworks" / "notes.md").write_text("not RDF", encoding="utf-8")
    sources = discover(root, BASE)
    assert [s.relative for s in sources] == [
        "ontology/core.ttl",
        "shapes/framework.shapes.ttl",
        "data/frameworks/alpha.ttl",
        "data/frameworks/beta.ttl",
    ]
    store = ox.Store()
    counts = load_files(sources, store)
    alpha = graph_iri_for(BASE, "data/frameworks/alpha.ttl")
    assert alpha == BASE + "graph/data/frameworks/alpha"
    subject = ox.NamedNode(BASE + "id/frameworks/alpha")
    graphs = {q.graph_name.value for q in store.quads_for_pattern(subject, None, None, None)}
    assert graphs == {alpha}
    assert counts[alpha] == 3


@pytest.mark.parametrize(
    ("fmt", "data", "line"),
    [
        ("turtle", b'@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "open\n', 3),
        ("ntriples", b"<http://a> <http://b> <http://c> .\n<http://a> <http://b> oops .\n", 2),
        ("jsonld", b'{"@id": "http://a",\n "http://b": [}', 2),
        (
            "rdfxml",
            b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n<x>\n</rdf:RDF>",
            3,
        ),
    ],
)
def test_malformed_input_names_line(fmt: str, data: bytes, line: int) -> None:
    with pytest.raises(InputError) as caught:
        parse_bytes(data, formats.by_name(fmt), source="entry")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"entry:{line}")


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(b'{"@context": {"name": "http://schema.org/name"}}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def recorder() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.hits = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_jsonld_remote_context_is_refused_and_never_fetched(recorder: str, tmp_path: Path) -> None:
    secret = tmp_path / "context.jsonld"
    secret.write_text('{"@context": {"name": "http://schema.org/name"}}', encoding="utf-8")
    for context in (f"{recorder}/context.jsonld", secret.as_uri(), [{"@import": f"{recorder}/x"}]):
        doc = f'{{"@context": {context!r}, "@id": "http://a", "name": "x"}}'.replace("'", '"')
        with pytest.raises(InputError, match="not fetched"):
            parse_bytes(doc.encode(), formats.by_name("jsonld"), source="entry.jsonld")
    assert _Recorder.hits == []


def test_xml_entities_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e/">'
        b'<rdf:Description rdf:about="http://x"><ex:p>&b;</ex:p></rdf:Description></rdf:RDF>'
    )
    with pytest.raises(InputError, match="declares entities"):
        parse_bytes(bomb, formats.by_name("rdfxml"), source="entry.rdf")


def test_formats_rdflib_reads_load_too() -> None:
    n3 = b"@prefix ex: <http://e/> .\nex:a ex:b ex:c .\n"
    quads = parse_bytes(n3, formats.by_name("n3"), source="x.n3")
    assert [q.object.value for q in quads] == ["http://e/c"]
