"""Quads as SPARQL 1.1 Update requests that every engine we publish to accepts, blank nodes kept.

A request's blank nodes are new nodes on the engine, so every quad that mentions a blank node, in
whatever graph, is sent in one operation with all the others that share its blank nodes, as
`INSERT { … } WHERE { … }` (Virtuoso refuses blank nodes in `INSERT DATA`). A blank node shared
between graphs then stays one node in all of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

import pyoxigraph as ox

# Virtuoso 7.2's parser gives up at about 5,000 triples in one GRAPH block of an update, and its
# compiler at about 1,500 triples in one INSERT template.
BLOCK_TRIPLES = 2_000
TEMPLATE_TRIPLES = 500
XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
T = TypeVar("T")

# Where a graph's triples are written: a graph IRI, or None for the engine's default graph.
Target = Callable[[str | None], str | None]


def has_blank(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def graph_name(quad: ox.Quad) -> str | None:
    """The quad's graph IRI (None: the default graph)."""
    name = quad.graph_name
    return name.value if isinstance(name, ox.NamedNode) else None


def by_graph(quads: Iterable[ox.Quad]) -> dict[str | None, list[ox.Triple]]:
    grouped: dict[str | None, list[ox.Triple]] = defaultdict(list)
    for quad in quads:
        grouped[graph_name(quad)].append(quad.triple)
    return grouped


def _wrap(target: str | None, body: str) -> str:
    return body if target is None else f"GRAPH <{target}> {{\n{body}}}\n"


def insert_data(triples: dict[str | None, list[ox.Triple]], target: Target) -> str:
    """`INSERT DATA` of triples without blank nodes, at most BLOCK_TRIPLES to a GRAPH block, in
    N-Triples (which SPARQL reads)."""
    parts = []
    for graph, members in triples.items():
        for start in range(0, len(members), BLOCK_TRIPLES):
            chunk = members[start : start + BLOCK_TRIPLES]
            body = (ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
            parts.append(_wrap(target(graph), body))
    return "INSERT DATA {\n" + "".join(parts) + "}"


def insert_template(quads: list[ox.Quad], target: Target, anchor: ox.Quad | None = None) -> str:
    """One `INSERT { … } WHERE { … }` of quads with blank nodes (one solution, so each blank node
    label is one new node), shaped around two defects of Virtuoso 7.2: its templates merge typed
    literals of equal value (a gYear and a gYearMonth of the same year), so typed literals are
    bound in WHERE with STRDT; and it cannot compile a template in several graphs whose every
    triple holds a blank node ("string_output_string needs a string output"), which `anchor`, a
    quad already written, inserted again (which changes nothing), avoids."""
    binds: list[str] = []

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
        if isinstance(node, ox.Literal) and node.language is None and node.datatype != XSD_STRING:
            binds.append(
                f"BIND(STRDT({ox.Literal(node.value)}, {node.datatype}) AS ?l{len(binds)})"
            )
            return f"?l{len(binds) - 1}"
        return str(node)

    blocks = []
    for graph, triples in by_graph([anchor, *quads] if anchor else quads).items():
        body = "".join(f"{term(t.subject)} {t.predicate} {term(t.object)} .\n" for t in triples)
        blocks.append(_wrap(target(graph), body))
    return "INSERT {\n" + "".join(blocks) + "} WHERE {\n" + "\n".join(binds) + "\n}"


def blank_components(quads: Iterable[ox.Quad]) -> list[list[ox.Quad]]:
    """The quads grouped so that quads sharing a blank node (directly or through others) are in
    one group, in the order the groups first appear."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def find(node: ox.BlankNode) -> ox.BlankNode:
        root = parent.setdefault(node, node)
        while root != parent[root]:
            root = parent[root]
        while node != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    listed = list(quads)
    for quad in listed:
        nodes = [t for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)]
        for other in nodes[1:]:
            parent[find(other)] = find(nodes[0])
    groups: dict[ox.BlankNode, list[ox.Quad]] = {}
    for quad in listed:
        node = quad.subject if isinstance(quad.subject, ox.BlankNode) else quad.object
        assert isinstance(node, ox.BlankNode)
        groups.setdefault(find(node), []).append(quad)
    return list(groups.values())


def packed(groups: Iterable[list[T]], limit: int) -> Iterator[list[list[T]]]:
    """Groups gathered into batches of at most `limit` items in all (a larger group goes alone)."""
    batch: list[list[T]] = []
    size = 0
    for group in groups:
        if batch and size + len(group) > limit:
            yield batch
            batch, size = [], 0
        batch.append(group)
        size += len(group)
    if batch:
        yield batch


def sized(graphs: dict[str, int], limit: int) -> Iterator[list[str]]:
    """Graph names in batches whose triples add up to at most `limit` (a larger graph alone)."""
    batch: list[str] = []
    total = 0
    for graph in sorted(graphs):
        if batch and total + graphs[graph] > limit:
            yield batch
            batch, total = [], 0
        batch.append(graph)
        total += graphs[graph]
    if batch:
        yield batch
