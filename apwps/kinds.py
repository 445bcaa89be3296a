"""The kinds of entry and their fields, read from the shapes (never from a list kept in code).

A kind is a class some node shape targets (`sh:targetClass`); its fields are the property shapes of
every node shape that targets the class or one of its superclasses, each with its `sh:name`,
`sh:description`, counts and severity. `apwps new`, the tabular mapping and the validation page's
form are all built from these, so a new shape is a new kind everywhere at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
LINK_KINDS = {SH.IRI, SH.BlankNodeOrIRI}


def kebab(name: str) -> str:
    """`AnalyticalFramework` → `analytical-framework`, `UNBody` → `un-body`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", name)
    return re.sub(r"[^a-z0-9]+", "-", spaced.lower()).strip("-")


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


@dataclass(frozen=True)
class Field:
    """One property shape, in the words of the shapes."""

    name: str
    path: str
    description: str | None
    min_count: int
    max_count: int | None
    severity: str
    datatypes: tuple[str, ...]
    class_: str | None
    node_kind: str | None
    allowed: tuple[Node, ...]
    pattern: str | None
    message: str | None
    order: float
    shape: str

    @property
    def requirement(self) -> str:
        """`required` (a missing value is a violation), `recommended` (a warning) or `optional`."""
        if self.min_count > 0:
            return "required" if self.severity == "Violation" else "recommended"
        return "optional"

    @property
    def is_link(self) -> bool:
        """True when the value is a link to a resource rather than text or a number."""
        if self.class_ is not None or self.node_kind in {str(k) for k in LINK_KINDS}:
            return True
        return bool(self.allowed) and all(not isinstance(v, rdflib.Literal) for v in self.allowed)

    @property
    def is_language_text(self) -> bool:
        return str(RDF.langString) in self.datatypes or (
            not self.datatypes and not self.is_link and self.node_kind != str(SH.IRI)
        )


@dataclass(frozen=True)
class Kind:
    """A kind of entry: the class a node shape targets and the fields that apply to it."""

    name: str
    target_class: str
    label: str
    description: str | None
    shapes: tuple[str, ...]
    fields: tuple[Field, ...]
    subclasses: tuple[str, ...] = ()

    def field(self, name: str) -> Field | None:
        """The field called `name` (its sh:name, case-insensitively), or with that property IRI."""
        wanted = name.strip().lower()
        for field in self.fields:
            if field.name.lower() == wanted or field.path == name:
                return field
        return None


def _text(graph: rdflib.Graph, node: Node, prop: Node) -> str | None:
    values = [v for v in graph.objects(node, prop) if isinstance(v, rdflib.Literal)]
    for value in values:
        if value.language in (None, "en"):
            return str(value)
    return str(values[0]) if values else None


def _int(graph: rdflib.Graph, node: Node, prop: Node) -> int | None:
    value = graph.value(node, prop)
    try:
        return int(value) if isinstance(value, rdflib.Literal) else None
    except ValueError:
        return None


def _alternatives(graph: rdflib.Graph, shape: Node) -> Iterator[Node]:
    """The shape itself and the members of its sh:or / sh:xone lists (datatype alternatives)."""
    yield shape
    for prop in (SH["or"], SH.xone):
        for head in graph.objects(shape, prop):
            yield from Collection(graph, head)


def read_field(graph: rdflib.Graph, shape: Node) -> Field | None:
    """A property shape as a Field; None for shapes with a complex path (inverse, sequence)."""
    path = graph.value(shape, SH.path)
    alternatives = graph.value(path, SH.alternativePath) if path is not None else None
    if alternatives is not None:  # (rdfs:label skos:prefLabel): the first is the one to write
        path = next(iter(Collection(graph, alternatives)), None)
    if not isinstance(path, rdflib.URIRef):
        return None
    datatypes: list[str] = []
    classes: list[str] = []
    for alt in _alternatives(graph, shape):
        datatypes += [str(d) for d in graph.objects(alt, SH.datatype)]
        classes += [str(c) for c in graph.objects(alt, SH["class"])]
    allowed: tuple[Node, ...] = ()
    in_list = graph.value(shape, SH["in"])
    if in_list is not None:
        allowed = tuple(Collection(graph, in_list))
    node_kind = graph.value(shape, SH.nodeKind)
    order = graph.value(shape, SH.order)
    severity_node = graph.value(shape, SH.severity)
    severity = (
        SEVERITY_NAMES.get(severity_node, "Violation")
        if isinstance(severity_node, rdflib.URIRef)
        else "Violation"
    )
    pattern = graph.value(shape, SH.pattern)
    try:
        order_value = float(order) if isinstance(order, rdflib.Literal) else 1000.0
    except ValueError:
        order_value = 1000.0
    return Field(
        name=_text(graph, shape, SH.name) or graph.namespace_manager.normalizeUri(path),
        path=str(path),
        description=_text(graph, shape, SH.description),
        min_count=_int(graph, shape, SH.minCount) or 0,
        max_count=_int(graph, shape, SH.maxCount),
        severity=severity,
        datatypes=tuple(dict.fromkeys(datatypes)),
        class_=classes[0] if classes else None,
        node_kind=str(node_kind) if node_kind is not None else None,
        allowed=allowed,
        pattern=str(pattern) if pattern is not None else None,
        message=_text(graph, shape, SH.message),
        order=order_value,
        shape=str(shape),
    )


def merge_fields(first: Field, second: Field) -> Field:
    """One field from two property shapes with the same name (e.g. "Label" required, and "Label"
    is text): the stricter counts, every datatype, the first description, class and value list."""
    requiring = first if first.min_count >= second.min_count else second
    max_counts = [c for c in (first.max_count, second.max_count) if c is not None]
    return Field(
        name=first.name,
        path=first.path,
        description=(requiring.description if requiring.min_count else None)
        or first.description
        or second.description,
        min_count=requiring.min_count,
        max_count=min(max_counts) if max_counts else None,
        severity=requiring.severity if requiring.min_count else first.severity,
        datatypes=tuple(dict.fromkeys(first.datatypes + second.datatypes)),
        class_=first.class_ or second.class_,
        node_kind=first.node_kind or second.node_kind,
        allowed=first.allowed or second.allowed,
        pattern=first.pattern or second.pattern,
        message=requiring.message or first.message,
        order=min(first.order, second.order),
        shape=requiring.shape,
    )


def _property_shapes(graph: rdflib.Graph, node_shape: Node, seen: set[Node]) -> Iterator[Node]:
    """Property shapes of a node shape, following sh:node and sh:and to the shapes they include."""
    if node_shape in seen:
        return
    seen.add(node_shape)
    yield from graph.objects(node_shape, SH.property)
    for included in graph.objects(node_shape, SH.node):
        yield from _property_shapes(graph, included, seen)
    for head in graph.objects(node_shape, SH["and"]):
        for member in Collection(graph, head):
            yield from _property_shapes(graph, member, seen)


def superclasses(schema: rdflib.Graph, cls: rdflib.URIRef) -> list[rdflib.URIRef]:
    """The class and its superclasses, nearest first."""
    order: list[rdflib.URIRef] = [cls]
    for current in order:
        for parent in schema.objects(current, RDFS.subClassOf):
            if isinstance(parent, rdflib.URIRef) and parent not in order:
                order.append(parent)
    return order


def _subclasses(schema: rdflib.Graph, cls: rdflib.URIRef) -> list[str]:
    """Every class below `cls` (for the template's "or a more specific kind" hint)."""
    found: list[rdflib.URIRef] = []
    queue = [cls]
    while queue:
        for child in schema.subjects(RDFS.subClassOf, queue.pop()):
            if isinstance(child, rdflib.URIRef) and child != cls and child not in found:
                found.append(child)
                queue.append(child)
    return sorted(str(c) for c in found)


def read_kinds(shapes: rdflib.Graph, schema: rdflib.Graph | None = None) -> list[Kind]:
    """Every kind the shapes define, sorted by name. `schema` (the ontology) gives the class
    hierarchy: a kind also gets the fields of shapes that target its superclasses."""
    schema = schema if schema is not None else rdflib.Graph()
    by_class: dict[rdflib.URIRef, list[Node]] = {}
    for shape, cls in shapes.subject_objects(SH.targetClass):
        if isinstance(cls, rdflib.URIRef):
            by_class.setdefault(cls, []).append(shape)
    # property shapes of their own that constrain a property wherever it is used
    # (`sh:targetSubjectsOf P` with `sh:path P`) apply to that field of every kind
    standalone: dict[str, list[Field]] = {}
    for shape, prop in shapes.subject_objects(SH.targetSubjectsOf):
        if shapes.value(shape, SH.path) == prop:
            field = read_field(shapes, shape)
            if field is not None:
                standalone.setdefault(str(prop), []).append(field)
    kinds: list[Kind] = []
    for cls in by_class:
        fields: dict[str, Field] = {}
        shape_names: list[str] = []
        for ancestor in superclasses(schema, cls):
            for node_shape in sorted(by_class.get(ancestor, []), key=str):
                shape_names.append(str(node_shape))
                for prop_shape in _property_shapes(shapes, node_shape, set()):
                    field = read_field(shapes, prop_shape)
                    if field is None:
                        continue
                    key = field.name.lower()
                    fields[key] = merge_fields(fields[key], field) if key in fields else field
        for key, field in list(fields.items()):
            for extra in standalone.get(field.path, []):
                field = merge_fields(field, extra)
            fields[key] = field
        # the kind's own shape (one that targets this class alone) names and describes it best
        own = [
            sh
            for sh in sorted(by_class[cls], key=str)
            if len(list(shapes.objects(sh, SH.targetClass))) == 1
        ]
        main = own[0] if own else None
        label = (
            (_text(shapes, main, SH.name) if main is not None else None)
            or _text(schema, cls, RDFS.label)
            or local_name(cls)
        )
        kinds.append(
            Kind(
                name=kebab(local_name(cls)),
                target_class=str(cls),
                label=label[:1].upper() + label[1:],
                description=(_text(shapes, main, SH.description) if main is not None else None)
                or _text(
                    schema, cls, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#definition")
                ),
                shapes=tuple(shape_names),
                fields=tuple(sorted(fields.values(), key=lambda f: (f.order, f.name))),
                subclasses=tuple(_subclasses(schema, cls)),
            )
        )
    return sorted(kinds, key=lambda k: k.name)


def find_kind(kinds: Iterable[Kind], name: str) -> Kind | None:
    """A kind by its name, its class's local name or its class IRI (case-insensitive)."""
    wanted = name.strip()
    for kind in kinds:
        if wanted.lower() in {kind.name, local_name(kind.target_class).lower()} or (
            wanted == kind.target_class
        ):
            return kind
    return None
