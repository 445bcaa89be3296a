"""Property-based tests of the SPARQL protocol's parameters and of `Accept` headers everywhere:
whatever the request, the answer is a documented 2xx/4xx, never a 5xx, a traceback or an internal
path (tests/test_fuzz_support.py says what "clean" means)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from apwps import formats
from tests.test_fuzz_support import FUZZ, assert_clean

ID = "https://w3id.org/apwps/id/"
FORM = "application/x-www-form-urlencoded"
GRAPH_PARAMS = ("default-graph-uri", "named-graph-uri")
NAMES = ("query", "update", "format", *GRAPH_PARAMS, "using-graph-uri", "timeout")
# Printable text as headers and URLs carry it; the test client encodes the rest.
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
IRIS = st.one_of(
    st.sampled_from([ID + "crimes/genocide", ID + "frameworks/un-framework-of-analysis"]),
    st.text("abcxyz019-_/.#%:", max_size=20).map(lambda s: "https://example.org/" + s),
    TEXT,
)
LITERALS = TEXT.map(json.dumps)
COUNTS = st.integers(min_value=-3, max_value=10**12)
FORMS = (
    "SELECT * WHERE {{ ?s ?p ?o }} LIMIT {n}",
    "SELECT ?s WHERE {{ ?s ?p {lit} }} LIMIT {n}",
    "ASK {{ <{iri}> ?p ?o }}",
    "CONSTRUCT WHERE {{ <{iri}> ?p ?o }}",
    "DESCRIBE <{iri}>",
    "SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{iri}> }}",
    "PREFIX x: <{iri}> SELECT * WHERE {{ ?s x:p ?o }} OFFSET {n} LIMIT 5",
    "SELECT * FROM <{iri}> WHERE {{ ?s ?p ?o }} LIMIT {n}",
    "INSERT DATA {{ <{iri}> <{iri}> {lit} }}",
    "LOAD <{iri}>",
    "SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o }} ORDER BY {lit} LIMIT {n}",
)
QUERIES = st.one_of(
    st.builds(
        lambda form, iri, lit, n, tail: form.format(iri=iri, lit=lit, n=n) + tail,
        st.sampled_from(FORMS),
        IRIS,
        LITERALS,
        COUNTS,
        st.one_of(st.just(""), TEXT),
    ),
    TEXT,
)
# Mostly one query and a few other parameters, sometimes none or several queries.
PARAMS = st.builds(
    lambda query, extra: ([("query", query)] if query is not None else []) + extra,
    st.one_of(st.none(), QUERIES, QUERIES),
    st.lists(
        st.tuples(st.one_of(st.sampled_from(NAMES), TEXT), st.one_of(QUERIES, IRIS, TEXT)),
        max_size=3,
    ),
)


def _sent(url: str, params: list[tuple[str, str]], body: str = "") -> str:
    return url + " " + " ".join(f"{k}={v}" for k, v in params) + " " + body


@FUZZ
@given(
    method=st.sampled_from(["GET", "GET", "form", "form", "direct", "direct", "other"]),
    params=PARAMS,
    body=st.one_of(QUERIES, TEXT),
    # a header cannot carry a line break (the client refuses to send one)
    content_type=st.one_of(
        st.sampled_from(["text/plain", "application/json", ""]),
        TEXT.filter(lambda t: "\n" not in t and "\r" not in t),
    ),
)
def test_sparql_protocol_parameters(
    app: Flask, method: str, params: list[tuple[str, str]], body: str, content_type: str
) -> None:
    client = app.test_client()
    multi = MultiDict(params)
    if method == "GET":
        response = client.get("/sparql", query_string=multi)
    elif method == "form":
        response = client.post("/sparql", data=multi, content_type=FORM)
    elif method == "direct":
        response = client.post(
            "/sparql",
            query_string=multi,
            data=body.encode("utf-8"),
            content_type="application/sparql-query",
        )
    else:
        response = client.post("/sparql", data=body.encode("utf-8"), content_type=content_type)
    data = response.get_data()
    response.close()
    assert response.status_code in (200, 400, 403, 406, 413, 415, 503), response.status_code
    assert_clean(
        response.status_code, response.headers, data, path="/sparql", sent=_sent("", params, body)
    )


# --- Accept headers -------------------------------------------------------------------------

MEDIA = [m for f in (*formats.RESULT_FORMATS, *formats.GRAPH_ANSWER_FORMATS) for m in f.media_types]
MEDIA += ["text/html", "application/json", "*/*", "text/*", "application/*", "image/png"]
Q_VALUES = ["0", "1", "0.5", "1.0", "0.001", "abc", "-1", "2", "1e400", "NaN", "", " 0.8"]
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=60)
ACCEPT_PART = st.one_of(
    st.builds(
        lambda media, q, extra: media + (f";q={q}" if q is not None else "") + extra,
        st.one_of(st.sampled_from(MEDIA), HEADER_TEXT),
        st.one_of(st.none(), st.sampled_from(Q_VALUES)),
        st.sampled_from(["", ";charset=utf-8", ";level=1", ";;", ";q", "; profile=x"]),
    ),
    HEADER_TEXT,
)
ACCEPT = st.lists(ACCEPT_PART, max_size=6).map(lambda parts: ", ".join(parts))
TARGETS = [
    "/sparql",
    "/sparql?query=ASK%7B%7D",
    "/sparql?query=CONSTRUCT%20WHERE%20%7B%3Fs%20a%20%3Fo%7D%20LIMIT%203",
    "/queries",
    "/queries/gender-factors",
    "/id/crimes/genocide",
    "/id/crimes",
    "/ontology",
    "/.well-known/void",
    "/search?q=geno",
    "/crosswalk",
    "/validate/kinds",
    "/lists",
    "/embed/card.json?iri=" + ID + "crimes/genocide",
    "/no/such/page",
    "/id/crimes/no-such-crime",
]
ENTRY = f"<{ID}organisations/fuzz> a <https://w3id.org/apwps/ontology#Organisation> ."


@FUZZ
@given(
    target=st.sampled_from(TARGETS),
    accept=ACCEPT,
    fmt=st.one_of(st.none(), st.sampled_from(["json", "html", "turtle", "csv", "nope"]), TEXT),
)
def test_accept_headers_everywhere(app: Flask, target: str, accept: str, fmt: str | None) -> None:
    client = app.test_client()
    url = target
    if fmt is not None:
        url += ("&" if "?" in target else "?") + urlencode({"format": fmt})
    response = client.get(url, headers={"Accept": accept})
    data = response.get_data()
    response.close()
    assert response.status_code in (200, 400, 404, 406), (response.status_code, target, accept)
    assert_clean(
        response.status_code,
        response.headers,
        data,
        path=target,
        sent=f"{target} {accept} {fmt}",
    )


@FUZZ
@given(accept=ACCEPT)
def test_accept_headers_on_a_validation_report(app: Flask, accept: str) -> None:
    response = app.test_client().post(
        "/validate", data=ENTRY, content_type="text/turtle", headers={"Accept": accept}
    )
    assert response.status_code in (200, 406), response.status_code
    assert_clean(
        response.status_code, response.headers, response.data, path="/validate", sent=accept
    )
