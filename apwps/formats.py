"""The one table of formats: names, media types, file suffixes, and the parser/serialiser to use.

Everything that reads or writes RDF or query results looks its format up here, so that the command
line, the build and the web layer agree on what `turtle` or `application/ld+json` means.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Kind = Literal["graph", "results"]


@dataclass(frozen=True)
class Format:
    """One serialisation: how people name it, how HTTP names it, and which library handles it."""

    name: str
    kind: Kind
    media_types: tuple[str, ...]
    suffixes: tuple[str, ...]
    rdflib_name: str
    label: str
    datasets: bool = False  # can carry named graphs

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def content_type(self) -> str:
        """The Content-Type header value, with a charset for the textual formats."""
        return f"{self.media_type}; charset=utf-8"


FORMATS: tuple[Format, ...] = (
    Format(
        "turtle", "graph", ("text/turtle", "application/x-turtle"), (".ttl",), "turtle", "Turtle"
    ),
    Format(
        "jsonld",
        "graph",
        ("application/ld+json",),
        (".jsonld",),
        "json-ld",
        "JSON-LD",
        datasets=True,
    ),
    Format(
        "rdfxml",
        "graph",
        ("application/rdf+xml", "application/xml"),
        (".rdf", ".owl", ".xml"),
        "xml",
        "RDF/XML",
    ),
    Format("ntriples", "graph", ("application/n-triples",), (".nt",), "nt", "N-Triples"),
    Format(
        "nquads", "graph", ("application/n-quads",), (".nq",), "nquads", "N-Quads", datasets=True
    ),
    Format("trig", "graph", ("application/trig",), (".trig",), "trig", "TriG", datasets=True),
    Format("n3", "graph", ("text/n3",), (".n3",), "n3", "Notation3"),
    Format("trix", "graph", ("application/trix",), (".trix",), "trix", "TriX", datasets=True),
    Format(
        "json",
        "results",
        ("application/sparql-results+json", "application/json"),
        (".srj", ".json"),
        "json",
        "SPARQL results JSON",
    ),
    Format(
        "xml",
        "results",
        ("application/sparql-results+xml",),
        (".srx",),
        "xml",
        "SPARQL results XML",
    ),
    Format("csv", "results", ("text/csv",), (".csv",), "csv", "CSV"),
    Format("tsv", "results", ("text/tab-separated-values",), (".tsv",), "tsv", "TSV"),
)

BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}
GRAPH_FORMATS: tuple[Format, ...] = tuple(f for f in FORMATS if f.kind == "graph")
RESULT_FORMATS: tuple[Format, ...] = tuple(f for f in FORMATS if f.kind == "results")
# Formats offered to clients for CONSTRUCT/DESCRIBE answers and resource pages, in preference order.
GRAPH_ANSWER_FORMATS: tuple[Format, ...] = tuple(
    BY_NAME[n] for n in ("turtle", "jsonld", "rdfxml", "ntriples", "nquads", "trig")
)


def by_name(name: str) -> Format:
    """The format called `name` (case-insensitive), or KeyError listing the known names."""
    try:
        return BY_NAME[name.lower()]
    except KeyError:
        raise KeyError(f"unknown format {name!r}; known: {', '.join(BY_NAME)}") from None


def by_media_type(media_type: str, kind: Kind | None = None) -> Format | None:
    """The format for a media type (parameters such as charset ignored), or None."""
    bare = media_type.split(";", 1)[0].strip().lower()
    for fmt in FORMATS:
        if bare in fmt.media_types and (kind is None or fmt.kind == kind):
            return fmt
    return None


def by_suffix(path: str | Path, kind: Kind = "graph") -> Format | None:
    """The format a file's suffix names, or None when the suffix is not an RDF syntax."""
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS:
        if fmt.kind == kind and suffix in fmt.suffixes:
            return fmt
    return None


RDF_SUFFIXES: frozenset[str] = frozenset(s for f in GRAPH_FORMATS for s in f.suffixes)
