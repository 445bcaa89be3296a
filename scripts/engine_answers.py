"""Comparing two servers' answers to the same request, as an engine-neutrality check needs.

Answers are compared parsed, never as bytes: SPARQL JSON results as multisets of rows (ordered lists
when the request fixes the order), graphs as multisets of triples with each blank node named by
its surroundings, errors by status and error code. When two answers differ, the known ways in
which engines write the same value differently are applied one at a time (`NORMALISATIONS`); an
answer that agrees only after some of them is reported with their names, so every difference that
is let through is named, and any other one is not.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import rdflib

XSD = "http://www.w3.org/2001/XMLSchema#"
Term = tuple[str, ...]  # ("uri", iri) | ("bnode",) | ("literal", lexical, datatype, lang)


def _significant(lexical: str, digits: int) -> str:
    """A number's value rounded to `digits` significant digits, written canonically."""
    try:
        value = Decimal(lexical)
    except InvalidOperation:
        return lexical
    if not value.is_finite() or value == 0:
        return str(value.normalize()) if value.is_finite() else lexical
    rounded = round(value, digits - value.adjusted() - 1)
    return format(rounded.normalize(), "f")


def _decimal_15(term: Term) -> Term:
    if term[0] == "literal" and term[2] == XSD + "decimal":
        return (*term[:1], _significant(term[1], 15), *term[2:])
    return term


def _double_6(term: Term) -> Term:
    if term[0] == "literal" and term[2] in (XSD + "double", XSD + "float"):
        return (*term[:1], _significant(term[1], 6), *term[2:])
    return term


def _boolean_as_integer(term: Term) -> Term:
    if term[0] == "literal" and term[2] == XSD + "boolean" and term[1] in ("true", "false"):
        return ("literal", "1" if term[1] == "true" else "0", XSD + "integer", "")
    return term


# name -> (what it forgives, the function); the docs (docs/engines.md) explain each one.
NORMALISATIONS: dict[str, tuple[str, Callable[[Term], Term]]] = {
    "decimal-15-digits": ("xsd:decimal compared at 15 significant digits", _decimal_15),
    "double-6-digits": ("xsd:double compared at 6 significant digits", _double_6),
    "boolean-as-integer": (
        "xsd:boolean true/false compared as xsd:integer 1/0",
        _boolean_as_integer,
    ),
}


def json_term(value: dict[str, Any]) -> Term:
    """A SPARQL JSON results term; xsd:string is the same as no datatype (RDF 1.1)."""
    kind = value["type"]
    if kind == "uri":
        return ("uri", value["value"])
    if kind == "bnode":
        return ("bnode",)
    datatype = value.get("datatype", "")
    if datatype == XSD + "string":
        datatype = ""
    return ("literal", value["value"], datatype, value.get("xml:lang", "").lower())


def rdf_term(node: rdflib.term.Node) -> Term:
    if isinstance(node, rdflib.URIRef):
        return ("uri", str(node))
    if isinstance(node, rdflib.BNode):
        return ("bnode",)
    assert isinstance(node, rdflib.Literal)
    datatype = str(node.datatype or "")
    if datatype == XSD + "string":
        datatype = ""
    return ("literal", str(node), datatype, (node.language or "").lower())


@dataclass
class Outcome:
    """How two answers compare: `same`, `normalised` (same after the named normalisations) or
    `differs`; `detail` says what was seen, for the report."""

    verdict: str
    detail: str = ""
    normalisations: tuple[str, ...] = ()


@dataclass
class Reply:
    """One server's answer to one request."""

    status: int
    content_type: str
    body: bytes
    rows: str | None  # the APWPS-Result-Rows header
    truncated: bool


def _rows(body: bytes) -> tuple[list[str], list[tuple[tuple[str, Term], ...]] | bool]:
    data = json.loads(body)
    if "boolean" in data:
        return [], bool(data["boolean"])
    rows = [
        tuple(sorted((name, json_term(value)) for name, value in row.items()))
        for row in data["results"]["bindings"]
    ]
    return list(data["head"]["vars"]), rows


def _apply(rows: list[Any], normalise: Callable[[Term], Term]) -> list[Any]:
    return [tuple(sorted((name, normalise(term)) for name, term in row)) for row in rows]


def _show(row: tuple[tuple[str, Term], ...]) -> str:
    parts = []
    for name, term in row:
        text = term[1] if len(term) > 1 else "_:b"
        if term[0] == "literal" and term[2]:
            text = f'"{text}"^^<{term[2]}>'
        elif term[0] == "literal":
            text = f'"{text}"' + (f"@{term[3]}" if term[3] else "")
        parts.append(f"?{name}={text}")
    return " ".join(parts)


def _compare_lists(ours: list[Any], theirs: list[Any], ordered: bool) -> bool:
    return ours == theirs if ordered else Counter(ours) == Counter(theirs)


def compare_results(ours: bytes, theirs: bytes, *, ordered: bool = False) -> Outcome:
    """Two SPARQL JSON results documents."""
    our_vars, our_rows = _rows(ours)
    their_vars, their_rows = _rows(theirs)
    if isinstance(our_rows, bool) or isinstance(their_rows, bool):
        same = our_rows == their_rows
        return Outcome("same" if same else "differs", f"ASK {our_rows} / {their_rows}")
    if our_vars != their_vars:
        return Outcome("differs", f"variables {our_vars} / {their_vars}")
    if _compare_lists(our_rows, their_rows, ordered):
        return Outcome("same", f"{len(our_rows)} rows")
    used: list[str] = []
    for name, (_, normalise) in NORMALISATIONS.items():
        changed = _apply(our_rows, normalise), _apply(their_rows, normalise)
        if changed != (our_rows, their_rows):
            used.append(name)
            our_rows, their_rows = changed
            if _compare_lists(our_rows, their_rows, ordered):
                return Outcome("normalised", f"{len(our_rows)} rows", tuple(used))
    if not ordered or sorted(our_rows) != sorted(their_rows):
        missing = Counter(our_rows) - Counter(their_rows)
        extra = Counter(their_rows) - Counter(our_rows)
        detail = f"{len(our_rows)} rows / {len(their_rows)} rows"
        if missing:
            detail += f"; only embedded: {sum(missing.values())}, e.g. {_show(next(iter(missing)))}"
        if extra:
            detail += f"; only remote: {sum(extra.values())}, e.g. {_show(next(iter(extra)))}"
        return Outcome("differs", detail, tuple(used))
    first = next(i for i, (a, b) in enumerate(zip(our_rows, their_rows, strict=True)) if a != b)
    return Outcome(
        "differs",
        f"same {len(our_rows)} rows in another order; first difference at row {first + 1}: "
        f"{_show(our_rows[first])} / {_show(their_rows[first])}",
        tuple(used),
    )


Triple = tuple[Term, Term, Term]


def _graph(reply: Reply) -> list[Triple]:
    """The triples of an RDF answer, blank nodes as ("bnode", label) to tell them apart."""
    fmt = "nt" if "n-triples" in reply.content_type else "turtle"
    graph = rdflib.Graph().parse(data=reply.body.decode("utf-8"), format=fmt)

    def term(node: rdflib.term.Node) -> Term:
        return ("bnode", str(node)) if isinstance(node, rdflib.BNode) else rdf_term(node)

    return [(term(s), term(p), term(o)) for s, p, o in graph]


def _canonical(triples: list[Triple], rounds: int = 4) -> Counter[Triple]:
    """The triples with each blank node named by its surroundings (colour refinement, as in
    Weisfeiler-Lehman): isomorphic graphs give equal results, and it runs in linear time where
    exact isomorphism on symmetric graphs (OWL lists, SHACL shapes) may not finish."""
    colour: dict[Term, str] = {t: "_" for triple in triples for t in triple if t[0] == "bnode"}

    def name(term: Term) -> Term:
        return ("bnode", colour[term]) if term[0] == "bnode" else term

    for _ in range(rounds):
        around: dict[Term, list[str]] = {node: [] for node in colour}
        for s, p, o in triples:
            if s in around:
                around[s].append(f"out {p} {name(o)}")
            if o in around:
                around[o].append(f"in {p} {name(s)}")
        colour = {
            node: hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:16]
            for node, parts in around.items()
        }
    return Counter((name(s), p, name(o)) for s, p, o in triples)


def _show_triple(triple: Triple) -> str:
    return " ".join("_:b" if t[0] == "bnode" else _show((("", t),))[2:] for t in triple)


def compare_graphs(ours: Reply, theirs: Reply) -> Outcome:
    """Two RDF graphs, blank nodes matched by their surroundings."""
    our_triples, their_triples = _graph(ours), _graph(theirs)
    detail = f"{len(our_triples)} triples"
    if _canonical(our_triples) == _canonical(their_triples):
        return Outcome("same", detail)
    used: list[str] = []
    for name, (_, normalise) in NORMALISATIONS.items():
        changed = (
            [(s, p, normalise(o)) for s, p, o in our_triples],
            [(s, p, normalise(o)) for s, p, o in their_triples],
        )
        if changed != (our_triples, their_triples):
            used.append(name)
            our_triples, their_triples = changed
            if _canonical(our_triples) == _canonical(their_triples):
                return Outcome("normalised", detail, tuple(used))
    detail = f"{len(our_triples)} / {len(their_triples)} triples"
    our_set, their_set = _canonical(our_triples), _canonical(their_triples)
    for label, part in (
        ("only embedded", our_set - their_set),
        ("only remote", their_set - our_set),
    ):
        if part:
            detail += f"; {label}: {sum(part.values())}, e.g. {_show_triple(next(iter(part)))}"
    return Outcome("differs", detail, tuple(used))


def compare_errors(ours: Reply, theirs: Reply) -> Outcome:
    """Two error answers: the status and the envelope's error code must agree; messages may not."""

    def code(reply: Reply) -> str:
        try:
            return str(json.loads(reply.body).get("error", ""))
        except ValueError:
            return ""

    pair = f"{ours.status} {code(ours)} / {theirs.status} {code(theirs)}"
    if ours.status == theirs.status and code(ours) == code(theirs):
        return Outcome("same", pair)
    return Outcome("differs", pair)


def compare(ours: Reply, theirs: Reply, *, ordered: bool = False) -> Outcome:
    """Any two answers to the same request, by what they are."""
    if ours.status >= 400 or theirs.status >= 400:
        return compare_errors(ours, theirs)
    heads = ""
    if (ours.rows, ours.truncated) != (theirs.rows, theirs.truncated):
        heads = (
            f"; rows header {ours.rows} / {theirs.rows}, cut {ours.truncated} / {theirs.truncated}"
        )
    if "sparql-results+json" in ours.content_type:
        outcome = compare_results(ours.body, theirs.body, ordered=ordered)
    elif any(t in ours.content_type for t in ("turtle", "n-triples")):
        outcome = compare_graphs(ours, theirs)
    elif "json" in ours.content_type:
        same = json.loads(ours.body) == json.loads(theirs.body)
        outcome = Outcome("same" if same else "differs", "JSON documents")
    else:
        same = ours.body == theirs.body
        outcome = Outcome(
            "same" if same else "differs", f"{len(ours.body)} / {len(theirs.body)} bytes"
        )
    if heads and outcome.verdict != "differs":
        outcome = Outcome("differs", outcome.detail + heads, outcome.normalisations)
    elif heads:
        outcome.detail += heads
    return outcome
