"""The shapes (shapes/*.shapes.ttl): each validation case gives exactly its expected findings, in the
context of the whole curated graph; the curated data conforms; every node shape is exercised by a
failing case; and every constraint speaks to a curator (sh:message), every field has a name.

A case is `tests/cases/validate/<kind>/<case>.ttl` with `<case>.expected.json`, the list of findings
({severity, entry, field, message}) the case must give, compared as sorted lists. Cases whose name
starts with `conforming-` have no violations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from apwps.config import Settings
from apwps.curation import CurationContext, submission_from_file, validate_submissions
from apwps.validate import Finding
from tests.conftest import ROOT

SHAPES_DIR = ROOT / "shapes"
CASES_DIR = ROOT / "tests" / "cases" / "validate"
CASES = sorted(CASES_DIR.rglob("*.ttl"))
CASE_IDS = [str(path.relative_to(CASES_DIR).with_suffix("")) for path in CASES]

# Core constraint parameters (SHACL 1.0, section 4); a shape that uses one reports through its sh:message.
CONSTRAINT_PARAMETERS = {
    SH[name]
    for name in (
        "class",
        "datatype",
        "nodeKind",
        "minCount",
        "maxCount",
        "minExclusive",
        "minInclusive",
        "maxExclusive",
        "maxInclusive",
        "minLength",
        "maxLength",
        "pattern",
        "languageIn",
        "uniqueLang",
        "equals",
        "disjoint",
        "lessThan",
        "lessThanOrEquals",
        "not",
        "and",
        "or",
        "xone",
        "node",
        "qualifiedValueShape",
        "closed",
        "hasValue",
        "in",
    )
}
NESTING = (SH["or"], SH["and"], SH.xone)


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def curation(settings: Settings) -> CurationContext:
    """The whole curated graph, prepared once; each validation puts its entry in and takes it out."""
    return CurationContext.prepare(settings)


@pytest.fixture(scope="session")
def shapes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(SHAPES_DIR.glob("*.shapes.ttl")):
        graph.parse(path, format="turtle")
    return graph


def as_expected(findings: list[Finding]) -> list[dict[str, str]]:
    return sorted(
        (
            {"severity": f.severity, "entry": f.entry, "field": f.field, "message": f.message}
            for f in findings
        ),
        key=lambda d: (d["entry"], d["severity"], d["field"], d["message"]),
    )


def validate_case(settings: Settings, curation: CurationContext, path: Path) -> list[Finding]:
    submission = submission_from_file(settings, path)
    return validate_submissions(settings, [submission], context=curation).findings


# --- the cases -----------------------------------------------------------------------------------


def test_there_are_cases_for_every_kind_of_shape_file() -> None:
    kinds = {p.name.removesuffix(".shapes.ttl") for p in SHAPES_DIR.glob("*.shapes.ttl")}
    assert kinds, "no shapes found"
    with_cases = {p.parent.name for p in CASES}
    assert kinds <= with_cases, f"shape files without cases: {sorted(kinds - with_cases)}"
    for kind in kinds:
        names = [p.stem for p in CASES if p.parent.name == kind]
        assert any(n.startswith("conforming-") for n in names), f"{kind}: no conforming case"
        assert any(not n.startswith("conforming-") for n in names), f"{kind}: no failing case"


@pytest.mark.parametrize("path", CASES, ids=CASE_IDS)
def test_case_gives_exactly_the_expected_findings(
    settings: Settings, curation: CurationContext, path: Path
) -> None:
    expected_path = path.with_suffix(".expected.json")
    assert expected_path.is_file(), f"{path.name} has no {expected_path.name}"
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    found = as_expected(validate_case(settings, curation, path))
    assert found == sorted(
        expected, key=lambda d: (d["entry"], d["severity"], d["field"], d["message"])
    )
    if path.stem.startswith("conforming-"):
        assert not [f for f in found if f["severity"] == "Violation"]
    else:
        assert found, "a failing case must give at least one finding"


def test_every_node_shape_is_exercised_by_a_failing_case(
    settings: Settings, curation: CurationContext, shapes_graph: rdflib.Graph
) -> None:
    """A shape no case makes fail is a shape whose rules nobody has seen work."""
    fired: set[str] = set()
    for path in CASES:
        if not path.stem.startswith("conforming-"):
            fired |= {f.shape for f in validate_case(settings, curation, path) if f.shape}
    node_shapes = {
        shape
        for shape in shapes_graph.subjects(RDF.type, SH.NodeShape)
        if isinstance(shape, rdflib.URIRef) and _has_target(shapes_graph, shape)
    }
    assert len(node_shapes) > 10
    silent = sorted(
        str(shape)
        for shape in node_shapes
        if str(shape) not in fired
        and not {str(p) for p in shapes_graph.objects(shape, SH.property)} & fired
    )
    assert silent == []


def _has_target(graph: rdflib.Graph, shape: rdflib.term.Node) -> bool:
    return any(
        next(graph.objects(shape, p), None) is not None
        for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)
    )


# --- the curated data ----------------------------------------------------------------------------


def test_the_curated_data_conforms(built: Any) -> None:
    """The build validates everything against the shapes; any violation is listed here."""
    report = built.report
    assert report is not None
    assert [f.as_text() for f in report.violations] == []


# --- the shapes themselves -----------------------------------------------------------------------


def _nested(graph: rdflib.Graph) -> set[rdflib.term.Node]:
    """Shapes that only serve as members of sh:or / sh:and / sh:xone lists or inside sh:not,
    sh:qualifiedValueShape: they report through the shape that holds them."""
    nested: set[rdflib.term.Node] = set()
    for prop in NESTING:
        for head in graph.objects(None, prop):
            nested.update(Collection(graph, head))
    for prop in (SH["not"], SH.qualifiedValueShape):
        nested.update(graph.objects(None, prop))
    return nested


def _property_shapes(graph: rdflib.Graph) -> Iterator[rdflib.term.Node]:
    nested = _nested(graph)
    seen = set(graph.subjects(RDF.type, SH.PropertyShape)) | set(graph.objects(None, SH.property))
    for shape in sorted(seen, key=str):
        if shape not in nested:
            yield shape


def test_every_property_shape_has_a_name_and_a_description(shapes_graph: rdflib.Graph) -> None:
    shapes = list(_property_shapes(shapes_graph))
    assert len(shapes) > 50
    unnamed = [str(s) for s in shapes if shapes_graph.value(s, SH.name) is None]
    undescribed = [str(s) for s in shapes if shapes_graph.value(s, SH.description) is None]
    assert unnamed == []
    assert undescribed == []


def test_every_constraint_has_a_message_for_curators(shapes_graph: rdflib.Graph) -> None:
    """Each shape with a core constraint carries exactly one sh:message (more would make the
    reported message arbitrary); each SPARQL constraint carries its own, and its shape none."""
    nested = _nested(shapes_graph)
    checked = 0
    problems: list[str] = []
    for shape in sorted(set(shapes_graph.subjects()), key=str):
        if shape in nested:
            continue
        parameters = {p for p in shapes_graph.predicates(shape, None) if p in CONSTRAINT_PARAMETERS}
        sparql = list(shapes_graph.objects(shape, SH.sparql))
        messages = list(shapes_graph.objects(shape, SH.message))
        if parameters:
            checked += 1
            if len(messages) != 1:
                problems.append(
                    f"{shape}: {len(messages)} sh:message for {len(parameters)} constraints"
                )
        if sparql:
            if messages and not parameters:
                problems.append(f"{shape}: sh:message on a shape whose constraint is SPARQL")
            for constraint in sparql:
                checked += 1
                if len(list(shapes_graph.objects(constraint, SH.message))) != 1:
                    problems.append(f"{shape}: its SPARQL constraint needs one sh:message")
    assert checked > 100
    assert problems == []


def test_every_shape_states_its_severity(shapes_graph: rdflib.Graph) -> None:
    shapes = [
        s
        for s in set(shapes_graph.subjects(SH.message, None))
        if (s, RDF.type, SH.SPARQLConstraint) not in shapes_graph
    ]
    assert len(shapes) > 50
    allowed = {SH.Violation, SH.Warning, SH.Info}
    assert sorted(str(s) for s in shapes if shapes_graph.value(s, SH.severity) not in allowed) == []


def test_sparql_rules_declare_their_prefixes(shapes_graph: rdflib.Graph) -> None:
    selects = list(shapes_graph.subject_objects(SH.select))
    assert len(selects) > 5
    for node, _text in selects:
        assert shapes_graph.value(node, SH.prefixes) is not None, f"{node} has no sh:prefixes"
