"""Conversion of RDF terms between Oxigraph (the engine) and rdflib (SHACL, serialisers, pages)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.term import Node

OxTerm = Any  # ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def to_rdflib(term: OxTerm) -> Node:
    """An Oxigraph term as the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype))
    if isinstance(term, ox.DefaultGraph):
        return rdflib.URIRef("urn:x-rdflib:default")
    raise TypeError(f"unsupported term {term!r}")


def from_rdflib(term: Node) -> OxTerm:
    """An rdflib term as the equal Oxigraph term."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def from_rdflib_quad(quad: tuple[Node, Node, Node, Any]) -> ox.Quad:
    s, p, o, g = quad
    graph: Any = ox.DefaultGraph()
    identifier = getattr(g, "identifier", g)
    if isinstance(identifier, rdflib.URIRef) and str(identifier) != "urn:x-rdflib:default":
        graph = ox.NamedNode(str(identifier))
    return ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), graph)


def to_rdflib_graph(triples: Iterable[Any], graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """Oxigraph triples or quads added to an rdflib graph (a new one by default)."""
    target = graph if graph is not None else rdflib.Graph()
    for t in triples:
        target.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return target
