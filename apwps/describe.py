"""Describing one resource: the triples about an IRI (its document), the labels of everything it links
to, the links that point at it, which statements were inferred, and its place in a concept scheme.

Every answer comes from SPARQL run through the `Store` interface (the IRI is bound, never pasted), so
the embedded and the remote store describe a resource alike. The result is language-neutral: pages
pick the label in the reader's language when they render it.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import BNode, Literal, Node, URIRef

from apwps.binding import values_list
from apwps.formats import Format
from apwps.load import INFERRED_GRAPH
from apwps.memo import per_store
from apwps.results import write
from apwps.stores.base import GraphResult, Head, SelectResult, Store
from apwps.terms import from_rdflib

APWPS = rdflib.Namespace("https://w3id.org/apwps/ontology#")
BIBO = rdflib.Namespace("http://purl.org/ontology/bibo/")
CITO = rdflib.Namespace("http://purl.org/spar/cito/")
SCHEMA = rdflib.Namespace("https://schema.org/")

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""

# What an IRI says, with its blank nodes two levels deep (an author list, a dated count). The IRI is
# bound in every branch, so the engine reads this resource's statements only.
DOCUMENT = (
    PREFIXES
    + """CONSTRUCT { ?this ?p ?o . ?b ?bp ?bo . ?c ?cp ?co }
WHERE {
  { ?this ?p ?o }
  UNION { ?this ?p1 ?b . FILTER(isBlank(?b)) ?b ?bp ?bo }
  UNION { ?this ?p2 ?b2 . FILTER(isBlank(?b2)) ?b2 ?p3 ?c . FILTER(isBlank(?c)) ?c ?cp ?co }
}"""
)

# The links into the IRI, each marked when the build inferred it. A concept that every entry uses has
# as many links as the graph has entries, so callers add a LIMIT: the engine then stops reading.
# (The bound variables are projected: the embedded engine binds only what a SELECT projects.)
INCOMING = """SELECT ?this ?inferred ?s ?p ?derived WHERE {
  ?s ?p ?this
  FILTER(isIRI(?s))
  BIND(EXISTS { GRAPH ?inferred { ?s ?p ?this } } AS ?derived)
}"""

# How many links of each property point at the IRI, and how many of them the build inferred (asked
# only when INCOMING was cut; counting in the engine sends nothing but the numbers).
INCOMING_COUNTS = """SELECT ?this ?inferred ?p (COUNT(?s) AS ?all) (COUNT(?t) AS ?derived) WHERE {
  { ?s ?p ?this FILTER(isIRI(?s) && ?s != ?this) }
  UNION { GRAPH ?inferred { ?t ?p ?this FILTER(isIRI(?t) && ?t != ?this) } }
} GROUP BY ?this ?inferred ?p"""

# Statements about the IRI that the build inferred (kept in their own named graph).
INFERRED = "CONSTRUCT { ?this ?p ?o } WHERE { GRAPH ?inferred { ?this ?p ?o } }"

# Labels and notations of the terms a description mentions (their IRIs are listed in VALUES: the
# engine looks each one up, whatever the size of the graph).
LABELS = (
    PREFIXES
    + """SELECT ?x ?lp ?l WHERE {
  VALUES ?x { %s }
  { ?x rdfs:label ?l BIND(rdfs:label AS ?lp) } UNION { ?x skos:prefLabel ?l BIND(skos:prefLabel AS ?lp) }
  UNION { ?x skos:notation ?l BIND(skos:notation AS ?lp) }
}"""
)
LABELS_PER_QUERY = 500
# The most links into one resource that a description holds, unless the caller says otherwise.
MAX_INCOMING = 1000

BROADER_CHAIN = (
    PREFIXES + "SELECT DISTINCT ?this ?a ?b WHERE { ?this skos:broader* ?a . ?a skos:broader ?b }"
)

SCHEME_MEMBERS = (
    PREFIXES
    + """SELECT DISTINCT ?this ?c ?broader WHERE {
  { ?c skos:inScheme ?this } UNION { ?this skos:hasTopConcept ?c } UNION { ?c skos:topConceptOf ?this }
  OPTIONAL { ?c skos:broader ?broader . FILTER EXISTS { ?broader skos:inScheme ?this } }
}"""
)

INVERSES = (
    PREFIXES
    + """SELECT DISTINCT ?p ?q WHERE {
  { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } UNION { ?p a owl:SymmetricProperty BIND(?p AS ?q) }
  FILTER(isIRI(?p) && isIRI(?q))
}"""
)

# The order properties are shown in; the rest follow alphabetically by label, then these last.
FIRST: tuple[URIRef, ...] = (
    RDF.type,
    RDFS.label,
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.notation,
    DCTERMS.title,
    SKOS.definition,
    DCTERMS.description,
    DCTERMS.creator,
    BIBO.authorList,
    BIBO.editor,
    BIBO.editorList,
    DCTERMS.publisher,
    DCTERMS.issued,
    DCTERMS.isPartOf,
    DCTERMS.type,
    SCHEMA.url,
    SKOS.inScheme,
    SKOS.topConceptOf,
    SKOS.broader,
    SKOS.narrower,
)
LAST: tuple[URIRef, ...] = (
    SKOS.scopeNote,
    SKOS.editorialNote,
    DCTERMS.source,
    APWPS.verificationStatus,
)
# Links shown in the concept-scheme section rather than among the incoming links.
SCHEME_LINKS: frozenset[URIRef] = frozenset(
    {SKOS.broader, SKOS.narrower, SKOS.inScheme, SKOS.topConceptOf, SKOS.hasTopConcept}
)
# Properties whose values are text in several languages: only the reader's language is shown.
LANGUAGE_TEXT: frozenset[URIRef] = frozenset(
    {
        RDFS.label,
        SKOS.prefLabel,
        SKOS.definition,
        DCTERMS.description,
        DCTERMS.title,
        SKOS.scopeNote,
        RDFS.comment,
    }
)
# How an incoming link reads from the target's side, when the ontology names no inverse.
INCOMING_NAMES: dict[URIRef, str] = {
    CITO.cites: "cited by",
    DCTERMS.isPartOf: "has part",
    DCTERMS.hasPart: "part of",
    APWPS.addressedTo: "addressed by",
    DCTERMS.creator: "creator of",
    DCTERMS.publisher: "publisher of",
    DCTERMS.source: "source of",
    DCTERMS.subject: "subject of",
    DCTERMS.references: "referenced by",
    DCTERMS.spatial: "spatial coverage of",
    DCTERMS.type: "type of",
    SKOS.broader: "narrower",
    SKOS.narrower: "broader",
    SKOS.inScheme: "concepts in this scheme",
    SKOS.topConceptOf: "top concepts",
    APWPS.verificationStatus: "status of",
    BIBO.editor: "editor of",
    RDF.type: "instances",
    RDFS.subClassOf: "subclasses",
    RDFS.seeAlso: "referred to by",
    RDFS.isDefinedBy: "defines",
    APWPS.addressesCrime: "addressed by",
    APWPS.concernsFramework: "concerned by",
    APWPS.preventionStage: "works at this stage",
    APWPS.genderFactor: "concerned with this gender factor",
    APWPS.violenceType: "concerned with this violence",
    APWPS.affectedGroup: "concerned with this group",
    APWPS.wpsPillar: "under this pillar",
    APWPS.r2pPillar: "under this pillar",
    APWPS.country: "concerning this country",
    APWPS.fundedBy: "funded",
    URIRef("http://xmlns.com/foaf/0.1/primaryTopic"): "catalogued by",
}


@dataclass(frozen=True)
class Labels:
    """The labels of one term, by language tag ("" for text without a language)."""

    by_lang: Mapping[str, str]

    def pick(self, langs: Sequence[str] = ()) -> str | None:
        """The label in the first of `langs` that has one, else English, untagged, then any."""
        if not self.by_lang:
            return None
        for lang in (*langs, "en", ""):
            for tag, text in self.by_lang.items():
                if tag == lang or (lang and tag.split("-")[0] == lang.split("-")[0]):
                    return text
        return self.by_lang[sorted(self.by_lang)[0]]


NO_LABELS = Labels({})


def local_name(iri: str) -> str:
    """The last segment of an IRI, split into words (`addressesCrime` → `addresses crime`)."""
    name = re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ")
    return words if words.isupper() else words.lower() if name[:1].islower() else words


def pick_language(literals: Iterable[Literal], langs: Sequence[str]) -> list[Literal]:
    """Of texts given in several languages, those in the reader's best language (plus untagged)."""
    items = list(literals)
    tags = {lit.language or "" for lit in items}
    if len(tags - {""}) <= 1:
        return items
    labels = Labels({tag: tag for tag in tags if tag})
    best = labels.pick(langs)
    return [lit for lit in items if (lit.language or "") in {best, ""}]


@dataclass(frozen=True)
class Value:
    """One value of a statement; blank nodes carry their own statements."""

    term: Node
    inferred: bool = False
    nested: tuple[Statement, ...] = ()


@dataclass(frozen=True)
class Statement:
    """A property with its values (for incoming links: the subjects that point here)."""

    property: URIRef
    values: tuple[Value, ...]
    incoming: bool = False
    total: int = 0  # how many values the graph holds, when more than `values` (a cut list of links)

    def size(self) -> int:
        """How many values there are (more than are held when the list was cut)."""
        return max(self.total, len(self.values))


@dataclass
class Description:
    """Everything a page or a document needs to know about one IRI."""

    iri: URIRef
    graph: rdflib.Graph
    base_iri: str = ""
    labels: dict[Node, Labels] = field(default_factory=dict)
    notations: dict[Node, str] = field(default_factory=dict)
    outgoing: list[Statement] = field(default_factory=list)
    inferred: list[Statement] = field(default_factory=list)
    incoming: list[Statement] = field(default_factory=list)
    broader_chain: list[URIRef] = field(default_factory=list)
    inverse_of: dict[URIRef, URIRef] = field(default_factory=dict)
    label_triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    vocabulary: set[Node] = field(default_factory=set)
    members: list[tuple[URIRef, URIRef | None]] = field(default_factory=list)
    incoming_cut: bool = False  # the graph holds more links into the IRI than were read

    @property
    def exists(self) -> bool:
        """True when the graph says anything of the IRI, as subject or as object."""
        return (self.iri, None, None) in self.graph or (None, None, self.iri) in self.graph

    @property
    def described(self) -> bool:
        """True when the graph has statements about the IRI (not only links to it)."""
        return (self.iri, None, None) in self.graph

    def label(self, term: Node, langs: Sequence[str] = ()) -> str:
        """The reader's label for a term, falling back to its humanised local name."""
        if isinstance(term, Literal):
            return str(term)
        found = self.labels.get(term, NO_LABELS).pick(langs)
        if found:
            return found
        if not isinstance(term, URIRef):
            return "(unnamed)"
        if term in self.vocabulary or (self.base_iri and str(term).startswith(self.base_iri)):
            return local_name(str(term))
        return str(term)

    def languages(self) -> list[str]:
        """Languages this resource's own labels come in (for the language switch)."""
        return sorted(t for t in self.labels.get(self.iri, NO_LABELS).by_lang if t)

    def values(self, prop: URIRef) -> list[Node]:
        return sorted(self.graph.objects(self.iri, prop), key=str)

    def first(self, prop: URIRef, langs: Sequence[str] = ()) -> Node | None:
        found: Sequence[Node] = self.values(prop)
        literals = [v for v in found if isinstance(v, Literal)]
        if found and len(literals) == len(found):
            found = pick_language(literals, langs)
        return found[0] if found else None

    @property
    def types(self) -> list[URIRef]:
        """The types stated in the data (the inferred superclasses are left to the inferred list)."""
        stated = [
            v.term
            for s in self.outgoing
            if s.property == RDF.type
            for v in s.values
            if not v.inferred and isinstance(v.term, URIRef)
        ]
        return stated or [t for t in self.values(RDF.type) if isinstance(t, URIRef)]

    @property
    def all_types(self) -> set[URIRef]:
        return {t for t in self.values(RDF.type) if isinstance(t, URIRef)}

    @property
    def is_scheme(self) -> bool:
        return SKOS.ConceptScheme in self.all_types

    @property
    def schemes(self) -> list[URIRef]:
        found = set(self.values(SKOS.inScheme)) | set(self.values(SKOS.topConceptOf))
        return sorted(s for s in found if isinstance(s, URIRef))

    @property
    def narrower(self) -> list[URIRef]:
        found = set(self.values(SKOS.narrower)) | set(self.graph.subjects(SKOS.broader, self.iri))
        return sorted((n for n in found if isinstance(n, URIRef)), key=self.sort_key)

    def sort_key(self, term: Node) -> tuple[list[tuple[int, str]], str]:
        """Natural order by notation (7.2 before 7.10), then by English label."""
        notation = self.notations.get(term, "")
        parts = [(int(p), "") if p.isdigit() else (0, p) for p in re.split(r"[.\s]", notation) if p]
        return parts, self.label(term).lower()

    def incoming_name(self, statement: Statement, langs: Sequence[str] = ()) -> str:
        """How a link into this resource reads: the ontology's inverse property where it names one,
        else a phrase of our own, else the property's label marked as coming from the other side."""
        inverse = self.inverse_of.get(statement.property)
        if inverse is not None and inverse in self.labels:
            return self.label(inverse, langs)
        return (
            INCOMING_NAMES.get(statement.property)
            or f"{self.label(statement.property, langs)} (from)"
        )


def _select(store: Store, text: str, bindings: Mapping[str, Node]) -> SelectResult:
    result = store.query(text, bindings=bindings)
    assert isinstance(result, SelectResult)
    return result


def _construct(store: Store, text: str, bindings: Mapping[str, Node]) -> rdflib.Graph:
    result = store.query(text, bindings=bindings)
    assert isinstance(result, GraphResult)
    return result.graph


@per_store
def inverses(store: Store) -> dict[URIRef, set[URIRef]]:
    """Each property's inverses (symmetric ones are their own), read once per store."""
    table: dict[URIRef, set[URIRef]] = defaultdict(set)
    for row in _select(store, INVERSES, {}).rows:
        table[row["p"]].add(row["q"])  # type: ignore[index, arg-type]
    return dict(table)


def _statements(
    graph: rdflib.Graph, subject: Node, inferred: rdflib.Graph, depth: int = 0
) -> list[Statement]:
    by_property: dict[URIRef, list[Value]] = defaultdict(list)
    for p, o in graph.predicate_objects(subject):
        nested: tuple[Statement, ...] = ()
        if isinstance(o, BNode) and depth < 2:
            nested = tuple(_statements(graph, o, inferred, depth + 1))
        by_property[p].append(Value(o, (subject, p, o) in inferred, nested))  # type: ignore[index]
    return [
        Statement(p, tuple(sorted(values, key=lambda v: (isinstance(v.term, BNode), str(v.term)))))
        for p, values in by_property.items()
    ]


def order(statements: list[Statement], labels: Mapping[Node, Labels]) -> list[Statement]:
    """FIRST properties in their order, then the others by label, then LAST ones."""

    def key(s: Statement) -> tuple[int, int, str]:
        if s.property in FIRST:
            return 0, FIRST.index(s.property), ""
        if s.property in LAST:
            return 2, LAST.index(s.property), ""
        name = labels.get(s.property, NO_LABELS).pick() or local_name(str(s.property))
        return 1, 0, name.lower()

    return sorted(statements, key=key)


# Prefixes for the readable RDF forms (Turtle, RDF/XML).
DOCUMENT_PREFIXES = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": str(SCHEMA),
    "bibo": str(BIBO),
    "cito": str(CITO),
    "apwps": str(APWPS),
}


def serialize_document(triples: Iterable[tuple[Node, Node, Node]], fmt: Format) -> bytes:
    """Triples written by the engine's own serialisers (the write path of `apwps.results`), with
    readable prefixes where the format has them."""
    written = [ox.Triple(*(from_rdflib(t) for t in triple)) for triple in set(triples)]
    out = io.BytesIO()
    write(Head("triples", (), len(written), False), written, fmt, out, DOCUMENT_PREFIXES)
    return out.getvalue()


def document(description: Description) -> list[tuple[Node, Node, Node]]:
    """The RDF document of a resource: its description plus the labels of what it links to."""
    return [*description.graph, *description.label_triples]


def _labels(store: Store, terms: Iterable[Node]) -> list[tuple[Node, Node, Node]]:
    """(term, label property, label) for each IRI among `terms`, asked in batches of IRIs."""
    iris = sorted({t for t in terms if isinstance(t, URIRef)})
    found: list[tuple[Node, Node, Node]] = []
    for start in range(0, len(iris), LABELS_PER_QUERY):
        batch = values_list(iris[start : start + LABELS_PER_QUERY])
        found += [(r["x"], r["lp"], r["l"]) for r in _select(store, LABELS % batch, {}).rows]
    return found


def _number(row: Mapping[str, Node], name: str) -> int:
    value = row.get(name)
    return int(value) if isinstance(value, Literal) else 0


def _mentioned(graph: rdflib.Graph, this: URIRef) -> set[Node]:
    """What a document mentions besides the IRI: the properties and values of its statements and
    of their blank nodes, and the resources that link to it with their properties."""
    found: set[Node] = set()
    for s, p, o in graph:
        found.add(p)
        found.add(o if s == this or isinstance(s, BNode) else s)
    found.discard(this)
    return found


def _incoming(
    store: Store, bind: Mapping[str, Node], graph: rdflib.Graph, limit: int
) -> tuple[set[tuple[Node, Node]], bool]:
    """Add at most `limit` links into the IRI (from named resources) to `graph`; return the
    inferred ones, and whether the list was cut."""
    this = bind["this"]
    result = store.query(INCOMING + f" LIMIT {limit + 1}", bindings=bind, max_rows=limit)
    assert isinstance(result, SelectResult)
    derived: set[tuple[Node, Node]] = set()
    for row in result.rows:
        s, p = row["s"], row["p"]
        graph.add((s, p, this))
        if str(row.get("derived", "")).lower() in ("true", "1"):
            derived.add((s, p))
    return derived, result.truncated


def describe(
    store: Store, iri: str, base_iri: str, *, page: bool = True, max_incoming: int = MAX_INCOMING
) -> Description:
    """The description of `iri` (empty, with `exists` false, when the graph says nothing of it).

    Every query binds the IRI, and the links into it are read up to `max_incoming`, so the cost
    follows the resource, not the size of the graph. With `page` false only the document and the
    labels are read (enough for the RDF forms and citations); a page also needs the statements
    sorted, the inferred ones apart, the incoming links and the scheme position."""
    this = URIRef(iri)
    bind: dict[str, Node] = {"this": this, "inferred": URIRef(base_iri + INFERRED_GRAPH)}
    graph = _construct(store, DOCUMENT, {"this": this})
    derived, cut = _incoming(store, bind, graph, max_incoming)
    description = Description(this, graph, base_iri, incoming_cut=cut)
    if not description.exists:
        return description
    pairs = [(row["a"], row["b"]) for row in _select(store, BROADER_CHAIN, {"this": this}).rows]
    parents = dict(pairs)
    above: dict[Node, set[Node]] = defaultdict(set)
    for narrower_term, broader_term in pairs:
        above[narrower_term].add(broader_term)
    ancestors: set[Node] = set()
    todo: list[Node] = [this]
    while todo:  # only what lies above this IRI (an engine that drops the binding sends all chains)
        for broader_term in above.get(todo.pop(), ()):
            if broader_term not in ancestors:
                ancestors.add(broader_term)
                todo.append(broader_term)
    labels: dict[Node, dict[str, str]] = defaultdict(dict)
    own = [
        (this, lp, text)
        for lp in (RDFS.label, SKOS.prefLabel, SKOS.notation)
        for text in graph.objects(this, lp)
    ]
    neighbours = _labels(store, _mentioned(graph, this) | ancestors)
    description.label_triples = neighbours
    for x, lp, text in own + neighbours:
        if lp == SKOS.notation:
            description.notations[x] = str(text)
        elif lp in (RDFS.label, SKOS.prefLabel) and isinstance(text, Literal):
            lang = text.language or ""
            if lp == SKOS.prefLabel or lang not in labels[x]:  # prefLabel wins
                labels[x][lang] = str(text)
    description.labels = {k: Labels(v) for k, v in labels.items()}
    description.vocabulary = set(graph.predicates()) | set(graph.objects(None, RDF.type))
    if not page:
        return description

    inferred = _construct(store, INFERRED, bind)
    for s, p in derived:
        inferred.add((s, p, this))
    asserted: list[Statement] = []
    entailed: list[Statement] = []
    for statement in _statements(graph, this, inferred):
        stated = tuple(v for v in statement.values if not v.inferred)
        entail = tuple(v for v in statement.values if v.inferred)
        if stated:
            asserted.append(Statement(statement.property, stated))
        if entail:
            entailed.append(Statement(statement.property, entail))
    description.outgoing = order(asserted, description.labels)
    description.inferred = order(entailed, description.labels)
    shown = {(s.property, v.term) for s in description.outgoing for v in s.values}
    inverse_of = inverses(store)
    incoming: dict[URIRef, list[Value]] = defaultdict(list)
    narrower = set(description.narrower)
    for s, p in graph.subject_predicates(this):
        if s == this or not isinstance(s, URIRef) or not isinstance(p, URIRef):
            continue
        if (s, p) in derived or p in SCHEME_LINKS:
            continue  # inferred links restate asserted ones; scheme links have their own section
        if any((q, s) in shown for q in inverse_of.get(p, ())):
            continue  # already shown as an outgoing (inverse) statement
        if s in narrower:
            continue  # listed in the scheme section
        for q in sorted(inverse_of.get(p, ())):
            if q != p:
                description.inverse_of[p] = q
        incoming[p].append(Value(s))
    totals: dict[Node, int] = {}
    if cut:  # say how many there are
        rows = _select(store, INCOMING_COUNTS, bind).rows
        totals = {row["p"]: _number(row, "all") - _number(row, "derived") for row in rows}
    description.incoming = [
        Statement(
            p,
            tuple(sorted(values, key=lambda v: description.sort_key(v.term))),
            True,
            totals.get(p, 0),
        )
        for p, values in sorted(
            incoming.items(), key=lambda item: description.incoming_name(Statement(item[0], ()))
        )
    ]

    node: Node = this
    while node in parents and parents[node] not in description.broader_chain:
        node = parents[node]
        description.broader_chain.append(node)  # type: ignore[arg-type]
    if description.is_scheme:
        rows = _select(store, SCHEME_MEMBERS, {"this": this}).rows
        members: dict[URIRef, URIRef | None] = {}
        for row in rows:
            concept = row["c"]
            if isinstance(concept, URIRef):
                broader = row.get("broader")
                members[concept] = broader if isinstance(broader, URIRef) else members.get(concept)
        description.members = sorted(members.items(), key=lambda m: description.sort_key(m[0]))
    return description


def subtree(description: Description, parent: URIRef | None) -> list[URIRef]:
    """Members of a scheme directly under `parent` (None: the top), in natural order."""
    return [c for c, b in description.members if b == parent]
