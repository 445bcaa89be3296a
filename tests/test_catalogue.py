"""The named-query catalogue: headers read from the files, typed parameters, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import XSD

from apwps.catalogue import Catalogue, read_query
from apwps.errors import InputError, QueryError, UnknownQueryError

from .minimal import make_project


def test_header_and_parameters(tmp_path: Path) -> None:
    catalogue = Catalogue(make_project(tmp_path) / "queries")
    query = catalogue.get("frameworks")
    assert (query.title, query.description) == ("Frameworks", "Every framework with its label.")
    assert [(p.name, p.type) for p in query.parameters] == [("framework", "iri")]
    assert query.bindings({}) == {}
    assert query.bindings({"framework": "https://w3id.org/apwps/id/frameworks/alpha"}) == {
        "framework": rdflib.URIRef("https://w3id.org/apwps/id/frameworks/alpha")
    }
    with pytest.raises(QueryError, match="parameter 'framework': expected an absolute IRI"):
        query.bindings({"framework": "alpha"})
    with pytest.raises(QueryError, match="no parameter 'colour'"):
        query.bindings({"colour": "red"})
    with pytest.raises(UnknownQueryError) as caught:
        catalogue.get("missing")
    assert caught.value.known == ["frameworks"]


@pytest.mark.parametrize(
    ("ptype", "raw", "expected"),
    [
        ("integer", "12", rdflib.Literal(12, datatype=XSD.integer)),
        ("year", "2024", rdflib.Literal("2024", datatype=XSD.gYear)),
        ("boolean", "TRUE", rdflib.Literal(True, datatype=XSD.boolean)),
        ("string", 'a "quoted" } value', rdflib.Literal('a "quoted" } value')),
    ],
)
def test_typed_terms(tmp_path: Path, ptype: str, raw: str, expected: rdflib.Literal) -> None:
    path = tmp_path / "typed.rq"
    path.write_text(
        f"#+ title: T\n#+ description: D\n#+ parameters:\n#+   v: {{type: {ptype}}}\nASK {{}}\n"
    )
    assert read_query(path).bindings({"v": raw})["v"] == expected


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("#+ description: D\n", "needs a 'title'"),
        (
            "#+ title: T\n#+ description: D\n#+ parameters:\n#+   v: {type: colour}\n",
            "unknown type 'colour'",
        ),
        ("#+ title: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_headers_name_the_file(tmp_path: Path, header: str, message: str) -> None:
    path = tmp_path / "broken.rq"
    path.write_text(header + "ASK {}\n")
    with pytest.raises(InputError, match=message) as caught:
        read_query(path)
    assert caught.value.source == str(path)
