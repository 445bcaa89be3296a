"""The command line end to end: exit codes 0/1/2, clear one-sentence errors, every subcommand."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from .conftest import free_port
from .minimal import make_project

COMMANDS = ["serve", "build", "validate", "query", "stats", "publish", "import-wps-index"]


def apwps(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "apwps.cli",
            "--root",
            str(root),
            "--set",
            "check_consistency=false",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def test_every_command_has_help(project: Path) -> None:
    top = apwps(project, "--help")
    assert top.returncode == 0
    for command in COMMANDS:
        assert command in top.stdout
        result = apwps(project, command, "--help")
        assert result.returncode == 0, result.stderr
        assert "Usage:" in result.stdout and len(result.stdout.splitlines()) > 3


def test_build_query_and_stats(project: Path) -> None:
    built = apwps(project, "build")
    assert built.returncode == 0, built.stderr
    assert "triples asserted" in built.stdout
    listed = apwps(project, "query", "--list")
    assert listed.stdout.strip() == "frameworks: Frameworks"
    answer = apwps(project, "query", "frameworks", "--format", "json")
    rows = json.loads(answer.stdout)["results"]["bindings"]
    assert [r["label"]["value"] for r in rows] == ["Alpha", "Beta"]
    bound = apwps(
        project,
        "query",
        "frameworks",
        "--format",
        "csv",
        "-p",
        "framework=https://w3id.org/apwps/id/frameworks/beta",
    )
    assert [r["label"] for r in csv.DictReader(io.StringIO(bound.stdout))] == ["Beta"]
    adhoc = project / "all.rq"
    adhoc.write_text(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/apwps/ontology#Framework> ; ?p ?o }"
    )
    graph = rdflib.Graph().parse(
        data=apwps(project, "query", str(adhoc), "--format", "ntriples").stdout, format="nt"
    )
    assert (rdflib.URIRef("https://w3id.org/apwps/id/frameworks/alpha"), None, None) in graph
    stats = json.loads(apwps(project, "stats", "--json").stdout)
    assert stats["entries_per_collection"] == {"frameworks": 2}
    assert stats["entities_per_class"]["Framework"] == 2
    assert stats["triples_inferred"] > 0


def test_unknown_query_lists_known_names(project: Path) -> None:
    result = apwps(project, "query", "nonesuch")
    assert result.returncode == 2
    assert "no named query 'nonesuch'" in result.stderr and "frameworks" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_parameter_and_format(project: Path) -> None:
    result = apwps(project, "query", "frameworks", "-p", "framework=not an iri")
    assert result.returncode == 2 and "parameter 'framework'" in result.stderr
    result = apwps(project, "query", "frameworks", "--format", "turtle")
    assert result.returncode == 2 and "does not suit" in result.stderr


def test_malformed_file_exits_2_naming_file_and_line(project: Path) -> None:
    (project / "data" / "frameworks" / "broken.ttl").write_text("<http://a> <http://b> .\n")
    result = apwps(project, "build")
    assert result.returncode == 2
    assert "data/frameworks/broken.ttl:1" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_exit_codes(project: Path, tmp_path: Path) -> None:
    good = project / "data" / "frameworks" / "alpha.ttl"
    assert apwps(project, "validate", str(good)).returncode == 0
    bad = tmp_path / "nameless.ttl"
    bad.write_text(
        "<https://w3id.org/apwps/id/frameworks/x> a <https://w3id.org/apwps/ontology#Framework> .\n"
    )
    result = apwps(project, "validate", "--format", "json", str(bad))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    assert [(f["field"], f["line"]) for f in report["findings"]] == [("Label", 1)]
    turtle = apwps(project, "validate", "--format", "turtle", str(bad))
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert (None, sh.conforms, rdflib.Literal(False)) in rdflib.Graph().parse(
        data=turtle.stdout, format="turtle"
    )
    malformed = tmp_path / "malformed.ttl"
    malformed.write_text("@prefix : <http://e/> .\n:a :b")
    result = apwps(project, "validate", str(malformed))
    assert result.returncode == 2 and "malformed.ttl:2" in result.stderr


def test_unreachable_remote_is_one_sentence(project: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = apwps(
        project, "--set", "store=sparql", "--set", f"sparql_query_url={url}/query", "stats"
    )
    assert result.returncode == 2
    assert f"{url}/query" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = apwps(project, "publish", "--endpoint", f"{url}/query", "--store-url", f"{url}/store")
    assert (
        result.returncode == 2
        and f"{url}/store" in result.stderr
        and "Traceback" not in result.stderr
    )


def test_bad_setting_exits_2(project: Path) -> None:
    result = apwps(project, "--set", "port=eighty", "stats")
    assert result.returncode == 2 and "'port'" in result.stderr
