"""What the graph holds at a glance, for the home page: triples, entries per collection, concept
schemes with their sizes, entities per kind, and the newest dated entries. Read through the `Store`
interface, so it works on both stores."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib.term import Literal, Node, URIRef

from apwps.describe import Labels
from apwps.stores.base import SelectResult, Store

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

SUBJECTS = (
    PREFIXES
    + """SELECT DISTINCT ?prefix ?s WHERE {
  ?s rdf:type ?t . FILTER(isIRI(?s) && STRSTARTS(STR(?s), STR(?prefix)))
}"""
)

SCHEMES = (
    PREFIXES
    + """SELECT ?scheme (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?scheme a skos:ConceptScheme .
  OPTIONAL { ?c skos:inScheme ?scheme }
  OPTIONAL { ?scheme skos:prefLabel|rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en") || LANG(?l) = "") }
} GROUP BY ?scheme ORDER BY ?scheme"""
)

KINDS = (
    PREFIXES
    + """SELECT ?class (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class . FILTER(isIRI(?s) && STRSTARTS(STR(?class), "https://w3id.org/apwps/ontology#"))
  OPTIONAL { ?class rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en")) }
} GROUP BY ?class ORDER BY DESC(?n) ?class"""
)

NEWEST = (
    PREFIXES
    + """SELECT ?prefix ?s (SAMPLE(?l) AS ?label) (MAX(STR(?d)) AS ?date) WHERE {
  ?s dcterms:issued|dcterms:created|dcterms:modified ?d .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), STR(?prefix)))
  OPTIONAL { ?s rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en") || LANG(?l) = "") }
} GROUP BY ?prefix ?s ORDER BY DESC(?date) ?s LIMIT 8"""
)

TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@dataclass(frozen=True)
class Item:
    iri: URIRef
    label: str
    count: int = 0
    date: str = ""


@dataclass
class Overview:
    triples: int = 0
    collections: list[Item] = field(default_factory=list)
    schemes: list[Item] = field(default_factory=list)
    kinds: list[Item] = field(default_factory=list)
    newest: list[Item] = field(default_factory=list)


def _rows(store: Store, text: str, prefix: str | None = None) -> list[dict[str, Node]]:
    bindings = {"prefix": Literal(prefix)} if prefix is not None else None
    result = store.query(text, bindings=bindings)
    assert isinstance(result, SelectResult)
    return result.rows


def _int(node: Node | None) -> int:
    return int(str(node)) if node is not None else 0


def overview(store: Store, base_iri: str) -> Overview:
    """The summary the home page shows."""
    id_prefix = base_iri + "id/"
    result = Overview(triples=_int(_rows(store, TRIPLES)[0].get("n")))
    schemes = {
        URIRef(str(row["scheme"])): row
        for row in _rows(store, SCHEMES)
        if isinstance(row["scheme"], URIRef)
    }
    per_collection: Counter[str] = Counter()
    for row in _rows(store, SUBJECTS, id_prefix):
        rest = str(row["s"])[len(id_prefix) :]
        if "/" in rest:
            per_collection[rest.split("/", 1)[0]] += 1
    for name, count in sorted(per_collection.items()):
        iri = URIRef(id_prefix + name)
        if iri in schemes:
            continue
        result.collections.append(Item(iri, name.replace("-", " ").capitalize(), count))
    for iri, row in schemes.items():
        label = str(row.get("label") or Labels({}).pick() or iri.rsplit("/", 1)[-1])
        result.schemes.append(Item(iri, label, _int(row.get("n"))))
    result.schemes.sort(key=lambda item: item.label.lower())
    result.kinds = [
        Item(
            URIRef(str(row["class"])),
            str(row.get("label") or str(row["class"]).rsplit("#", 1)[-1]),
            _int(row.get("n")),
        )
        for row in _rows(store, KINDS)
    ]
    result.newest = [
        Item(
            URIRef(str(row["s"])),
            str(row.get("label") or str(row["s"]).rsplit("/", 1)[-1]),
            0,
            str(row.get("date", "")),
        )
        for row in _rows(store, NEWEST, id_prefix)
    ]
    return result


def resource_iris(store: Store, base_iri: str) -> list[URIRef]:
    """Every typed resource under `<base_iri>id/`, sorted (for the sitemap)."""
    rows = _rows(store, SUBJECTS, base_iri + "id/")
    return sorted(URIRef(str(row["s"])) for row in rows)
