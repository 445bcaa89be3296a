"""Parameters travel to remote engines as a VALUES block of escaped terms."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from apwps.binding import with_values
from apwps.errors import QueryError

QUERY = """# a comment with WHERE { in it
PREFIX ex: <http://example.org/ns#>
SELECT ?s ?label WHERE {
  ?s ex:label ?label . FILTER(?label != "a { brace")
}"""


def _store() -> ox.Store:
    store = ox.Store()
    ex = "http://example.org/ns#"
    for s, label in (("a", "Alpha"), ("b", 'Quote " and } brace')):
        store.add(
            ox.Quad(
                ox.NamedNode(f"http://example.org/{s}"),
                ox.NamedNode(ex + "label"),
                ox.Literal(label),
            )
        )
    return store


def test_values_block_binds_terms_not_text() -> None:
    tricky = rdflib.Literal('Quote " and } brace')
    text = with_values(QUERY, {"label": tricky})
    rows = list(_store().query(text))
    assert [r["s"].value for r in rows] == ["http://example.org/b"]
    # the original text is untouched around the block
    assert text.startswith("# a comment with WHERE { in it")


def test_iri_that_would_break_out_is_refused() -> None:
    with pytest.raises(QueryError, match="not a valid IRI"):
        with_values(QUERY, {"s": rdflib.URIRef("http://x> } ; DROP ALL ; <http://y")})


def test_construct_binds_in_where_not_template() -> None:
    text = with_values(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": rdflib.URIRef("http://example.org/a")}
    )
    assert text.index("VALUES") > text.index("WHERE")
    assert len(list(_store().query(text))) == 1
