"""`apwps validate` and `apwps new` on the command line: exit codes 0/1/2, the three report
formats, every input syntax including the tabular form, and templates that conform once filled in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib

from apwps.new import filled_in, template

from .test_curation_support import (
    CSV_EXAMPLE,
    ORGS,
    organisation,
    run_apwps,
    shared_context,
    shared_project,
    submission,
)

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("entries")
    (folder / "good.ttl").write_bytes(organisation("example-institute"))
    (folder / "bad.ttl").write_bytes(
        organisation("example-institute", changes={"orgs:un-women": "orgs:un-womn"})
    )
    (folder / "entries.csv").write_text(CSV_EXAMPLE, encoding="utf-8")
    (folder / "broken.ttl").write_text("@prefix : <http://e/> .\n:a :b", encoding="utf-8")
    (folder / "entry.txt").write_text("hello", encoding="utf-8")
    return folder


def test_conforming_file_exits_0(files: Path) -> None:
    result = run_apwps(shared_project(), "validate", str(files / "good.ttl"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("conforms (0 violations, 0 warnings, 0 suggestions)")


def test_violations_exit_1_with_a_text_report_naming_file_line_field_and_fix(files: Path) -> None:
    result = run_apwps(shared_project(), "validate", str(files / "bad.ttl"))
    assert result.returncode == 1
    first, fix, summary = result.stdout.strip().splitlines()
    assert first.startswith(
        f"{files / 'bad.ttl'}:11: Violation: <{ORGS}example-institute> Member of:"
    )
    assert f"(found {ORGS}un-womn) Did you mean: UN Women <{ORGS}un-women>" in first
    assert fix.strip().startswith("fix: Link to an existing organisation")
    assert "does not conform (1 violations" in summary


def test_json_and_turtle_reports(files: Path) -> None:
    result = run_apwps(shared_project(), "validate", "--format", "json", str(files / "bad.ttl"))
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["conforms"] is False
    (finding,) = report["findings"]
    assert {k: finding[k] for k in ("field", "severity", "constraint", "line")} == {
        "field": "Member of",
        "severity": "Violation",
        "constraint": "class",
        "line": 11,
    }
    turtle = run_apwps(shared_project(), "validate", "--format", "turtle", str(files / "bad.ttl"))
    graph = rdflib.Graph().parse(data=turtle.stdout, format="turtle")
    assert (None, SH.conforms, rdflib.Literal(False)) in graph
    assert len(list(graph.subjects(rdflib.RDF.type, SH.ValidationResult))) == 1
    assert (None, SH.value, rdflib.URIRef(f"{ORGS}un-womn")) in graph


def test_the_tabular_form_on_the_command_line(files: Path) -> None:
    result = run_apwps(shared_project(), "validate", str(files / "entries.csv"))
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("broken.ttl", "broken.ttl:2:"),
        ("entry.txt", "unknown file type '.txt'"),
        ("missing.ttl", "cannot read"),
    ],
)
def test_malformed_or_unreadable_input_exits_2(files: Path, name: str, expected: str) -> None:
    result = run_apwps(shared_project(), "validate", str(files / name))
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_new_help_lists_the_kinds_from_the_shapes() -> None:
    result = run_apwps(shared_project(), "new", "--help")
    assert result.returncode == 0
    kinds = result.stdout.split("Kinds (from the shapes):", 1)[1].split()
    assert kinds[0] == "framework" and "organisation" in kinds


def test_new_writes_a_template_and_never_over_a_file(tmp_path: Path) -> None:
    target = tmp_path / "my-institute.ttl"
    result = run_apwps(
        shared_project(), "new", "organisation", "--slug", "my-institute", "-o", str(target)
    )
    assert result.returncode == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert "orgs:my-institute\n    a apwps:Organisation ;" in text
    again = run_apwps(shared_project(), "new", "organisation", "-o", str(target))
    assert again.returncode == 2 and "exists already" in again.stderr
    assert target.read_text(encoding="utf-8") == text
    unknown = run_apwps(shared_project(), "new", "planet")
    assert unknown.returncode == 2 and "known kinds: framework, organisation" in unknown.stderr


@pytest.mark.parametrize("kind", ["organisation", "framework"])
def test_a_template_explains_every_field_and_conforms_once_filled_in(kind: str) -> None:
    context = shared_context()
    found = context.kind(kind)
    assert found is not None
    text = template(context, found)
    for field in found.fields:  # every field, with its requirement and description
        assert f"# {field.name} ({field.requirement}" in text
        assert field.description is None or field.description in text
    untouched = context.validate([submission(text, name="template.ttl")])
    required = sorted(f.name for f in found.fields if f.requirement == "required")
    recommended = sorted(f.name for f in found.fields if f.requirement == "recommended")
    assert sorted(f.field for f in untouched.violations) == required
    assert sorted(f.field for f in untouched.findings if f.severity == "Warning") == recommended
    filled = context.validate([submission(filled_in(text, "my-entry"), name="filled.ttl")])
    assert filled.conforms and filled.findings == [], [f.as_text() for f in filled.findings]
