"""The SPARQL 1.1 Service Description of the endpoint: what it speaks, what it holds, its limits."""

from __future__ import annotations

from collections.abc import Mapping

import rdflib
from rdflib.namespace import DCTERMS, RDF, XSD, Namespace

from apwps.config import Settings
from apwps.formats import GRAPH_ANSWER_FORMATS, RESULT_FORMATS

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")

# Our format names -> the W3C's IRIs for them (https://www.w3.org/ns/formats/).
FORMAT_IRIS = {
    "json": W3C_FORMATS.SPARQL_Results_JSON,
    "xml": W3C_FORMATS.SPARQL_Results_XML,
    "csv": W3C_FORMATS.SPARQL_Results_CSV,
    "tsv": W3C_FORMATS.SPARQL_Results_TSV,
    "turtle": W3C_FORMATS.Turtle,
    "jsonld": W3C_FORMATS["JSON-LD"],
    "rdfxml": W3C_FORMATS.RDF_XML,
    "ntriples": W3C_FORMATS["N-Triples"],
    "nquads": W3C_FORMATS["N-Quads"],
    "trig": W3C_FORMATS.TriG,
}


def describe_service(
    settings: Settings, endpoint: str, graphs: Mapping[str, int], union_triples: int
) -> rdflib.Graph:
    """The service description of the endpoint at `endpoint` over the named `graphs` (IRI -> triples)."""
    apwps = Namespace(settings.base_iri + "ontology#")
    graph = rdflib.Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("apwps", apwps)
    service = rdflib.URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add(
        (
            service,
            DCTERMS.title,
            rdflib.Literal("AP-WPS Knowledge Graph SPARQL endpoint", lang="en"),
        )
    )
    graph.add(
        (
            service,
            DCTERMS.description,
            rdflib.Literal(
                "Read-only SPARQL 1.1 endpoint. SPARQL Update, LOAD and SERVICE are refused. The "
                "default graph is the union of the named graphs; FROM and FROM NAMED select among them.",
                lang="en",
            ),
        )
    )
    for fmt in (*RESULT_FORMATS, *GRAPH_ANSWER_FORMATS):
        if fmt.name in FORMAT_IRIS:
            graph.add((service, SD.resultFormat, FORMAT_IRIS[fmt.name]))
    limits = {
        "queryTimeLimitMs": settings.query_time_limit_ms,
        "maxResultRows": settings.max_result_rows,
        "maxQueryBytes": settings.max_query_bytes,
        "maxRequestBytes": settings.max_request_bytes,
    }
    for name, value in limits.items():
        graph.add((service, apwps[name], rdflib.Literal(value, datatype=XSD.integer)))

    dataset = rdflib.BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default = rdflib.BNode("default")
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, rdflib.Literal(union_triples, datatype=XSD.integer)))
    for index, (iri, triples) in enumerate(sorted(graphs.items())):
        named = rdflib.BNode(f"g{index}")
        described = rdflib.BNode(f"g{index}d")
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, rdflib.URIRef(iri)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, rdflib.Literal(triples, datatype=XSD.integer)))
    return graph
