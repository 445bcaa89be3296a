"""Identical behaviour on the embedded store and on a real Oxigraph server: the build is published
into the server through the Graph Store Protocol, and every named query and a set of ad-hoc queries
must give the same answers, in every format, through the same endpoint code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.compare import isomorphic

from apwps.build import DUMP_NQUADS
from apwps.catalogue import Catalogue
from apwps.config import Settings
from apwps.stores.sparql import SparqlStore
from tests.conftest import ROOT, Process

APWPS = "https://w3id.org/apwps/ontology#"
AD_HOC = [
    f"SELECT ?c WHERE {{ ?c a <{APWPS}Country> }} ORDER BY ?c",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } "
    "ORDER BY ?s ?label LIMIT 40",
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } ORDER BY ?s ?p ?o",
    f"ASK {{ ?c a <{APWPS}Country> }}",
    # SPARQLWrapper once took "addressed" in a comment for the update ADD and sent an update:
    f"# countries addressed by name\nSELECT ?c WHERE {{ ?c a <{APWPS}Country> }} ORDER BY ?c",
    f"CONSTRUCT {{ ?c a <{APWPS}Country> }} WHERE {{ ?c a <{APWPS}Country> }}",
    f"DESCRIBE ?c WHERE {{ ?c a <{APWPS}Country> }} ORDER BY ?c LIMIT 2",
]


@pytest.fixture(scope="module")
def remote(oxigraph_server: Process, built: Any, settings: Settings) -> SparqlStore:
    store = SparqlStore(
        f"{oxigraph_server.url}/query", graph_store_url=f"{oxigraph_server.url}/store", timeout_s=60
    )
    store.load_nquads((settings.dist_path / DUMP_NQUADS).read_bytes())
    return store


@pytest.fixture(scope="module")
def remote_client(settings: Settings, remote: SparqlStore) -> Iterator[FlaskClient]:
    from server import create_app

    app = create_app(settings.replace(store="sparql", max_result_rows=500), store=remote)
    app.config["TESTING"] = True
    yield app.test_client()


@pytest.fixture(scope="module")
def memory_client(settings: Settings, store: Any) -> Iterator[FlaskClient]:
    from server import create_app

    app = create_app(settings.replace(max_result_rows=500), store=store)
    app.config["TESTING"] = True
    yield app.test_client()


def _normal(value: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """A term to compare: blank node labels differ between engines, and GROUP_CONCAT joins its
    values in whatever order the engine meets them, so joined lists are compared sorted."""
    if value["type"] == "bnode":
        return (("type", "bnode"),)
    if value["type"] == "literal":
        for separator in ("; ", ", "):
            if separator in value["value"]:
                parts = sorted(value["value"].split(separator))
                value = {**value, "value": separator.join(parts)}
                break
    return tuple(sorted(value.items()))


def _rows(body: bytes) -> Any:
    data = json.loads(body)
    if "boolean" in data:
        return data["boolean"]
    rows = [
        tuple(sorted((k, _normal(v)) for k, v in row.items()))
        for row in data["results"]["bindings"]
    ]
    return data["head"]["vars"], sorted(rows)


def _same(memory: Any, remote: Any, kind: str) -> None:
    assert memory.status_code == remote.status_code == 200, (memory.data[:300], remote.data[:300])
    assert memory.headers.get("APWPS-Truncated") == remote.headers.get("APWPS-Truncated")
    assert memory.headers["APWPS-Result-Rows"] == remote.headers["APWPS-Result-Rows"]
    if kind == "graph":
        ours = rdflib.Graph().parse(data=memory.data, format="turtle")
        theirs = rdflib.Graph().parse(data=remote.data, format="turtle")
        assert isomorphic(ours, theirs)
    else:
        assert _rows(memory.data) == _rows(remote.data)


NAMES = Catalogue(ROOT / "queries").names()


def test_there_are_named_queries_to_compare() -> None:
    assert NAMES


@pytest.mark.parametrize("name", NAMES)
def test_named_queries_agree(
    name: str, memory_client: FlaskClient, remote_client: FlaskClient
) -> None:
    for accept in ("application/sparql-results+json, text/turtle;q=0.9",):
        memory = memory_client.get(f"/queries/{name}", headers={"Accept": accept})
        remote = remote_client.get(f"/queries/{name}", headers={"Accept": accept})
        _same(memory, remote, "graph" if memory.mimetype == "text/turtle" else "results")


@pytest.mark.parametrize("query", AD_HOC)
def test_ad_hoc_queries_agree(
    query: str, memory_client: FlaskClient, remote_client: FlaskClient
) -> None:
    accept = {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}
    memory = memory_client.get("/sparql", query_string={"query": query}, headers=accept)
    remote = remote_client.get("/sparql", query_string={"query": query}, headers=accept)
    _same(memory, remote, "graph" if memory.mimetype == "text/turtle" else "results")


def test_cut_answers_agree(memory_client: FlaskClient, remote_client: FlaskClient) -> None:
    """Without ORDER BY the engines may pick different rows; the cut and its notice agree."""
    for query in ("SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"):
        memory = memory_client.get("/sparql", query_string={"query": query})
        remote = remote_client.get("/sparql", query_string={"query": query})
        assert memory.headers["APWPS-Truncated"] == remote.headers["APWPS-Truncated"] == "true"
        assert memory.headers["APWPS-Result-Rows"] == remote.headers["APWPS-Result-Rows"] == "500"


def test_csv_and_tsv_are_byte_identical(
    memory_client: FlaskClient, remote_client: FlaskClient
) -> None:
    query = AD_HOC[0]
    for name in ("csv", "tsv", "xml"):
        memory = memory_client.get("/sparql", query_string={"query": query, "format": name})
        remote = remote_client.get("/sparql", query_string={"query": query, "format": name})
        assert memory.data == remote.data
        assert len(memory.data) > 100


def test_dataset_selection_agrees(
    memory_client: FlaskClient, remote_client: FlaskClient, remote: SparqlStore
) -> None:
    graph = sorted(remote.counts().per_graph)[0]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    for params in (
        {"query": count, "default-graph-uri": graph},
        {"query": f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}"},
        {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": graph},
    ):
        memory = memory_client.get("/sparql", query_string=params)
        remote_answer = remote_client.get("/sparql", query_string=params)
        assert _rows(memory.data) == _rows(remote_answer.data)


def test_errors_agree(memory_client: FlaskClient, remote_client: FlaskClient) -> None:
    for query in (
        "SELECT * WHERE { ?s ?p }",
        "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "INSERT DATA { <http://a> <http://b> <http://c> }",
    ):
        memory = memory_client.get("/sparql", query_string={"query": query})
        remote = remote_client.get("/sparql", query_string={"query": query})
        assert memory.status_code == remote.status_code == 400
        assert memory.get_json()["error"] == remote.get_json()["error"]


def test_views_read_alike_from_both_stores(store: Any, remote: SparqlStore) -> None:
    """The views read once per store (WPS Index tables, crosswalk) come out the same from the
    engine, through their bounded queries (one edition, the crosswalk's own terms)."""
    from apwps.crosswalk import read_crosswalk
    from apwps.wps_index_view import read_wps_index

    embedded, over_http = read_wps_index(store), read_wps_index(remote)
    assert over_http.edition == embedded.edition and embedded.observations
    assert sorted(o.iri for o in over_http.observations) == sorted(
        o.iri for o in embedded.observations
    )
    assert {k: (t.labels, t.code, t.dimension) for k, t in over_http.things.items()} == {
        k: (t.labels, t.code, t.dimension) for k, t in embedded.things.items()
    }
    ours, theirs = read_crosswalk(store), read_crosswalk(remote)
    assert [t.iri for t in ours.rows] == [t.iri for t in theirs.rows]
    assert [t.iri for t in ours.columns] == [t.iri for t in theirs.columns]
    assert ours.cells.keys() == theirs.cells.keys() and ours.direct == theirs.direct


def test_rows_are_read_as_they_arrive_alike(store: Any, remote: SparqlStore) -> None:
    query = f"SELECT ?c ?l WHERE {{ ?c a <{APWPS}Country> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
    ours = sorted((str(r["c"]), str(r["l"])) for r in store.rows(query))
    theirs = sorted((str(r["c"]), str(r["l"])) for r in remote.rows(query))
    assert ours == theirs and len(ours) > 50
    assert store.counts() == remote.counts()
