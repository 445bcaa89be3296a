"""The dataset description (VoID and DCAT) with counts read from the built store."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from apwps.config import Settings
from apwps.load import SourceFile

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")

LICENCE = rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
IANA = "https://www.iana.org/assignments/media-types/"
# Resources shown as examples (those the graph holds).
EXAMPLES = (
    "id/frameworks/un-framework-of-analysis",
    "id/crimes/genocide",
    "id/publications/policy-brief-1-2024",
    "id/risk-factors/rf07",
)
DUMPS = (
    ("apwps.nq", "application/n-quads"),
    ("apwps.ttl", "text/turtle"),
    ("apwps.jsonld", "application/ld+json"),
)


def _rows(store: ox.Store, query: str) -> ox.QuerySolutions:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return result


def _count(store: ox.Store, query: str) -> int:
    row = next(iter(_rows(store, query)))
    return int(row["n"].value)


def dataset_iri(settings: Settings) -> rdflib.URIRef:
    return rdflib.URIRef(settings.base_iri + "id/dataset")


def describe_dataset(
    settings: Settings, store: ox.Store, sources: Sequence[SourceFile], inferred: int
) -> rdflib.Graph:
    """VoID + DCAT description of the whole graph."""
    base = settings.base_iri
    g = rdflib.Graph()
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    g.bind("dcterms", DCTERMS)
    ds = dataset_iri(settings)
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, rdflib.Literal("AP-WPS Knowledge Graph", lang="en")))
    g.add(
        (
            ds,
            DCTERMS.description,
            rdflib.Literal(
                "Atrocity prevention and Women, Peace and Security frameworks, organisations, risk factors, "
                "indicators, recommendations and resources as linked data.",
                lang="en",
            ),
        )
    )
    g.add((ds, DCTERMS.license, LICENCE))
    g.add((ds, DCTERMS.publisher, rdflib.URIRef(base + "id/agents/editors")))
    g.add((ds, FOAF.homepage, rdflib.URIRef(base)))
    g.add((ds, VOID.sparqlEndpoint, rdflib.URIRef(base + "sparql")))
    g.add((ds, VOID.uriSpace, rdflib.Literal(base + "id/")))
    g.add((ds, VOID.rootResource, rdflib.URIRef(base + "id/guide")))
    for example in EXAMPLES:
        node = ox.NamedNode(base + example)
        if any(True for _ in store.quads_for_pattern(node, None, None)):
            g.add((ds, VOID.exampleResource, rdflib.URIRef(base + example)))
    g.add((ds, DCAT.landingPage, rdflib.URIRef(base)))
    g.add((ds, DCTERMS.conformsTo, rdflib.URIRef(base + "ontology")))
    g.add((ds, VOID.vocabulary, rdflib.URIRef(base + "ontology#")))
    g.add((ds, VOID.uriLookupEndpoint, rdflib.Literal(base + "search?q=")))
    service = rdflib.URIRef(base + "sparql")
    g.add((ds, DCAT.accessService, service))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, rdflib.Literal("AP-WPS SPARQL endpoint", lang="en")))
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCTERMS.conformsTo, rdflib.URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, DCAT.servesDataset, ds))
    for name, media_type in DUMPS:
        dump = rdflib.URIRef(base + "dumps/" + name)
        g.add((ds, VOID.dataDump, dump))
        dist = rdflib.URIRef(base + "dumps/" + name + "#distribution")
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, rdflib.Literal(f"The whole graph as {name}", lang="en")))
        g.add((dist, DCAT.downloadURL, dump))
        g.add((dist, DCAT.accessURL, dump))
        g.add((dist, DCTERMS.license, LICENCE))
        g.add((dist, DCAT.mediaType, rdflib.URIRef(IANA + media_type)))
        g.add((dist, DCTERMS["format"], rdflib.Literal(media_type)))
    union = "{ ?s ?p ?o }"
    triples = _count(
        store, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {union} }}"
    )
    g.add((ds, VOID.triples, rdflib.Literal(triples, datatype=XSD.integer)))
    for prop, query in (
        (VOID.entities, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c . FILTER(isIRI(?s)) }"),
        (VOID.classes, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"),
        (VOID.properties, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"),
        (VOID.distinctSubjects, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        (VOID.distinctObjects, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
    ):
        g.add((ds, prop, rdflib.Literal(_count(store, query), datatype=XSD.integer)))
    for row in _rows(
        store,
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c . FILTER(isIRI(?c)) } GROUP BY ?c",
    ):
        part = rdflib.URIRef(f"{ds}#class-{hashlib.sha1(row['c'].value.encode()).hexdigest()[:12]}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], rdflib.URIRef(row["c"].value)))
        g.add((part, VOID.entities, rdflib.Literal(int(row["n"].value), datatype=XSD.integer)))
    namespaces = set()
    for row in _rows(store, "SELECT DISTINCT ?p WHERE { ?s ?p ?o }"):
        iri = row["p"].value
        cut = max(iri.rfind("#"), iri.rfind("/"))
        namespaces.add(iri[: cut + 1])
    for namespace in sorted(namespaces):
        g.add((ds, VOID.vocabulary, rdflib.URIRef(namespace)))
    inferred_set = rdflib.URIRef(base + "graph/inferred")
    g.add((ds, VOID.subset, inferred_set))
    g.add((inferred_set, RDF.type, VOID.Dataset))
    g.add((inferred_set, DCTERMS.title, rdflib.Literal("Inferred triples", lang="en")))
    g.add((inferred_set, VOID.triples, rdflib.Literal(inferred, datatype=XSD.integer)))
    g.add((ds, VOID.feature, rdflib.URIRef("http://www.w3.org/ns/formats/N-Quads")))
    g.add((ds, DCTERMS.source, rdflib.Literal(f"{len(sources)} source files")))
    return g


@dataclass
class DatasetSummary:
    """The figures and links of a dataset description, for its page."""

    title: str = ""
    description: str = ""
    licence: str = ""
    publisher: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    endpoint: str = ""
    dumps: list[tuple[str, str]] = field(default_factory=list)  # (URL, media type)
    examples: list[str] = field(default_factory=list)
    vocabularies: list[str] = field(default_factory=list)
    classes: list[tuple[str, int]] = field(default_factory=list)


def read_description(path: Path) -> rdflib.Graph:
    """The description `build` wrote (dist/void.ttl)."""
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    return graph


def summarise(graph: rdflib.Graph, settings: Settings) -> DatasetSummary:
    ds = dataset_iri(settings)
    summary = DatasetSummary()

    def one(prop: rdflib.URIRef, subject: rdflib.term.Node = ds) -> str:
        value = graph.value(subject, prop)
        return str(value) if value is not None else ""

    summary.title = one(DCTERMS.title)
    summary.description = one(DCTERMS.description)
    summary.licence = one(DCTERMS.license)
    summary.publisher = one(DCTERMS.publisher)
    summary.endpoint = one(VOID.sparqlEndpoint)
    for name in (
        "triples",
        "entities",
        "classes",
        "properties",
        "distinctSubjects",
        "distinctObjects",
    ):
        value = graph.value(ds, VOID[name])
        if value is not None:
            summary.counts[name] = int(str(value))
    for dist in graph.objects(ds, DCAT.distribution):
        url = graph.value(dist, DCAT.downloadURL)
        media = graph.value(dist, DCTERMS["format"]) or graph.value(dist, DCAT.mediaType)
        if url is not None:
            summary.dumps.append((str(url), str(media or "")))
    summary.dumps.sort()
    summary.examples = sorted(str(e) for e in graph.objects(ds, VOID.exampleResource))
    summary.vocabularies = sorted(str(v) for v in graph.objects(ds, VOID.vocabulary))
    for part in graph.objects(ds, VOID.classPartition):
        cls, entities = graph.value(part, VOID["class"]), graph.value(part, VOID.entities)
        if cls is not None and entities is not None:
            summary.classes.append((str(cls), int(str(entities))))
    summary.classes.sort(key=lambda item: (-item[1], item[0]))
    return summary
