"""The tabular form (CSV, YAML) for curators who do not write RDF: its documented mapping to RDF,
its findings pointing at rows, and its errors with line and column."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS, XSD

from apwps.errors import InputError
from apwps.tabular import form_to_yaml

from .test_curation_support import ORGS, shared_context, submission

APWPS = rdflib.Namespace("https://w3id.org/apwps/ontology#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
FW = "https://w3id.org/apwps/id/frameworks/"

CSV = (
    "kind,id,Name,Member of,Source,Verification status,Description\n"
    "organisation,example-institute,Example Institute,UN Women | ACLED,https://example.org/,verified,"
    '"A research institute, on prevention."\n'
    "framework,example-plan,Example Plan,,https://example.org/plan,recalled,\n"
)


def triples_of(data: str, fmt: str) -> rdflib.Graph:
    entry = shared_context().parse(submission(data, fmt, name=f"entries.{fmt}"))
    graph = rdflib.Graph()
    for triple in entry.triples:
        graph.add(triple)
    return graph


def test_csv_rows_become_entries_by_the_documented_mapping() -> None:
    graph = triples_of(CSV, "csv")
    org = rdflib.URIRef(f"{ORGS}example-institute")
    assert (org, RDF.type, APWPS.Organisation) in graph
    assert (org, RDFS.label, rdflib.Literal("Example Institute", lang="en")) in graph
    # links by name (label or acronym), several values separated by |
    assert set(graph.objects(org, ORG.memberOf)) == {
        rdflib.URIRef(f"{ORGS}un-women"),
        rdflib.URIRef(f"{ORGS}acled"),
    }
    assert (org, DCT.source, rdflib.URIRef("https://example.org/")) in graph
    assert (
        org,
        APWPS.verificationStatus,
        rdflib.URIRef("https://w3id.org/apwps/id/verification-status/verified"),
    ) in graph
    assert (
        org,
        DCT.description,
        rdflib.Literal("A research institute, on prevention.", lang="en"),
    ) in graph
    plan = rdflib.URIRef(f"{FW}example-plan")  # the slug goes to the kind's collection
    assert (plan, RDF.type, APWPS.Framework) in graph
    assert not list(graph.objects(plan, DCT.description))  # an empty cell is no value


def test_datatypes_come_from_the_shapes() -> None:
    yaml_text = (
        "kind: framework\nid: example-plan\nName: Example Plan\nDate adopted: 2019\n"
        "Source: https://example.org/plan\nVerification status: recalled\n"
    )
    graph = triples_of(yaml_text, "yaml")
    issued = graph.value(rdflib.URIRef(f"{FW}example-plan"), DCT.issued)
    assert issued == rdflib.Literal("2019", datatype=XSD.gYear)


def test_yaml_lists_languages_and_prefixed_properties() -> None:
    yaml_text = """
entries:
  - kind: organisation
    id: example-institute
    Name: Example Institute
    Name@nb: Eksempelinstituttet
    skos:altLabel: EI
    Member of: [UN Women, orgs:acled]
    Source: https://example.org/
    Verification status: verified
"""
    graph = triples_of(yaml_text, "yaml")
    org = rdflib.URIRef(f"{ORGS}example-institute")
    assert set(graph.objects(org, RDFS.label)) == {
        rdflib.Literal("Example Institute", lang="en"),
        rdflib.Literal("Eksempelinstituttet", lang="nb"),
    }
    assert (
        org,
        rdflib.URIRef("http://www.w3.org/2004/02/skos/core#altLabel"),
        rdflib.Literal("EI", lang="en"),
    ) in graph
    assert len(list(graph.objects(org, ORG.memberOf))) == 2


def test_a_tabular_entry_that_conforms() -> None:
    report = shared_context().validate([submission(CSV, "csv", name="entries.csv")])
    assert report.conforms, [f.as_text() for f in report.findings]


def test_an_unknown_name_stays_text_and_the_report_suggests_names() -> None:
    data = CSV.replace("UN Women | ACLED", "UN Womn")
    report = shared_context().validate([submission(data, "csv", name="entries.csv")])
    assert [(f.field, f.constraint, f.value, f.line) for f in report.violations] == [
        ("Member of", "class", '"UN Womn"', 2)
    ]
    assert report.violations[0].suggestions[0] == f"UN Women <{ORGS}un-women>"
    assert report.violations[0].source == "entries.csv"


def test_findings_point_at_the_yaml_entry_line() -> None:
    data = (
        "- kind: organisation\n  id: first-one\n  Name: First\n  Source: https://e.org/\n  Verification status: verified\n"
        "- kind: organisation\n  id: second-one\n  Name: Second\n  Source: https://e.org/\n"
    )
    report = shared_context().validate([submission(data, "yaml", name="two.yaml")])
    assert [(f.entry.rsplit("/", 1)[1], f.field, f.line) for f in report.violations] == [
        ("second-one", "Verification status", 6)
    ]


@pytest.mark.parametrize(
    ("data", "fmt", "message", "line", "column"),
    [
        ("kind,id,Nmae\norganisation,x,X\n", "csv", "did you mean 'Name'", 1, 3),
        ("id,Name\nx,X\n", "csv", "needs exactly one 'kind'", 2, None),
        (
            "kind,id\nplanet,x\n",
            "csv",
            "unknown kind 'planet'; known kinds: framework, organisation",
            2,
            None,
        ),
        (
            "kind,id\norganisation,Not A Slug\n",
            "csv",
            "lower-case words joined by hyphens",
            2,
            None,
        ),
        ('kind,id\norganisation,"x\n', "csv", "malformed CSV", None, None),
        (
            "kind,id,Name\norganisation,x,X,extra\n",
            "csv",
            "4 cells but the header names 3",
            2,
            None,
        ),
        ("kind: organisation\nid: [x\n", "yaml", "malformed YAML", 3, 1),
        ("a: &a [1]\nkind: organisation\nid: x\nName: *a\n", "yaml", "aliases", 4, 7),
        ("", "yaml", "empty", 1, None),
        ("- just text\n", "yaml", "mapping of field names", 1, None),
    ],
)
def test_malformed_tabular_input_says_where(
    data: str, fmt: str, message: str, line: int | None, column: int | None
) -> None:
    with pytest.raises(InputError) as caught:
        shared_context().parse(submission(data, fmt, name=f"bad.{fmt}"))
    assert message in str(caught.value)
    assert (caught.value.line, caught.value.column) == (line, column) or line is None
    assert caught.value.source == f"bad.{fmt}"


def test_a_form_is_one_yaml_entry() -> None:
    data = form_to_yaml(
        "organisation", "x-y", {"Name": "X", "Member of": "UN Women | ACLED", "Web site": ""}
    )
    graph = triples_of(data.decode(), "yaml")
    assert len(list(graph.objects(rdflib.URIRef(f"{ORGS}x-y"), ORG.memberOf))) == 2
