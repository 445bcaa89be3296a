"""The endpoint as the public meets it: a real `apwps serve` (gunicorn) on a free loopback port,
queried with real clients (requests, SPARQLWrapper, rdflib's SPARQLStore)."""

from __future__ import annotations

import csv
import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from xml.dom.minidom import Document

import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, RDFXML, XML, SPARQLWrapper

from apwps.config import Settings
from tests.conftest import Process, start_server, stop

APWPS = "https://w3id.org/apwps/ontology#"
COUNTRIES = f"SELECT ?c WHERE {{ ?c a <{APWPS}Country> }} ORDER BY ?c"
LOOKUP = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"
)
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"


@pytest.fixture(scope="module")
def guarded(
    settings: Settings, built: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:
    """`apwps serve` with a short time limit, so that a runaway query is stopped soon."""
    server = start_server(
        settings,
        tmp_path_factory.mktemp("guarded"),
        "--workers",
        "1",
        "--threads",
        "4",
        env={"APWPS_QUERY_TIME_LIMIT_MS": "1500", "APWPS_MAX_RESULT_ROWS": "1000"},
    )
    yield server
    stop(server.process)


class Recorder(http.server.BaseHTTPRequestHandler):
    """A loopback listener that records every request it receives."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Recorder.seen.append(f"GET {self.path}")
        body = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> ."
        self.send_response(200)
        self.send_header("Content-Type", "application/n-triples")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        Recorder.seen.append(f"POST {self.path}")
        self.send_response(500)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def listener() -> Iterator[str]:
    Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _country(url: str) -> str:
    data = requests.get(
        f"{url}/sparql",
        params={"query": COUNTRIES + " LIMIT 1"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()
    iri: str = data["results"]["bindings"][0]["c"]["value"]
    return iri


def test_requests_client_in_every_way(live_server: Process) -> None:
    url = f"{live_server.url}/sparql"
    accept = {"Accept": "application/sparql-results+json"}
    answers = [
        requests.get(url, params={"query": COUNTRIES}, headers=accept, timeout=30),
        requests.post(url, data={"query": COUNTRIES}, headers=accept, timeout=30),
        requests.post(
            url,
            data=COUNTRIES.encode(),
            timeout=30,
            headers={**accept, "Content-Type": "application/sparql-query"},
        ),
    ]
    bodies = [a.json()["results"]["bindings"] for a in answers]
    assert all(a.status_code == 200 for a in answers)
    assert bodies[0] == bodies[1] == bodies[2]
    assert len(bodies[0]) > 10


def test_sparqlwrapper_json_and_xml(live_server: Process) -> None:
    wrapper = SPARQLWrapper(f"{live_server.url}/sparql")
    wrapper.setQuery(COUNTRIES)
    wrapper.setReturnFormat(JSON)
    as_json = wrapper.query().convert()
    assert isinstance(as_json, dict)
    iris = [b["c"]["value"] for b in as_json["results"]["bindings"]]
    wrapper.setReturnFormat(XML)
    as_xml = wrapper.query().convert()
    assert isinstance(as_xml, Document)
    xml_iris = [u.firstChild.data for u in as_xml.getElementsByTagName("uri")]  # type: ignore[union-attr]
    assert xml_iris == iris
    assert len(iris) > 10
    wrapper.setQuery(f"CONSTRUCT {{ ?c a <{APWPS}Country> }} WHERE {{ ?c a <{APWPS}Country> }}")
    wrapper.setReturnFormat(RDFXML)
    graph = wrapper.query().convert()
    assert isinstance(graph, rdflib.Graph)
    assert {str(s) for s in graph.subjects()} == set(iris)


def test_rdflib_sparqlstore(live_server: Process) -> None:
    graph = rdflib.Graph(store=SPARQLStore(f"{live_server.url}/sparql", returnFormat="json"))
    found = [str(row[0]) for row in graph.query(COUNTRIES)]  # type: ignore[index]
    assert len(found) > 10
    asked = graph.query(f"ASK {{ <{found[0]}> a <{APWPS}Country> }}")
    assert asked.askAnswer is True
    iri = rdflib.URIRef(found[0])
    assert (iri, rdflib.RDF.type, rdflib.URIRef(APWPS + "Country")) in graph


def test_no_query_reaches_out(live_server: Process, listener: str) -> None:
    url = f"{live_server.url}/sparql"
    refused = [
        f"SELECT * WHERE {{ SERVICE <{listener}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{listener}/sparql> {{ ?s ?p ?o }} }}",
        f"LOAD <{listener}/data.nt>",
        f"SELECT * {{ \\u0053ERVICE <{listener}/x> {{ ?s ?p ?o }} }}",
    ]
    for query in refused:
        response = requests.post(url, data={"query": query}, timeout=30)
        assert response.status_code == 400, query
        assert response.json()["error"] == "query_refused"
    update = requests.post(url, data={"update": f"LOAD <{listener}/data.nt>"}, timeout=30)
    assert update.status_code == 403
    selected = [
        f"SELECT * FROM <{listener}/data.nt> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{listener}/data.nt> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{listener}/data.nt> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM <file:///etc/hostname> WHERE { ?s ?p ?o }",
    ]
    for query in selected:
        response = requests.get(
            url,
            params={"query": query, "format": "json" if "SELECT" in query else "ntriples"},
            timeout=30,
        )
        assert response.status_code == 200, query
        if "SELECT" in query:
            assert response.json()["results"]["bindings"] == []
        else:
            assert response.content.strip() == b""
    graphs = requests.get(
        url,
        params={
            "query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
            "default-graph-uri": f"{listener}/data.nt",
        },
        timeout=30,
    )
    assert graphs.json()["results"]["bindings"] == []
    assert Recorder.seen == []


def test_runaway_does_not_starve_others(guarded: Process) -> None:
    url = f"{guarded.url}/sparql"
    iri = _country(guarded.url)
    outcome: dict[str, requests.Response] = {}

    def runaway() -> None:
        outcome["runaway"] = requests.get(
            url, params={"query": RUNAWAY}, headers={"Accept": "application/json"}, timeout=60
        )

    thread = threading.Thread(target=runaway)
    thread.start()
    answers: list[tuple[int, int]] = []
    while thread.is_alive() and len(answers) < 200:
        response = requests.get(
            url,
            params={"query": LOOKUP.format(iri=iri)},
            headers={"Accept": "application/sparql-results+json"},
            timeout=10,
        )
        answers.append((response.status_code, len(response.json()["results"]["bindings"])))
    thread.join()
    assert outcome["runaway"].status_code == 503
    assert outcome["runaway"].json()["error"] == "query_timeout"
    assert len(answers) >= 3  # answered while the runaway ran
    assert all(status == 200 and count > 0 for status, count in answers)
    after = requests.get(
        url, params={"query": RUNAWAY}, headers={"Accept": "application/json"}, timeout=60
    )
    assert after.status_code == 503
    assert requests.get(url, params={"query": COUNTRIES}, timeout=10).status_code == 200


def test_truncated_answers_say_so(guarded: Process) -> None:
    response = requests.get(
        f"{guarded.url}/sparql",
        params={"query": "SELECT * { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
        timeout=30,
    )
    assert response.headers["APWPS-Truncated"] == "true"
    assert len(list(csv.reader(io.StringIO(response.text)))) == 1001  # header + max_result_rows


def test_large_answers_stream(live_server: Process) -> None:
    response = requests.get(
        f"{live_server.url}/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "ntriples"},
        timeout=60,
        stream=True,
    )
    assert response.headers.get("Transfer-Encoding") == "chunked"
    assert "Content-Length" not in response.headers
    graph = rdflib.Graph().parse(data=response.content, format="nt")
    assert len(graph) == int(response.headers["APWPS-Result-Rows"])


def test_server_workers_left_no_busy_query_process(guarded: Process) -> None:
    """After the runaways above, no query process of the server is still computing."""
    children = Path(f"/proc/{guarded.process.pid}/task/{guarded.process.pid}/children")
    pids = children.read_text().split()
    busy = []
    for worker in pids:
        nested = Path(f"/proc/{worker}/task/{worker}/children")
        for pid in nested.read_text().split() if nested.exists() else []:
            state = Path(f"/proc/{pid}/stat").read_text().split()[2]
            if state == "R":
                busy.append(pid)
    assert pids
    assert busy == []
