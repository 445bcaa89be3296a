"""The SPARQL 1.1 Protocol at /sparql (in-process client): methods, status codes, negotiation,
dataset selection, limits, CORS and caching. Answers are parsed, never string-matched."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient

from apwps.config import Settings
from apwps.stores.memory import MemoryStore

APWPS = "https://w3id.org/apwps/ontology#"
COUNTRIES = f"SELECT ?c WHERE {{ ?c a <{APWPS}Country> }} ORDER BY ?c"
FORM = "application/x-www-form-urlencoded"


def rows(response: Any) -> list[dict[str, Any]]:
    data = json.loads(response.data)
    return list(data["results"]["bindings"])


def solutions(data: bytes, fmt: Any) -> list[dict[str, str]]:
    """Plain values per row (CSV is lossy: Oxigraph will not parse it, the csv module does)."""
    if fmt == ox.QueryResultsFormat.CSV:
        return [dict(row) for row in csv.DictReader(io.StringIO(data.decode("utf-8")))]
    parsed: Any = ox.parse_query_results(data, format=fmt)
    variables = [v.value for v in parsed.variables]
    return [{v: s[v].value for v in variables if s[v] is not None} for s in parsed]


@pytest.fixture(scope="module")
def limited(settings: Settings, store: MemoryStore) -> Iterator[FlaskClient]:
    """An app with small limits, over the same store."""
    from server import create_app

    app: Flask = create_app(
        settings.replace(query_time_limit_ms=700, max_result_rows=5, max_query_bytes=400),
        store=store,
    )
    app.config["TESTING"] = True
    yield app.test_client()


def test_get_post_form_and_post_direct_agree(client: FlaskClient) -> None:
    by_get = client.get("/sparql", query_string={"query": COUNTRIES})
    by_form = client.post("/sparql", data={"query": COUNTRIES})
    by_direct = client.post("/sparql", data=COUNTRIES, content_type="application/sparql-query")
    assert by_get.status_code == by_form.status_code == by_direct.status_code == 200
    assert rows(by_get) == rows(by_form) == rows(by_direct)
    assert len(rows(by_get)) > 10


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/csv", ox.QueryResultsFormat.CSV),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", ox.QueryResultsFormat.XML),
    ],
)
def test_select_formats_by_accept(client: FlaskClient, accept: str, fmt: Any) -> None:
    response = client.get("/sparql", query_string={"query": COUNTRIES}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].endswith("; charset=utf-8")
    expected = solutions(
        client.get("/sparql", query_string={"query": COUNTRIES, "format": "json"}).data,
        ox.QueryResultsFormat.JSON,
    )
    assert solutions(response.data, fmt) == expected


def test_every_select_format_parses_with_rdflib(client: FlaskClient) -> None:
    query = f"SELECT ?c ?label WHERE {{ ?c a <{APWPS}Country> ; ?p ?label . FILTER(isLiteral(?label)) }} LIMIT 50"
    counts = set()
    for name, parser in (("json", "json"), ("xml", "xml"), ("csv", "csv"), ("tsv", "tsv")):
        response = client.get("/sparql", query_string={"query": query, "format": name})
        result = rdflib.query.Result.parse(io.BytesIO(response.data), format=parser)
        counts.add(len(list(result)))
    assert counts == {50}


def test_ask_in_every_results_format(client: FlaskClient) -> None:
    for name, fmt in (
        ("json", ox.QueryResultsFormat.JSON),
        ("xml", ox.QueryResultsFormat.XML),
        ("tsv", ox.QueryResultsFormat.TSV),
    ):
        response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }", "format": name})
        assert response.status_code == 200
        assert bool(ox.parse_query_results(response.data, format=fmt)) is True
    as_csv = client.get(
        "/sparql", query_string={"query": "ASK { <http://a> ?p ?o }", "format": "csv"}
    )
    assert as_csv.mimetype == "text/csv"
    assert as_csv.data.decode().strip() == "false"


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
def test_construct_formats(client: FlaskClient, accept: str, rdflib_format: str) -> None:
    query = f"CONSTRUCT {{ ?c a <{APWPS}Country> }} WHERE {{ ?c a <{APWPS}Country> }}"
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{accept}; charset=utf-8"
    graph = rdflib.Dataset() if rdflib_format in ("nquads", "trig") else rdflib.Graph()
    graph.parse(data=response.data, format=rdflib_format)
    expected = len(rows(client.get("/sparql", query_string={"query": COUNTRIES})))
    assert len(graph) == expected


def test_describe_returns_a_graph(client: FlaskClient) -> None:
    iri = rows(client.get("/sparql", query_string={"query": COUNTRIES}))[0]["c"]["value"]
    response = client.get(
        "/sparql", query_string={"query": f"DESCRIBE <{iri}>"}, headers={"Accept": "text/turtle"}
    )
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    assert (rdflib.URIRef(iri), rdflib.RDF.type, rdflib.URIRef(APWPS + "Country")) in graph


def test_format_parameter_wins_and_bad_values_are_400(client: FlaskClient) -> None:
    response = client.get(
        "/sparql",
        query_string={"query": COUNTRIES, "format": "csv"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.mimetype == "text/csv"
    bad = client.get("/sparql", query_string={"query": COUNTRIES, "format": "turtle"})
    assert bad.status_code == 400
    assert "json" in bad.get_json()["message"]


def test_406_when_nothing_acceptable(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"query": COUNTRIES}, headers={"Accept": "image/png"}
    )
    assert response.status_code == 406
    construct = client.get(
        "/sparql",
        query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"},
        headers={"Accept": "text/csv"},
    )
    assert construct.status_code == 406


def test_malformed_query_is_400_with_position(client: FlaskClient) -> None:
    response = client.get(
        "/sparql",
        query_string={"query": "SELECT * WHERE {\n ?s ?p }"},
        headers={"Accept": "application/json"},
    )
    body = response.get_json()
    assert response.status_code == 400
    assert body["error"] == "bad_query"
    assert "2:" in body["message"]
    assert body["line"] == 2
    assert body["column"] >= 1


def test_malformed_query_on_a_later_line_names_that_line(client: FlaskClient) -> None:
    query = (
        "PREFIX ex: <https://example.org/>\nSELECT ?s\nWHERE {\n  ?s ex:p ?o .\n  BIND(1 AS 2)\n}"
    )
    body = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/json"}
    ).get_json()
    assert body["error"] == "bad_query"
    assert (body["line"], body["column"]) == (5, 13)  # the "2" where a variable must stand


def test_no_query_and_two_queries_are_400(client: FlaskClient) -> None:
    none = client.post("/sparql", data={"format": "json"})
    assert none.status_code == 400
    two = client.get("/sparql", query_string=[("query", COUNTRIES), ("query", "ASK {}")])
    assert two.status_code == 400
    both = client.post("/sparql?query=ASK%7B%7D", data={"query": COUNTRIES})
    assert both.status_code == 400
    empty = client.get("/sparql", query_string={"query": " "})
    assert empty.status_code == 400


def test_wrong_method_and_content_type(client: FlaskClient) -> None:
    assert client.put("/sparql", data=COUNTRIES).status_code == 405
    assert client.delete("/sparql").status_code == 405
    response = client.post("/sparql", data=COUNTRIES, content_type="text/plain")
    assert response.status_code == 415
    assert "application/sparql-query" in response.get_json()["message"]


def test_updates_are_refused(client: FlaskClient) -> None:
    update = "INSERT DATA { <http://a> <http://b> <http://c> }"
    assert client.post("/sparql", data={"update": update}).status_code == 403
    assert client.get("/sparql", query_string={"update": update}).status_code == 403
    disguised = client.post("/sparql", data={"query": update})
    assert disguised.status_code == 400
    assert disguised.get_json()["error"] == "query_refused"
    still = client.get(
        "/sparql",
        query_string={"query": "ASK { <http://a> <http://b> <http://c> }", "format": "json"},
    )
    assert still.get_json()["boolean"] is False


def test_service_is_refused_with_a_clear_message(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "query_refused"
    assert "SERVICE <http://127.0.0.1:9/>" in response.get_json()["message"]


def test_default_graph_is_the_union_as_a_set(client: FlaskClient, store: MemoryStore) -> None:
    union = rows(
        client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    )[0]["n"]["value"]
    assert int(union) == store.counts().union


def test_dataset_selection_from_the_query_and_the_protocol(
    client: FlaskClient, store: MemoryStore
) -> None:
    graphs = sorted(store.counts().per_graph.items())
    (g1, n1), (g2, n2) = graphs[0], graphs[1]
    count = "SELECT (COUNT(*) AS ?n) {from} WHERE {{ ?s ?p ?o }}"
    from_query = rows(
        client.get("/sparql", query_string={"query": count.format(**{"from": f"FROM <{g1}>"})})
    )
    assert int(from_query[0]["n"]["value"]) == n1
    by_protocol = rows(
        client.get(
            "/sparql", query_string={"query": count.format(**{"from": ""}), "default-graph-uri": g2}
        )
    )
    assert int(by_protocol[0]["n"]["value"]) == n2
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    only = rows(client.get("/sparql", query_string={"query": named, "named-graph-uri": g1}))
    assert [r["g"]["value"] for r in only] == [g1]
    from_named = rows(
        client.get(
            "/sparql",
            query_string={
                "query": f"SELECT DISTINCT ?g FROM NAMED <{g2}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
            },
        )
    )
    assert [r["g"]["value"] for r in from_named] == [g2]
    unknown = rows(
        client.get(
            "/sparql",
            query_string={
                "query": count.format(**{"from": "FROM <http://127.0.0.1:9/nothing.ttl>"})
            },
        )
    )
    assert int(unknown[0]["n"]["value"]) == 0


def test_rows_are_cut_at_the_limit_and_say_so(limited: FlaskClient) -> None:
    response = limited.get("/sparql", query_string={"query": COUNTRIES})
    assert len(rows(response)) == 5
    assert response.headers["APWPS-Truncated"] == "true"
    assert response.headers["APWPS-Row-Limit"] == "5"
    small = limited.get("/sparql", query_string={"query": COUNTRIES + " LIMIT 3"})
    assert len(rows(small)) == 3
    assert "APWPS-Truncated" not in small.headers
    graph = limited.get(
        "/sparql",
        query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
    )
    assert len(rdflib.Graph().parse(data=graph.data, format="nt")) == 5
    assert graph.headers["APWPS-Truncated"] == "true"


def test_long_queries_are_refused(limited: FlaskClient) -> None:
    response = limited.post("/sparql", data={"query": COUNTRIES + " " + "#" * 500})
    assert response.status_code == 400
    assert "max_query_bytes" in response.get_json()["message"]


def test_runaway_query_ends_with_503_and_the_app_goes_on(limited: FlaskClient) -> None:
    runaway = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
    response = limited.get(
        "/sparql", query_string={"query": runaway}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 503
    assert response.get_json()["error"] == "query_timeout"
    assert "query_time_limit_ms" in response.get_json()["message"]
    assert limited.get("/sparql", query_string={"query": COUNTRIES}).status_code == 200


def test_cors_on_get_post_and_preflight(client: FlaskClient) -> None:
    origin = {"Origin": "https://example.org"}
    assert (
        client.get("/sparql", query_string={"query": COUNTRIES}, headers=origin).headers[
            "Access-Control-Allow-Origin"
        ]
        == "*"
    )
    assert (
        client.post("/sparql", data={"query": COUNTRIES}, headers=origin).headers[
            "Access-Control-Allow-Origin"
        ]
        == "*"
    )
    preflight = client.options(
        "/sparql",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    error = client.get("/sparql", query_string={"query": "SELECT"}, headers=origin)
    assert error.headers["Access-Control-Allow-Origin"] == "*"


def test_etag_revalidation_gives_304(client: FlaskClient) -> None:
    first = client.get("/sparql", query_string={"query": COUNTRIES})
    etag = first.headers["ETag"]
    assert "public" in first.headers["Cache-Control"]
    again = client.get(
        "/sparql", query_string={"query": COUNTRIES}, headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    other = client.get("/sparql", query_string={"query": COUNTRIES, "format": "csv"})
    assert other.headers["ETag"] != etag


def test_service_description(client: FlaskClient, store: MemoryStore, settings: Settings) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = graph.value(predicate=rdflib.RDF.type, object=sd.Service)
    assert str(graph.value(service, sd.endpoint)).endswith("/sparql")
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    formats = {str(o).rsplit("/", 1)[1] for o in graph.objects(service, sd.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_CSV", "Turtle", "JSON-LD"} <= formats
    names = {str(n) for n in graph.objects(None, sd.name)}
    assert names == set(store.counts().per_graph)
    limit = graph.value(service, rdflib.URIRef(APWPS + "queryTimeLimitMs"))
    assert int(str(limit)) == settings.query_time_limit_ms
    by_name = client.get("/sparql", query_string={"format": "ntriples"})
    assert len(rdflib.Graph().parse(data=by_name.data, format="nt")) == len(graph)
    as_jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert len(rdflib.Graph().parse(data=as_jsonld.data, format="json-ld")) == len(graph)


def test_browsers_get_the_query_page(client: FlaskClient) -> None:
    page = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    assert b'id="query"' in page.data
    permalink = client.get(
        "/sparql", query_string={"query": COUNTRIES}, headers={"Accept": "text/html,*/*;q=0.8"}
    )
    assert permalink.mimetype == "text/html"
    assert b'data-autorun="true"' in permalink.data
    script = client.get("/static/sparql/sparql.js")
    assert script.status_code == 200
