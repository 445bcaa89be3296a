"""Which shapes target which nodes of an entry, answered by the engine for those nodes alone.

pySHACL finds a shape's focus nodes by evaluating its targets over the whole data graph, and only then
keeps the focus nodes it was asked about. For `sh:targetSubjectsOf` that is a scan, and for SPARQL
targets (`sh:target [ a sh:SPARQLTarget ]`, used by the whole-graph rules) it is a query over every
triple: on the curated graph (45k triples) one focused validation took 60 s with rdflib's SPARQL
engine and 0.7 s with pySHACL's Oxigraph data graph (bench/validate/README.md). Here each target is
asked about the entry's nodes only, on Oxigraph (`$this` bound), in milliseconds. pySHACL then
validates with a copy of the shapes whose targets were taken out, given `sh:targetNode` for exactly
the nodes each shape targets: its own machinery, constraints and messages do the rest. (Its
`use_shapes` option would skip targets too, but it drops the named property shapes a node shape
refers to.)

A target this cannot plan for (a custom SPARQL target type) makes `read_plan` return None, and the
caller lets pySHACL find the targets itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

_TARGET_PREDICATES = (
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
)


@dataclass
class TargetedShape:
    """A shape with its targets, as the engine will ask about them."""

    shape: Node
    classes: set[str] = field(default_factory=set)
    nodes: set[str] = field(default_factory=set)
    subjects_of: set[str] = field(default_factory=set)
    objects_of: set[str] = field(default_factory=set)
    queries: list[str] = field(default_factory=list)


@dataclass
class TargetPlan:
    """Every shape that has targets, and the shapes graph without them (`targetless`), to which
    `sh:targetNode` triples are added for one validation (under the caller's lock)."""

    shapes: list[TargetedShape]
    targetless: rdflib.Graph


def _prefixes(shapes: rdflib.Graph, target: Node) -> str:
    """PREFIX lines for a SPARQL target, from its sh:prefixes declarations."""
    lines = []
    for owner in shapes.objects(target, SH.prefixes):
        for declaration in shapes.objects(owner, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(lines)


def read_plan(shapes: rdflib.Graph) -> TargetPlan | None:
    """The targets of every shape, or None when some target is beyond this planner."""
    targeted: dict[Node, TargetedShape] = {}
    subjects: set[Node] = set()
    for predicate in _TARGET_PREDICATES:
        subjects.update(shapes.subjects(predicate, None))
    implicit: set[Node] = set()
    for shape_type in (SH.NodeShape, SH.PropertyShape):
        for shape in shapes.subjects(RDF.type, shape_type):
            if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
                implicit.add(shape)  # a shape that is also a class targets its instances
    for shape in subjects | implicit:
        if (shape, SH.deactivated, rdflib.Literal(True)) in shapes:
            continue
        entry = targeted.setdefault(shape, TargetedShape(shape))
        entry.classes.update(str(c) for c in shapes.objects(shape, SH.targetClass))
        if shape in implicit:
            entry.classes.add(str(shape))
        entry.nodes.update(str(n) for n in shapes.objects(shape, SH.targetNode))
        entry.subjects_of.update(str(p) for p in shapes.objects(shape, SH.targetSubjectsOf))
        entry.objects_of.update(str(p) for p in shapes.objects(shape, SH.targetObjectsOf))
        for target in shapes.objects(shape, SH.target):
            select = shapes.value(target, SH.select)
            if select is None or (target, RDF.type, SH.SPARQLTarget) not in shapes:
                return None  # a custom target type: leave it to pySHACL
            entry.queries.append(f"{_prefixes(shapes, target)}\n{select}")
    targetless = rdflib.Graph()
    for prefix, namespace in shapes.namespaces():
        targetless.bind(prefix, namespace)
    for s, p, o in shapes:
        if p in _TARGET_PREDICATES and s in targeted:
            continue
        if p == RDF.type and s in implicit and o in (RDFS.Class, OWL.Class):
            continue
        targetless.add((s, p, o))
    for shape in targeted:  # a shape known only by its targets must stay a shape without them
        if not any(True for _ in shapes.objects(shape, RDF.type)):
            kind = SH.PropertyShape if (shape, SH.path, None) in shapes else SH.NodeShape
            targetless.add((shape, RDF.type, kind))
    return TargetPlan(sorted(targeted.values(), key=lambda t: str(t.shape)), targetless)


@contextlib.contextmanager
def targeting(plan: TargetPlan, targets: dict[rdflib.URIRef, list[Node]]) -> Iterator[rdflib.Graph]:
    """The targetless shapes graph with `shape sh:targetNode node` for each planned pair."""
    added = [(shape, SH.targetNode, node) for node, shapes in targets.items() for shape in shapes]
    for triple in added:
        plan.targetless.add(triple)
    try:
        yield plan.targetless
    finally:
        for triple in added:
            plan.targetless.remove(triple)


def select(store: ox.Store, query: str, bindings: dict[str, Any]) -> ox.QuerySolutions:
    """A SELECT over the union of all graphs, with variables bound to terms (never pasted in)."""
    substitutions: dict[ox.Variable, Any] = {ox.Variable(k): v for k, v in bindings.items()}
    solutions = store.query(query, use_default_graph_as_union=True, substitutions=substitutions)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError(f"expected a SELECT query, found {query[:60]!r}")
    return solutions


def _values(store: ox.Store, query: str, node: ox.NamedNode) -> set[str]:
    return {row[0].value for row in select(store, query, {"this": node})}


def shapes_for(
    plan: TargetPlan, store: ox.Store, nodes: Iterable[rdflib.URIRef]
) -> dict[rdflib.URIRef, list[Node]]:
    """For each node, the shapes that target it (in a stable order). `store` must hold the entry."""
    result: dict[rdflib.URIRef, list[Node]] = {}
    for node in nodes:
        this = ox.NamedNode(str(node))
        classes = _values(
            store,
            f"SELECT DISTINCT ?c ?this WHERE {{ ?this a/<{RDFS.subClassOf}>* ?c }}",
            this,
        )
        outgoing = _values(store, "SELECT DISTINCT ?p ?this WHERE { ?this ?p ?o }", this)
        incoming = _values(store, "SELECT DISTINCT ?p ?this WHERE { ?s ?p ?this }", this)
        chosen: list[Node] = []
        for shape in plan.shapes:
            if (
                shape.classes & classes
                or str(node) in shape.nodes
                or shape.subjects_of & outgoing
                or shape.objects_of & incoming
                or any(_asks(store, query, this) for query in shape.queries)
            ):
                chosen.append(shape.shape)
        result[node] = chosen
    return result


def _asks(store: ox.Store, query: str, node: ox.NamedNode) -> bool:
    return any(True for _ in select(store, query, {"this": node}))
