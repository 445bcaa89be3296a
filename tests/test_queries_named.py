"""The named queries over HTTP: the catalogue from the `#+` headers, runs in every format, and
parameters bound as typed RDF terms (never pasted into the text)."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from apwps.catalogue import Catalogue
from tests.conftest import ROOT

CATALOGUE = Catalogue(ROOT / "queries")
NAMES = CATALOGUE.names()
GENDER = "risk-indicators-by-gender-relevance"
EXPLICIT = "https://w3id.org/apwps/id/gender-relevance/explicit"


def test_catalogue_lists_every_query_with_its_header(client: FlaskClient) -> None:
    response = client.get("/queries", headers={"Accept": "application/json"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    items = {q["name"]: q for q in response.get_json()["queries"]}
    assert sorted(items) == NAMES
    for name in NAMES:
        named = CATALOGUE.get(name)
        assert items[name]["title"] == named.title
        assert items[name]["description"] == named.description
        assert [p["name"] for p in items[name]["parameters"]] == [p.name for p in named.parameters]
        assert items[name]["text"] == named.text


def test_catalogue_page_for_browsers(client: FlaskClient) -> None:
    page = client.get("/queries", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html"
    for name in NAMES:
        assert f'href="/queries/{name}"'.encode() in page.data


@pytest.mark.parametrize("name", NAMES)
def test_every_named_query_runs(client: FlaskClient, name: str) -> None:
    response = client.get(
        f"/queries/{name}", headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"}
    )
    assert response.status_code == 200, response.data[:300]
    assert "ETag" in response.headers
    if response.mimetype == "application/sparql-results+json":
        json.loads(response.data)
    page = client.get(f"/queries/{name}", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html"
    assert CATALOGUE.get(name).title.encode() in page.data or b"&#" in page.data


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_named_query_in_every_results_format(client: FlaskClient, fmt: str) -> None:
    response = client.get(f"/queries/{GENDER}", query_string={"format": fmt})
    assert response.status_code == 200
    assert response.headers["Content-Type"].endswith("charset=utf-8")
    assert int(response.headers["APWPS-Result-Rows"]) > 0


def test_parameter_is_bound_as_a_typed_term(client: FlaskClient) -> None:
    every = client.get(f"/queries/{GENDER}", query_string={"format": "json"}).get_json()
    bound = client.get(
        f"/queries/{GENDER}", query_string={"format": "json", "relevance": EXPLICIT}
    ).get_json()
    relevances = {r["relevance"]["value"] for r in bound["results"]["bindings"]}
    assert relevances == {EXPLICIT}
    assert 0 < len(bound["results"]["bindings"]) < len(every["results"]["bindings"])


@pytest.mark.parametrize(
    "value",
    [
        EXPLICIT + "> } ; INSERT DATA { <http://a> <http://b> <http://c> } #",
        "not an iri",
        '" } UNION { ?s ?p ?o } #',
    ],
)
def test_hostile_parameters_are_refused(client: FlaskClient, value: str) -> None:
    response = client.get(
        f"/queries/{GENDER}",
        query_string={"relevance": value},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert "relevance" in response.get_json()["message"]


def test_unknown_query_and_parameter(client: FlaskClient) -> None:
    missing = client.get("/queries/no-such-query", headers={"Accept": "application/json"})
    assert missing.status_code == 404
    assert missing.get_json()["known"] == NAMES
    unknown = client.get(
        f"/queries/{GENDER}", query_string={"colour": "red"}, headers={"Accept": "application/json"}
    )
    assert unknown.status_code == 400


def test_named_results_are_cacheable(client: FlaskClient) -> None:
    first = client.get(f"/queries/{GENDER}", query_string={"format": "csv"})
    again = client.get(
        f"/queries/{GENDER}",
        query_string={"format": "csv"},
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304
    other = client.get(f"/queries/{GENDER}", query_string={"format": "csv", "relevance": EXPLICIT})
    assert other.headers["ETag"] != first.headers["ETag"]
