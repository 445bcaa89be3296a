"""Validating new or changed entries in the context of the whole graph.

The entry's own nodes are the focus, so the check is fast, but the data graph is the whole curated
graph with the entry in place of any earlier version of the same file: a link to an organisation or
concept that exists elsewhere is seen as valid, and one to nothing is caught.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from apwps import formats
from apwps.build import assemble
from apwps.config import Settings
from apwps.errors import InputError
from apwps.load import INFERRED_GRAPH, SourceFile, graph_iri_for, parse_bytes
from apwps.locate import line_of
from apwps.reason import materialise
from apwps.terms import to_rdflib_graph
from apwps.validate import Report, validate_graph


@dataclass(frozen=True)
class Submission:
    """One document to check: its name (for reports), its bytes and its format."""

    name: str
    data: bytes
    format: formats.Format
    graph_iri: str


def submission_from_file(settings: Settings, path: Path, fmt: formats.Format | None = None) -> Submission:
    """Read a file; a file inside the project keeps the graph it would have in the build."""
    chosen = fmt or formats.by_suffix(path)
    if chosen is None:
        known = ", ".join(sorted(formats.RDF_SUFFIXES))
        raise InputError(f"unknown file type {path.suffix!r} (known: {known})", source=path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=path) from exc
    resolved = path.resolve()
    try:
        relative = resolved.relative_to(settings.root_path).as_posix()
        graph_iri = graph_iri_for(settings.base_iri, relative)
    except ValueError:
        graph_iri = f"{settings.base_iri}graph/submitted/{resolved.stem}"
    return Submission(str(path), data, chosen, graph_iri)


def _subjects(quads: Sequence[ox.Quad]) -> list[rdflib.URIRef]:
    seen: dict[str, None] = {}
    for quad in quads:
        if isinstance(quad.subject, ox.NamedNode):
            seen.setdefault(quad.subject.value)
    return [rdflib.URIRef(s) for s in seen]


def validate_submissions(
    settings: Settings,
    submissions: Sequence[Submission],
    *,
    context: tuple[ox.Store, list[SourceFile]] | None = None,
) -> Report:
    """Validate the submissions' nodes against the shapes, within the whole graph."""
    parsed: list[tuple[Submission, list[ox.Quad]]] = []
    for submission in submissions:
        quads = parse_bytes(
            submission.data, submission.format, source=submission.name, base_iri=submission.graph_iri
        )
        graph = ox.NamedNode(submission.graph_iri)
        parsed.append((submission, [ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads]))

    if context is None:
        store, sources, _counts, _inferred = assemble(settings)
    else:
        store, sources = context
    for submission, quads in parsed:
        graph_name: ox.NamedNode | ox.BlankNode = ox.NamedNode(submission.graph_iri)
        if store.contains_named_graph(graph_name):
            store.remove_graph(graph_name)
        store.extend(quads)
    materialise(store, settings.base_iri + INFERRED_GRAPH)

    shapes_graphs = [s.graph_iri for s in sources if s.relative.startswith("shapes/")]
    shapes = rdflib.Graph()
    data = rdflib.Graph()
    for graph_name in store.named_graphs():
        target = shapes if graph_name.value in shapes_graphs else data
        to_rdflib_graph(store.quads_for_pattern(None, None, None, graph_name), target)

    focus: list[rdflib.URIRef] = []
    names: dict[str, tuple[str, list[str]]] = {}
    for submission, quads in parsed:
        lines = submission.data.decode("utf-8", "replace").splitlines()
        for subject in _subjects(quads):
            focus.append(subject)
            names.setdefault(str(subject), (submission.name, lines))

    def locate(iri: str) -> tuple[str | None, int | None]:
        if iri in names:
            name, lines = names[iri]
            return name, line_of(lines, iri)
        return None, None

    return validate_graph(data, shapes, focus_nodes=focus, locate=locate)
