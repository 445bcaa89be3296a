"""Serialising query answers through rdflib's result and graph serialisers (the one write path)."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib.query import Result
from rdflib.term import Variable

from apwps.formats import Format
from apwps.stores.base import AskResult, GraphResult, QueryResult, SelectResult


def kind_of(result: QueryResult) -> str:
    """`results` for SELECT/ASK answers, `graph` for CONSTRUCT/DESCRIBE."""
    return "graph" if isinstance(result, GraphResult) else "results"


def to_rdflib_result(result: SelectResult | AskResult) -> Result:
    if isinstance(result, AskResult):
        answer = Result("ASK")
        answer.askAnswer = result.value
        return answer
    answer = Result("SELECT")
    answer.vars = [Variable(v) for v in result.variables]
    answer.bindings = [
        {Variable(k): v for k, v in row.items()}  # type: ignore[misc]
        for row in result.rows
    ]
    return answer


def serialize(result: QueryResult, fmt: Format) -> bytes:
    """The answer in `fmt`; the format must suit the answer's kind (checked by the caller)."""
    if isinstance(result, GraphResult):
        graph = result.graph
        if fmt.datasets and fmt.name != "jsonld":
            dataset = rdflib.Dataset()
            target = dataset.graph(rdflib.URIRef("urn:x-apwps:result"))
            for triple in graph:
                target.add(triple)
            return dataset.serialize(format=fmt.rdflib_name, encoding="utf-8")
        return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
    if fmt.name == "tsv":
        # rdflib has no TSV writer: Oxigraph's writes it from the standard JSON form.
        as_json = to_rdflib_result(result).serialize(format="json", encoding="utf-8")
        parsed = ox.parse_query_results(as_json, format=ox.QueryResultsFormat.JSON)
        tsv = parsed.serialize(format=ox.QueryResultsFormat.TSV)
        assert tsv is not None
        return tsv
    data = to_rdflib_result(result).serialize(format=fmt.rdflib_name, encoding="utf-8")
    assert data is not None
    return data
