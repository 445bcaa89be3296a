"""The build's rules run by an external engine (SPARQL 1.1 Update on a real Oxigraph server) give
the same inferred graph as the embedded build, whether the union is the engine's default graph or a
named graph."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import requests

from apwps.reason import materialise, materialise_remote
from apwps.stores.base import QueryResult, SelectResult
from apwps.stores.sparql import SparqlStore
from tests.conftest import Process

EX = "http://example.org/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
A = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TRIPLES = [
    (EX + "Genocide", RDFS + "subClassOf", EX + "AtrocityCrime"),
    (EX + "AtrocityCrime", RDFS + "subClassOf", EX + "Crime"),
    (EX + "srebrenica", A, EX + "Genocide"),
    (SKOS + "broader", RDFS + "subPropertyOf", SKOS + "broaderTransitive"),
    (SKOS + "broaderTransitive", A, OWL + "TransitiveProperty"),
    (SKOS + "broader", OWL + "inverseOf", SKOS + "narrower"),
    (EX + "parallels", A, OWL + "SymmetricProperty"),
    (EX + "c", SKOS + "broader", EX + "b"),
    (EX + "b", SKOS + "broader", EX + "a"),
    (EX + "x", EX + "parallels", EX + "y"),
]
INFERRED = EX + "inferred"


class Engine:
    """The Oxigraph server as `materialise_remote` needs it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.remote = SparqlStore(f"{url}/query", timeout_s=60)

    def query(self, text: str) -> QueryResult:
        return self.remote.query(text)

    def update(self, text: str) -> None:
        answer = requests.post(
            f"{self.url}/update",
            data=text.encode(),
            headers={"Content-Type": "application/sparql-update"},
            timeout=60,
        )
        assert answer.status_code < 300, answer.text

    def triples(self, graph: str) -> set[tuple[str, str, str]]:
        answer = requests.post(
            f"{self.url}/query",
            data={"query": f"SELECT ?s ?p ?o {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        rows = ox.parse_query_results(answer.content, format=ox.QueryResultsFormat.JSON)
        assert isinstance(rows, ox.QuerySolutions)
        return {(str(r["s"]), str(r["p"]), str(r["o"])) for r in rows}


@pytest.fixture()
def engine(oxigraph_server: Process) -> Iterator[Engine]:
    """The session's Oxigraph server, emptied before and after (others load it themselves)."""
    engine = Engine(oxigraph_server.url)
    engine.update("CLEAR ALL")
    yield engine
    engine.update("CLEAR ALL")


def iris(*values: str) -> tuple[str, ...]:
    return tuple(f"<{value}>" for value in values)


def embedded() -> set[tuple[str, str, str]]:
    store = ox.Store()
    graph = ox.NamedNode(EX + "g")
    store.extend(
        ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), graph) for s, p, o in TRIPLES
    )
    materialise(store, INFERRED)
    return {
        (str(q.subject), str(q.predicate), str(q.object))
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED))
    }


def data(graph: str | None) -> str:
    body = " ".join(f"<{s}> <{p}> <{o}> ." for s, p, o in TRIPLES)
    return body if graph is None else f"GRAPH <{graph}> {{ {body} }}"


def test_the_engine_infers_what_the_build_infers_over_its_default_graph(engine: Engine) -> None:
    expected = embedded()
    assert iris(EX + "srebrenica", A, EX + "Crime") in expected  # two subclass steps
    assert (
        iris(EX + "c", SKOS + "broaderTransitive", EX + "a") in expected
    )  # subproperty, transitive
    assert iris(EX + "a", SKOS + "narrower", EX + "b") in expected  # inverse
    engine.update(f"INSERT DATA {{ {data(EX + 'g')} {data(None)} }}")
    report = materialise_remote(engine, INFERRED)
    assert engine.triples(INFERRED) == expected
    assert report.inferred == len(expected)
    # the union (the default graph) now holds them too, so later rules see them
    count = engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(count, SelectResult)
    assert int(str(count.rows[0]["n"])) == len(TRIPLES) + len(expected)
    # nothing new on a second run
    assert materialise_remote(engine, INFERRED).inferred == 0


def test_the_engine_infers_the_same_over_a_named_union_graph(engine: Engine) -> None:
    union = EX + "union"
    engine.update(f"INSERT DATA {{ {data(EX + 'g')} {data(union)} }}")
    report = materialise_remote(engine, INFERRED, union)
    assert engine.triples(INFERRED) == embedded()
    assert report.inferred == len(embedded())
    default = engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(default, SelectResult) and int(str(default.rows[0]["n"])) == 0
