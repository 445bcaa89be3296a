"""Writing query answers, streamed (the endpoint) or materialised (the command line), one way.

The streaming path exists because the endpoint caps answers at `max_result_rows` and must never
build a whole large answer in memory: graphs are written by Oxigraph's own serialisers from an
iterator; SELECT solutions by the small writers below (SPARQL 1.1 Query Results JSON, XML, CSV and
TSV), which lean on `json`, `csv` and Oxigraph's N-Triples term syntax for all escaping; ASK answers
by Oxigraph's writer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from json.encoder import encode_basestring as _json_string  # the C escaper
from typing import Any, BinaryIO
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from apwps.formats import Format
from apwps.stores.base import AskResult, GraphResult, Head, QueryResult
from apwps.terms import from_rdflib

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

OX_RDF_FORMATS: dict[str, Any] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "n3": ox.RdfFormat.N3,
}
OX_RESULTS_FORMATS: dict[str, Any] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_WITH_PREFIXES = frozenset(("turtle", "trig", "n3", "rdfxml"))


# --- materialised answers (rdflib) ---------------------------------------------------------------


def kind_of(result: QueryResult) -> str:
    """`results` for SELECT/ASK answers, `graph` for CONSTRUCT/DESCRIBE."""
    return "graph" if isinstance(result, GraphResult) else "results"


def serialize(result: QueryResult, fmt: Format) -> bytes:
    """A materialised answer in `fmt`, written by the same writers as streamed answers."""
    if isinstance(result, GraphResult):
        if fmt.name not in OX_RDF_FORMATS:  # TriX: only rdflib writes it
            data: bytes = result.graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
            return data
        triples = [ox.Triple(*(from_rdflib(t) for t in triple)) for triple in result.graph]
        head = Head("triples", (), len(triples), result.truncated)
        payload: Any = triples
    elif isinstance(result, AskResult):
        head, payload = Head("boolean", (), 1, False), result.value
    else:
        variables = tuple(result.variables)
        payload = [
            {v: from_rdflib(row[v]) if v in row else None for v in variables} for row in result.rows
        ]
        head = Head("solutions", variables, len(payload), result.truncated)
    out = io.BytesIO()
    write(head, payload, fmt, out, {})
    return out.getvalue()


# --- streamed answers (the engine's own terms) ---------------------------------------------------


def take(result: Any, max_rows: int | None) -> tuple[Head, Any]:
    """The head and the rows (at most `max_rows`) of an Oxigraph answer.

    Rows are held as the engine's own compact objects, at most `max_rows` of them, so that the head
    can say whether the answer was cut before anything is written.
    """
    if isinstance(result, ox.QueryBoolean):
        return Head("boolean", (), 1, False), bool(result)
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        kind = "solutions"
    else:
        variables = ()
        kind = "triples"
    rows = list(islice(result, max_rows + 1)) if max_rows is not None else list(result)
    truncated = max_rows is not None and len(rows) > max_rows
    if truncated:
        del rows[max_rows:]
    return Head(kind, variables, len(rows), truncated), rows


def write(head: Head, payload: Any, fmt: Format, out: BinaryIO, prefixes: dict[str, str]) -> None:
    """Write an answer taken by `take` to `out` in `fmt`."""
    if head.kind == "triples":
        options: dict[str, Any] = {"format": OX_RDF_FORMATS[fmt.name]}
        if prefixes and fmt.name in _WITH_PREFIXES:
            options["prefixes"] = prefixes
        ox.serialize(iter(payload), out, **options)
    elif head.kind == "boolean":
        answer = ox.parse_query_results(
            b'{"head":{},"boolean":' + (b"true" if payload else b"false") + b"}",
            format=ox.QueryResultsFormat.JSON,
        )
        data = answer.serialize(format=OX_RESULTS_FORMATS[fmt.name])
        assert data is not None
        out.write(data)
    else:
        SOLUTION_WRITERS[fmt.name](head.variables, payload, out)


def _json_term(term: Any) -> str:
    """One term in SPARQL results JSON (written directly: this runs for every value of every row)."""
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _json_string(term.value) + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type":"bnode","value":' + _json_string(term.value) + "}"
    if isinstance(term, ox.Literal):
        value = '{"type":"literal","value":' + _json_string(term.value)
        if term.language:
            return value + ',"xml:lang":' + _json_string(term.language) + "}"
        datatype = term.datatype.value
        if datatype != XSD_STRING:
            return value + ',"datatype":' + _json_string(datatype) + "}"
        return value + "}"
    return (
        '{"type":"triple","value":{"subject":'
        + _json_term(term.subject)
        + ',"predicate":'
        + _json_term(term.predicate)
        + ',"object":'
        + _json_term(term.object)
        + "}}"
    )


def _write_json(variables: tuple[str, ...], rows: Iterable[Any], out: BinaryIO) -> None:
    names = [(v, _json_string(v)) for v in variables]
    out.write(
        b'{"head":{"vars":['
        + ",".join(n for _, n in names).encode()
        + b']},"results":{"bindings":['
    )
    separator = ""
    parts: list[str] = []
    for count, row in enumerate(rows, 1):
        cells = ",".join(
            f"{name}:{_json_term(t)}" for v, name in names if (t := row[v]) is not None
        )
        parts.append(separator + "{" + cells + "}")
        separator = ",\n"
        if count % 256 == 0:
            out.write("".join(parts).encode("utf-8"))
            parts.clear()
    parts.append("]}}\n")
    out.write("".join(parts).encode("utf-8"))


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>"
        f"{_xml_term(term.predicate)}</predicate><object>{_xml_term(term.object)}</object></triple>"
    )


def _write_xml(variables: tuple[str, ...], rows: Iterable[Any], out: BinaryIO) -> None:
    head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
    out.write(
        f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="{RESULTS_NS}">'
        f"<head>{head}</head><results>\n".encode()
    )
    for row in rows:
        bindings = "".join(
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v in variables
            if (t := row[v]) is not None
        )
        out.write(f"<result>{bindings}</result>\n".encode())
    out.write(b"</results></sparql>\n")


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term.value)
    return str(term)


def _write_csv(variables: tuple[str, ...], rows: Iterable[Any], out: BinaryIO) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(variables)
    for count, row in enumerate(rows, 1):
        writer.writerow([_csv_value(row[v]) for v in variables])
        if count % 256 == 0:
            out.write(text.getvalue().encode("utf-8"))
            text.seek(0)
            text.truncate()
    out.write(text.getvalue().encode("utf-8"))


def _tsv_value(term: Any) -> str:
    # N-Triples syntax (Oxigraph's `str`), which escapes tabs and line breaks inside literals.
    return "" if term is None else str(term)


def _write_tsv(variables: tuple[str, ...], rows: Iterable[Any], out: BinaryIO) -> None:
    out.write(("\t".join(f"?{v}" for v in variables) + "\n").encode("utf-8"))
    for row in rows:
        out.write(("\t".join(_tsv_value(row[v]) for v in variables) + "\n").encode("utf-8"))


SOLUTION_WRITERS: dict[str, Callable[[tuple[str, ...], Iterable[Any], BinaryIO], None]] = {
    "json": _write_json,
    "xml": _write_xml,
    "csv": _write_csv,
    "tsv": _write_tsv,
}


class ChunkWriter(io.RawIOBase):
    """A binary file that hands its bytes on in chunks of about `size` bytes."""

    def __init__(self, send: Callable[[bytes], None], size: int = 64 * 1024) -> None:
        super().__init__()
        self._send = send
        self._size = size
        self._buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buffer += data
        if len(self._buffer) >= self._size:
            self.flush_chunk()
        return len(data)

    def pending(self) -> bytes:
        """What was written and not yet handed on."""
        return bytes(self._buffer)

    def flush_chunk(self) -> None:
        if self._buffer:
            self._send(bytes(self._buffer))
            self._buffer.clear()


def chunks(head: Head, payload: Any, fmt: Format, prefixes: dict[str, str]) -> Iterator[bytes]:
    """The written answer as a list of chunks (for answers written in the calling process)."""
    parts: list[bytes] = []
    writer = ChunkWriter(parts.append)
    write(head, payload, fmt, writer, prefixes)  # type: ignore[arg-type]
    writer.flush_chunk()
    return iter(parts)
