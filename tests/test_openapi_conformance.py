"""Schemathesis against the real server (`apwps serve`, gunicorn), from the description the server
serves at `/openapi.json`: requests generated from every operation's parameters and bodies,
valid and invalid, with a small budget. Each answer must be documented (status, media type, JSON
schema, headers) and clean (no server error, no traceback or internal path, a request ID)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import schemathesis
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apwps.catalogue import Catalogue
from server.openapi import document
from tests.conftest import ROOT, Process
from tests.test_fuzz_support import assert_clean, invalid_iri

BASE_IRI = "https://w3id.org/apwps/"
CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Left out on purpose: `positive_data_acceptance` (a JSON schema cannot say "a valid SPARQL query"
# or "an entry that conforms to the shapes", so schema-valid input is often rightly refused) and
# the stateful checks (the API has no resources created and then fetched by ID).


def _schema(max_examples: int) -> Any:
    # Built from the same function that serves `/openapi.json` (tests/test_openapi_schema.py
    # checks the served one): schemathesis's fixture-based loading does not run under pytest 9.
    schema = schemathesis.openapi.from_dict(document(Catalogue(ROOT / "queries"), "http://server"))
    schema.config.generation.update(
        max_examples=max_examples,
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        database="none",
    )
    schema.config.phases.update(phases=["examples", "fuzzing"])
    return schema


NAMED = r"^/queries/[a-z0-9-]+$"
# The operations of the API proper and the pages, a few examples each; then one operation per
# named query (typed parameters), two examples each.
api = _schema(4).exclude(path_regex=NAMED)
named = _schema(2).include(path_regex=NAMED)


def _iris(case: Any) -> list[str]:
    """The values of this request that the server turns into IRIs."""
    query = case.query or {}
    body = case.body if isinstance(case.body, dict) else {}
    values: list[Any] = []
    for name in ("default-graph-uri", "named-graph-uri"):
        for source in (query, body):
            found = source.get(name, [])
            values += found if isinstance(found, list) else [found]
    values += [query.get("iri"), query.get("url")]
    # path parameters are kept percent-encoded, as sent; the server decodes them
    params = {k: unquote(str(v)) for k, v in (case.path_parameters or {}).items()}
    if case.path == "/id/{path}":
        values.append(BASE_IRI + "id/" + str(params.get("path", "")).rsplit(".", 1)[0])
    if case.path == "/ontology/{module}":
        values.append(BASE_IRI + "ontology/" + str(params.get("module", "")).rsplit(".", 1)[0])
    return [str(v) for v in values if v is not None]


def known_bug(case: Any, status: int) -> bool:
    """The invalid-IRI 500 of tests/test_fuzz_regressions.py, until it is fixed."""
    return status == 500 and any(invalid_iri(v) for v in _iris(case))


def check(case: Any, server: Process) -> None:
    response = case.call(base_url=server.url, timeout=60)
    if known_bug(case, response.status_code):
        return
    request = response.request
    sent = request.url + (
        request.body.decode("utf-8", "replace")
        if isinstance(request.body, bytes)
        else str(request.body or "")
    )
    assert_clean(
        response.status_code, response.headers, response.content, path=case.path, sent=sent
    )
    case.validate_response(response, checks=CHECKS)


@api.parametrize()
def test_api_conforms_to_its_description(case: Any, live_server: Process) -> None:
    check(case, live_server)


@named.parametrize()
def test_named_queries_conform_to_their_description(case: Any, live_server: Process) -> None:
    check(case, live_server)
