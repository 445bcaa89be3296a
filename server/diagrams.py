"""Small SVG diagrams drawn on the server (no script, no external library): a resource's neighbourhood
and the ontology's main classes with their relations. Layout only; the facts come from the core."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape
from rdflib.term import URIRef

from apwps.describe import Description
from apwps.ontodoc import Outline

Href = Callable[[str], str]

OUT_COLOUR = "#1f5f99"
IN_COLOUR = "#a34a12"
NODE_FILL = "#f4f7fb"
FONT = "font-family='system-ui, sans-serif'"


@dataclass(frozen=True)
class Edge:
    label: str
    target: URIRef
    target_label: str
    incoming: bool


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _edges(d: Description, langs: Sequence[str], limit: int) -> tuple[list[Edge], int]:
    """Up to `limit` links, taking one per property in turn so that every kind of link shows."""
    groups: list[list[Edge]] = []
    for statement in d.outgoing:
        if statement.property in _SKIPPED:
            continue
        group = [
            Edge(d.label(statement.property, langs), v.term, d.label(v.term, langs), False)
            for v in statement.values
            if isinstance(v.term, URIRef) and str(v.term).startswith(d.base_iri)
        ]
        if group:
            groups.append(group)
    for statement in d.incoming:
        name = d.incoming_name(statement, langs)
        group = [
            Edge(name, v.term, d.label(v.term, langs), True)
            for v in statement.values
            if isinstance(v.term, URIRef)
        ]
        if group:
            groups.append(group)
    if d.narrower:
        groups.insert(0, [Edge("narrower", n, d.label(n, langs), False) for n in d.narrower])
    total = sum(len(g) for g in groups)
    chosen: list[Edge] = []
    seen: set[URIRef] = set()
    for incoming in (False, True):
        side = [g for g in groups if g[0].incoming == incoming]
        taken: list[Edge] = []
        depth = 0
        while len(taken) < limit and any(depth < len(g) for g in side):
            for group in side:
                if depth < len(group) and len(taken) < limit and group[depth].target not in seen:
                    taken.append(group[depth])
                    seen.add(group[depth].target)
            depth += 1
        chosen += taken
    return chosen, total - len(chosen)


_SKIPPED = {
    URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
    URIRef("http://www.w3.org/2004/02/skos/core#inScheme"),
}


def neighbourhood(d: Description, langs: Sequence[str], href: Href, per_side: int = 9) -> Markup:
    """The resource in the middle; what it links to on the right (blue), what links to it on the
    left (brown). Each side is a column, so that no two boxes overlap."""
    edges, hidden = _edges(d, langs, per_side)
    right = [e for e in edges if not e.incoming][:per_side]
    left = [e for e in edges if e.incoming][:per_side]
    hidden += len(edges) - len(right) - len(left)
    row, width = 40, 860
    height = max(120, 30 + row * max(len(left), len(right), 1))
    cx, cy = width / 2, height / 2
    box_w, centre_w = 180, 250
    parts: list[str] = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='diagram neighbourhood' viewBox='0 0 {width} "
        f"{height}' width='100%' role='img' aria-label='Links of {escape(d.label(d.iri, langs))}'>",
        "<defs>",
        *(
            f"<marker id='arrow-{name}' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' "
            f"markerHeight='7' orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' "
            f"fill='{colour}'/></marker>"
            for name, colour in (("out", OUT_COLOUR), ("in", IN_COLOUR))
        ),
        "</defs>",
    ]
    nodes: list[str] = []
    for side, column in ((1, right), (-1, left)):
        top = cy - row * (len(column) - 1) / 2
        for index, edge in enumerate(column):
            y = top + row * index
            x = cx + side * 300
            colour, marker = (IN_COLOUR, "in") if edge.incoming else (OUT_COLOUR, "out")
            near_x = cx + side * centre_w / 2
            far_x = x - side * box_w / 2
            mid = (near_x + far_x) / 2
            start, end = (f"{near_x:.1f},{cy:.1f}", f"{far_x:.1f},{y:.1f}")
            if edge.incoming:
                start, end = end, start
                curve = f"M{start} C{mid:.1f},{y:.1f} {mid:.1f},{cy:.1f} {end}"
            else:
                curve = f"M{start} C{mid:.1f},{cy:.1f} {mid:.1f},{y:.1f} {end}"
            parts.append(
                f"<path d='{curve}' fill='none' stroke='{colour}' stroke-width='1.3' "
                f"marker-end='url(#arrow-{marker})'/>"
            )
            anchor = "end" if side == 1 else "start"
            parts.append(
                f"<text x='{far_x - side * 8:.1f}' y='{y - 5:.1f}' font-size='11' "
                f"text-anchor='{anchor}' fill='{colour}' stroke='white' stroke-width='3' "
                f"paint-order='stroke' {FONT}>{escape(_short(edge.label, 24))}</text>"
            )
            nodes.append(
                f"<a href='{escape(href(str(edge.target)))}'><g class='node'>"
                f"<title>{escape(edge.label)}: {escape(edge.target_label)}</title>"
                f"<rect x='{x - box_w / 2:.1f}' y='{y - 15:.1f}' width='{box_w}' height='30' rx='6' "
                f"fill='{NODE_FILL}' stroke='{colour}'/>"
                f"<text x='{x:.1f}' y='{y + 4:.1f}' font-size='12' text-anchor='middle' "
                f"fill='#1a202c' {FONT}>{escape(_short(edge.target_label, 23))}</text></g></a>"
            )
    parts.extend(nodes)
    title = _short(d.label(d.iri, langs), 27)
    parts.append(
        f"<g><title>{escape(d.label(d.iri, langs))}</title>"
        f"<rect x='{cx - centre_w / 2}' y='{cy - 20}' width='{centre_w}' height='40' rx='8' "
        f"fill='#1a365d'/><text x='{cx}' y='{cy + 5}' font-size='13' font-weight='bold' "
        f"text-anchor='middle' fill='white' {FONT}>{escape(title)}</text></g>"
    )
    if hidden:
        parts.append(
            f"<text x='{width - 8}' y='{height - 6}' font-size='11' text-anchor='end' fill='#4a5568' "
            f"{FONT}>and {hidden} more links below</text>"
        )
    if not edges:
        parts.append(
            f"<text x='{cx}' y='{cy + 40}' font-size='12' text-anchor='middle' fill='#4a5568' "
            f"{FONT}>No links to other resources of the graph.</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def class_diagram(outline: Outline, href: Href) -> Markup:
    """The main classes as a tree (subclasses indented under their parents), with each relation
    between two of them drawn in a lane of its own on the right, labelled with its name."""
    rows: list[tuple[URIRef, int]] = []

    def walk(node: URIRef, depth: int) -> None:
        rows.append((node, depth))
        for child in outline.children.get(node, []):
            walk(child, depth + 1)

    for root in outline.roots:
        walk(root, 0)
    row_height, indent, box_width = 28, 26, 190
    max_depth = max((depth for _, depth in rows), default=0)
    tree_width = 20 + max_depth * indent + box_width
    position = {
        node: (20 + depth * indent, 20 + i * row_height) for i, (node, depth) in enumerate(rows)
    }
    relations = [r for r in outline.relations[:30] if r.domain in position and r.range in position]
    lane_gap = 30
    width = tree_width + 40 + max(1, len(relations)) * lane_gap + 20
    height = 30 + len(rows) * row_height
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='diagram classes' viewBox='0 0 {width} "
        f"{height}' width='{width}' role='img' aria-label='Main classes of the ontology'>",
        f"<defs><marker id='rel-arrow' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='6' "
        f"markerHeight='6' orient='auto'><path d='M0,0 L10,5 L0,10 z' fill='{IN_COLOUR}'/></marker>"
        "</defs>",
    ]
    for node, _depth in rows:
        x, y = position[node]
        parent = outline.parent.get(node)
        if parent in position:
            px, py = position[parent]
            parts.append(
                f"<path d='M{px + 10},{py + 22} V{y + 11} H{x}' fill='none' stroke='#a0aec0'/>"
            )
    for lane, relation in enumerate(relations):
        x1 = position[relation.domain][0] + box_width
        y1 = position[relation.domain][1] + 8
        x2 = position[relation.range][0] + box_width
        y2 = position[relation.range][1] + 14
        bend = tree_width + 40 + lane * lane_gap
        if relation.domain == relation.range:
            y1, y2 = y1 - 4, y2 + 4
        title = (
            f"{relation.label}: {outline.labels.get(relation.domain, '')} → "
            f"{outline.labels.get(relation.range, '')}"
        )
        parts.append(
            f"<g class='relation'><title>{escape(title)}</title>"
            f"<path d='M{x1},{y1} H{bend - 8} Q{bend},{y1} {bend},{y1 + (8 if y2 > y1 else -8)} "
            f"V{y2 + (-8 if y2 > y1 else 8)} Q{bend},{y2} {bend - 8},{y2} H{x2 + 2}' fill='none' "
            f"stroke='{IN_COLOUR}' stroke-opacity='0.7' marker-end='url(#rel-arrow)'/>"
            f"<text transform='translate({bend + 4},{(y1 + y2) / 2:.1f}) rotate(90)' font-size='10' "
            f"text-anchor='middle' fill='{IN_COLOUR}' stroke='white' stroke-width='3' "
            f"paint-order='stroke' {FONT}>{escape(_short(relation.label, 30))}</text></g>"
        )
    for node, _depth in rows:
        x, y = position[node]
        label = outline.labels.get(node, str(node))
        parts.append(
            f"<a href='{escape(href(str(node)))}'><g class='node'><title>{escape(label)}</title>"
            f"<rect x='{x}' y='{y}' width='{box_width}' height='22' rx='4' fill='{NODE_FILL}' "
            f"stroke='{OUT_COLOUR}'/><text x='{x + 8}' y='{y + 15}' font-size='12' "
            f"fill='#1a202c' {FONT}>{escape(_short(label, 28))}</text></g></a>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
