"""The build: dumps, VoID, manifest, freshness, inference, and a failed build that leaves dist/ whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF

from apwps.build import build, is_fresh, open_built
from apwps.config import load_settings
from apwps.errors import InputError, ValidationFailed

from .minimal import make_project

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
BASE = "https://w3id.org/apwps/"


def _settings(root: Path):  # type: ignore[no-untyped-def]
    return load_settings({"root": str(root), "check_consistency": False}, read_environment=False)


def test_build_writes_dumps_void_and_manifest(tmp_path: Path) -> None:
    settings = _settings(make_project(tmp_path))
    built = build(settings)
    dist = settings.dist_path
    dataset = rdflib.Dataset()
    dataset.parse(dist / "apwps.nq", format="nquads")
    alpha = rdflib.URIRef(BASE + "id/frameworks/alpha")
    graphs = {
        str(getattr(g, "identifier", g))
        for _s, _p, _o, g in dataset.quads((alpha, None, None, None))
    }
    assert BASE + "graph/data/frameworks/alpha" in graphs
    # subclass and inverse entailments are materialised in the inferred graph
    inferred = dataset.graph(rdflib.URIRef(BASE + "graph/inferred"))
    assert (alpha, RDF.type, rdflib.URIRef(BASE + "ontology#Framework")) in inferred
    assert (
        rdflib.URIRef(BASE + "id/frameworks/alpha-part"),
        rdflib.URIRef(BASE + "ontology#partOf"),
        alpha,
    ) in inferred
    turtle = rdflib.Graph().parse(dist / "apwps.ttl")
    jsonld = rdflib.Dataset().parse(dist / "apwps.jsonld", format="json-ld")
    assert len(turtle) == built.manifest["asserted"] + built.inferred
    assert len(jsonld) > 0
    void = rdflib.Graph().parse(dist / "void.ttl")
    ds = rdflib.URIRef(BASE + "id/dataset")
    assert int(void.value(ds, VOID.triples)) == len(turtle)  # type: ignore[arg-type]
    manifest = json.loads((dist / "manifest.json").read_text())
    assert set(manifest["inputs"]) == {
        "ontology/core.ttl",
        "shapes/framework.shapes.ttl",
        "data/frameworks/alpha.ttl",
        "data/frameworks/beta.ttl",
    }


def test_fresh_build_is_reused_and_stale_one_rebuilt(tmp_path: Path) -> None:
    settings = _settings(make_project(tmp_path))
    assert not is_fresh(settings)
    build(settings)
    assert is_fresh(settings)
    (tmp_path / "data" / "frameworks" / "gamma.ttl").write_text(
        (tmp_path / "data" / "frameworks" / "beta.ttl")
        .read_text()
        .replace("beta", "gamma")
        .replace("Beta", "Gamma")
    )
    assert not is_fresh(settings)
    store = open_built(settings)  # rebuilds
    assert is_fresh(settings)
    labels = {
        r["l"].value
        for r in store.query(
            "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
            use_default_graph_as_union=True,
        )
    }
    assert "Gamma" in labels


def test_malformed_file_fails_and_keeps_previous_dist(tmp_path: Path) -> None:
    settings = _settings(make_project(tmp_path))
    build(settings)
    before = (settings.dist_path / "apwps.nq").read_bytes()
    bad = tmp_path / "data" / "frameworks" / "broken.ttl"
    bad.write_text('@prefix ex: <http://e/> .\nex:a ex:b "unclosed .\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build(settings)
    assert caught.value.source == "data/frameworks/broken.ttl"
    assert caught.value.line == 2
    assert (settings.dist_path / "apwps.nq").read_bytes() == before
    assert not list(tmp_path.glob(".dist-*"))


def test_violations_fail_the_build_with_findings(tmp_path: Path) -> None:
    settings = _settings(make_project(tmp_path))
    path = tmp_path / "data" / "frameworks" / "nameless.ttl"
    path.write_text(
        "@prefix ex: <https://w3id.org/apwps/ontology#> .\n\n"
        "<https://w3id.org/apwps/id/frameworks/nameless> a ex:AnalyticalFramework .\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as caught:
        build(settings)
    findings = caught.value.report.findings  # type: ignore[attr-defined]
    assert [(f.source, f.line, f.field, f.message) for f in findings] == [
        (
            "data/frameworks/nameless.ttl",
            3,
            "Label",
            "A framework needs a label: add rdflib:label".replace("rdflib", "rdfs"),
        )
    ]
    assert not settings.dist_path.exists()


def test_real_graph_builds_and_conforms(built) -> None:  # type: ignore[no-untyped-def]
    """The project's own content: every file loads, everything conforms, inferences were added."""
    assert built.report is not None and built.report.conforms, [
        f.as_text() for f in built.report.violations
    ]
    assert built.inferred > 0
    assert any(s.relative.startswith("data/") for s in built.sources)
