"""The dataset as a whole: its description (`/.well-known/void`, also the document of the dataset's
IRI `/id/dataset`) in VoID and DCAT, the dumps `build` wrote, a sitemap and robots.txt."""

from __future__ import annotations

import threading
from pathlib import Path

import rdflib
from flask import Blueprint, Response, abort, current_app, render_template, send_from_directory

from apwps.build import DUMP_JSONLD, DUMP_NQUADS, DUMP_TURTLE, VOID_FILE
from apwps.overview import resource_iris
from apwps.void import dataset_iri, read_description, summarise
from server.context import ctx
from server.pages import absolute, href
from server.resources import LINKED_FORMATS, _headers, _rdf, choose

bp = Blueprint("void", __name__)

DUMPS: dict[str, str] = {
    DUMP_NQUADS: "application/n-quads",
    DUMP_TURTLE: "text/turtle",
    DUMP_JSONLD: "application/ld+json",
}
_lock = threading.Lock()


def description() -> rdflib.Graph:
    """The description the build wrote, read once per process (and again after a rebuild)."""
    path = ctx().settings.dist_path / VOID_FILE
    if not path.is_file():
        abort(404, f"no dataset description yet: run `apwps build` to write {path}")
    key = ("apwps-void", path.stat().st_mtime_ns)
    cached = current_app.extensions.get("apwps-void")
    if cached is None or cached[0] != key:
        with _lock:
            cached = (key, read_description(path))
            current_app.extensions["apwps-void"] = cached
    graph: rdflib.Graph = cached[1]
    return graph


def _describe(suffix: str) -> Response:
    rep = choose(suffix, citations=False)
    graph = description()
    local = href(dataset_iri(ctx().settings))
    if rep.kind == "rdf" and rep.rdf is not None:
        response = Response(_rdf(graph, rep.rdf), content_type=rep.rdf.content_type)
    else:
        body = render_template(
            "resources/dataset.html",
            summary=summarise(graph, ctx().settings),
            local=local,
            rdf_formats=LINKED_FORMATS,
        )
        response = Response(body, mimetype="text/html")
    return _headers(response, local, rep, citations=False)


@bp.get("/.well-known/void")
@bp.get("/.well-known/void.<suffix>")
def well_known(suffix: str = "") -> Response:
    return _describe("." + suffix if suffix else "")


@bp.get("/id/dataset")
@bp.get("/id/dataset.<suffix>")
def dataset(suffix: str = "") -> Response:
    return _describe("." + suffix if suffix else "")


@bp.get("/dumps/")
def dumps() -> Response:
    dist = ctx().settings.dist_path
    files = [
        (name, media, (dist / name).stat().st_size)
        for name, media in DUMPS.items()
        if (dist / name).is_file()
    ]
    response = Response(render_template("resources/dumps.html", files=files), mimetype="text/html")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/dumps/<name>")
def dump(name: str) -> Response:
    """A dump of the whole graph, as `build` wrote it."""
    if name not in DUMPS:
        abort(404, f"no dump called {name!r}; the dumps are {', '.join(DUMPS)}")
    dist: Path = ctx().settings.dist_path
    if not (dist / name).is_file():
        abort(404, f"no dump {name} yet: run `apwps build`")
    response = send_from_directory(dist, name, mimetype=DUMPS[name], max_age=300)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every page a search engine should visit: the main pages and every resource of the graph."""
    context = ctx()
    pages = ["", "ontology", "sparql", "queries", "search", ".well-known/void"]
    urls = [absolute(p) for p in pages]
    for iri in resource_iris(context.store, context.settings.base_iri):
        target = href(iri)
        urls.append(target if target.startswith(("http://", "https://")) else absolute(target))
    body = render_template("resources/sitemap.xml", urls=urls)
    response = Response(body, mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/robots.txt")
def robots() -> Response:
    text = f"User-agent: *\nAllow: /\nDisallow: /sparql?\nSitemap: {absolute('sitemap.xml')}\n"
    return Response(text, mimetype="text/plain")
