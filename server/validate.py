"""`/validate`: the curators' page and API. Validation, templates and submissions are the core's
(`apwps.curation`, `apwps.new`, `apwps.submissions`); this module only reads requests and renders.

- `GET /validate`: the page (paste or upload an entry, or fill a form generated from the shapes).
- `POST /validate`: from the page (a form), the page with the report grouped by entry and field;
  from another tool (an entry as Turtle, JSON-LD, RDF/XML, N-Triples, CSV or YAML), the report as
  JSON, or as the standard SHACL validation report in Turtle when asked for `text/turtle`.
- `POST /validate/submissions`: submit an entry (`Authorization: Bearer <curator_token>`);
  `?replace=true` to replace an existing one, `?curator=<name>` to say who submits.
- `GET /validate/kinds`: the kinds of entry and their fields; `GET /validate/template/<kind>`: a
  template entry in Turtle.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import NotFound, UnsupportedMediaType

from apwps import formats, tabular
from apwps.curation import (
    CurationContext,
    InputFormat,
    Submission,
    input_format,
    input_format_for_media_type,
)
from apwps.errors import InputError, ValidationFailed
from apwps.kinds import Kind
from apwps.new import template
from apwps.submissions import Accepted, EntryExists, NotAuthorised, Submissions, authorised
from apwps.validate import Report
from server.context import ctx
from server.errors import envelope

bp = Blueprint("validate", __name__)

PAGE_FORMATS: tuple[InputFormat, ...] = (
    formats.BY_NAME["turtle"],
    formats.BY_NAME["jsonld"],
    formats.BY_NAME["rdfxml"],
    formats.BY_NAME["ntriples"],
    tabular.CSV,
    tabular.YAML,
)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_init_lock = threading.Lock()


def curation() -> Submissions:
    """The app's prepared validation context (made on first use, then shared by its threads)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    submissions: Submissions | None = app.extensions.get("apwps.curation")
    if submissions is None:
        with _init_lock:
            submissions = app.extensions.get("apwps.curation")
            if submissions is None:
                submissions = Submissions(CurationContext.prepare(ctx().settings))
                app.extensions["apwps.curation"] = submissions
    submissions.sync()
    return submissions


def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _supported() -> str:
    return ", ".join(f.media_type for f in PAGE_FORMATS)


def _api_submission() -> Submission:
    """The request body as a submission, its format from Content-Type (or `?format=`)."""
    name = request.args.get("format")
    fmt = None
    if name:
        fmt = next((f for f in PAGE_FORMATS if f.name == name.lower()), None)
    elif request.content_type:
        fmt = input_format_for_media_type(request.content_type)
    if fmt is None or fmt not in PAGE_FORMATS:
        raise UnsupportedMediaType(
            f"send the entry as one of {_supported()} (Content-Type), found "
            f"{name or request.content_type or 'no Content-Type'}"
        )
    data = request.get_data(cache=False)
    if not data.strip():
        raise InputError("the request body is empty: send the entry to validate", source="request")
    return Submission("request", data, fmt, f"{ctx().settings.base_iri}graph/submitted/request")


def _report_response(report: Report, status: int = 200, **extra: Any) -> Response:
    best = request.accept_mimetypes.best_match(["application/json", "text/turtle"])
    if (
        best == "text/turtle"
        and request.accept_mimetypes["text/turtle"] > request.accept_mimetypes["application/json"]
    ):
        body = report.results_graph.serialize(format="turtle")
        response = Response(body, status=status, content_type="text/turtle; charset=utf-8")
    else:
        response = jsonify({"ok": report.conforms, **report.as_dict(), **extra})
        response.status_code = status
    response.headers["Vary"] = "Accept"
    return _cors(response)


# --- the page ---------------------------------------------------------------------------------


def _kind_from(kinds: list[Kind], name: str | None) -> Kind | None:
    if not name:
        return None
    return next((k for k in kinds if k.name == name), None)


def _page(status: int = 200, **values: Any) -> Response:
    submissions = curation()
    context = submissions.context
    form = request.form if request.method == "POST" else request.args
    kind = _kind_from(context.kinds, form.get("kind"))
    datalists = {}
    if kind is not None:
        for field in kind.fields:
            if field.class_:
                datalists[field.path] = sorted(
                    (labels[0] if labels else iri, iri)
                    for iri, labels in context.entities_of(field.class_).items()
                )
    body = render_template(
        "validate/page.html",
        kinds=context.kinds,
        kind=kind,
        datalists=datalists,
        formats=PAGE_FORMATS,
        form=form,
        writes_enabled=bool(ctx().settings.curator_token),
        separator=tabular.VALUE_SEPARATOR,
        **values,
    )
    return Response(body, status=status, mimetype="text/html")


def _page_submission() -> Submission:
    """What the page sent: the form generated from the shapes, an uploaded file, or pasted text."""
    base = f"{ctx().settings.base_iri}graph/submitted/"
    if request.form.get("mode") == "form":
        values = {
            key[2:]: text
            for key, text in request.form.items()
            if key.startswith("f:") and text.strip()
        }
        data = tabular.form_to_yaml(
            request.form.get("kind", ""), request.form.get("id", ""), values
        )
        return Submission("form", data, tabular.YAML, base + "form")
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        fmt = input_format(upload.filename)
        if fmt is None:
            raise UnsupportedMediaType(
                f"{upload.filename}: use a file ending in one of "
                f"{', '.join(s for f in PAGE_FORMATS for s in f.suffixes)}"
            )
        return Submission(upload.filename, upload.read(), fmt, base + "upload")
    name = request.form.get("format", "turtle")
    fmt = next((f for f in PAGE_FORMATS if f.name == name), None)
    if fmt is None:
        raise UnsupportedMediaType(f"unknown format {name!r}")
    text = request.form.get("entry", "")
    if not text.strip():
        raise InputError("paste an entry, upload a file or fill in the form first", source="entry")
    return Submission("entry", text.encode("utf-8"), fmt, base + "entry")


def _from_page() -> Response:
    submissions = curation()
    try:
        submission = _page_submission()
        if request.form.get("action") == "submit":
            if not ctx().settings.curator_token:
                return _page(
                    403,
                    problem="Submissions are switched off on this server "
                    "(no curator token is configured).",
                )
            if not authorised(ctx().settings.curator_token, request.form.get("token")):
                return _page(
                    401, problem="The curator token is missing or wrong: nothing was written."
                )
            accepted = submissions.submit(
                submission,
                curator=request.form.get("curator", "").strip() or "curator",
                replace=request.form.get("replace") == "yes",
            )
            return _page(201, report=accepted.report, accepted=accepted)
        report = submissions.context.validate([submission])
        return _page(report=report)
    except ValidationFailed as exc:
        return _page(
            422,
            report=getattr(exc, "report", None),
            problem="Not submitted: the entry does not conform. Nothing was written.",
        )
    except EntryExists as exc:
        return _page(409, problem=str(exc))
    except InputError as exc:
        return _page(400, problem=str(exc), problem_line=exc.line, problem_column=exc.column)
    except UnsupportedMediaType as exc:
        return _page(415, problem=exc.description)


@bp.get("/validate")
def page() -> Response:
    return _page()


@bp.post("/validate")
def validate() -> Response:
    if request.mimetype in _FORM_TYPES:
        return _from_page()
    submission = _api_submission()
    report = curation().context.validate([submission])
    return _report_response(report)


# --- the API for other tools ------------------------------------------------------------------


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@bp.post("/validate/submissions")
def submit() -> Response:
    settings = ctx().settings
    if not settings.curator_token:
        raise NotAuthorised("submissions are switched off: no curator_token is configured")
    if not authorised(settings.curator_token, _bearer()):
        raise NotAuthorised("missing or wrong curator token (send Authorization: Bearer <token>)")
    submission = _api_submission()
    accepted: Accepted = curation().submit(
        submission,
        curator=(request.args.get("curator") or request.headers.get("X-Curator") or "curator")[
            :200
        ],
        replace=request.args.get("replace", "").lower() in {"1", "true", "yes"},
    )
    response = jsonify({"ok": True, **accepted.as_dict()})
    response.status_code = 201
    return _cors(response)


@bp.get("/validate/kinds")
def kinds() -> Response:
    context = curation().context
    items = [
        {
            "name": k.name,
            "class": k.target_class,
            "label": k.label,
            "description": k.description,
            "collection": context.collection_of(k),
            "template": f"/validate/template/{k.name}",
            "fields": [
                {
                    "name": f.name,
                    "path": f.path,
                    "description": f.description,
                    "requirement": f.requirement,
                    "min_count": f.min_count,
                    "max_count": f.max_count,
                    "severity": f.severity,
                    "datatypes": list(f.datatypes),
                    "class": f.class_,
                    "link": f.is_link,
                    "allowed": [str(v) for v in f.allowed],
                }
                for f in k.fields
            ],
        }
        for k in context.kinds
    ]
    return _cors(jsonify({"kinds": items}))


@bp.get("/validate/template/<name>")
def kind_template(name: str) -> Response:
    context = curation().context
    kind = context.kind(name)
    if kind is None:
        raise NotFound(f"no kind {name!r}; known: {', '.join(k.name for k in context.kinds)}")
    return _cors(Response(template(context, kind), content_type="text/turtle; charset=utf-8"))


@bp.errorhandler(NotAuthorised)
def not_authorised(exc: NotAuthorised) -> Response:
    status = 403 if not ctx().settings.curator_token else 401
    response = envelope(status, exc.code, str(exc))
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="apwps"'
    return response


@bp.errorhandler(EntryExists)
def entry_exists(exc: EntryExists) -> Response:
    return envelope(409, exc.code, str(exc))


@bp.errorhandler(ValidationFailed)
def refused(exc: ValidationFailed) -> Response:
    report: Report | None = getattr(exc, "report", None)
    extra = {"report": report.as_dict()} if report is not None else {}
    return envelope(422, exc.code, str(exc), **extra)
