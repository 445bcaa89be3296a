"""Dereferencing IRIs on the real server (`apwps serve` under gunicorn): every RDF format by `Accept`,
by suffix and by parameter, parsed with rdflib; HTML with its JSON-LD; 404s, 406s, CORS, caching."""

from __future__ import annotations

import json
import re

import pytest
import rdflib
import requests
from rdflib.namespace import RDF, RDFS, SKOS

from tests.conftest import Process

BASE = "https://w3id.org/apwps/"
UNFOA = BASE + "id/frameworks/un-framework-of-analysis"
SCHEMA = rdflib.Namespace("https://schema.org/")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

RDF_FORMATS = [
    # (Accept, suffix, format parameter, rdflib parser)
    ("text/turtle", ".ttl", "turtle", "turtle"),
    ("application/ld+json", ".jsonld", "jsonld", "json-ld"),
    ("application/rdf+xml", ".rdf", "rdfxml", "xml"),
    ("application/n-triples", ".nt", "ntriples", "nt"),
]


def local(server: Process, iri: str) -> str:
    return server.url + "/" + iri[len(BASE) :]


def parse(body: bytes, parser: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=body, format=parser)
    return graph


@pytest.mark.parametrize(("accept", "suffix", "name", "parser"), RDF_FORMATS)
def test_every_rdf_format_by_accept(
    live_server: Process, accept: str, suffix: str, name: str, parser: str
) -> None:
    response = requests.get(local(live_server, UNFOA), headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(accept)
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Content-Location"].endswith(
        "/id/frameworks/un-framework-of-analysis" + suffix
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    graph = parse(response.content, parser)
    this = rdflib.URIRef(UNFOA)
    assert (this, RDF.type, rdflib.URIRef(BASE + "ontology#AnalyticalFramework")) in graph
    assert (
        this,
        RDFS.label,
        rdflib.Literal("Framework of Analysis for Atrocity Crimes", lang="en"),
    ) in graph
    # links come with the labels of what they point at
    osapg = rdflib.URIRef(BASE + "id/organisations/un-osapg")
    assert (this, rdflib.URIRef("http://purl.org/dc/terms/publisher"), osapg) in graph
    assert graph.value(osapg, RDFS.label) is not None


@pytest.mark.parametrize(("accept", "suffix", "name", "parser"), RDF_FORMATS)
def test_format_specific_urls(
    live_server: Process, accept: str, suffix: str, name: str, parser: str
) -> None:
    by_suffix = requests.get(local(live_server, UNFOA) + suffix, timeout=30)
    by_parameter = requests.get(local(live_server, UNFOA), params={"format": name}, timeout=30)
    for response in (by_suffix, by_parameter):
        assert response.status_code == 200, response.text[:300]
        assert response.headers["Content-Type"].startswith(accept)
        assert (rdflib.URIRef(UNFOA), None, None) in parse(response.content, parser)
    # the suffixed URL is the document itself: it does not vary with Accept
    assert "Content-Location" not in by_suffix.headers
    assert "Accept" not in by_suffix.headers.get("Vary", "")


def test_documents_hold_blank_nodes_and_incoming_links(live_server: Process) -> None:
    graph = parse(requests.get(local(live_server, UNFOA) + ".ttl", timeout=30).content, "turtle")
    this = rdflib.URIRef(UNFOA)
    counts = list(graph.objects(this, rdflib.URIRef(BASE + "ontology#datedCount")))
    assert counts and all(isinstance(c, rdflib.BNode) for c in counts)
    assert all(graph.value(c, SCHEMA.value) is not None for c in counts)
    brief = rdflib.URIRef(BASE + "id/publications/policy-brief-1-2024")
    assert (brief, rdflib.URIRef("http://purl.org/spar/cito/cites"), this) in graph


def test_browsers_get_the_page_with_json_ld(live_server: Process) -> None:
    response = requests.get(
        local(live_server, UNFOA), headers={"Accept": BROWSER_ACCEPT}, timeout=30
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Content-Location"].endswith("un-framework-of-analysis.html")
    assert "Accept-Language" in response.headers["Vary"]
    html = response.text
    assert "<h1>Framework of Analysis for Atrocity Crimes</h1>" in html
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    assert len(scripts) == 1
    card = json.loads(scripts[0])
    assert card["@type"] == "CreativeWork"
    graph = rdflib.Graph().parse(data=scripts[0], format="json-ld")
    assert (rdflib.URIRef(UNFOA), SCHEMA.name, None) in graph
    assert (rdflib.URIRef(UNFOA), SCHEMA.publisher, None) in graph
    for suffix in (".ttl", ".jsonld", ".rdf", ".nt", ".bib", ".ris", ".csl.json"):
        assert f'href="/id/frameworks/un-framework-of-analysis{suffix}"' in html


def test_page_shows_labels_not_iris(live_server: Process) -> None:
    html = requests.get(local(live_server, UNFOA) + ".html", timeout=30).text
    assert ">publisher</a>" in html  # the property's label from the ontology
    assert "UN Office on Genocide Prevention and the Responsibility to Protect</a>" in html
    assert ">cited by<" in html or ">is cited by<" in html  # an incoming link, named from this side
    assert "Sources and verification" in html
    assert "<svg" in html and "class='diagram neighbourhood'" in html


def test_labels_follow_accept_language_and_the_switch(live_server: Process) -> None:
    url = local(live_server, BASE + "id/resolutions/unscr-1325")
    norwegian = requests.get(
        url, headers={"Accept": "text/html", "Accept-Language": "nb-NO,nb;q=0.9"}, timeout=30
    ).text
    assert "<h1>FNs sikkerhetsrådsresolusjon 1325</h1>" in norwegian
    assert '<html lang="nb">' in norwegian
    english = requests.get(
        url, headers={"Accept": "text/html", "Accept-Language": "en"}, timeout=30
    ).text
    assert "<h1>UN Security Council Resolution 1325 (2000)</h1>" in english
    switched = requests.get(
        url,
        params={"lang": "en"},
        headers={"Accept": "text/html", "Accept-Language": "nb"},
        timeout=30,
    ).text
    assert "<h1>UN Security Council Resolution 1325 (2000)</h1>" in switched
    assert 'href="?lang=nb"' in switched
    # a language the graph lacks falls back to English
    french = requests.get(
        url, headers={"Accept": "text/html", "Accept-Language": "fr"}, timeout=30
    ).text
    assert "<h1>UN Security Council Resolution 1325 (2000)</h1>" in french


def test_unknown_iri_is_a_helpful_404(live_server: Process) -> None:
    page = requests.get(
        local(live_server, BASE + "id/frameworks/un-framework-of-analysys"),
        headers={"Accept": BROWSER_ACCEPT},
        timeout=30,
    )
    assert page.status_code == 404
    assert page.headers["Content-Type"].startswith("text/html")
    assert "id/frameworks/un-framework-of-analysys" in page.text
    assert 'href="/id/frameworks/un-framework-of-analysis"' in page.text  # the near miss
    assert 'href="/search?q=' in page.text
    machine = requests.get(
        local(live_server, BASE + "id/frameworks/no-such-thing"),
        headers={"Accept": "text/turtle"},
        timeout=30,
    )
    assert machine.status_code == 404
    assert machine.headers["Access-Control-Allow-Origin"] == "*"
    assert machine.json()["error"] == "not_found"
    assert requests.get(local(live_server, UNFOA) + ".png", timeout=30).status_code == 404


def test_unacceptable_and_bad_formats(live_server: Process) -> None:
    refused = requests.get(local(live_server, UNFOA), headers={"Accept": "image/png"}, timeout=30)
    assert refused.status_code == 406
    bad = requests.get(local(live_server, UNFOA), params={"format": "docx"}, timeout=30)
    assert bad.status_code == 400
    assert "turtle" in bad.json()["message"]


def test_conditional_requests(live_server: Process) -> None:
    url = local(live_server, UNFOA) + ".ttl"
    first = requests.get(url, timeout=30)
    assert first.headers["ETag"]
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 304


def test_cors_preflight_free_simple_get_from_another_origin(live_server: Process) -> None:
    response = requests.get(
        local(live_server, UNFOA),
        headers={"Accept": "application/ld+json", "Origin": "http://127.0.0.1:9"},
        timeout=30,
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Link" in response.headers["Access-Control-Expose-Headers"]


def test_concept_and_scheme_pages(live_server: Process) -> None:
    rf07 = requests.get(
        local(live_server, BASE + "id/risk-factors/rf07"),
        headers={"Accept": "text/html"},
        timeout=30,
    ).text
    assert "Place in its scheme" in rf07
    assert 'href="/id/risk-indicators/rf07-01"' in rf07  # narrower, in notation order
    assert rf07.index(">7.2<") < rf07.index(">7.10<")
    indicator = requests.get(
        local(live_server, BASE + "id/risk-indicators/rf07-01"),
        headers={"Accept": "text/html"},
        timeout=30,
    ).text
    assert 'href="/id/risk-factors/rf07"' in indicator  # broader
    scheme = requests.get(
        local(live_server, BASE + "id/risk-factors"), headers={"Accept": "text/html"}, timeout=30
    ).text
    assert "Concepts in this scheme" in scheme
    assert scheme.index('href="/id/risk-factors/rf07"') < scheme.index(
        'href="/id/risk-indicators/rf07-01"'
    )
    graph = parse(
        requests.get(local(live_server, BASE + "id/risk-factors") + ".ttl", timeout=30).content,
        "turtle",
    )
    assert (rdflib.URIRef(BASE + "id/risk-factors"), RDF.type, SKOS.ConceptScheme) in graph


def test_collections_list_their_entries(live_server: Process) -> None:
    page = requests.get(
        local(live_server, BASE + "id/frameworks"), headers={"Accept": "text/html"}, timeout=30
    )
    assert page.status_code == 200
    assert 'href="/id/frameworks/un-framework-of-analysis"' in page.text
    graph = parse(
        requests.get(local(live_server, BASE + "id/frameworks.ttl"), timeout=30).content, "turtle"
    )
    assert (rdflib.URIRef(UNFOA), RDFS.label, None) in graph


def test_ontology_document(live_server: Process) -> None:
    page = requests.get(
        live_server.url + "/ontology", headers={"Accept": BROWSER_ACCEPT}, timeout=60
    )
    assert page.status_code == 200
    assert 'id="RiskFactor"' in page.text  # the hash IRI lands on its section
    assert "class='diagram classes'" in page.text
    assert "https://w3id.org/apwps/ontology#addressesCrime" in page.text
    for accept, suffix, _name, parser in RDF_FORMATS:
        negotiated = requests.get(
            live_server.url + "/ontology", headers={"Accept": accept}, timeout=30
        )
        assert negotiated.headers["Content-Location"].endswith("/ontology" + suffix)
        graph = parse(negotiated.content, parser)
        assert (
            rdflib.URIRef(BASE + "ontology#RiskFactor"),
            RDF.type,
            rdflib.URIRef("http://www.w3.org/2002/07/owl#Class"),
        ) in graph
    module = requests.get(live_server.url + "/ontology/core.ttl", timeout=30)
    assert (rdflib.URIRef(BASE + "ontology/core"), None, None) in parse(module.content, "turtle")
