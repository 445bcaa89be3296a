"""Schemathesis against the real server (`apwps serve`, gunicorn), from the description the server
serves at `/openapi.json`: requests generated from every operation's parameters and bodies,
valid and invalid, with a small budget. Each answer must be documented (status, media type, JSON
schema, headers) and clean (no server error, no traceback or internal path, a request ID)."""

from __future__ import annotations

from typing import Any

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
from tests.test_fuzz_support import assert_clean

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


def check(case: Any, server: Process) -> None:
    response = case.call(base_url=server.url, timeout=60)
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
