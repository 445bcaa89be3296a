"""Binding query parameters to RDF terms for engines reached over HTTP.

The embedded engine takes bindings as terms (Oxigraph's `substitutions`). A remote engine only takes
text, so the bindings travel as a `VALUES` block placed at the start of the query's WHERE group, each
value written as a proper RDF term (escaped by rdflib), never pasted into the query's own text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import rdflib
from rdflib.term import Node

from apwps.errors import QueryError

_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_WHERE = re.compile(r"(?<![?$:\w])where\b", re.IGNORECASE)


def term_text(term: Node) -> str:
    """A term in SPARQL syntax, refusing IRIs that could break out of `<...>`."""
    if isinstance(term, rdflib.URIRef):
        if _BAD_IRI.search(str(term)):
            raise QueryError(f"not a valid IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, rdflib.Literal):
        return term.n3()
    raise QueryError(f"cannot bind {term!r}: only IRIs and literals can be parameters")


def _code_positions(text: str) -> list[int]:
    """Indexes of characters that are query syntax (not inside comments, strings or IRIs)."""
    positions: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        if c in "\"'":
            long = text.startswith(c * 3, i)
            quote = c * 3 if long else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        if c == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", text[i:]):
            i = text.index(">", i) + 1
            continue
        positions.append(i)
        i += 1
    return positions


def with_values(text: str, bindings: Mapping[str, Node]) -> str:
    """The query with a VALUES block for `bindings` opening its WHERE group."""
    if not bindings:
        return text
    names = sorted(bindings)
    block = (
        "VALUES ("
        + " ".join(f"?{n}" for n in names)
        + ") { ("
        + " ".join(term_text(bindings[n]) for n in names)
        + ") }\n"
    )
    positions = _code_positions(text)
    code = "".join(text[i] for i in positions)
    where = _WHERE.search(code)
    start = where.end() if where else 0
    brace = code.find("{", start)
    if brace < 0:
        raise QueryError("query has no WHERE group to bind parameters in")
    at = positions[brace] + 1
    return text[:at] + "\n  " + block + text[at:]


def values_list(terms: Iterable[Node]) -> str:
    """Terms in SPARQL syntax, for a `VALUES ?x { … }` block that lists many (each written by
    `term_text`, so none can break out of its place)."""
    return " ".join(term_text(term) for term in terms)
