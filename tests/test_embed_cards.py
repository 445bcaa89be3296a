"""Embedding: the card (page and JSON), `/embed.js`, oEmbed, the frame policy, and the JSON-LD lists."""

from __future__ import annotations

import json

import rdflib
import requests
from flask.testing import FlaskClient

from apwps import formats
from apwps.cards import shorten
from tests.conftest import Process

ID = "https://w3id.org/apwps/id/"
ACLED = ID + "organisations/acled"
SCHEMA = rdflib.Namespace("https://schema.org/")


def test_card_json(client: FlaskClient) -> None:
    response = client.get("/embed/card.json", query_string={"iri": ACLED})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    card = response.get_json()
    assert card["label"] == "Armed Conflict Location & Event Data"
    assert card["alt_labels"] == ["ACLED"]
    assert card["kind"] == "organisations"
    assert card["url"] == "https://acleddata.com/"
    assert card["page"].endswith("/id/organisations/acled")
    assert "/embed/card?iri=" in card["embed"]


def test_card_of_a_page_url_or_a_format_url(client: FlaskClient) -> None:
    for url in (
        "http://localhost/id/organisations/acled",
        "http://localhost/id/organisations/acled.ttl",
    ):
        assert client.get("/embed/card.json", query_string={"iri": url}).get_json()["iri"] == ACLED


def test_card_in_the_readers_language(client: FlaskClient) -> None:
    iri = ID + "wps-index-dimensions/security"
    card = client.get("/embed/card.json", query_string={"iri": iri, "lang": "nb"}).get_json()
    assert card["label"] == "Sikkerhet" and card["lang"] == "nb"


def test_card_errors(client: FlaskClient) -> None:
    headers = {"Accept": "application/json"}
    assert client.get("/embed/card.json", headers=headers).status_code == 400
    assert client.get("/embed/card.json?iri=ftp://x/y", headers=headers).status_code == 400
    missing = client.get(
        "/embed/card.json", query_string={"iri": ID + "crimes/nothing"}, headers=headers
    )
    assert missing.status_code == 404


def test_card_page_may_be_framed_and_nothing_else(client: FlaskClient) -> None:
    card = client.get("/embed/card", query_string={"iri": ACLED})
    assert card.status_code == 200
    assert "frame-ancestors *" in card.headers["Content-Security-Policy"]
    assert "default-src 'none'" in card.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in card.headers
    page = card.get_data(as_text=True)
    assert "Armed Conflict Location &amp; Event Data" in page
    assert "<script" not in page
    for other in ("/search", "/crosswalk", "/embed/card.json?iri=" + ACLED):
        response = client.get(other)
        assert response.headers["X-Frame-Options"] == "DENY", other
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], other


def test_embed_script(client: FlaskClient) -> None:
    response = client.get("/embed.js")
    assert response.mimetype == "text/javascript"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    script = response.get_data(as_text=True)
    assert "data-apwps" in script and "/embed/card.json" in script
    assert "innerHTML" not in script


def test_oembed_rich(client: FlaskClient) -> None:
    response = client.get(
        "/oembed", query_string={"url": ACLED, "format": "json", "maxwidth": "400"}
    )
    assert response.status_code == 200
    data = response.get_json()
    assert data["version"] == "1.0" and data["type"] == "rich"
    assert data["width"] == 400 and data["height"] > 0
    assert data["html"].startswith("<iframe src=") and "/embed/card?iri=" in data["html"]
    assert data["title"] == "Armed Conflict Location & Event Data"
    assert data["provider_name"] == "AP-WPS Knowledge Graph"


def test_oembed_errors(client: FlaskClient) -> None:
    headers = {"Accept": "application/json"}
    assert (
        client.get(
            "/oembed", query_string={"url": ACLED, "format": "xml"}, headers=headers
        ).status_code
        == 501
    )
    assert (
        client.get("/oembed", query_string={"url": ID + "x/none"}, headers=headers).status_code
        == 404
    )
    assert client.get("/oembed", headers=headers).status_code == 400
    bad = client.get("/oembed", query_string={"url": ACLED, "maxwidth": "-1"}, headers=headers)
    assert bad.status_code == 400


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("one two three", 9) == "one two…"
    assert shorten("short", 9) == "short"


def _parse(body: bytes) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=formats.by_name("jsonld").rdflib_name)


def test_list_is_json_ld_item_list(client: FlaskClient) -> None:
    response = client.get("/lists/frameworks.jsonld")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.data)
    assert document["@type"] == "ItemList"
    positions = [e["position"] for e in document["itemListElement"]]
    assert positions == list(range(1, document["numberOfItems"] + 1))
    names = [e["item"]["name"].casefold() for e in document["itemListElement"]]
    assert names == sorted(names)
    graph = _parse(response.data)
    the_list = rdflib.URIRef(document["@id"])
    assert (the_list, rdflib.RDF.type, SCHEMA.ItemList) in graph
    assert len(list(graph.objects(the_list, SCHEMA.itemListElement))) == document["numberOfItems"]


def test_list_of_resources_on_a_topic(client: FlaskClient) -> None:
    every = json.loads(client.get("/lists/resources.jsonld").data)
    topic = ID + "crimes/genocide"
    on_topic = json.loads(client.get("/lists/resources", query_string={"subject": topic}).data)
    assert on_topic["about"] == topic
    inside = {e["item"]["@id"] for e in on_topic["itemListElement"]}
    assert 0 < len(inside) < every["numberOfItems"]
    assert inside <= {e["item"]["@id"] for e in every["itemListElement"]}
    assert ID + "frameworks/genocide-convention" in inside
    broader = ID + "gender-factors/justification-and-preparation"
    narrower = json.loads(client.get("/lists/resources", query_string={"subject": broader}).data)
    assert narrower["numberOfItems"] > 0  # includes entries about its narrower concepts


def test_lists_are_stable_and_cacheable(client: FlaskClient) -> None:
    first = client.get("/lists/organisations.jsonld")
    assert client.get("/lists/organisations.jsonld").data == first.data
    etag = first.headers["ETag"]
    assert (
        client.get("/lists/organisations.jsonld", headers={"If-None-Match": etag}).status_code
        == 304
    )


def test_list_catalogue_and_errors(client: FlaskClient) -> None:
    catalogue = json.loads(client.get("/lists").data)
    assert {e["item"]["name"] for e in catalogue["itemListElement"]} >= {"Resources", "Frameworks"}
    headers = {"Accept": "application/json"}
    assert client.get("/lists/nothing.jsonld", headers=headers).status_code == 404
    assert client.get("/lists/resources?subject=genocide", headers=headers).status_code == 400
    refused = client.get(
        "/lists/parallels", query_string={"subject": ID + "crimes/genocide"}, headers=headers
    )
    assert refused.status_code == 400


def test_cross_origin_reads_from_the_real_server(live_server: Process) -> None:
    origin = {"Origin": "http://127.0.0.1:9"}
    for path in (
        "/embed/card.json?iri=" + ACLED,
        "/lists/parallels.jsonld",
        "/oembed?url=" + ACLED,
        "/embed.js",
    ):
        response = requests.get(live_server.url + path, headers=origin, timeout=10)
        assert response.status_code == 200, path
        assert response.headers["Access-Control-Allow-Origin"] == "*", path
