"""The query guard: refusals decided on tokens and the parsed query, never on raw substrings."""

from __future__ import annotations

import pytest

from apwps.errors import QueryError, QueryRefused
from apwps.guard import check, query_form, tokens, unescape

LIMIT = 20_000


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SeRvIcE ?endpoint { ?s ?p ?o } VALUES ?endpoint { <http://x/> } }",
        "SELECT * WHERE { \\u0053ERVICE <http://example.org/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://e/> { ?s ?q ?r } } }",
        "SELECT * WHERE {#comment\nSERVICE<http://e/>{?s ?p ?o}}",
    ],
)
def test_service_is_refused(text: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        check(text, max_query_bytes=LIMIT)


def test_service_refusal_names_the_target_from_the_parsed_query() -> None:
    with pytest.raises(QueryRefused) as caught:
        check("SELECT * { SERVICE <http://127.0.0.1:9/q> { ?s ?p ?o } }", max_query_bytes=LIMIT)
    assert "<http://127.0.0.1:9/q>" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?service WHERE { ?service <http://p> "SERVICE <http://e/> { }" }',
        "PREFIX service: <http://example.org/service/> SELECT * { ?s service:name ?o }",
        "SELECT * { ?s ?p <http://example.org/SERVICE> } # SERVICE <http://e/> { }",
        "SELECT * { ?s ?p '''a\nSERVICE <http://e/> {}''' }",
    ],
)
def test_the_word_service_elsewhere_is_not_refused(text: str) -> None:
    assert check(text, max_query_bytes=LIMIT).form == "SELECT"


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("INSERT DATA { <http://a> <http://b> <http://c> }", "INSERT"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
        ("LOAD <http://127.0.0.1:9/data.ttl>", "LOAD"),
        ("PREFIX x: <http://x/> CLEAR ALL", "CLEAR"),
        ("DROP GRAPH <http://g>", "DROP"),
        ("SELECT * { ?s ?p ?o } ; INSERT DATA { <http://a> <http://b> <http://c> }", "INSERT"),
        ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "DELETE"),
        ("\\u0049NSERT DATA { <http://a> <http://b> <http://c> }", "INSERT"),
    ],
)
def test_updates_are_refused_inside_query(text: str, keyword: str) -> None:
    with pytest.raises(QueryRefused, match=rf"Update \({keyword}|Update \(WITH"):
        check(text, max_query_bytes=LIMIT)


def test_update_words_in_strings_and_names_are_fine() -> None:
    text = (
        'PREFIX load: <http://x/> SELECT ?insert { ?insert load:drop "DELETE WHERE { ?s ?p ?o }" }'
    )
    assert check(text, max_query_bytes=LIMIT).form == "SELECT"


@pytest.mark.parametrize(
    ("text", "form", "kind"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT", "results"),
        ("PREFIX a: <http://a/> ask { ?s ?p ?o }", "ASK", "results"),
        ("BASE <http://b/> CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT", "graph"),
        ("DESCRIBE <http://a>", "DESCRIBE", "graph"),
        (
            "# SELECT in a comment\nCONSTRUCT { ?s ?p ?o } WHERE { { SELECT ?s ?p ?o { ?s ?p ?o } } }",
            "CONSTRUCT",
            "graph",
        ),
        ("nonsense", None, "results"),
    ],
)
def test_query_form(text: str, form: str | None, kind: str) -> None:
    checked = check(text, max_query_bytes=LIMIT)
    assert (checked.form, checked.kind) == (form, kind)


def test_dataset_clauses_and_prefixes_are_found() -> None:
    checked = check(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX : <http://e/>\n"
        "SELECT * FROM <http://g1> FROM NAMED <http://g2> { ?s skos:prefLabel ?o }",
        max_query_bytes=LIMIT,
    )
    assert checked.has_dataset
    assert checked.prefixes == {"skos": "http://www.w3.org/2004/02/skos/core#", "": "http://e/"}
    assert not check("SELECT ?from { ?from ?p ?o }", max_query_bytes=LIMIT).has_dataset


def test_length_limit_names_the_setting() -> None:
    with pytest.raises(QueryError, match="max_query_bytes"):
        check("SELECT * { ?s ?p ?o }" + " " * 100, max_query_bytes=50)
    with pytest.raises(QueryError, match="empty"):
        check("  \n", max_query_bytes=LIMIT)


def test_tokens_keep_iris_strings_and_comments_apart() -> None:
    found = tokens('SELECT ?x { ?x <http://a#b> "x # y" } # tail')
    assert ("iri", "<http://a#b>") in found
    assert ("string", '"x # y"') in found
    assert all(kind != "comment" for kind, _ in found)
    assert unescape("\\u0041\\U00000042") == "AB"


def test_query_form_ignores_comments_and_strings() -> None:
    text = '# addressed: ADD, INSERT\nPREFIX a: <http://a/>\nASK { ?s a:p "SELECT" }'
    assert query_form(text) == "ASK"
    assert query_form("nothing here") is None
