"""Property-based tests of the named queries' parameters (`/queries/<name>`): declared and unknown
names, values of every type and of none, any format. A bad value is a 400 that names the
parameter; nothing is ever a 5xx, a traceback or an internal path."""

from __future__ import annotations

from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from apwps.catalogue import Catalogue, NamedQuery
from tests.conftest import ROOT
from tests.test_fuzz_support import FUZZ, assert_clean

ID = "https://w3id.org/apwps/id/"
CATALOGUE = {q.name: q for q in Catalogue(ROOT / "queries")}
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
VALUES = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "",
            ID + "crimes/genocide",
            ID + "wps-index-editions/2025",
            "https://example.org/x",
            "urn:x",
            "not an iri",
            "2025",
            "-0001",
            "true",
            "FALSE",
            "1e9",
            "0x10",
            "NaN",
            "<" + ID + "crimes/genocide>",
            '"quoted"@en',
            "' OR '1'='1",
            "} . ?s ?p ?o . {",
        ]
    ),
    st.integers().map(str),
    st.decimals(allow_nan=True).map(str),
)


@st.composite
def calls(draw: st.DrawFn) -> tuple[NamedQuery, list[tuple[str, str]]]:
    query = draw(st.sampled_from(sorted(CATALOGUE.values(), key=lambda q: q.name)))
    names = [p.name for p in query.parameters] + ["format", "lang"]
    params = draw(
        st.lists(
            st.tuples(st.one_of(st.sampled_from(names), st.sampled_from(names), TEXT), VALUES),
            max_size=4,
        )
    )
    return query, params


@FUZZ
@given(call=calls(), accept=st.sampled_from(["", "application/sparql-results+json", "text/csv"]))
def test_named_query_parameters(
    app: Flask, call: tuple[NamedQuery, list[tuple[str, str]]], accept: str
) -> None:
    query, params = call
    url = f"/queries/{query.name}"
    headers = {"Accept": accept} if accept else {}
    response = app.test_client().get(url, query_string=MultiDict(params), headers=headers)
    data = response.get_data()
    response.close()
    assert response.status_code in (200, 400, 406), (response.status_code, url, params)
    assert_clean(response.status_code, response.headers, data, path=url, sent=f"{url} {params}")
    if response.status_code == 400 and response.is_json:
        message = response.get_json()["message"]
        assert "parameter" in message or "format" in message or "query" in message, message


@FUZZ
@given(name=TEXT)
def test_unknown_query_names(app: Flask, name: str) -> None:
    path = "/queries/" + name.replace("/", "").replace("?", "").replace("#", "")
    response = app.test_client().get(path, headers={"Accept": "application/json"})
    data = response.get_data()
    assert response.status_code in (200, 404, 400, 308), (response.status_code, path)
    assert_clean(response.status_code, response.headers, data, path=path, sent=path)
