"""The ontology as a document: its triples (all of `ontology/`, or one module), its documentation page
rendered by pyLODE, and an outline of its main classes and their relations for a diagram.

pyLODE runs on a local copy of the graph and fetches nothing. Rendering takes about a second, so
callers render once and keep the result.
"""

from __future__ import annotations

import importlib.metadata
import re
import sys
import types
from collections import defaultdict
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Literal, URIRef

from apwps.load import GRAPH_PATH
from apwps.stores.base import GraphResult, SelectResult, Store

APWPS_NS = "https://w3id.org/apwps/ontology#"

GRAPH_NAMES = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"

ONE_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def ontology_iri(base_iri: str) -> URIRef:
    return URIRef(base_iri + "ontology")


def ontology_graph(store: Store, base_iri: str, module: str = "") -> rdflib.Graph:
    """The triples of every file under `ontology/` (or of `ontology/<module>.ttl` alone)."""
    prefix = f"{base_iri}{GRAPH_PATH}ontology/"
    if module:
        names = [URIRef(prefix + module)]
    else:
        found = store.query(GRAPH_NAMES)
        assert isinstance(found, SelectResult)
        names = sorted(URIRef(str(r["g"])) for r in found.rows if str(r["g"]).startswith(prefix))
    graph = rdflib.Graph()
    graph.bind("apwps", APWPS_NS)
    for name in names:
        result = store.query(ONE_GRAPH, bindings={"g": name})
        assert isinstance(result, GraphResult)
        graph += result.graph
    return graph


def _pylode() -> types.ModuleType:
    """Import pyLODE. Its wheel reads its version from a pyproject.toml it does not ship, so the
    version module is supplied from the installed package's metadata first."""
    if "pylode.version" not in sys.modules:
        version = types.ModuleType("pylode.version")
        version.__version__ = importlib.metadata.version("pylode")  # type: ignore[attr-defined]
        sys.modules["pylode.version"] = version
    import pylode  # type: ignore[import-untyped]

    module: types.ModuleType = pylode
    return module


def _for_pylode(graph: rdflib.Graph, base_iri: str) -> rdflib.Graph:
    """A copy with one ontology header (the umbrella's) and the English text only."""
    umbrella = ontology_iri(base_iri)
    modules = {s for s in graph.subjects(RDF.type, OWL.Ontology) if s != umbrella}
    copy = rdflib.Graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace)
    for s, p, o in graph:
        if s in modules or p == OWL.imports:
            continue
        if isinstance(o, Literal) and o.language not in (None, "en"):
            continue
        copy.add((s, p, o))
    return copy


@dataclass(frozen=True)
class Documentation:
    """pyLODE's page body, to be shown inside the site's own page and style."""

    body: str


def render_documentation(graph: rdflib.Graph, base_iri: str) -> Documentation:
    """The ontology's documentation (classes, properties, definitions, hierarchy, domains, ranges)."""
    pylode = _pylode()
    html: str = pylode.OntPub(ontology=_for_pylode(graph, base_iri)).make_html()
    body_match = re.search(r"<body[^>]*>(.*)</body>", html, flags=re.S)
    body = body_match.group(1) if body_match else html
    body = re.sub(r"<script\b.*?</script>", "", body, flags=re.S)
    return Documentation(_anchor_local_names(body))


_ENTITY = re.compile(
    r'(<div class="[^"]*entity" id="([^"]+)">(?:(?!<div ).)*?<code>'
    + re.escape(APWPS_NS)
    + r"([\w-]+)</code>)",
    flags=re.S,
)


def _anchor_local_names(body: str) -> str:
    """pyLODE names its sections after labels; add an anchor per term's own local name so that the
    hash IRIs (`…/ontology#RiskFactor`) land on the term's section."""

    def anchor(match: re.Match[str]) -> str:
        section, local = match.group(2), match.group(3)
        if section == local:
            return match.group(1)
        return f'<span id="{local}" class="term-anchor"></span>' + match.group(1)

    return _ENTITY.sub(anchor, body)


@dataclass(frozen=True)
class Relation:
    property: URIRef
    label: str
    domain: URIRef
    range: URIRef


@dataclass
class Outline:
    """The ontology's own classes as a tree, with the object properties that link them."""

    roots: list[URIRef] = field(default_factory=list)
    children: dict[URIRef, list[URIRef]] = field(default_factory=dict)
    parent: dict[URIRef, URIRef] = field(default_factory=dict)
    labels: dict[URIRef, str] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)


def _english(graph: rdflib.Graph, node: URIRef) -> str:
    labels = list(graph.objects(node, RDFS.label)) + list(graph.objects(node, SKOS.prefLabel))
    for label in labels:
        if isinstance(label, Literal) and label.language in ("en", None):
            return str(label)
    return str(node).rsplit("#", 1)[-1]


def outline(graph: rdflib.Graph, max_depth: int = 2) -> Outline:
    """Classes of the ontology's namespace down to `max_depth` levels, and the relations between
    them (object properties whose domain and range are both among them)."""
    classes = sorted(
        c
        for c in set(graph.subjects(RDF.type, OWL.Class))
        if isinstance(c, URIRef) and str(c).startswith(APWPS_NS)
    )
    known = set(classes)
    result = Outline()
    for cls in classes:
        result.labels[cls] = _english(graph, cls)
        parents = sorted(
            URIRef(str(p)) for p in graph.objects(cls, RDFS.subClassOf) if p in known and p != cls
        )
        if parents:
            result.parent[cls] = parents[0]
    children: dict[URIRef, list[URIRef]] = defaultdict(list)
    for cls, parent in result.parent.items():
        children[parent].append(cls)

    def depth(cls: URIRef) -> int:
        steps, node = 0, cls
        while node in result.parent and steps < 20:
            node, steps = result.parent[node], steps + 1
        return steps

    kept = {c for c in classes if depth(c) <= max_depth}
    by_label = lambda c: result.labels[c].lower()  # noqa: E731
    result.children = {
        p: sorted((c for c in cs if c in kept), key=by_label)
        for p, cs in children.items()
        if p in kept
    }
    result.parent = {c: p for c, p in result.parent.items() if c in kept}
    result.roots = sorted((c for c in kept if c not in result.parent), key=by_label)
    properties = {p for p in graph.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)}
    for prop in sorted(properties):
        for domain in graph.objects(prop, RDFS.domain):
            for range_ in graph.objects(prop, RDFS.range):
                if domain in kept and range_ in kept:
                    result.relations.append(
                        Relation(prop, _english(graph, prop), domain, range_)  # type: ignore[arg-type]
                    )
    return result
