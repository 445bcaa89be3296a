"""Security headers (`server/security.py`): a strict policy on pages, a load-nothing policy on
data, `nosniff` everywhere, framing refused everywhere but on the embed card."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.security import DATA_POLICY, PAGE_POLICY, SVG_POLICY

GENOCIDE = "https://w3id.org/apwps/id/crimes/genocide"
PAGES = [
    "/",
    "/sparql",
    "/queries",
    "/search?q=genocide",
    "/validate",
    "/crosswalk",
    "/wps-index",
    "/ontology",
    "/id/",
    "/id/crimes/genocide",
    "/.well-known/void",
    "/dumps/",
]
DATA = [
    "/queries",
    "/search.json?q=genocide",
    "/validate/kinds",
    "/openapi.json",
    "/id/crimes/genocide.ttl",
    "/id/crimes/genocide.jsonld",
    "/lists",
    "/sparql?query=ASK%7B%7D",
    "/embed/card.json?iri=" + GENOCIDE,
    "/robots.txt",
]


def directives(policy: str) -> dict[str, str]:
    parts = (p.strip().split(None, 1) for p in policy.split(";") if p.strip())
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


@pytest.mark.parametrize("path", PAGES)
def test_pages_get_the_page_policy(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    assert response.mimetype == "text/html"
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == "'self'"  # no inline script, no eval
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_hold_no_inline_script(client: FlaskClient) -> None:
    """What the policy forbids is not in the pages: scripts come from files, data blocks aside."""
    for path in PAGES:
        page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        for tag in page.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            assert "src=" in opening or 'type="application/' in opening, (path, opening)
        assert " onclick=" not in page and "javascript:" not in page, path


@pytest.mark.parametrize("path", DATA)
def test_data_gets_the_load_nothing_policy(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 200, path
    assert response.mimetype != "text/html", path
    assert response.headers["Content-Security-Policy"] == DATA_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_svg_chart_may_style_itself_but_not_run_scripts(client: FlaskClient) -> None:
    response = client.get("/wps-index/indicators/maternal-mortality.svg")
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == SVG_POLICY
    assert "script-src" not in SVG_POLICY and "default-src 'none'" in SVG_POLICY


def test_only_the_embed_card_may_be_framed(client: FlaskClient) -> None:
    card = client.get("/embed/card", query_string={"iri": GENOCIDE})
    assert card.status_code == 200
    policy = directives(card.headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == "*"
    assert policy["default-src"] == "'none'"
    assert "X-Frame-Options" not in card.headers
    assert card.headers["X-Content-Type-Options"] == "nosniff"
    oembed = client.get("/oembed", query_string={"url": GENOCIDE}).get_json()
    assert "/embed/card?iri=" in oembed["html"]  # what other sites frame is that page


def test_errors_get_the_headers_too(client: FlaskClient) -> None:
    page = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert page.headers["Content-Security-Policy"] == PAGE_POLICY
    data = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert data.headers["Content-Security-Policy"] == DATA_POLICY
    refused = client.post("/sparql", data=b"x", content_type="text/plain")
    assert refused.status_code == 415
    assert refused.headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_are_served_with_their_own_types(client: FlaskClient) -> None:
    """`nosniff` makes browsers trust Content-Type, so scripts and styles must say what they are."""
    script = client.get("/static/search/autocomplete.js")
    assert script.mimetype in ("text/javascript", "application/javascript")
    assert script.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/static/site.css").mimetype == "text/css"
    assert client.get("/embed.js").mimetype == "text/javascript"


def test_every_route_gets_nosniff_and_a_frame_policy(app: Flask, client: FlaskClient) -> None:
    """Whatever a route answers (even a 404 for a made-up parameter), the headers are there."""
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()):
            continue
        path = rule.rule.replace("<path:", "<").split("<", 1)[0].rstrip("/.") or "/"
        response = client.get(path + ("/x" if rule.arguments else ""))
        assert response.headers["X-Content-Type-Options"] == "nosniff", rule.rule
        assert "Content-Security-Policy" in response.headers, rule.rule
        checked += 1
    assert checked > 30
