"""Validating entries in the context of the whole graph: each kind of error gives exactly the
expected findings, links to existing entities are accepted and dangling ones get suggestions, a
changed file replaces its earlier version, and the shared context is left as it was."""

from __future__ import annotations

import rdflib
from rdflib.namespace import SH

from apwps.curation import CurationContext
from apwps.focus import read_plan
from apwps.validate import Finding, validate_graph

from .test_curation_support import (
    ORGS,
    PREFIXES,
    organisation,
    shared_context,
    shared_project,
    submission,
)

ENTRY = f"{ORGS}example-institute"


def summary(findings: list[Finding]) -> list[tuple[str, str, str | None, str | None]]:
    return [(f.severity, f.field, f.constraint, f.value) for f in findings]


def test_a_conforming_entry_that_links_to_the_graph_has_no_findings() -> None:
    report = shared_context().validate([submission(organisation("example-institute"))])
    assert report.conforms
    assert report.findings == []


def test_the_same_entry_checked_alone_would_fail_its_links() -> None:
    """Why the context matters: without the graph, the link to UN Women points at nothing."""
    context = shared_context()
    entry = context.parse(submission(organisation("example-institute")))
    alone = rdflib.Graph()
    for triple in entry.triples:
        alone.add(triple)
    report = validate_graph(alone + context.schema, context.shapes, focus_nodes=entry.subjects)
    assert [(f.field, f.constraint) for f in report.findings] == [("Member of", "class")]


def test_dangling_link_names_field_value_and_suggests_closest_labels() -> None:
    data = organisation("example-institute", changes={"orgs:un-women": "orgs:un-womn"})
    report = shared_context().validate([submission(data, name="new.ttl")])
    assert not report.conforms
    assert summary(report.findings) == [("Violation", "Member of", "class", f"{ORGS}un-womn")]
    finding = report.findings[0]
    assert finding.entry == ENTRY
    assert finding.message == '"Member of" must point at an organisation in the graph'
    assert finding.source == "new.ttl"
    assert finding.line == PREFIXES.count("\n") + 2
    assert finding.suggestions[0] == f"UN Women <{ORGS}un-women>"
    assert finding.fix is not None and "existing organisation" in finding.fix


def test_wrong_datatype_missing_language() -> None:
    data = organisation(
        "example-institute", changes={'"Example Institute"@en': '"Example Institute"'}
    )
    report = shared_context().validate([submission(data)])
    assert summary(report.findings) == [("Violation", "Name", "datatype", '"Example Institute"')]
    assert report.findings[0].fix == 'Write "Name" as text with its language, e.g. "Example"@en.'


def test_value_outside_the_allowed_list_suggests_the_closest_allowed_value() -> None:
    data = organisation("example-institute", changes={"vs:verified": "vs:verifed"})
    report = shared_context().validate([submission(data)])
    assert summary(report.findings) == [
        (
            "Violation",
            "Verification status",
            "in",
            "https://w3id.org/apwps/id/verification-status/verifed",
        )
    ]
    assert (
        report.findings[0]
        .suggestions[0]
        .endswith("<https://w3id.org/apwps/id/verification-status/verified>")
    )


def test_missing_required_and_recommended_fields() -> None:
    data = organisation(
        "example-institute",
        changes={
            "    dcterms:source <https://example.org/example-institute> ;\n": "",
            '    dcterms:description "A research institute on atrocity prevention."@en ;\n': "",
        },
    )
    report = shared_context().validate([submission(data)])
    assert summary(report.findings) == [
        ("Violation", "Source", "minCount", None),
        ("Warning", "Description", "minCount", None),
    ]
    assert not report.conforms
    assert report.counts() == {"Violation": 1, "Warning": 1, "Info": 0}


def test_warnings_alone_conform() -> None:
    data = organisation(
        "example-institute",
        changes={
            '    dcterms:description "A research institute on atrocity prevention."@en ;\n': ""
        },
    )
    report = shared_context().validate([submission(data)])
    assert report.conforms
    assert summary(report.findings) == [("Warning", "Description", "minCount", None)]


def test_too_many_values_and_text_for_a_link() -> None:
    data = organisation(
        "example-institute",
        changes={
            "    apwps:verificationStatus vs:verified .": '    schema:url "example.org" , <https://example.org/> ;\n'
            "    apwps:verificationStatus vs:verified ."
        },
    )
    report = shared_context().validate([submission(data)])
    assert summary(report.findings) == [
        ("Violation", "Web site", "maxCount", None),
        ("Violation", "Web site", "nodeKind", '"example.org"'),
    ]


def test_the_same_entry_in_every_rdf_syntax_gives_the_same_findings() -> None:
    context = shared_context()
    data = organisation("example-institute", changes={"orgs:un-women": "orgs:un-womn"})
    graph = rdflib.Graph().parse(data=data, format="turtle")
    expected = summary(context.validate([submission(data)]).findings)
    for fmt, rdflib_name in (("jsonld", "json-ld"), ("rdfxml", "xml"), ("ntriples", "nt")):
        text = graph.serialize(format=rdflib_name)
        assert summary(context.validate([submission(text, fmt)]).findings) == expected, fmt


def test_a_changed_file_replaces_its_earlier_version() -> None:
    """data/organisations/acled.ttl as committed has a name; the changed version without one is
    checked as it is, not merged with the old one."""
    context = shared_context()
    path = shared_project() / "data" / "organisations" / "acled.ttl"
    text = path.read_text(encoding="utf-8")
    changed = "\n".join(line for line in text.splitlines() if "rdfs:label" not in line)
    graph_iri = "https://w3id.org/apwps/graph/data/organisations/acled"
    sub = submission(changed, name="data/organisations/acled.ttl")
    sub = type(sub)(sub.name, sub.data, sub.format, graph_iri)
    report = context.validate([sub])
    assert ("Violation", "Name", "minCount", None) in summary(report.findings)


def test_the_context_is_left_as_it_was() -> None:
    context = shared_context()
    before = (len(context.data), len(context.store), len(context.shapes))
    context.validate([submission(organisation("example-institute"))])
    path = shared_project() / "data" / "organisations" / "acled.ttl"
    sub = submission(path.read_bytes(), name="acled.ttl")
    sub = type(sub)(
        sub.name, sub.data, sub.format, "https://w3id.org/apwps/graph/data/organisations/acled"
    )
    context.validate([sub])
    assert (len(context.data), len(context.store), len(context.shapes)) == before


TARGET_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://w3id.org/apwps/ontology#> .
@prefix s: <https://w3id.org/apwps/shapes#> .
s:prefixes sh:declare [ sh:prefix "ex" ; sh:namespace "https://w3id.org/apwps/ontology#"^^<http://www.w3.org/2001/XMLSchema#anyURI> ] .
s:Named a sh:NodeShape ; sh:targetClass ex:Organisation ; sh:property s:label .
s:label a sh:PropertyShape ; sh:path rdfs:label ; sh:name "Name" ; sh:minCount 2 ; sh:message "two names" .
s:bySubject a sh:PropertyShape ; sh:targetSubjectsOf ex:verificationStatus ;
  sh:path ex:verificationStatus ; sh:name "Status" ; sh:nodeKind sh:Literal ; sh:message "status is text" .
s:byObject a sh:NodeShape ; sh:targetObjectsOf <http://www.w3.org/ns/org#memberOf> ;
  sh:property [ sh:path ex:flag ; sh:name "Flag" ; sh:minCount 1 ; sh:message "members need a flag" ] .
s:byNode a sh:NodeShape ; sh:targetNode <https://w3id.org/apwps/id/organisations/example-institute> ;
  sh:property [ sh:path rdfs:comment ; sh:name "Comment" ; sh:minCount 1 ; sh:message "comment please" ] .
s:bySparql a sh:NodeShape ;
  sh:target [ a sh:SPARQLTarget ; sh:prefixes s:prefixes ;
              sh:select "SELECT ?this WHERE { ?this ex:verificationStatus ?v }" ] ;
  sh:property [ sh:path <http://purl.org/dc/terms/description> ; sh:name "Description" ;
                sh:maxCount 0 ; sh:message "no description here" ] .
"""


def test_planned_targets_find_what_pyshacl_finds_by_itself() -> None:
    """Targets are answered for the entry's nodes only; the findings are those pySHACL gives when it
    searches the whole graph for targets itself (class, subjects-of, objects-of, node, SPARQL)."""
    context = shared_context()
    shapes = rdflib.Graph().parse(data=TARGET_SHAPES, format="turtle")
    plan = read_plan(shapes)
    assert plan is not None
    assert {str(t.shape).split("#")[1] for t in plan.shapes} == {
        "Named",
        "bySubject",
        "byObject",
        "byNode",
        "bySparql",
    }
    assert not any(p == SH.target for _s, p, _o in plan.targetless)
    entry = context.parse(submission(organisation("example-institute")))
    whole = rdflib.Graph()
    for s, p, o in context.data.triples((None, None, None)):
        whole.add((s, p, o))
    for triple in entry.triples:
        whole.add(triple)
    expected = validate_graph(
        whole, shapes, focus_nodes=[*entry.subjects, rdflib.URIRef(f"{ORGS}un-women")]
    )
    planned = CurationContext.__new__(CurationContext)
    planned.__dict__.update(context.__dict__)
    planned.shapes, planned._plan = shapes, plan
    # un-women is the object of the entry's org:memberOf: validate it as a focus node too
    extra = submission(PREFIXES + f"<{ORGS}un-women> rdfs:seeAlso <{ORGS}acled> .", name="x.ttl")
    got = planned.validate_parsed([entry, planned.parse(extra)])
    key = lambda f: (f.entry, f.field, f.constraint, f.message)  # noqa: E731
    assert sorted(map(key, got.findings)) == sorted(map(key, expected.findings))
    assert {f.field for f in got.findings} >= {"Name", "Status", "Flag", "Comment", "Description"}


def test_a_pasted_new_version_of_an_entry_replaces_its_file() -> None:
    """Posted or pasted (not from a file of the project), an entry whose IRI names a file of the
    project is checked in that file's place."""
    path = shared_project() / "data" / "organisations" / "acled.ttl"
    changed = "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines() if "rdfs:label" not in line
    )
    report = shared_context().validate([submission(changed, name="pasted")])
    assert ("Violation", "Name", "minCount", None) in summary(report.findings)
