"""Comparing two stores' answers to the same request, as the engine-neutrality check needs
(tests/test_engines_virtuoso.py, scripts/virtuoso_check.py, docs/engines.md).

Answers are compared parsed, never as bytes: SPARQL JSON results as multisets of rows (ordered lists
when the request fixes the order), graphs as multisets of triples with each blank node named by its
surroundings, errors by status and error code. When two answers differ, the known ways in which
engines write the same answer differently (`NORMALISATIONS`) are tried, the smallest combination
first; an answer that agrees only after some of them is reported with their names, so every
difference that is let through is named, and any other one is not.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import combinations
from typing import Any

import pyoxigraph as ox
import rdflib

XSD = "http://www.w3.org/2001/XMLSchema#"
Term = tuple[str, ...]  # ("uri", iri) | ("bnode", label) | ("literal", lexical, datatype, lang)
Row = tuple[tuple[str, Term], ...]
Triple = tuple[Term, Term, Term]


def _significant(lexical: str, digits: int) -> str:
    """A number's value rounded to `digits` significant digits, written canonically."""
    try:
        value = Decimal(lexical)
    except InvalidOperation:
        return lexical
    if not value.is_finite():
        return lexical
    if value == 0:
        return "0"
    rounded = round(value, digits - value.adjusted() - 1)
    return format(rounded.normalize(), "f")


def _decimal_15(term: Term) -> Term | None:
    if term[0] == "literal" and term[2] == XSD + "decimal":
        try:
            value = Decimal(term[1]).quantize(Decimal("1e-15"), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            return term
        return ("literal", format(value.normalize(), "f"), term[2], term[3])
    return term


def _double_6(term: Term) -> Term | None:
    if term[0] == "literal" and term[2] in (XSD + "double", XSD + "float"):
        return ("literal", _significant(term[1], 6), term[2], term[3])
    return term


def _boolean_as_integer(term: Term) -> Term | None:
    if term[0] == "literal" and term[2] == XSD + "boolean":
        return ("literal", "1" if term[1] in ("true", "1") else "0", XSD + "integer", "")
    return term


def _no_language(term: Term) -> Term | None:
    if term[0] == "literal" and term[3]:
        return ("literal", term[1], "", "")
    return term


def _parts_in_any_order(term: Term) -> Term | None:
    if term[0] == "literal" and not term[2] and re.search("; |, ", term[1]):
        return ("literal", "|".join(sorted(re.split("; |, ", term[1]))), "", term[3])
    return term


def _empty_as_unbound(term: Term) -> Term | None:
    return None if term == ("literal", "", "", "") else term


# name -> (what it lets through, what it does to a term; None drops the binding or triple).
# docs/engines.md says which engine behaviour each one stands for.
NORMALISATIONS: dict[str, tuple[str, Callable[[Term], Term | None]]] = {
    "decimal-15-places": (
        "xsd:decimal values compared at 15 decimal places (rounded half up)",
        _decimal_15,
    ),
    "double-6-digits": ("xsd:double values compared at 6 significant digits", _double_6),
    "boolean-as-integer": ("xsd:boolean compared as xsd:integer 1 or 0", _boolean_as_integer),
    "concat-language": ("language tags ignored (GROUP_CONCAT and CONCAT results)", _no_language),
    "concat-order": (
        "the '; ' or ', ' separated parts of a string compared in any order (GROUP_CONCAT)",
        _parts_in_any_order,
    ),
    "empty-concat": (
        'a "" binding counted as unbound (GROUP_CONCAT of nothing)',
        _empty_as_unbound,
    ),
}
DUPLICATES = "duplicate-rows"  # the rows compared as a set: alternative paths (a|b) repeat rows
TIES = "order-of-ties"  # rows whose ORDER BY keys are equal may come in any order
LONG_STRINGS = "order-of-long-strings"  # strings ordered by their first characters only
PREFIX_CHARACTERS = 20
EXPLAINED = {name: text for name, (text, _) in NORMALISATIONS.items()} | {
    DUPLICATES: "rows compared as a set (duplicates ignored)",
    TIES: "rows with equal ORDER BY keys taken in any order",
    LONG_STRINGS: f"rows whose ORDER BY keys agree up to a string's first {PREFIX_CHARACTERS} "
    "characters taken in any order",
}


def json_term(value: dict[str, Any]) -> Term:
    """A SPARQL JSON results term; xsd:string is the same as no datatype (RDF 1.1)."""
    kind = value["type"]
    if kind == "uri":
        return ("uri", value["value"])
    if kind == "bnode":
        return ("bnode", "")  # labels are the engine's own: only that it is a blank node counts
    datatype = value.get("datatype", "")
    if datatype == XSD + "string":
        datatype = ""
    return ("literal", value["value"], datatype, value.get("xml:lang", "").lower())


def rdf_term(node: rdflib.term.Node) -> Term:
    if isinstance(node, rdflib.URIRef):
        return ("uri", str(node))
    if isinstance(node, rdflib.BNode):
        return ("bnode", str(node))
    assert isinstance(node, rdflib.Literal)
    datatype = str(node.datatype or "")
    if datatype == XSD + "string":
        datatype = ""
    return ("literal", str(node), datatype, (node.language or "").lower())


def ox_term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Term:
    """An Oxigraph term; blank nodes without their labels (which are each engine's own)."""
    if isinstance(node, ox.NamedNode):
        return ("uri", node.value)
    if isinstance(node, ox.BlankNode):
        return ("bnode", "")
    if isinstance(node, ox.Literal):
        datatype = "" if node.language else node.datatype.value
        if datatype == XSD + "string":
            datatype = ""
        return ("literal", node.value, datatype, (node.language or "").lower())
    raise TypeError(f"not a term of a triple: {node!r}")


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


def order_keys(query: str) -> tuple[str, ...]:
    """The variables of the query's ORDER BY when every key is one (?x, ASC(?x), DESC(?x));
    () when there is none or a key is an expression."""
    found = re.search(r"\bORDER\s+BY\s+(.+?)(?:\bLIMIT\b|\bOFFSET\b|$)", query, re.I | re.S)
    if not found:
        return ()
    keys = []
    for token in re.findall(r"(?:ASC|DESC)\s*\(\s*\?\w+\s*\)|\S+", found.group(1), re.I):
        simple = re.fullmatch(r"(?:(?:ASC|DESC)\s*\(\s*)?\?(\w+)\s*\)?", token, re.I)
        if simple is None:
            return ()
        keys.append(simple.group(1))
    return tuple(keys)


def _subsets(names: list[str]) -> list[tuple[str, ...]]:
    return [combo for size in range(1, len(names) + 1) for combo in combinations(names, size)]


def _normalise_rows(rows: list[Row], names: tuple[str, ...]) -> list[Row]:
    for name in names:
        if name == DUPLICATES:
            rows = list(dict.fromkeys(rows))
            continue
        if name in (TIES, LONG_STRINGS):
            continue
        change = NORMALISATIONS[name][1]
        rows = [
            tuple(sorted((var, t) for var, term in row if (t := change(term)) is not None))
            for row in rows
        ]
    return rows


def _rows(body: bytes) -> tuple[list[str], list[Row] | bool]:
    data = json.loads(body)
    if "boolean" in data:
        return [], bool(data["boolean"])
    rows = [
        tuple(sorted((name, json_term(value)) for name, value in row.items()))
        for row in data["results"]["bindings"]
    ]
    return list(data["head"]["vars"]), rows


def _show_term(term: Term) -> str:
    if term[0] == "uri":
        return term[1]
    if term[0] == "bnode":
        return "_:b"
    if term[2]:
        return f'"{term[1]}"^^<{term[2]}>'
    return f'"{term[1]}"' + (f"@{term[3]}" if term[3] else "")


def _show(row: Row) -> str:
    return " ".join(f"?{name}={_show_term(term)}" for name, term in row)


def _order_key(row: Row, keys: tuple[str, ...], cut: bool) -> tuple[Term | None, ...]:
    """The row's ORDER BY keys; with `cut`, up to the first string longer than PREFIX_CHARACTERS,
    that one cut to them (an engine that compares no further orders the rest as it likes)."""
    values = dict(row)
    out: list[Term | None] = []
    for key in keys:
        term = values.get(key)
        if cut and term is not None and term[0] == "literal" and len(term[1]) > PREFIX_CHARACTERS:
            out.append(("literal", term[1][:PREFIX_CHARACTERS], *term[2:]))
            break
        out.append(term)
    return tuple(out)


def _agree(
    ours: list[Row],
    theirs: list[Row],
    ordered: bool,
    keys: tuple[str, ...] = (),
    cut: bool = False,
) -> bool:
    """Equal lists when ordered, else equal multisets; with `keys` (ordered answers whose ORDER BY
    keys are all projected variables), equal multisets whose keys come in the same sequence (`cut`:
    as `_order_key` cuts them)."""
    if not ordered:
        return Counter(ours) == Counter(theirs)
    if not keys:
        return ours == theirs

    def sequence(rows: list[Row]) -> list[tuple[Term | None, ...]]:
        return [_order_key(row, keys, cut) for row in rows]

    return Counter(ours) == Counter(theirs) and sequence(ours) == sequence(theirs)


def compare_results(
    ours: bytes, theirs: bytes, *, ordered: bool = False, keys: tuple[str, ...] = ()
) -> Outcome:
    """Two SPARQL JSON results documents; `keys`: the ORDER BY variables, when all are simple."""
    our_vars, our_rows = _rows(ours)
    their_vars, their_rows = _rows(theirs)
    if isinstance(our_rows, bool) or isinstance(their_rows, bool):
        same = our_rows == their_rows
        return Outcome("same" if same else "differs", f"ASK {our_rows} / {their_rows}")
    if our_vars != their_vars:
        return Outcome("differs", f"variables {our_vars} / {their_vars}")
    if _agree(our_rows, their_rows, ordered):
        return Outcome("same", f"{len(our_rows)} rows")
    if not set(keys) <= set(our_vars):
        keys = ()  # an ORDER BY key that is not projected: ties cannot be told apart
    candidates = [*NORMALISATIONS, DUPLICATES] + ([TIES, LONG_STRINGS] if ordered and keys else [])
    for names in _subsets(candidates):
        if TIES in names and LONG_STRINGS in names:
            continue  # the second forgives all that the first does
        by = keys if TIES in names or LONG_STRINGS in names else ()
        ours_n, theirs_n = _normalise_rows(our_rows, names), _normalise_rows(their_rows, names)
        if _agree(ours_n, theirs_n, ordered, by, cut=LONG_STRINGS in names):
            return Outcome("normalised", f"{len(our_rows)} / {len(their_rows)} rows", names)
    detail = f"{len(our_rows)} / {len(their_rows)} rows"
    missing = Counter(our_rows) - Counter(their_rows)
    extra = Counter(their_rows) - Counter(our_rows)
    if not missing and not extra:
        first = next(i for i, (a, b) in enumerate(zip(our_rows, their_rows, strict=True)) if a != b)
        return Outcome(
            "differs",
            f"{detail} in another order; first difference at row {first + 1}: "
            f"{_show(our_rows[first])} / {_show(their_rows[first])}",
        )
    if missing:
        detail += f"; only embedded: {sum(missing.values())}, e.g. {_show(next(iter(missing)))}"
    if extra:
        detail += f"; only remote: {sum(extra.values())}, e.g. {_show(next(iter(extra)))}"
    return Outcome("differs", detail)


def _graph(reply: Reply) -> list[Triple]:
    """The triples of an RDF answer, blank nodes as ("bnode", label) to tell them apart."""
    fmt = "nt" if "n-triples" in reply.content_type else "turtle"
    graph = rdflib.Graph().parse(data=reply.body.decode("utf-8"), format=fmt)
    return [(rdf_term(s), rdf_term(p), rdf_term(o)) for s, p, o in graph]


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


def _normalise_triples(triples: list[Triple], names: tuple[str, ...]) -> list[Triple]:
    for name in names:
        change = NORMALISATIONS[name][1]
        triples = [(s, p, t) for s, p, o in triples if (t := change(o)) is not None]
    return triples


def compare_graphs(ours: Reply, theirs: Reply) -> Outcome:
    """Two RDF graphs, blank nodes matched by their surroundings."""
    our_triples, their_triples = _graph(ours), _graph(theirs)
    detail = f"{len(our_triples)} / {len(their_triples)} triples"
    if _canonical(our_triples) == _canonical(their_triples):
        return Outcome("same", f"{len(our_triples)} triples")
    for names in _subsets(list(NORMALISATIONS)):
        if _canonical(_normalise_triples(our_triples, names)) == _canonical(
            _normalise_triples(their_triples, names)
        ):
            return Outcome("normalised", detail, names)
    our_set, their_set = _canonical(our_triples), _canonical(their_triples)
    for label, part in (
        ("only embedded", our_set - their_set),
        ("only remote", their_set - our_set),
    ):
        if part:
            example = " ".join(_show_term(t) for t in next(iter(part)))
            detail += f"; {label}: {sum(part.values())}, e.g. {example}"
    return Outcome("differs", detail)


# what a store may do to the values it keeps (the others concern computed answers)
STORED_VALUES = ("decimal-15-places", "double-6-digits", "boolean-as-integer")


def compare_triples(ours: list[ox.Triple], theirs: list[ox.Triple]) -> Outcome:
    """Two large sets of triples (a whole dataset read back): blank nodes only counted, literal
    values compared as stored (then after the normalisations a store may apply to them)."""

    def terms(triples: list[ox.Triple]) -> list[Triple]:
        return [(ox_term(t.subject), ox_term(t.predicate), ox_term(t.object)) for t in triples]

    our_terms, their_terms = terms(ours), terms(theirs)
    detail = f"{len(our_terms)} triples published, {len(their_terms)} read back"
    if Counter(our_terms) == Counter(their_terms):
        return Outcome("same", detail)
    for names in _subsets(list(STORED_VALUES)):
        if Counter(_normalise_triples(our_terms, names)) == Counter(
            _normalise_triples(their_terms, names)
        ):
            changed = sum((Counter(our_terms) - Counter(their_terms)).values())
            return Outcome("normalised", f"{detail}; {changed} came back changed", names)
    missing = Counter(our_terms) - Counter(their_terms)
    extra = Counter(their_terms) - Counter(our_terms)
    for label, part in (("only published", missing), ("only read back", extra)):
        if part:
            example = " ".join(_show_term(t) for t in next(iter(part)))
            detail += f"; {label}: {sum(part.values())}, e.g. {example}"
    return Outcome("differs", detail)


def _error_code(reply: Reply) -> str:
    try:
        return str(json.loads(reply.body).get("error", ""))
    except ValueError:
        return ""


def compare_errors(ours: Reply, theirs: Reply) -> Outcome:
    """Two answers of which one at least is an error: the status and the envelope's error code
    must agree; the messages may not."""
    pair = f"{ours.status} {_error_code(ours)} / {theirs.status} {_error_code(theirs)}".strip()
    if ours.status == theirs.status and _error_code(ours) == _error_code(theirs):
        return Outcome("same", pair)
    message = theirs if theirs.status >= 400 else ours
    try:
        text = str(json.loads(message.body).get("message", ""))
    except ValueError:
        text = message.body[:200].decode("utf-8", "replace")
    return Outcome("differs", f"{pair}: {' '.join(text.split())[:220]}")


def compare_heads(ours: Reply, theirs: Reply) -> Outcome:
    """Only how many rows were written and whether the answer was cut (which rows may differ)."""
    if ours.status >= 400 or theirs.status >= 400:
        return compare_errors(ours, theirs)
    pair = f"{ours.rows} rows, cut {ours.truncated} / {theirs.rows} rows, cut {theirs.truncated}"
    same = (ours.status, ours.rows, ours.truncated) == (
        theirs.status,
        theirs.rows,
        theirs.truncated,
    )
    return Outcome("same" if same else "differs", pair)


def compare(
    ours: Reply, theirs: Reply, *, ordered: bool = False, keys: tuple[str, ...] = ()
) -> Outcome:
    """Any two answers to the same request, by what they are."""
    if ours.status >= 400 or theirs.status >= 400:
        return compare_errors(ours, theirs)
    if "sparql-results+json" in ours.content_type:
        outcome = compare_results(ours.body, theirs.body, ordered=ordered, keys=keys)
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
    if (ours.rows, ours.truncated) != (theirs.rows, theirs.truncated):
        outcome.detail += f"; rows header {ours.rows} / {theirs.rows}"
        if outcome.verdict == "same":
            outcome.verdict = "differs"
    return outcome
