"""A resource in schema.org terms, as JSON-LD, for search engines and other sites that read the
`<script type="application/ld+json">` of a page. The context is inline, so that no reader has to
fetch anything to understand it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, SKOS
from rdflib.term import Literal, URIRef

from apwps.describe import APWPS, BIBO, CITO, SCHEMA, Description

CONTEXT = {"@vocab": "https://schema.org/"}

# rdf:type → schema.org type, most specific first.
TYPES: tuple[tuple[URIRef, str], ...] = (
    (BIBO.AcademicArticle, "ScholarlyArticle"),
    (BIBO.Chapter, "Chapter"),
    (BIBO.Book, "Book"),
    (APWPS.PolicyBrief, "Report"),
    (BIBO.Report, "Report"),
    (BIBO.Webpage, "WebPage"),
    (BIBO.Periodical, "Periodical"),
    (APWPS.SecurityCouncilResolution, "Legislation"),
    (BIBO.Legislation, "Legislation"),
    (DCAT.Dataset, "Dataset"),
    (FOAF.Person, "Person"),
    (APWPS.Country, "Country"),
    (APWPS.Organisation, "Organization"),
    (FOAF.Organization, "Organization"),
    (APWPS.Situation, "Event"),
    (SKOS.ConceptScheme, "DefinedTermSet"),
    (SKOS.Concept, "DefinedTerm"),
    (OWL.Ontology, "DefinedTermSet"),
    (APWPS.Framework, "CreativeWork"),
    (APWPS.Resource, "CreativeWork"),
)


def schema_type(description: Description) -> str:
    types = description.all_types
    return next((name for rdf_type, name in TYPES if rdf_type in types), "Thing")


def _ref(description: Description, node: Any, langs: Sequence[str]) -> dict[str, str]:
    return {"@id": str(node), "name": description.label(node, langs)}


def card(description: Description, page_url: str, langs: Sequence[str] = ("en",)) -> dict[str, Any]:
    """The JSON-LD object for a resource's page: its name, kind, description and main links."""
    d = description
    item: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": str(d.iri),
        "@type": schema_type(d),
        "name": d.label(d.iri, langs),
        "url": page_url,
    }
    alternates = sorted({str(v) for v in d.values(SKOS.altLabel) if isinstance(v, Literal)})
    if alternates:
        item["alternateName"] = alternates
    text = d.first(DCTERMS.description, langs) or d.first(SKOS.definition, langs)
    if text is not None:
        item["description"] = str(text)
    same = [
        str(v)
        for p in (SCHEMA.sameAs, SKOS.exactMatch, SCHEMA.url)
        for v in d.values(p)
        if isinstance(v, URIRef)
    ]
    if same:
        item["sameAs"] = sorted(set(same))
    issued = d.first(DCTERMS.issued)
    if issued is not None:
        item["datePublished"] = str(issued)
    for key, prop in (
        ("author", DCTERMS.creator),
        ("editor", BIBO.editor),
        ("publisher", DCTERMS.publisher),
        ("isPartOf", DCTERMS.isPartOf),
        ("citation", CITO.cites),
        ("about", DCTERMS.subject),
        ("inDefinedTermSet", SKOS.inScheme),
    ):
        values = [v for v in d.values(prop) if isinstance(v, URIRef)]
        if values:
            item[key] = [_ref(d, v, langs) for v in values]
    notation = d.first(SKOS.notation)
    if notation is not None and item["@type"] == "DefinedTerm":
        item["termCode"] = str(notation)
    licence = d.first(DCTERMS.license)
    if isinstance(licence, URIRef):
        item["license"] = str(licence)
    item["additionalType"] = [str(t) for t in d.types if t != RDF.Property]
    return item
