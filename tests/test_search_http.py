"""`/search` over HTTP: JSON for scripts, a page for people, limits and errors, and the real server."""

from __future__ import annotations

import requests
from flask.testing import FlaskClient

from apwps.config import Settings
from tests.conftest import Process

ID = "https://w3id.org/apwps/id/"


def test_json_answer(client: FlaskClient) -> None:
    response = client.get("/search?q=geno&format=json")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.get_json()
    assert data["query"] == "geno"
    first = data["results"][0]
    assert first["iri"] == ID + "crimes/genocide"
    assert first["label"] == "Genocide"
    assert first["match"] == "prefix"
    assert first["kind"] == "crimes"
    assert first["url"].endswith("/id/crimes/genocide")
    assert data["count"] == len(data["results"])


def test_accept_header_selects_json_and_language(client: FlaskClient) -> None:
    response = client.get(
        "/search?q=security", headers={"Accept": "application/json", "Accept-Language": "nb"}
    )
    assert response.mimetype == "application/json"
    assert response.get_json()["results"][0]["label"] == "Sikkerhet"
    assert "Accept-Language" in response.headers["Vary"]


def test_lang_parameter_wins_over_accept_language(client: FlaskClient) -> None:
    response = client.get("/search.json?q=security&lang=en", headers={"Accept-Language": "nb"})
    assert response.get_json()["results"][0]["label"] == "Security"


def test_html_page_lists_results(client: FlaskClient) -> None:
    response = client.get("/search?q=FoA", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'href="/id/frameworks/un-framework-of-analysis"' in page
    assert "matched “FoA”" in page
    assert "/static/search/autocomplete.js" in page


def test_empty_query_page_and_no_match(client: FlaskClient) -> None:
    assert client.get("/search", headers={"Accept": "text/html"}).status_code == 200
    none = client.get("/search?q=zzqqxx", headers={"Accept": "text/html"})
    assert "No matches" in none.get_data(as_text=True)
    assert client.get("/search?format=json").get_json()["results"] == []


def test_limit_is_capped_by_the_setting(client: FlaskClient, settings: Settings) -> None:
    assert len(client.get("/search?q=a&format=json&limit=2").get_json()["results"]) == 2
    many = client.get("/search?q=the&format=json&limit=1000").get_json()["results"]
    assert len(many) == settings.search_max_results


def test_bad_parameters_are_400_naming_the_parameter(client: FlaskClient) -> None:
    for url, name in [
        ("/search?q=a&limit=zero", "limit"),
        ("/search?q=a&limit=0", "limit"),
        ("/search?q=a&format=xml", "format"),
        ("/search?q=" + "a" * 201, "'q'"),
    ]:
        response = client.get(url, headers={"Accept": "application/json"})
        assert response.status_code == 400, url
        assert name in response.get_json()["message"]


def test_real_server_answers_search(live_server: Process) -> None:
    response = requests.get(
        live_server.url + "/search", params={"q": "hate", "format": "json"}, timeout=10
    )
    assert response.status_code == 200
    labels = [r["label"] for r in response.json()["results"]]
    assert labels[0] == "Hate speech"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
