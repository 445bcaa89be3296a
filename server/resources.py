"""Dereferenceable IRIs: `/id/...` and `/ontology` answer HTML to browsers, RDF by `Accept` or by
suffix (`.ttl`, `.jsonld`, `.rdf`, `.nt`, …, through `apwps.formats`) and citations (`.bib`, `.ris`,
`.csl.json`). The generic IRI answers 200 with `Content-Location` naming the format-specific URL
(docs/linked-data.md says why); the describing is done by `apwps.describe`."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException, NotAcceptable

from apwps import citation, formats, ontodoc, schemaorg
from apwps.citation import CitationFormat
from apwps.collection import Members, members_of, near_collections, page_graph
from apwps.describe import Description, describe, document, pick_language, serialize_document
from apwps.errors import StoreError
from apwps.formats import Format
from server import diagrams
from server.context import ctx
from server.errors import envelope, wants_html
from server.pages import LANGUAGES, absolute, helpers, href, iri_for_path, langs, page_lang

bp = Blueprint("resources", __name__)


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return helpers()


HTML_TYPES = ("text/html", "application/xhtml+xml")
# RDF formats a resource is offered in (the dataset formats wrap it in one named graph).
RDF_FORMATS: tuple[Format, ...] = formats.GRAPH_ANSWER_FORMATS
# Links shown on every page, in this order.
LINKED_FORMATS: tuple[Format, ...] = tuple(
    formats.by_name(n) for n in ("turtle", "jsonld", "rdfxml", "ntriples")
)


@dataclass(frozen=True)
class Representation:
    """What a request asks for: the page, an RDF format, or a citation format."""

    kind: Literal["html", "rdf", "citation"]
    rdf: Format | None = None
    cite: CitationFormat | None = None
    negotiated: bool = False

    @property
    def suffix(self) -> str:
        if self.rdf is not None:
            return self.rdf.suffixes[0]
        if self.cite is not None:
            return self.cite.suffix
        return ".html"

    @property
    def media_type(self) -> str:
        if self.rdf is not None:
            return self.rdf.content_type
        if self.cite is not None:
            return self.cite.content_type
        return "text/html; charset=utf-8"


HTML = Representation("html")


def split_suffix(path: str) -> tuple[str, str]:
    """`frameworks/x.ttl` → (`frameworks/x`, `.ttl`); slugs never hold a dot (docs/modelling.md)."""
    head, _, last = path.rpartition("/")
    stem, dot, suffix = last.partition(".")
    return (f"{head}/{stem}" if head else stem), (dot + suffix if dot else "")


def _by_suffix(suffix: str, citations: bool) -> Representation:
    if suffix == ".html":
        return HTML
    fmt = formats.by_suffix("x" + suffix)
    if fmt is not None and fmt in RDF_FORMATS:
        return Representation("rdf", rdf=fmt)
    cite = citation.by_suffix(suffix) if citations else None
    if cite is not None:
        return Representation("citation", cite=cite)
    abort(
        404,
        f"no format has the suffix {suffix!r}; use one of "
        + ", ".join(
            [
                ".html",
                *(f.suffixes[0] for f in RDF_FORMATS),
                *(c.suffix for c in citation.CITATION_FORMATS),
            ]
        ),
    )


def _by_name(name: str, citations: bool) -> Representation:
    lowered = name.lower()
    if lowered in ("html", *HTML_TYPES):
        return HTML
    fmt = formats.BY_NAME.get(lowered) or formats.by_media_type(lowered, "graph")
    if fmt is not None and fmt in RDF_FORMATS:
        return Representation("rdf", rdf=fmt)
    cite = (citation.BY_NAME.get(lowered) or citation.by_media_type(lowered)) if citations else None
    if cite is not None:
        return Representation("citation", cite=cite)
    offered = ["html", *(f.name for f in RDF_FORMATS)]
    offered += [c.name for c in citation.CITATION_FORMATS] if citations else []
    raise BadRequest(
        f"parameter 'format': {name!r} is not offered here; use one of {', '.join(offered)}"
    )


def choose(suffix: str, *, citations: bool = True) -> Representation:
    """The representation a request asks for: suffix, then `format`, then `Accept` (HTML by default)."""
    if suffix:
        return _by_suffix(suffix, citations)
    if request.args.get("format"):
        return _by_name(request.args["format"], citations)
    if not request.headers.get("Accept"):
        return Representation("html", negotiated=True)
    offered = [*HTML_TYPES, *(m for f in RDF_FORMATS for m in f.media_types), "application/json"]
    if citations:
        offered += [c.media_type for c in citation.CITATION_FORMATS]
    best = request.accept_mimetypes.best_match(offered)
    if best is None:
        raise NotAcceptable(
            "none of the formats this resource comes in is acceptable; offered: "
            + ", ".join(offered)
        )
    if best in HTML_TYPES:
        return Representation("html", negotiated=True)
    if best == "application/json":  # plain JSON clients get JSON-LD
        return Representation("rdf", rdf=formats.by_name("jsonld"), negotiated=True)
    fmt = formats.by_media_type(best, "graph")
    if fmt is not None:
        return Representation("rdf", rdf=fmt, negotiated=True)
    return Representation("citation", cite=citation.by_media_type(best), negotiated=True)


def _headers(
    response: Response,
    local: str,
    rep: Representation,
    *,
    citations: bool,
    query: str = "",
    links: Sequence[str] = (),
) -> Response:
    """CORS, caching, the alternates (each with `query`, e.g. `?page=2`), further `links`, and for
    a negotiated answer `Vary` and `Content-Location`."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Content-Location, Link, Vary"
    response.headers["Cache-Control"] = "public, max-age=300"
    alternates = [f'<{local}.html{query}>; rel="alternate"; type="text/html"']
    alternates += [
        f'<{local}{f.suffixes[0]}{query}>; rel="alternate"; type="{f.media_type}"'
        for f in RDF_FORMATS
    ]
    if citations:
        alternates += [
            f'<{local}{c.suffix}>; rel="alternate"; type="{c.media_type}"'
            for c in citation.CITATION_FORMATS
        ]
    response.headers["Link"] = ", ".join([*alternates, *links])
    vary = ["Accept"] + (["Accept-Language"] if rep.kind == "html" else [])
    if rep.negotiated or not request.path.endswith(rep.suffix):
        response.headers["Vary"] = ", ".join(vary)
    if rep.negotiated:
        response.headers["Content-Location"] = local + rep.suffix + query
    elif rep.kind == "html":
        response.headers["Vary"] = "Accept-Language"
    reader = ",".join(langs()) if rep.kind == "html" else ""
    response.set_etag(f"{ctx().build_id}-{request.full_path}-{rep.suffix}-{reader}")
    response.make_conditional(request)
    return response


def _rdf(triples: Any, fmt: Format) -> bytes:
    return serialize_document(triples, fmt)


def _suggestions(iri: str, collection: str) -> list[tuple[str, str]]:
    """Entries of `collection` whose slug is close to the IRI's or, when there is no such
    collection (and for `…/id/<name>`), collections whose name is close: read from what each
    process keeps, so a burst of missing IRIs costs no query beyond the first reading. Empty when
    the store does not answer."""
    context = ctx()
    base = context.settings.base_iri
    asked = iri.rstrip("/").rsplit("/", 1)[-1]
    try:
        if collection:
            found = members_of(
                context.store, base, collection, context.settings.collection_cache_max_entries
            )
            if found is not None:
                return [(href(m.iri), m.labels.pick(langs()) or m.slug) for m in found.near(asked)]
            asked = collection
        elif not iri.startswith(base + "id/") or "/" in iri[len(base) + 3 :]:
            return []
        names = near_collections(context.store, base, asked)
        return [(href(f"{base}id/{name}"), name.replace("-", " ").capitalize()) for name in names]
    except StoreError:
        current_app.logger.warning("no suggestions for %s: the store did not answer", iri)
    return []


def _not_found(iri: str, collection: str = "") -> Response:
    """A helpful 404: what was asked for, entries with similar names, and where to look instead."""
    message = f"the graph has nothing about {iri}"
    if not wants_html():
        return envelope(404, "not_found", message, iri=iri)
    body = render_template(
        "resources/not_found.html",
        iri=iri,
        collection=collection,
        suggestions=_suggestions(iri, collection),
        query=iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " "),
    )
    response = Response(body, status=404, mimetype="text/html")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _page(d: Description, local: str) -> str:
    reader = langs()
    card = schemaorg.card(d, absolute(local), reader)
    return render_template(
        "resources/resource.html",
        d=d,
        langs=reader,
        lang=page_lang(d.languages()),
        languages={code: LANGUAGES.get(code, code) for code in d.languages()},
        local=local,
        card=card,
        diagram=diagrams.neighbourhood(d, reader, href),
        rdf_formats=LINKED_FORMATS,
        citation_formats=citation.CITATION_FORMATS,
        pick_language=pick_language,
    )


@bp.get("/id/<path:path>")
def resource(path: str) -> Response:
    """Any entity, concept or concept scheme under `<base_iri>id/`."""
    stem, suffix = split_suffix(path)
    if not stem or stem.endswith("/"):
        abort(404)
    if suffix:
        _by_suffix(suffix, True)  # an unknown suffix is a 404 before anything else
    iri = iri_for_path(f"id/{stem}")
    local = href(iri)
    context = ctx()
    try:
        rep: Representation | None = choose(suffix)
    except HTTPException:
        rep = None  # decided after the 404 check: an unknown IRI is a 404 whatever was asked
    d = describe(
        context.store,
        iri,
        context.settings.base_iri,
        page=rep is None or rep.kind == "html",
        max_incoming=context.settings.resource_max_incoming_links,
    )
    if not d.exists:
        found = (
            None
            if "/" in stem
            else members_of(
                context.store,
                context.settings.base_iri,
                stem,
                context.settings.collection_cache_max_entries,
            )
        )
        if found:
            return collection(stem, found, choose(suffix, citations=False), local)
        return _not_found(iri, stem.split("/", 1)[0] if "/" in stem else "")
    if rep is None:
        rep = choose(suffix)
    if rep.kind == "html":
        response = Response(_page(d, local), mimetype="text/html")
    elif rep.kind == "rdf" and rep.rdf is not None:
        response = Response(_rdf(document(d), rep.rdf), content_type=rep.rdf.content_type)
    else:
        assert rep.cite is not None
        item = citation.citation_item(context.store, d)
        response = Response(rep.cite.write(item), content_type=rep.cite.content_type)
        response.headers["Content-Disposition"] = (
            f'inline; filename="{stem.rsplit("/", 1)[-1]}{rep.cite.suffix}"'
        )
    return _headers(response, local, rep, citations=True)


def _page_number() -> int:
    text = request.args.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,9}", text) or int(text) < 1:
        raise BadRequest(f"parameter 'page': {text!r} is not a page number (1, 2, …)")
    return int(text)


def _page_url(path: str, number: int) -> str:
    """The URL of page `number` of the collection at `path`, keeping the reader's `lang`."""
    args = {"lang": request.args["lang"]} if "lang" in request.args else {}
    if number > 1:
        args["page"] = str(number)
    return path + ("?" + urlencode(args) if args else "")


def collection(name: str, found: Members, rep: Representation, local: str) -> Response:
    """A collection of entries (`/id/frameworks`): one page of its members, as a page or as RDF,
    linked to the pages before and after it."""
    if rep.kind == "citation":
        abort(404, "a collection has no citation; cite its entries")
    context = ctx()
    size = context.settings.collection_page_entries or max(1, len(found))
    number = _page_number()
    page = found.page(number, size)
    if page is None:
        abort(
            404,
            f"{name} has {len(found)} entries on {found.pages(size)} pages of {size}; "
            f"there is no page {number}",
        )
    path = local + ("" if rep.negotiated else rep.suffix)
    around = {"first": 1, "prev": page.previous, "next": page.next, "last": page.count}
    pages = {
        rel: _page_url(path, n) for rel, n in around.items() if n is not None and page.count > 1
    }
    query = f"?page={number}" if number > 1 else ""
    if rep.kind == "rdf" and rep.rdf is not None:
        graph = page_graph(context.store, page.members)
        response = Response(_rdf(graph, rep.rdf), content_type=rep.rdf.content_type)
    else:
        body = render_template(
            "resources/collection.html",
            name=name,
            page=page,
            pages=pages,
            langs=langs(),
            local=local,
            query=query,
            rdf_formats=LINKED_FORMATS,
        )
        response = Response(body, mimetype="text/html")
    links = [f'<{url}>; rel="{rel}"' for rel, url in pages.items()]
    return _headers(response, local, rep, citations=False, query=query, links=links)


# --- the ontology -------------------------------------------------------------------------------

_render_lock = threading.Lock()


def documentation() -> tuple[ontodoc.Documentation, Any]:
    """pyLODE's page and the class diagram, rendered once per process on first use."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    cached = app.extensions.get("apwps-ontology-doc")
    if cached is None:
        with _render_lock:
            cached = app.extensions.get("apwps-ontology-doc")
            if cached is None:
                context = ctx()
                graph = ontodoc.ontology_graph(context.store, context.settings.base_iri)
                doc = ontodoc.render_documentation(graph, context.settings.base_iri)
                diagram = diagrams.class_diagram(ontodoc.outline(graph), href)
                cached = (doc, diagram)
                app.extensions["apwps-ontology-doc"] = cached
    return cached


@bp.get("/ontology")
@bp.get("/ontology.<suffix>")
def ontology(suffix: str = "") -> Response:
    rep = choose("." + suffix if suffix else "", citations=False)
    context = ctx()
    local = href(ontodoc.ontology_iri(context.settings.base_iri))
    if rep.kind == "rdf" and rep.rdf is not None:
        graph = ontodoc.ontology_graph(context.store, context.settings.base_iri)
        response = Response(_rdf(graph, rep.rdf), content_type=rep.rdf.content_type)
    else:
        doc, diagram = documentation()
        body = render_template(
            "resources/ontology.html",
            doc=doc,
            diagram=diagram,
            local=local,
            rdf_formats=LINKED_FORMATS,
        )
        response = Response(body, mimetype="text/html")
    return _headers(response, local, rep, citations=False)


@bp.get("/ontology/<path:module>")
def ontology_module(module: str) -> Response:
    """One file of the ontology (`/ontology/core`, `/ontology/vocabularies/crimes`)."""
    stem, suffix = split_suffix(module)
    rep = choose(suffix, citations=False)
    context = ctx()
    base = context.settings.base_iri
    iri = iri_for_path(f"ontology/{stem}")
    graph = ontodoc.ontology_graph(context.store, base, stem)
    if not len(graph):
        return _not_found(iri)
    local = href(iri)
    if rep.kind == "rdf" and rep.rdf is not None:
        response = Response(_rdf(graph, rep.rdf), content_type=rep.rdf.content_type)
    else:
        d = describe(
            context.store, iri, base, max_incoming=context.settings.resource_max_incoming_links
        )
        if not d.exists:
            return _not_found(iri)
        response = Response(_page(d, local), mimetype="text/html")
    return _headers(response, local, rep, citations=False)


@bp.get("/id")
@bp.get("/id/")
def index() -> str:
    """Every concept scheme and collection of the graph, to browse from."""
    from server.home import summary

    return render_template("resources/index.html", summary=summary())
