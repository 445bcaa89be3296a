"""A card: the few facts a website shows about one resource (name, what it is, a line of description,
who published it and when, its own web page), read through the `Store` interface with the IRI bound.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib.namespace import DCTERMS, FOAF, SKOS
from rdflib.term import Literal, URIRef

from apwps.search import LABEL_PROPERTIES, kind_of, pick
from apwps.stores.base import SelectResult, Store

SCHEMA_URL = URIRef("https://schema.org/url")

CARD = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?this ?p ?o ?name WHERE {
  VALUES ?p { rdfs:label skos:prefLabel foaf:name dcterms:title skos:altLabel skos:definition
              dcterms:description schema:url foaf:homepage dcterms:issued dcterms:publisher }
  ?this ?p ?o .
  OPTIONAL { FILTER(isIRI(?o)) { ?o skos:prefLabel ?name } UNION { ?o rdfs:label ?name }
             UNION { ?o foaf:name ?name } }
}"""

EXISTS = "SELECT ?this WHERE { { ?this ?p ?o } UNION { ?s ?p ?this } } LIMIT 1"

DESCRIPTION_LIMIT = 280


def shorten(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """At most `limit` characters, cut at a word and marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


@dataclass
class Card:
    iri: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    alt_labels: list[str] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)
    url: str = ""
    issued: str = ""
    publishers: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))

    def label(self, langs: Sequence[str] = ()) -> str:
        return pick(self.labels, langs)[0] if self.labels else self.iri.rsplit("/", 1)[-1]

    def language(self, langs: Sequence[str] = ()) -> str:
        return pick(self.labels, langs)[1] if self.labels else ""

    def description(self, langs: Sequence[str] = ()) -> str:
        return shorten(pick(self.descriptions, langs)[0]) if self.descriptions else ""

    def publisher_names(self, langs: Sequence[str] = ()) -> list[str]:
        return sorted(
            pick(names, langs)[0] if names else iri.rsplit("/", 1)[-1]
            for iri, names in self.publishers.items()
        )

    def as_json(self, langs: Sequence[str] = ()) -> dict[str, object]:
        """The card as plain JSON for scripts (texts in the reader's language)."""
        return {
            "iri": self.iri,
            "label": self.label(langs),
            "lang": self.language(langs),
            "kind": self.kind,
            "description": self.description(langs),
            "alt_labels": self.alt_labels,
            "publishers": self.publisher_names(langs),
            "issued": self.issued,
            "url": self.url,
        }


def read_card(store: Store, iri: str, base_iri: str) -> Card | None:
    """The card of `iri`, or None when the graph says nothing of it."""
    this = URIRef(iri)
    result = store.query(CARD, bindings={"this": this})
    assert isinstance(result, SelectResult)
    if not result.rows:
        exists = store.query(EXISTS, bindings={"this": this})
        assert isinstance(exists, SelectResult)
        if not exists.rows:
            return None
    card = Card(iri, kind_of(iri, base_iri))
    priorities: dict[str, int] = {}
    for row in result.rows:
        prop, value, name = row.get("p"), row.get("o"), row.get("name")
        if isinstance(value, Literal):
            text, lang = " ".join(str(value).split()), value.language or ""
            if prop == SKOS.altLabel:
                if text not in card.alt_labels:
                    card.alt_labels.append(text)
            elif prop in LABEL_PROPERTIES:
                priority = LABEL_PROPERTIES[prop]  # type: ignore[index]
                if lang not in priorities or (priority, text) < (
                    priorities[lang],
                    card.labels[lang],
                ):
                    card.labels[lang], priorities[lang] = text, priority
            elif prop in (SKOS.definition, DCTERMS.description):
                if prop == SKOS.definition or lang not in card.descriptions:
                    card.descriptions[lang] = text
            elif prop == DCTERMS.issued:
                card.issued = text
        elif isinstance(value, URIRef):
            if prop in (SCHEMA_URL, FOAF.homepage) and not card.url:
                card.url = str(value)
            elif prop == DCTERMS.publisher:
                names = card.publishers[str(value)]
                if isinstance(name, Literal):
                    names.setdefault(name.language or "", str(name))
    card.alt_labels.sort()
    if not card.labels and card.alt_labels:
        card.labels[""] = card.alt_labels[0]
    return card
