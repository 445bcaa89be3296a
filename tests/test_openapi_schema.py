"""The OpenAPI description (`server/openapi.py`) is valid, is served, and covers exactly the app's
routes: a route missing from it, or a described path the app does not answer, fails here."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from server.openapi import NOT_DESCRIBED, VERSION, static_document

METHODS = {"get", "post", "put", "patch", "delete"}


def openapi_path(rule: str) -> str:
    """A Flask rule in OpenAPI's spelling: `/id/<path:path>` → `/id/{path}`."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def served(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document: dict[str, Any] = response.get_json()
    return document


def test_the_description_is_valid_openapi(client: FlaskClient) -> None:
    validate(static_document())
    document = served(client)
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["info"]["version"] == VERSION
    assert document["servers"] == [{"url": "http://localhost"}]


def test_every_route_is_described(app: Flask, client: FlaskClient) -> None:
    paths = served(client)["paths"]
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.rule in NOT_DESCRIBED:
            continue
        item = paths.get(openapi_path(rule.rule))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if item is None or method.lower() not in item:
                missing.append(f"{method} {rule.rule}")
    assert missing == []


def test_every_described_operation_is_answered(app: Flask, client: FlaskClient) -> None:
    adapter = app.url_map.bind("localhost")
    for path, item in served(client)["paths"].items():
        concrete = re.sub(r"\{[a-z_]+\}", "x", path)
        for method in set(item) & METHODS:
            endpoint, _ = adapter.match(concrete, method=method.upper())
            assert endpoint in app.view_functions, (method, path)


def test_each_named_query_has_its_operation(app: Flask, client: FlaskClient) -> None:
    paths = served(client)["paths"]
    catalogue = app.extensions["apwps"].catalogue
    assert len(list(catalogue)) > 5
    for query in catalogue:
        operation = paths[f"/queries/{query.name}"]["get"]
        assert operation["summary"] == query.title
        names = [p["name"] for p in operation["parameters"]]
        assert names == [p.name for p in query.parameters] + ["format"]
        for declared, described in zip(query.parameters, operation["parameters"], strict=False):
            assert described["required"] == declared.required
            if declared.type == "iri":
                assert described["schema"]["format"] == "uri"


def test_the_api_operations_name_their_answers(client: FlaskClient) -> None:
    paths = served(client)["paths"]
    schema = paths["/validate"]["post"]["responses"]["200"]["content"]["application/json"]
    assert schema["schema"] == {"$ref": "#/components/schemas/Report"}
    submission = paths["/validate/submissions"]["post"]
    assert submission["security"] == [{"curatorToken": []}]
    assert set(submission["responses"]) >= {"201", "401", "403", "409", "422"}
    search = paths["/search.json"]["get"]["responses"]["200"]["content"]["application/json"]
    assert search["schema"] == {"$ref": "#/components/schemas/SearchResults"}
    sparql = paths["/sparql"]["get"]["responses"]["200"]["content"]
    assert {"application/sparql-results+json", "text/csv", "text/turtle"} <= set(sparql)
    for item in paths.values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if status != "431" and "$ref" not in response:
                    assert "X-Request-ID" in response["headers"], operation["summary"]


def test_not_described_routes_exist(app: Flask) -> None:
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert set(NOT_DESCRIBED) <= rules
