"""What every page needs: where an IRI is served (its local path), which languages the reader asked for,
and the helpers templates call (`href`, `label`). Registered on the app by the resources blueprint."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import request
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD
from rdflib.term import Literal, Node, URIRef

from apwps.describe import APWPS, LANGUAGE_TEXT, Statement, Value, pick_language, subtree
from server.context import ctx

# Languages the graph's labels come in, offered by the language switch, in fallback order.
LANGUAGES: dict[str, str] = {"en": "English", "nb": "Norsk bokmål"}


def base_iri() -> str:
    return ctx().settings.base_iri


def href(iri: str | Node) -> str:
    """Where a reader follows an IRI: IRIs under `base_iri` map to this server's own paths (or to
    `public_url`), any other IRI stays as it is."""
    text = str(iri)
    base = base_iri()
    if not text.startswith(base):
        return text
    rest = text[len(base) :]
    public = ctx().settings.public_url
    return f"{public.rstrip('/')}/{rest}" if public else f"/{rest}"


def iri_for_path(path: str) -> str:
    """The IRI a local path (`id/crimes/genocide`, without the leading slash) stands for."""
    return base_iri() + path.lstrip("/")


def absolute(path: str) -> str:
    """An absolute URL for a local path: under `public_url` when set, else this request's host."""
    public = ctx().settings.public_url
    root = public.rstrip("/") if public else request.host_url.rstrip("/")
    return root + "/" + path.lstrip("/")


def langs() -> list[str]:
    """The reader's languages, best first: `?lang=` wins, then `Accept-Language`, then English."""
    chosen = request.args.get("lang", "")
    found: list[str] = [chosen] if chosen in LANGUAGES else []
    for tag, quality in request.accept_languages:
        primary = tag.split("-")[0].lower()
        if primary in ("no", "nn"):  # Norwegian readers are served bokmål
            primary = "nb"
        if quality > 0 and primary not in found and primary != "*":
            found.append(primary)
    return [*found, "en"] if "en" not in found else found


def page_lang(available: Sequence[str] = ()) -> str:
    """The language a page is written in: the reader's first language that the labels have."""
    for lang in langs():
        if lang in available or lang == "en":
            return lang
    return "en"


def _term_kind(term: Node) -> str:
    if isinstance(term, URIRef):
        return "iri"
    if isinstance(term, Literal):
        return "literal"
    return "bnode"


def _is_local(term: Node) -> bool:
    return str(term).startswith(base_iri())


def _is_link_literal(term: Node) -> bool:
    return (
        isinstance(term, Literal)
        and (term.datatype == XSD.anyURI or str(term).startswith(("https://", "http://")))
        and " " not in str(term)
    )


def _seq_members(nested: Sequence[Statement]) -> list[Value]:
    """The members of an rdf:Seq (an author list), in their order; empty for other blank nodes."""
    numbered = [
        (int(str(s.property).rsplit("_", 1)[-1]), v)
        for s in nested
        if str(s.property).startswith(str(RDF) + "_")
        and str(s.property).rsplit("_", 1)[-1].isdigit()
        for v in s.values
    ]
    return [v for _, v in sorted(numbered, key=lambda item: item[0])]


def _language_values(statement: Statement, reader: Sequence[str]) -> list[Value]:
    """A statement's values, keeping only the reader's language for texts given in several."""
    if statement.property not in LANGUAGE_TEXT:
        return list(statement.values)
    literals = [v.term for v in statement.values if isinstance(v.term, Literal)]
    kept = set(pick_language(literals, reader))
    return [v for v in statement.values if not isinstance(v.term, Literal) or v.term in kept]


def _incoming_query(prop: Node, iri: Node) -> str:
    return f"SELECT ?s ?label WHERE {{\n  ?s <{prop}> <{iri}> .\n  OPTIONAL {{ ?s rdfs:label ?label }}\n}}"


HEADER_PROPERTIES = frozenset(
    {
        RDF.type,
        RDFS.label,
        SKOS.prefLabel,
        SKOS.definition,
        DCTERMS.description,
        DCTERMS.source,
        APWPS.verificationStatus,
        SKOS.inScheme,
        SKOS.topConceptOf,
        SKOS.broader,
        SKOS.narrower,
        SKOS.hasTopConcept,
    }
)


def helpers() -> dict[str, Any]:
    """Functions and names every template may use."""
    return {
        "href": href,
        "base_iri": base_iri(),
        "term_kind": _term_kind,
        "is_local": _is_local,
        "is_link_literal": _is_link_literal,
        "seq_members": _seq_members,
        "language_values": _language_values,
        "incoming_query": _incoming_query,
        "subtree": subtree,
        "value": Value,
        "header_properties": HEADER_PROPERTIES,
        "incoming_limit": 60,
        "rdf_type": RDF.type,
        "verification_status": APWPS.verificationStatus,
        "definition": SKOS.definition,
        "description": DCTERMS.description,
        "source": DCTERMS.source,
    }
