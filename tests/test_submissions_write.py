"""Submissions: refused with the report when they do not conform (nothing written), written
atomically under data/ when they do, never over an existing entry unless asked, recorded in PROV
terms, and at once part of later validations. A writer killed in the middle leaves the previous state
whole."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from rdflib.namespace import FOAF, PROV, RDF

from apwps.build import open_built
from apwps.load import discover
from apwps.stores.memory import MemoryStore
from apwps.submissions import authorised
from server import create_app

from .test_curation_support import (
    ORGS,
    built,
    kill,
    make_copy,
    organisation,
    run_apwps,
    tree_digest,
)

TOKEN = "write-token-5d1e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    root = make_copy(tmp_path_factory.mktemp("project"))
    settings = built(root, curator_token=TOKEN)
    application = create_app(settings, store=MemoryStore(open_built(settings)))
    application.config["TESTING"] = True
    yield application


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def root_of(app: Flask) -> Path:
    return Path(app.extensions["apwps"].settings.root)


def log_graph(root: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(root / "var" / "submissions.ttl", format="turtle")


def test_tokens_are_checked_and_writes_need_one() -> None:
    assert authorised("secret", "secret")
    assert not authorised("secret", "Secret")
    assert not authorised("secret", None)
    assert not authorised("", "")  # no token configured: no writes at all


def test_wrong_or_missing_token_is_401_and_writes_nothing(client: FlaskClient, app: Flask) -> None:
    before = tree_digest(root_of(app) / "data")
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {TOKEN}"}):
        response = client.post(
            "/validate/submissions",
            data=organisation("no-token"),
            content_type="text/turtle",
            headers=headers,
        )
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert tree_digest(root_of(app) / "data") == before


def test_a_non_conforming_submission_is_refused_with_its_report(
    client: FlaskClient, app: Flask
) -> None:
    before = tree_digest(root_of(app) / "data")
    body = organisation("refused-institute", changes={"vs:verified": "vs:verifed"})
    response = client.post(
        "/validate/submissions", data=body, content_type="text/turtle", headers=AUTH
    )
    assert response.status_code == 422
    payload = response.get_json()
    assert payload["error"] == "not_conforming" and "nothing was written" in payload["message"]
    assert [f["field"] for f in payload["report"]["findings"]] == ["Verification status"]
    assert tree_digest(root_of(app) / "data") == before


def test_an_accepted_submission_is_written_recorded_and_usable_at_once(
    client: FlaskClient, app: Flask
) -> None:
    root = root_of(app)
    body = organisation("accepted-institute", label="Accepted Institute")
    response = client.post(
        "/validate/submissions?curator=Kari%20Nordmann",
        data=body,
        content_type="text/turtle",
        headers=AUTH,
    )
    assert response.status_code == 201, response.get_json()
    result = response.get_json()
    assert result["file"] == "data/organisations/accepted-institute.ttl"
    assert result["served"] == "after the next build"
    written = root / result["file"]
    assert written.read_bytes() == body  # Turtle is kept as written
    assert [p.name for p in written.parent.iterdir() if p.name.startswith(".")] == []
    # recorded in PROV terms: who, when, which file
    log = log_graph(root)
    activity = rdflib.URIRef(result["record"])
    assert (activity, RDF.type, PROV.Activity) in log
    agent = log.value(activity, PROV.wasAssociatedWith)
    assert log.value(agent, FOAF.name) == rdflib.Literal("Kari Nordmann")
    assert log.value(activity, PROV.endedAtTime) is not None
    version = log.value(None, PROV.wasGeneratedBy, activity)
    assert log.value(version, PROV.atLocation) == rdflib.Literal(result["file"])
    assert str(log.value(version, rdflib.URIRef("http://purl.org/dc/terms/identifier"))) == (
        f"sha256:{result['sha256']}"
    )
    # a later entry may link to it at once
    child = organisation("child-institute", changes={"orgs:un-women": "orgs:accepted-institute"})
    report = client.post("/validate", data=child, content_type="text/turtle").get_json()
    assert report["conforms"] is True, report
    # and the build takes it in
    assert any(s.relative == result["file"] for s in discover(root, "https://w3id.org/apwps/"))


def test_an_existing_entry_is_replaced_only_when_asked(client: FlaskClient, app: Flask) -> None:
    root = root_of(app)
    first = organisation("twice-institute", label="Twice Institute")
    assert (
        client.post(
            "/validate/submissions", data=first, content_type="text/turtle", headers=AUTH
        ).status_code
        == 201
    )
    second = organisation("twice-institute", label="Twice Institute, renamed")
    response = client.post(
        "/validate/submissions", data=second, content_type="text/turtle", headers=AUTH
    )
    assert response.status_code == 409 and response.get_json()["error"] == "entry_exists"
    target = root / "data" / "organisations" / "twice-institute.ttl"
    assert target.read_bytes() == first
    response = client.post(
        "/validate/submissions?replace=true", data=second, content_type="text/turtle", headers=AUTH
    )
    assert response.status_code == 201 and response.get_json()["replaced"] is True
    assert target.read_bytes() == second
    version = log_graph(root).value(
        None, PROV.wasGeneratedBy, rdflib.URIRef(response.get_json()["record"])
    )
    assert log_graph(root).value(version, PROV.wasRevisionOf) is not None


def test_other_syntaxes_are_written_as_turtle(client: FlaskClient, app: Flask) -> None:
    yaml_body = (
        "kind: organisation\nid: yaml-institute\nName: YAML Institute\nMember of: UN Women\n"
        "Source: https://example.org/\nVerification status: verified\n"
    )
    response = client.post(
        "/validate/submissions", data=yaml_body, content_type="application/yaml", headers=AUTH
    )
    assert response.status_code == 201, response.get_json()
    written = root_of(app) / "data" / "organisations" / "yaml-institute.ttl"
    graph = rdflib.Graph().parse(written, format="turtle")
    assert (
        rdflib.URIRef(f"{ORGS}yaml-institute"),
        rdflib.RDFS.label,
        rdflib.Literal("YAML Institute", lang="en"),
    ) in graph
    assert written.read_text().startswith("# Submitted as YAML (tabular form), written as Turtle.")


def test_the_page_submits_with_the_token(client: FlaskClient, app: Flask) -> None:
    form = {
        "mode": "paste",
        "format": "turtle",
        "entry": organisation("page-institute").decode(),
        "action": "submit",
        "token": TOKEN,
        "curator": "Page Curator",
    }
    response = client.post("/validate", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 201 and 'id="accepted"' in html
    assert "data/organisations/page-institute.ttl" in html and "after the next build" in html
    wrong = client.post("/validate", data={**form, "token": "nope"})
    assert wrong.status_code == 401 and "nothing was written" in wrong.get_data(as_text=True)


CRASHING_WRITER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from apwps.config import load_settings
    from apwps.curation import CurationContext, Submission
    from apwps import formats, submissions

    root, slug, step = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    settings = load_settings({"root": str(root), "check_consistency": False}, read_environment=False)
    writer = submissions.Submissions(CurationContext.prepare(settings))
    real_write = os.write

    def stall(*args, **kwargs):
        print("STALLED", flush=True)
        time.sleep(120)

    def half_write(fd, data):
        real_write(fd, data[: len(data) // 2])
        stall()

    if step == "file":
        submissions.os.fsync = stall  # the entry's bytes are in the temporary file, not yet in place
    else:
        submissions.os.write = half_write  # the record is half appended to the log
    data = sys.stdin.buffer.read()
    writer.submit(Submission("entry.ttl", data, formats.BY_NAME["turtle"], "urn:x"), curator="crash",
                  replace=True)
""")


def crash_while(root: Path, slug: str, body: bytes, step: str) -> None:
    """Run a writer that stalls at `step` and kill it there."""
    process = subprocess.Popen(
        [sys.executable, "-c", CRASHING_WRITER, str(root), slug, step],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(body)
    process.stdin.close()
    try:
        line = process.stdout.readline()
        assert line.strip() == b"STALLED", process.stderr.read() if process.stderr else b""
    finally:
        kill(process)


def test_a_writer_killed_mid_write_leaves_the_previous_state_whole(
    client: FlaskClient, app: Flask
) -> None:
    root = root_of(app)
    before = organisation("crash-institute", label="Crash Institute")
    assert (
        client.post(
            "/validate/submissions", data=before, content_type="text/turtle", headers=AUTH
        ).status_code
        == 201
    )
    target = root / "data" / "organisations" / "crash-institute.ttl"
    log_before = (root / "var" / "submissions.ttl").read_bytes()
    after = organisation("crash-institute", label="Crash Institute, changed")
    crash_while(root, "crash-institute", after, "file")
    assert target.read_bytes() == before  # the old version, whole
    assert (root / "var" / "submissions.ttl").read_bytes() == log_before
    leftovers = [p for p in target.parent.iterdir() if p.name.startswith(".crash-institute.ttl.")]
    assert leftovers  # the temporary file of the killed writer...
    assert all(
        s.path not in leftovers for s in discover(root, "https://w3id.org/apwps/")
    )  # ...unread
    result = run_apwps(root, "validate", str(target))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_record_cut_short_by_a_crash_is_repaired_before_the_next(
    client: FlaskClient, app: Flask
) -> None:
    root = root_of(app)
    log_path = root / "var" / "submissions.ttl"
    records_before = len(list(log_graph(root).subjects(RDF.type, PROV.Activity)))
    crash_while(root, "cut-institute", organisation("cut-institute"), "log")
    with pytest.raises(Exception):  # noqa: B017 - the half-written record breaks the Turtle
        rdflib.Graph().parse(log_path, format="turtle")
    response = client.post(
        "/validate/submissions",
        data=organisation("after-cut-institute"),
        content_type="text/turtle",
        headers=AUTH,
    )
    assert response.status_code == 201
    activities = set(log_graph(root).subjects(RDF.type, PROV.Activity))
    assert len(activities) == records_before + 1
    assert rdflib.URIRef(response.get_json()["record"]) in activities
