"""`/validate` for other tools and for people: the JSON API in every input syntax, the standard
SHACL report, clear 4xx errors, the page (paste, upload, form from the shapes) with the report
grouped by entry and field, the kinds and templates."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient

from apwps.build import open_built
from apwps.stores.memory import MemoryStore
from server import create_app

from .test_curation_support import (
    CSV_EXAMPLE,
    ORGS,
    built,
    make_copy,
    organisation,
)

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
BAD = organisation(
    "example-institute",
    changes={"orgs:un-women": "orgs:un-womn", '"Example Institute"@en': '"Example Institute"'},
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    root = make_copy(tmp_path_factory.mktemp("project"))
    settings = built(root, max_request_bytes=50_000)
    application = create_app(settings, store=MemoryStore(open_built(settings)))
    application.config["TESTING"] = True
    yield application


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_post_turtle_get_the_report_as_json(client: FlaskClient) -> None:
    response = client.post("/validate", data=BAD, content_type="text/turtle")
    assert response.status_code == 200
    body = response.get_json()
    assert body["conforms"] is False and body["counts"]["Violation"] == 2
    assert [(f["field"], f["constraint"]) for f in body["findings"]] == [
        ("Member of", "class"),
        ("Name", "datatype"),
    ]
    assert body["findings"][0]["suggestions"][0] == f"UN Women <{ORGS}un-women>"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_every_input_syntax_is_accepted(client: FlaskClient) -> None:
    graph = rdflib.Graph().parse(data=organisation("example-institute"), format="turtle")
    bodies = {
        "application/ld+json": graph.serialize(format="json-ld"),
        "application/rdf+xml": graph.serialize(format="xml"),
        "application/n-triples": graph.serialize(format="nt"),
        "text/csv": CSV_EXAMPLE,
        "application/yaml": "kind: organisation\nid: example-institute\nName: Example Institute\n"
        "Member of: UN Women\nSource: https://example.org/\nVerification status: verified\n",
    }
    for media_type, body in bodies.items():
        response = client.post("/validate", data=body, content_type=media_type)
        assert response.status_code == 200, (media_type, response.get_json())
        assert response.get_json()["conforms"] is True, media_type


def test_the_standard_shacl_report_in_turtle(client: FlaskClient) -> None:
    response = client.post(
        "/validate", data=BAD, content_type="text/turtle", headers={"Accept": "text/turtle"}
    )
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    assert (None, SH.conforms, rdflib.Literal(False)) in graph
    assert len(list(graph.subjects(rdflib.RDF.type, SH.ValidationResult))) == 2


def test_malformed_input_is_400_with_line_and_column(client: FlaskClient) -> None:
    response = client.post(
        "/validate", data=b"@prefix : <http://e/> .\n:a :b", content_type="text/turtle"
    )
    assert response.status_code == 400
    body = response.get_json()
    assert (body["error"], body["line"], body["column"]) == ("bad_input", 2, 6)
    response = client.post("/validate", data=b'{"@id": ', content_type="application/ld+json")
    assert response.status_code == 400 and response.get_json()["line"] == 1
    response = client.post(
        "/validate", data=b"kind,id,Nmae\norganisation,x,y\n", content_type="text/csv"
    )
    assert response.status_code == 400 and "did you mean 'Name'" in response.get_json()["message"]


def test_unsupported_format_is_415_and_too_large_is_413(client: FlaskClient) -> None:
    response = client.post("/validate", data=b"<p>hi</p>", content_type="text/html")
    assert response.status_code == 415
    assert "text/turtle" in response.get_json()["message"]
    response = client.post("/validate", data=b"#" * 60_000, content_type="text/turtle")
    assert response.status_code == 413


def test_the_page_groups_the_report_by_entry_and_field(client: FlaskClient) -> None:
    page = client.get("/validate")
    assert page.status_code == 200 and b'<textarea name="entry"' in page.data
    response = client.post(
        "/validate",
        data={"mode": "paste", "format": "turtle", "entry": BAD.decode(), "action": "validate"},
        headers={"Accept": "text/html"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-conforms="false"' in html
    assert f'data-entry="{ORGS}example-institute"' in html
    assert html.count('class="field"') == 2
    assert 'data-field="Member of"' in html and 'data-field="Name"' in html
    assert "How to fix: Link to an existing organisation" in html
    assert f"UN Women &lt;{ORGS}un-women&gt;" in html
    assert "orgs:un-womn" in html  # the pasted entry stays in the box, to be fixed


def test_the_page_takes_an_upload_and_says_where_malformed_input_breaks(
    client: FlaskClient,
) -> None:
    response = client.post(
        "/validate",
        data={
            "mode": "paste",
            "action": "validate",
            "file": (io.BytesIO(CSV_EXAMPLE.encode()), "entries.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and 'data-conforms="true"' in response.get_data(as_text=True)
    response = client.post(
        "/validate",
        data={
            "mode": "paste",
            "format": "turtle",
            "entry": "@prefix : <http://e/> .\n:a :b",
            "action": "validate",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "(line 2, column 6)" in html


def test_the_form_generated_from_the_shapes(client: FlaskClient) -> None:
    page = client.get("/validate?kind=organisation").get_data(as_text=True)
    for field in ("Name", "Description", "Web site", "Member of", "Source", "Verification status"):
        assert f'name="f:{field}"' in page
    assert '<option value="UN Women">' in page  # existing organisations offered for links
    response = client.post(
        "/validate",
        data={
            "mode": "form",
            "kind": "organisation",
            "id": "example-institute",
            "f:Name": "Example Institute",
            "f:Member of": "UN Womn",
            "f:Source": "https://example.org/",
            "f:Verification status": "https://w3id.org/apwps/id/verification-status/verified",
            "action": "validate",
        },
    )
    html = response.get_data(as_text=True)
    assert 'data-conforms="false"' in html and 'data-field="Member of"' in html
    assert 'value="UN Womn"' in html  # the form keeps what was typed, and what was chosen
    assert 'verification-status/verified" selected>' in html


def test_kinds_and_templates(client: FlaskClient) -> None:
    kinds = client.get("/validate/kinds").get_json()["kinds"]
    assert [k["name"] for k in kinds] == ["framework", "organisation"]
    organisation_kind = kinds[1]
    assert organisation_kind["collection"] == "organisations"
    assert {f["name"]: f["requirement"] for f in organisation_kind["fields"]}[
        "Source"
    ] == "required"
    template = client.get("/validate/template/organisation")
    assert template.mimetype == "text/turtle"
    rdflib.Graph().parse(data=template.data, format="turtle")
    assert client.get("/validate/template/planet").status_code == 404


def test_submissions_are_off_without_a_token(client: FlaskClient, app: Flask) -> None:
    data_dir = Path(app.extensions["apwps"].settings.root) / "data"
    before = sorted(p.name for p in data_dir.rglob("*"))
    response = client.post(
        "/validate/submissions",
        data=organisation("off-institute"),
        content_type="text/turtle",
        headers={"Authorization": "Bearer anything"},
    )
    assert response.status_code == 403
    assert "no curator_token" in response.get_json()["message"]
    assert sorted(p.name for p in data_dir.rglob("*")) == before
