"""The home page: what the graph holds at a glance, and the way to everything else."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def test_home_page_shows_counts_and_leads_everywhere(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for target in ("/sparql", "/queries", "/ontology", "/search", "/validate", "/.well-known/void"):
        assert f'href="{target}"' in html
    frameworks = re.search(r'href="/id/frameworks"><strong>(\d+)</strong>', html)
    assert frameworks and int(frameworks.group(1)) >= 10
    assert 'href="/id/risk-factors"' in html  # a concept scheme
    newest = html[html.index("Newest entries") :]
    assert newest.count("<li>") >= 3
    triples = re.search(r"([\d,]+) triples", html)
    assert triples and int(triples.group(1).replace(",", "")) > 1000
    assert 'action="/search"' in html


def test_browse_page_lists_schemes_and_collections(client: FlaskClient) -> None:
    html = client.get("/id/").get_data(as_text=True)
    schemes = html[html.index("Concept schemes") : html.index("Collections of entries")]
    assert 'href="/id/risk-factors"' in schemes
    assert 'href="/id/frameworks"' in html[html.index("Collections of entries") :]
