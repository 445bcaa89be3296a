"""Regression tests for what the fuzzers found, one per bug, each named after it.

Invalid IRIs: a value that is not a valid IRI (a space, a control character, a bad percent-escape,
no scheme) used to reach `pyoxigraph.NamedNode` in the embedded store (`apwps/stores/memory.py`,
`_options`) and its ValueError became a 500. The store now turns the refusal into a QueryError
(400); these tests keep it that way.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.test_fuzz_support import assert_clean

INVALID_IRIS = [
    # the SPARQL protocol's dataset parameters (server/sparql.py)
    "/sparql?query=ASK%7B%7D&default-graph-uri=a%20b",
    "/sparql?query=ASK%7B%7D&default-graph-uri=no-scheme",
    "/sparql?query=ASK%7B%7D&named-graph-uri=%3Cx%3E",
    # resource pages whose path cannot be part of an IRI (server/resources.py)
    "/id/crimes/geno%20cide",
    "/id/crimes/geno%7Bcide",
    "/ontology/core%20x",
    # embeds given an IRI with a space (server/embed.py)
    "/embed/card.json?iri=http://example.org/a%20b",
    "/embed/card?iri=http://example.org/a%20b",
    "/oembed?url=http://example.org/a%01b",
    # a named query's IRI parameter that passes the catalogue's check (apwps/catalogue.py, _IRI)
    # but not Oxigraph's: a bad percent-escape, a C1 control character
    "/queries/resources-citing-framework?framework=http://example.org/%25zz",
    "/queries/resources-citing-framework?framework=http://example.org/%C2%80",
]


@pytest.mark.parametrize("url", INVALID_IRIS)
def test_an_invalid_iri_is_a_client_error(client: FlaskClient, url: str) -> None:
    response = client.get(url, headers={"Accept": "application/json"})
    assert_clean(response.status_code, response.headers, response.data, path=url, sent=url)
    assert response.status_code in (400, 404)


def test_a_valid_iri_in_the_same_places_is_answered(client: FlaskClient) -> None:
    """The same requests with valid IRIs: the bug is the IRI, not the parameter."""
    for url in (
        "/sparql?query=ASK%7B%7D&default-graph-uri=https://example.org/g",
        "/id/crimes/genocide",
        "/embed/card.json?iri=https://w3id.org/apwps/id/crimes/genocide",
    ):
        response = client.get(url, headers={"Accept": "application/json"})
        assert response.status_code == 200, url
