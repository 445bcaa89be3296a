"""The HTTP API described in OpenAPI 3.1, served at `/openapi.json`.

The description is written here by hand and versioned with the code (`VERSION`; bump it with every
change a client could notice). The media types come from the one formats table, and each named query
of the catalogue gets an operation of its own (`/queries/<name>` with its typed parameters), added
when the document is served. A test compares the paths with the app's routes, so a route missing
from this description fails the suite.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from functools import cache
from typing import Any

from flask import Blueprint, Response, jsonify, request

from apwps import citation, formats, tabular
from apwps.catalogue import Catalogue, NamedQuery
from server.context import ctx
from server.void import DUMPS

bp = Blueprint("openapi", __name__)

VERSION = "1.0.0"
# Routes of the app that the description leaves out, and why (checked by the same test).
NOT_DESCRIBED = {"/static/<path:filename>": "the site's own style sheets and scripts"}

JSON = "application/json"
HTML = "text/html"
Doc = dict[str, Any]


def _ref(name: str) -> Doc:
    return {"$ref": f"#/components/schemas/{name}"}


def _text() -> Doc:
    return {"schema": {"type": "string"}}


def _content(media_types: Iterable[str], json_schema: Doc | None = None) -> Doc:
    """A content map: JSON-like types get `json_schema` (or any value), the others text."""
    content: Doc = {}
    for media in media_types:
        if json_schema is not None and (media == JSON or media.endswith("+json")):
            content[media] = {"schema": json_schema}
        else:
            content[media] = _text()
    return content


def _ok(description: str, content: Doc, **extra: Any) -> Doc:
    return {"description": description, "content": content, **extra}


def _errors(*statuses: int) -> Doc:
    return {str(s): {"$ref": f"#/components/responses/Error{s}"} for s in statuses}


def _query(name: str, description: str, schema: Doc | None = None, **extra: Any) -> Doc:
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": schema or {"type": "string"},
        **extra,
    }


def _path(name: str, description: str, schema: Doc | None = None) -> Doc:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema or {"type": "string", "minLength": 1, "pattern": "^[^/?#]+$"},
    }


def _ref_param(name: str) -> Doc:
    return {"$ref": f"#/components/parameters/{name}"}


def _get(summary: str, tags: list[str], responses: Doc, *params: Doc, **extra: Any) -> Doc:
    operation: Doc = {"summary": summary, "tags": tags, "responses": responses}
    if params:
        operation["parameters"] = list(params)
    operation.update(extra)
    return operation


# --- media types, from the formats table ------------------------------------------------------

RESULT_TYPES = [f.media_types[0] for f in formats.RESULT_FORMATS]
GRAPH_TYPES = [f.media_types[0] for f in formats.GRAPH_ANSWER_FORMATS]
CITATION_TYPES = [c.media_type for c in citation.CITATION_FORMATS]
ENTRY_TYPES = [
    *(formats.by_name(n).media_types[0] for n in ("turtle", "jsonld", "rdfxml", "ntriples")),
    tabular.CSV.media_type,
    tabular.YAML.media_type,
]
RDF_SUFFIXES = sorted(s.lstrip(".") for f in formats.GRAPH_ANSWER_FORMATS for s in f.suffixes)
ANY_JSON: Doc = {"type": ["object", "array"]}


# --- schemas of the JSON answers ----------------------------------------------------------------

NULLABLE_STRING: Doc = {"type": ["string", "null"]}

SCHEMAS: Doc = {
    "Error": {
        "type": "object",
        "description": "The one error envelope of the whole API.",
        "required": ["ok", "status", "error", "message", "request_id"],
        "properties": {
            "ok": {"const": False},
            "status": {"type": "integer", "description": "The HTTP status, repeated."},
            "error": {"type": "string", "description": "A stable code, e.g. `bad_input`."},
            "message": {"type": "string", "description": "What went wrong, for people."},
            "request_id": {
                "type": "string",
                "description": "The request's ID (also in `X-Request-ID`): quote it when "
                "reporting a problem.",
            },
            "line": {"type": "integer", "description": "Where in the input, when known."},
            "column": {"type": "integer"},
            "known": {"type": "array", "items": {"type": "string"}},
            "iri": {"type": "string"},
            "report": _ref("Report"),
        },
    },
    "Parameter": {
        "type": "object",
        "required": ["name", "type", "description", "default", "required"],
        "properties": {
            "name": {"type": "string"},
            "type": {
                "enum": ["iri", "string", "integer", "decimal", "boolean", "year", "lang-string"]
            },
            "description": {"type": "string"},
            "default": NULLABLE_STRING,
            "required": {"type": "boolean"},
        },
    },
    "NamedQuery": {
        "type": "object",
        "required": ["name", "title", "description", "parameters", "tags", "url", "text"],
        "properties": {
            "name": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "parameters": {"type": "array", "items": _ref("Parameter")},
            "tags": {"type": "array", "items": {"type": "string"}},
            "url": {"type": "string"},
            "text": {"type": "string", "description": "The SPARQL text, with its `#+` header."},
        },
    },
    "Catalogue": {
        "type": "object",
        "required": ["queries"],
        "properties": {"queries": {"type": "array", "items": _ref("NamedQuery")}},
    },
    "SparqlResults": {
        "type": "object",
        "description": "SPARQL 1.1 Query Results JSON Format.",
        "required": ["head"],
        "properties": {
            "head": {"type": "object"},
            "results": {
                "type": "object",
                "required": ["bindings"],
                "properties": {"bindings": {"type": "array", "items": {"type": "object"}}},
            },
            "boolean": {"type": "boolean"},
        },
    },
    "Hit": {
        "type": "object",
        "required": ["iri", "label", "lang", "matched", "match", "kind", "description", "url"],
        "properties": {
            "iri": {"type": "string"},
            "label": {"type": "string"},
            "lang": {"type": "string"},
            "matched": {
                "type": "string",
                "description": "The label or alternative label that matched.",
            },
            "matched_lang": {"type": "string"},
            "match": {"enum": ["exact", "prefix", "word"]},
            "kind": {"type": "string", "description": "The collection, e.g. `frameworks`."},
            "description": {"type": "string"},
            "url": {"type": "string", "description": "The resource's page."},
        },
    },
    "SearchResults": {
        "type": "object",
        "required": ["query", "languages", "count", "results"],
        "properties": {
            "query": {"type": "string"},
            "languages": {"type": "array", "items": {"type": "string"}},
            "count": {"type": "integer", "minimum": 0},
            "results": {"type": "array", "items": _ref("Hit")},
        },
    },
    "Finding": {
        "type": "object",
        "required": ["severity", "entry", "field", "message"],
        "properties": {
            "severity": {"enum": ["Violation", "Warning", "Info"]},
            "entry": {"type": "string", "description": "The IRI of the entry."},
            "field": {"type": "string", "description": "The field's name, as curators know it."},
            "message": {"type": "string"},
            "value": NULLABLE_STRING,
            "path": NULLABLE_STRING,
            "source": NULLABLE_STRING,
            "line": {"type": ["integer", "null"]},
            "shape": NULLABLE_STRING,
            "suggestions": {"type": "array", "items": {"type": "string"}},
            "constraint": NULLABLE_STRING,
            "fix": NULLABLE_STRING,
        },
    },
    "Report": {
        "type": "object",
        "required": ["conforms", "counts", "findings"],
        "properties": {
            "ok": {"type": "boolean", "description": "Whether the entry conforms."},
            "conforms": {"type": "boolean"},
            "counts": {
                "type": "object",
                "properties": {s: {"type": "integer"} for s in ("Violation", "Warning", "Info")},
            },
            "findings": {"type": "array", "items": _ref("Finding")},
        },
    },
    "Accepted": {
        "type": "object",
        "required": ["ok", "file", "entry", "graph", "replaced", "sha256", "record", "report"],
        "properties": {
            "ok": {"const": True},
            "file": {"type": "string", "description": "Where it was written, e.g. `data/x/y.ttl`."},
            "entry": {"type": "string"},
            "graph": {"type": "string"},
            "replaced": {"type": "boolean"},
            "sha256": {"type": "string"},
            "record": {"type": "string", "description": "The PROV activity recording it."},
            "served": {"type": "string"},
            "report": _ref("Report"),
        },
    },
    "Kinds": {
        "type": "object",
        "required": ["kinds"],
        "properties": {
            "kinds": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "class", "fields", "template"],
                    "properties": {
                        "name": {"type": "string"},
                        "class": {"type": "string"},
                        "label": NULLABLE_STRING,
                        "description": NULLABLE_STRING,
                        "collection": NULLABLE_STRING,
                        "template": {"type": "string"},
                        "fields": {"type": "array", "items": {"type": "object"}},
                    },
                },
            }
        },
    },
    "Card": {
        "type": "object",
        "required": ["iri", "label", "lang", "kind", "page", "embed"],
        "properties": {
            "iri": {"type": "string"},
            "label": {"type": "string"},
            "lang": {"type": "string"},
            "kind": {"type": "string"},
            "description": {"type": "string"},
            "alt_labels": {"type": "array", "items": {"type": "string"}},
            "publishers": {"type": "array", "items": {"type": "string"}},
            "issued": {"type": "string"},
            "url": NULLABLE_STRING,
            "page": {"type": "string"},
            "embed": {"type": "string"},
        },
    },
    "OEmbed": {
        "type": "object",
        "required": ["version", "type", "html", "width", "height"],
        "properties": {
            "version": {"const": "1.0"},
            "type": {"const": "rich"},
            "title": {"type": "string"},
            "html": {"type": "string"},
            "width": {"type": "integer", "minimum": 1},
            "height": {"type": "integer", "minimum": 1},
            "provider_name": {"type": "string"},
            "provider_url": {"type": "string"},
            "cache_age": {"type": "integer"},
        },
    },
    "Crosswalk": {
        "type": "object",
        "required": ["rows", "columns", "themes", "cells", "gaps"],
        "properties": {
            name: {"type": "array", "items": {"type": "object"}}
            for name in ("rows", "columns", "themes", "cells", "gaps")
        },
    },
    "ItemList": {
        "type": "object",
        "description": "A schema.org ItemList in JSON-LD.",
        "required": ["@context", "@type", "itemListElement"],
        "properties": {
            "@context": {"type": ["object", "string", "array"]},
            "@type": {"const": "ItemList"},
            "itemListElement": {"type": "array", "items": {"type": "object"}},
        },
    },
    "OpenApi": {"type": "object", "required": ["openapi", "info", "paths"]},
}

ERROR_STATUSES = {
    400: "Bad input: a parameter, the query or the entry cannot be used (the message says which).",
    401: "The curator token is missing or wrong.",
    403: "Refused: submissions are switched off, or SPARQL Update was sent.",
    404: "Nothing is known by that name.",
    406: "None of the formats this answer comes in is acceptable.",
    409: "An entry with that IRI exists already (submit with `replace=true`).",
    413: "The request is larger than `max_request_bytes`.",
    415: "The body's Content-Type is not one this operation reads.",
    422: "The entry does not conform: nothing was written (the report says why).",
    501: "oEmbed answers JSON only (the oEmbed specification's status for other formats).",
    502: "The external SPARQL engine failed or could not be reached.",
    503: "The query ran past `query_time_limit_ms` and was stopped.",
}

RESPONSES: Doc = {
    f"Error{status}": {
        "description": text,
        "headers": {"X-Request-ID": {"$ref": "#/components/headers/RequestId"}},
        "content": {JSON: {"schema": _ref("Error")}, HTML: _text()},
    }
    for status, text in ERROR_STATUSES.items()
}

RESPONSES["TooLong"] = {
    "description": "The request line and headers are longer than the HTTP server accepts "
    "(`max_header_bytes`, 16384 bytes by default); send a long SPARQL query by POST. Answered "
    "before the app, with an empty body and without `X-Request-ID`.",
}

PARAMETERS: Doc = {
    "lang": _query(
        "lang",
        "The reader's language for labels (`en` or `nb`); `Accept-Language` is read too.",
    ),
    "rdfFormat": _query(
        "format",
        "A format by name or media type (`html`, `turtle`, `jsonld`, `rdfxml`, `ntriples`, …); "
        "wins over `Accept`.",
    ),
    "suffix": _path("suffix", "A format's file suffix.", {"enum": ["html", *RDF_SUFFIXES]}),
}

SERVED_HEADERS: Doc = {
    "RequestId": {
        "description": "The request's ID: the caller's `X-Request-ID` when it is a short token, "
        "otherwise a fresh one. Written in the access log.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,64}$"},
    }
}


# --- operations -------------------------------------------------------------------------------


def _html_page(summary: str, tags: list[str], *params: Doc, errors: Iterable[int] = ()) -> Doc:
    return {
        "get": _get(
            summary, tags, {"200": _ok("The page.", {HTML: _text()}), **_errors(*errors)}, *params
        )
    }


def _described(summary: str, suffix: bool = False) -> Doc:
    """A linked-data document: a page or RDF, by suffix, `format` or `Accept`."""
    params = [_ref_param("rdfFormat"), _ref_param("lang")]
    if suffix:
        params.insert(0, _ref_param("suffix"))
    responses = {
        "200": _ok("The document.", _content([HTML, *GRAPH_TYPES], ANY_JSON)),
        **_errors(400, 404, 406),
    }
    return {"get": _get(summary, ["linked data"], responses, *params)}


def _sparql_parameters() -> list[Doc]:
    return [
        _query(
            "query",
            "One SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE).",
            {"type": "string", "maxLength": 20000},
        ),
        _query(
            "default-graph-uri",
            "A graph to query as the default graph (repeatable).",
            {"type": "array", "items": {"type": "string"}},
            style="form",
            explode=True,
        ),
        _query(
            "named-graph-uri",
            "A graph to offer as a named graph (repeatable).",
            {"type": "array", "items": {"type": "string"}},
            style="form",
            explode=True,
        ),
        _query(
            "format",
            "A result format by name (`json`, `xml`, `csv`, `tsv`, `turtle`, `jsonld`, …) or media type; wins over `Accept`.",
        ),
    ]


SPARQL_ANSWER = _ok(
    "The answer: results for SELECT and ASK, a graph for CONSTRUCT and DESCRIBE, the query page "
    "for browsers, the Service Description when no query is given. `APWPS-Result-Rows`, "
    "`APWPS-Row-Limit` and `APWPS-Truncated` say how many rows came and whether the row limit "
    "cut them.",
    _content([*RESULT_TYPES, *GRAPH_TYPES, HTML], ANY_JSON)
    | {RESULT_TYPES[0]: {"schema": _ref("SparqlResults")}},
)
SPARQL_ERRORS = _errors(400, 403, 406, 413, 415, 502, 503)

ENTRY_BODY: Doc = {
    "description": "One or more entries in one of the formats curators write (Turtle, JSON-LD, "
    "RDF/XML, N-Triples, or the CSV and YAML tables of `apwps.tabular`).",
    "required": True,
    "content": _content(ENTRY_TYPES, ANY_JSON),
}

PATHS: Doc = {
    "/": _html_page("The home page.", ["pages"]),
    "/openapi.json": {
        "get": _get(
            "This description of the API.",
            ["api"],
            {"200": _ok("The OpenAPI document.", {JSON: {"schema": _ref("OpenApi")}})},
        )
    },
    # -- SPARQL and named queries
    "/sparql": {
        "get": _get(
            "Run a SPARQL query (SPARQL 1.1 Protocol, query via GET).",
            ["sparql"],
            {"200": SPARQL_ANSWER, **SPARQL_ERRORS},
            *_sparql_parameters(),
        ),
        "post": {
            "summary": "Run a SPARQL query (via POST, as a form or as the body).",
            "tags": ["sparql"],
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "required": ["query"],
                            "properties": {
                                "query": {"type": "string", "maxLength": 20000},
                                "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                                "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                                "format": {"type": "string"},
                            },
                        }
                    },
                    "application/sparql-query": {"schema": {"type": "string", "maxLength": 20000}},
                },
            },
            "responses": {"200": SPARQL_ANSWER, **SPARQL_ERRORS},
        },
    },
    "/queries": {
        "get": _get(
            "The catalogue of named queries, with their parameters and text.",
            ["named queries"],
            {"200": _ok("The catalogue.", {JSON: {"schema": _ref("Catalogue")}, HTML: _text()})},
        )
    },
    "/queries/{name}": {
        "get": _get(
            "Run a named query; its parameters (see the catalogue) are bound as typed RDF terms. "
            "Each query also has an operation of its own below.",
            ["named queries"],
            {"200": SPARQL_ANSWER, **_errors(400, 404, 406, 502, 503)},
            _path(
                "name",
                "The query's name.",
                {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
            ),
            _query("format", "A result format by name or media type; wins over `Accept`."),
        )
    },
    # -- search, lists, embeds
    "/search": {
        "get": _get(
            "Search labels and alternative labels (a page, or JSON by `Accept` or `format`).",
            ["search"],
            {
                "200": _ok(
                    "The matches.", {JSON: {"schema": _ref("SearchResults")}, HTML: _text()}
                ),
                **_errors(400),
            },
            _query("q", "The text to look for.", {"type": "string", "maxLength": 200}),
            _query(
                "limit",
                "At most this many matches (capped by `search_max_results`).",
                {"type": "integer", "minimum": 1},
            ),
            _query("format", "`json` or `html`.", {"enum": ["json", "html"]}),
            _ref_param("lang"),
        )
    },
    "/lists": {
        "get": _get(
            "The lists offered to websites.",
            ["lists"],
            {
                "200": _ok(
                    "The lists, as a schema.org ItemList.",
                    {"application/ld+json": {"schema": _ref("ItemList")}},
                )
            },
        )
    },
    "/lists/{name}": {
        "get": _get(
            "One list (every framework, every resource on a topic, …) as JSON-LD.",
            ["lists"],
            {
                "200": _ok("The list.", {"application/ld+json": {"schema": _ref("ItemList")}}),
                **_errors(400, 404),
            },
            _path("name", "The list's name (see `/lists`)."),
            _query(
                "subject",
                "Only the items on this topic (the IRI of a concept).",
                {"type": "string"},
            ),
            _ref_param("lang"),
        )
    },
    "/embed/card.json": {
        "get": _get(
            "A resource's card as JSON (used by `/embed.js`).",
            ["embeds"],
            {"200": _ok("The card.", {JSON: {"schema": _ref("Card")}}), **_errors(400, 404)},
            _query(
                "iri",
                "The IRI of a resource, or the URL of its page.",
                {"type": "string", "maxLength": 2000},
                required=True,
            ),
            _ref_param("lang"),
        )
    },
    "/embed/card": {
        "get": _get(
            "A resource's card as a small page to show in an iframe (the only page other sites "
            "may frame).",
            ["embeds"],
            {"200": _ok("The card page.", {HTML: _text()}), **_errors(400, 404)},
            _query(
                "iri",
                "The IRI of a resource, or the URL of its page.",
                {"type": "string", "maxLength": 2000},
                required=True,
            ),
            _ref_param("lang"),
        )
    },
    "/embed.js": {
        "get": _get(
            'The script that turns `<div data-apwps="IRI">` into cards.',
            ["embeds"],
            {"200": _ok("The script.", {"text/javascript": _text()})},
        )
    },
    "/oembed": {
        "get": _get(
            "oEmbed 1.0 for a resource's page: an iframe of its card.",
            ["embeds"],
            {
                "200": _ok("The oEmbed answer.", {JSON: {"schema": _ref("OEmbed")}}),
                **_errors(400, 404, 501),
            },
            _query(
                "url",
                "The URL of a resource's page, or its IRI.",
                {"type": "string", "maxLength": 2000},
                required=True,
            ),
            _query("format", "Only `json`.", {"enum": ["json"]}),
            _query("maxwidth", "Largest width in pixels.", {"type": "integer", "minimum": 1}),
            _query("maxheight", "Largest height in pixels.", {"type": "integer", "minimum": 1}),
            _ref_param("lang"),
        )
    },
    "/crosswalk": {
        "get": _get(
            "The WPS Index indicators against the atrocity risk indicators they parallel.",
            ["crosswalk"],
            {
                "200": _ok("The crosswalk.", {JSON: {"schema": _ref("Crosswalk")}, HTML: _text()}),
                **_errors(400),
            },
            _query("format", "`json` or `html`.", {"enum": ["json", "html"]}),
            _ref_param("lang"),
        )
    },
    # -- validation and submissions
    "/validate": {
        "get": _get(
            "The curators' validation page.",
            ["validation"],
            {"200": _ok("The page.", {HTML: _text()})},
            _query("kind", "Show the form for this kind of entry."),
        ),
        "post": {
            "summary": "Validate entries against the shapes, in the context of the whole graph. "
            "The page's forms are answered with the page; other bodies with the report (JSON, or "
            "the SHACL report in Turtle when `Accept: text/turtle`). Nothing is written.",
            "tags": ["validation"],
            "parameters": [
                _query(
                    "format",
                    "The body's format by name, instead of Content-Type.",
                    {"enum": ["turtle", "jsonld", "rdfxml", "ntriples", "csv", "yaml"]},
                )
            ],
            "requestBody": {
                **ENTRY_BODY,
                "content": {
                    **ENTRY_BODY["content"],
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "entry": {"type": "string"},
                                "format": {"type": "string"},
                                "file": {"type": "string", "format": "binary"},
                            },
                        }
                    },
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "entry": {"type": "string"},
                                "format": {"type": "string"},
                            },
                        }
                    },
                },
            },
            "responses": {
                "200": _ok(
                    "The report (or the page with the report).",
                    {JSON: {"schema": _ref("Report")}, "text/turtle": _text(), HTML: _text()},
                ),
                **_errors(400, 401, 403, 409, 413, 415, 422),
            },
        },
    },
    "/validate/submissions": {
        "post": {
            "summary": "Submit an entry: validated, then written to `data/` and served at once.",
            "tags": ["validation"],
            "security": [{"curatorToken": []}],
            "parameters": [
                _query(
                    "replace",
                    "Replace an existing entry with the same IRI.",
                    {"enum": ["true", "false", "1", "0", "yes", "no"]},
                ),
                _query(
                    "curator",
                    "Who submits (recorded in the submissions log).",
                    {"type": "string", "maxLength": 200},
                ),
                _query(
                    "format",
                    "The body's format by name, instead of Content-Type.",
                    {"enum": ["turtle", "jsonld", "rdfxml", "ntriples", "csv", "yaml"]},
                ),
            ],
            "requestBody": ENTRY_BODY,
            "responses": {
                "201": _ok("Written; where, and the report.", {JSON: {"schema": _ref("Accepted")}}),
                **_errors(400, 401, 403, 409, 413, 415, 422),
            },
        }
    },
    "/validate/kinds": {
        "get": _get(
            "The kinds of entry and their fields, from the shapes.",
            ["validation"],
            {"200": _ok("The kinds.", {JSON: {"schema": _ref("Kinds")}})},
        )
    },
    "/validate/template/{name}": {
        "get": _get(
            "A template entry of one kind, in Turtle.",
            ["validation"],
            {"200": _ok("The template.", {"text/turtle": _text()}), **_errors(404)},
            _path("name", "The kind's name (see `/validate/kinds`)."),
        )
    },
    # -- linked data
    "/id": _html_page("Every concept scheme and collection, to browse from.", ["linked data"]),
    "/id/": _html_page("Every concept scheme and collection, to browse from.", ["linked data"]),
    "/id/{path}": {
        "get": _get(
            "A resource of the graph (or a collection of them): a page, RDF, or a citation, by "
            "file suffix (`.ttl`, `.jsonld`, `.bib`, …), `format` or `Accept`.",
            ["linked data"],
            {
                "200": _ok(
                    "The resource.", _content([HTML, *GRAPH_TYPES, *CITATION_TYPES], ANY_JSON)
                ),
                **_errors(400, 404, 406),
            },
            _path(
                "path",
                "The resource's path under `/id/`, e.g. `crimes/genocide` or `crimes/genocide.ttl`.",
                {"type": "string", "minLength": 1},
            ),
            _ref_param("rdfFormat"),
            _ref_param("lang"),
            _query(
                "page",
                "A collection's page (`collection_page_entries` entries each, from 1); a page past "
                "the last is a 404. Resources that are not collections ignore it.",
                {"type": "integer", "minimum": 1},
            ),
        )
    },
    "/id/dataset": _described("The dataset's description (VoID and DCAT)."),
    "/id/dataset.{suffix}": _described("The dataset's description in one format.", suffix=True),
    "/.well-known/void": _described("The dataset's description (VoID and DCAT)."),
    "/.well-known/void.{suffix}": _described(
        "The dataset's description in one format.", suffix=True
    ),
    "/ontology": _described("The ontology: its documentation, or the ontology in RDF."),
    "/ontology.{suffix}": _described("The ontology in one format.", suffix=True),
    "/ontology/{module}": {
        "get": _get(
            "One module of the ontology (`core`, `vocabularies/crimes`, …).",
            ["linked data"],
            {
                "200": _ok("The module.", _content([HTML, *GRAPH_TYPES], ANY_JSON)),
                **_errors(400, 404, 406),
            },
            _path(
                "module",
                "The module's path, with an optional format suffix.",
                {"type": "string", "minLength": 1},
            ),
            _ref_param("rdfFormat"),
            _ref_param("lang"),
        )
    },
    "/dumps/": _html_page("The downloads.", ["linked data"]),
    "/dumps/{name}": {
        "get": _get(
            "A dump of the whole graph, as `build` wrote it.",
            ["linked data"],
            {
                "200": _ok(
                    "The dump.",
                    _content(sorted(set(DUMPS.values())), ANY_JSON),
                ),
                **_errors(404),
            },
            _path("name", "The dump's file name.", {"enum": list(DUMPS)}),
        )
    },
    "/sitemap.xml": {
        "get": _get(
            "Every page of the site, for search engines.",
            ["pages"],
            {"200": _ok("The sitemap.", {"application/xml": _text()})},
        )
    },
    "/robots.txt": {
        "get": _get(
            "What crawlers may visit.",
            ["pages"],
            {"200": _ok("robots.txt", {"text/plain": _text()})},
        )
    },
    # -- the WPS Index
    "/wps-index": _html_page(
        "The WPS Index: the composite ranking and the indicators.", ["wps index"], errors=[404]
    ),
    "/wps-index/countries": {
        "get": _get(
            "Go to a country's profile by its code.",
            ["wps index"],
            {"303": {"description": "See the country's profile."}, **_errors(400)},
            _query("code", "The country's ISO 3166-1 alpha-3 code.", required=True),
        )
    },
    "/wps-index/countries/{code}": _html_page(
        "A country's WPS Index profile.",
        ["wps index"],
        _path("code", "ISO 3166-1 alpha-3 code."),
        errors=[404],
    ),
    "/wps-index/indicators/{slug}": {
        "get": _get(
            "An indicator's ranking (a page; with `.svg` after the slug, the chart alone).",
            ["wps index"],
            {
                "200": _ok("The page or chart.", {HTML: _text(), "image/svg+xml": _text()}),
                **_errors(404),
            },
            _path("slug", "The indicator's slug, optionally followed by `.svg`."),
            _ref_param("lang"),
        )
    },
}

# Alternative spellings of the same operations (the app answers both).
ALIASES = {
    "/search.json": "/search",
    "/lists.jsonld": "/lists",
    "/lists/{name}.jsonld": "/lists/{name}",
}

BASE: Doc = {
    "openapi": "3.1.0",
    "info": {
        "title": "AP-WPS Knowledge Graph",
        "version": VERSION,
        "summary": "Atrocity prevention and Women, Peace and Security frameworks as linked data.",
        "description": "The HTTP API of the AP-WPS Knowledge Graph: a read-only SPARQL 1.1 "
        "endpoint, named queries, search, linked-data documents, embeds, validation and "
        "submissions for curators. Every answer carries `X-Request-ID`; every error is the "
        "same JSON envelope (or a page for browsers). Limits are settings: "
        "`query_time_limit_ms`, `max_result_rows`, `max_query_bytes`, `max_request_bytes`.",
        "license": {"name": "Code: MIT; data and ontology: CC BY 4.0"},
    },
    "tags": [
        {"name": name}
        for name in (
            "sparql",
            "named queries",
            "search",
            "validation",
            "linked data",
            "lists",
            "embeds",
            "crosswalk",
            "wps index",
            "pages",
            "api",
        )
    ],
    "components": {
        "schemas": SCHEMAS,
        "responses": RESPONSES,
        "parameters": PARAMETERS,
        "headers": SERVED_HEADERS,
        "securitySchemes": {
            "curatorToken": {
                "type": "http",
                "scheme": "bearer",
                "description": "The `curator_token` setting; without it, submissions are off.",
            }
        },
    },
}


def _with_request_id(paths: Doc) -> Doc:
    """Every documented answer carries `X-Request-ID` (and any URL may be too long)."""
    for item in paths.values():
        for operation in item.values():
            operation["responses"].setdefault("431", {"$ref": "#/components/responses/TooLong"})
            for response in operation["responses"].values():
                if "$ref" not in response:
                    response.setdefault("headers", {})["X-Request-ID"] = {
                        "$ref": "#/components/headers/RequestId"
                    }
    return paths


@cache
def static_document() -> Doc:
    """The description without the per-query operations (the same for every server)."""
    paths = copy.deepcopy(PATHS)
    for alias, target in ALIASES.items():
        paths[alias] = copy.deepcopy(paths[target])
    document = copy.deepcopy(BASE)
    document["paths"] = _with_request_id(dict(sorted(paths.items())))
    return document


PARAMETER_SCHEMAS: dict[str, Doc] = {
    "iri": {"type": "string", "format": "uri"},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
    "year": {"type": "string", "pattern": "^-?[0-9]{4}$"},
    "lang-string": {"type": "string"},
}


def query_operation(query: NamedQuery) -> Doc:
    """One named query as an operation of its own, with its typed parameters."""
    params = [
        _query(
            p.name,
            p.description or p.name,
            {
                **PARAMETER_SCHEMAS.get(p.type, {"type": "string"}),
                **({"default": p.default} if p.default is not None else {}),
            },
            required=p.required,
        )
        for p in query.parameters
    ]
    params.append(_query("format", "A result format by name or media type; wins over `Accept`."))
    responses = {"200": copy.deepcopy(SPARQL_ANSWER), **_errors(400, 406, 502, 503)}
    return {
        "get": _get(
            query.title,
            ["named queries"],
            responses,
            *params,
            description=query.description,
            operationId=f"query-{query.name}",
        )
    }


def document(catalogue: Catalogue, server_url: str) -> Doc:
    """The whole description for this server: the static part, one operation per named query."""
    result = copy.deepcopy(static_document())
    result["servers"] = [{"url": server_url}]
    for query in catalogue:
        result["paths"][f"/queries/{query.name}"] = query_operation(query)
    _with_request_id(result["paths"])
    result["paths"] = dict(sorted(result["paths"].items()))
    return result


@bp.get("/openapi.json")
def openapi() -> Response:
    context = ctx()
    server_url = context.settings.public_url.rstrip("/") or request.url_root.rstrip("/")
    response = jsonify(document(context.catalogue, server_url))
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
