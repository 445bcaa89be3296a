"""The dataset as a whole on the real server: its VoID/DCAT description, the dumps it names, the
example resources it offers, the sitemap and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import rdflib
import requests
from rdflib.namespace import DCAT, DCTERMS, RDF

from tests.conftest import Process

BASE = "https://w3id.org/apwps/"
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DATASET = rdflib.URIRef(BASE + "id/dataset")


def void_graph(
    server: Process, accept: str = "text/turtle", parser: str = "turtle"
) -> rdflib.Graph:
    response = requests.get(
        server.url + "/.well-known/void", headers={"Accept": accept}, timeout=30
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(accept)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return rdflib.Graph().parse(data=response.content, format=parser)


def test_void_and_dcat_description(live_server: Process) -> None:
    graph = void_graph(live_server)
    assert (DATASET, RDF.type, VOID.Dataset) in graph
    assert (DATASET, RDF.type, DCAT.Dataset) in graph
    assert graph.value(DATASET, DCTERMS.title) is not None
    assert graph.value(DATASET, DCTERMS.license) == rdflib.URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert graph.value(DATASET, DCTERMS.publisher) is not None
    assert graph.value(DATASET, VOID.sparqlEndpoint) == rdflib.URIRef(BASE + "sparql")
    assert int(graph.value(DATASET, VOID.triples)) > 1000  # type: ignore[arg-type]
    assert int(graph.value(DATASET, VOID.entities)) > 100  # type: ignore[arg-type]
    assert rdflib.URIRef(BASE + "ontology#") in set(graph.objects(DATASET, VOID.vocabulary))
    service = graph.value(DATASET, DCAT.accessService)
    assert graph.value(service, DCAT.endpointURL) == rdflib.URIRef(BASE + "sparql")
    other = void_graph(live_server, "application/rdf+xml", "xml")
    assert len(other) == len(graph)


def test_the_dataset_iri_is_its_description(live_server: Process) -> None:
    response = requests.get(live_server.url + "/id/dataset.nt", timeout=30)
    graph = rdflib.Graph().parse(data=response.content, format="nt")
    assert (DATASET, RDF.type, VOID.Dataset) in graph
    page = requests.get(
        live_server.url + "/.well-known/void", headers={"Accept": "text/html"}, timeout=30
    )
    assert page.headers["Content-Type"].startswith("text/html")
    assert "/dumps/apwps.nq" in page.text


def test_every_dump_named_downloads_and_parses(live_server: Process) -> None:
    graph = void_graph(live_server)
    dumps = sorted(str(d) for d in graph.objects(DATASET, VOID.dataDump))
    assert len(dumps) == 3
    parsers = {".nq": "nquads", ".ttl": "turtle", ".jsonld": "json-ld"}
    triples = int(graph.value(DATASET, VOID.triples))  # type: ignore[arg-type]
    for dump in dumps:
        response = requests.get(live_server.url + "/" + dump[len(BASE) :], timeout=60)
        assert response.status_code == 200
        data = rdflib.Dataset().parse(
            data=response.content, format=parsers[dump[dump.rfind(".") :]]
        )
        distinct = {(s, p, o) for s, p, o, _g in data.quads((None, None, None, None))}
        assert len(distinct) == triples


def test_example_resources_dereference(live_server: Process) -> None:
    graph = void_graph(live_server)
    examples = list(graph.objects(DATASET, VOID.exampleResource))
    assert examples
    for example in examples:
        response = requests.get(
            live_server.url + "/" + str(example)[len(BASE) :],
            headers={"Accept": "text/turtle"},
            timeout=30,
        )
        assert response.status_code == 200, example
        assert (example, None, None) in rdflib.Graph().parse(data=response.content, format="turtle")


def test_sitemap_and_robots(live_server: Process) -> None:
    response = requests.get(live_server.url + "/sitemap.xml", timeout=30)
    assert response.headers["Content-Type"].startswith("application/xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [loc.text for loc in ET.fromstring(response.content).findall("s:url/s:loc", namespace)]
    assert live_server.url + "/ontology" in urls
    assert live_server.url + "/id/risk-factors/rf07" in urls
    assert len(urls) == len(set(urls)) > 500
    robots = requests.get(live_server.url + "/robots.txt", timeout=30).text
    assert f"Sitemap: {live_server.url}/sitemap.xml" in robots


def test_unknown_dump_is_404(live_server: Process) -> None:
    assert requests.get(live_server.url + "/dumps/secrets.txt", timeout=30).status_code == 404
    assert (
        requests.get(live_server.url + "/dumps/..%2Fmanifest.json", timeout=30).status_code == 404
    )
