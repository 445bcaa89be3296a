"""Named lists for websites (every resource on a topic, every framework, …) as schema.org `ItemList`
documents in JSON-LD, in a stable order (by name, then IRI) so a page that embeds one does not reshuffle.

Each list is a SELECT run through the `Store` interface with its parameters bound as RDF terms. The
document is written here with a fixed inline context rather than by a general serialiser: rdflib's
JSON-LD output flattens the list items into a `@graph` and mints new blank-node ids on every call, which
is neither stable nor easy for a web page to read. Tests parse the result back as JSON-LD.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Literal, Node, URIRef

from apwps.binding import with_values
from apwps.errors import InputError
from apwps.search import LABEL_PROPERTIES, fold, pick
from apwps.stores.base import SelectResult, Store

PREFIXES = """PREFIX apwps: <https://w3id.org/apwps/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX schema: <https://schema.org/>
"""

# Properties that say what an entry is about: its subjects and the thematic links of the ontology.
TOPIC_PROPERTIES = """VALUES ?about { dcterms:subject apwps:addressesCrime apwps:violenceType
    apwps:genderFactor apwps:affectedGroup apwps:wpsPillar apwps:r2pPillar apwps:preventionStage }"""

# A topic matches its narrower concepts too; a resource is on a topic when it says so itself or when
# its resource-guide entry does.
ON_TOPIC = f"""?concept skos:broader* ?subject .
  {{ {TOPIC_PROPERTIES} ?item ?about ?concept }}
  UNION {{ {TOPIC_PROPERTIES} ?entry ?about ?concept . ?entry foaf:primaryTopic ?item }}"""

DETAILS = """  VALUES ?p { rdfs:label skos:prefLabel foaf:name dcterms:title skos:definition
              dcterms:description schema:url dcterms:issued }
  ?item ?p ?o ."""


@dataclass(frozen=True)
class ListSpec:
    """A named list: which items it holds, and the parameter that narrows it (if any)."""

    name: str
    title: str
    description: str
    members: str  # a graph pattern binding ?item
    topic: bool = True  # accepts `subject`

    def query(self, subject: bool) -> str:
        """The SELECT of items and their details (`?subject` bound, and projected, when given)."""
        topic = f"  {ON_TOPIC}" if subject else ""
        return (
            f"{PREFIXES}SELECT DISTINCT ?item ?p ?o{' ?subject' if subject else ''} WHERE {{\n"
            f"{topic}\n  {{ {self.members} }}\n  FILTER(isIRI(?item))\n{DETAILS}\n}}"
        )


LISTS: dict[str, ListSpec] = {
    spec.name: spec
    for spec in (
        ListSpec(
            "resources",
            "Resources",
            "Publications, frameworks, organisations and other resources of the resource guide; "
            "with `subject`, those on that topic (or a narrower one).",
            "{ ?item a apwps:Resource } UNION { ?guide foaf:primaryTopic ?item }",
        ),
        ListSpec(
            "frameworks",
            "Frameworks",
            "Analytical, normative, legal, policy and measurement frameworks; with `subject`, "
            "those on that topic.",
            "?item a apwps:Framework .",
        ),
        ListSpec(
            "organisations",
            "Organisations",
            "Organisations and networks; with `subject`, those on that topic.",
            "?item a apwps:Organisation .",
        ),
        ListSpec(
            "parallels",
            "Parallels between the WPS Index and atrocity risk indicators",
            "The themes on which WPS Index indicators and atrocity risk indicators run parallel.",
            "?item a apwps:Parallel .",
            topic=False,
        ),
    )
}

CONTEXT: dict[str, Any] = {
    "@vocab": "https://schema.org/",
    "about": {"@type": "@id"},
    "url": {"@type": "@id"},
    "mainEntityOfPage": {"@type": "@id"},
    "itemListOrder": {"@type": "@id"},
}


@dataclass
class _Item:
    iri: str
    labels: dict[str, str]
    descriptions: dict[str, str]
    url: str = ""
    issued: str = ""


def get_spec(name: str) -> ListSpec:
    """The list called `name`, or an error naming the lists there are."""
    if name not in LISTS:
        raise InputError(f"no list {name!r}; lists: {', '.join(sorted(LISTS))}", source="name")
    return LISTS[name]


def read_items(
    store: Store, spec: ListSpec, subject: str | None, langs: Sequence[str]
) -> list[_Item]:
    """The items of a list, ordered by their name in the reader's language, then by IRI."""
    if subject and not spec.topic:
        raise InputError(f"list {spec.name!r} takes no 'subject'", source="subject")
    bindings: Mapping[str, Node] = {"subject": URIRef(subject)} if subject else {}
    # The topic travels as a VALUES block (escaped by `with_values`) so the engine starts from it:
    # Oxigraph applies `substitutions` only after evaluating the pattern, 50 times slower here.
    result = store.query(with_values(spec.query(bool(subject)), bindings))
    assert isinstance(result, SelectResult)
    items: dict[str, _Item] = {}
    priorities: dict[tuple[str, str], int] = defaultdict(lambda: 99)
    for row in result.rows:
        iri, prop, value = str(row["item"]), row.get("p"), row.get("o")
        item = items.setdefault(iri, _Item(iri, {}, {}))
        if isinstance(value, Literal):
            lang = value.language or ""
            text = " ".join(str(value).split())
            if prop in LABEL_PROPERTIES:
                priority = LABEL_PROPERTIES[prop]  # type: ignore[index]
                if (priority, text) < (priorities[(iri, lang)], item.labels.get(lang, "")):
                    item.labels[lang], priorities[(iri, lang)] = text, priority
            elif prop in (SKOS.definition, DCTERMS.description):
                if prop == SKOS.definition or lang not in item.descriptions:
                    item.descriptions[lang] = text
            elif prop == DCTERMS.issued:
                item.issued = text
        elif isinstance(value, URIRef) and not item.url:
            item.url = str(value)

    def key(item: _Item) -> tuple[str, str]:
        name = pick(item.labels, langs)[0] if item.labels else ""
        return fold(name), item.iri

    return sorted(items.values(), key=key)


def item_list(
    store: Store,
    name: str,
    *,
    list_url: str,
    page_url: Callable[[str], str],
    subject: str | None = None,
    langs: Sequence[str] = (),
) -> dict[str, Any]:
    """The list `name` as a JSON-LD `ItemList` document; texts in the first of `langs` available."""
    spec = get_spec(name)
    items = read_items(store, spec, subject, langs)
    elements = []
    for position, item in enumerate(items, start=1):
        thing: dict[str, Any] = {"@id": item.iri}
        if item.labels:
            thing["name"] = pick(item.labels, langs)[0]
        if item.descriptions:
            thing["description"] = pick(item.descriptions, langs)[0]
        if item.url:
            thing["url"] = item.url
        if item.issued:
            thing["datePublished"] = item.issued
        thing["mainEntityOfPage"] = page_url(item.iri)
        elements.append({"@type": "ListItem", "position": position, "item": thing})
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": list_url,
        "@type": "ItemList",
        "name": spec.title,
        "description": spec.description,
        "itemListOrder": "https://schema.org/ItemListOrderAscending",
        "numberOfItems": len(elements),
    }
    if subject:
        document["about"] = subject
    document["itemListElement"] = elements
    return document
