"""Reading RDF files into a dataset, one named graph per file, refusing input that could reach outside.

Oxigraph's parsers read the formats they know (fast, and their errors carry line and column); rdflib
reads the rest (N3, TriX). Submitted text is checked before parsing: RDF/XML may not declare entities
(bounded expansion) and JSON-LD may not name remote contexts (nothing is ever fetched).
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

from apwps import formats
from apwps.errors import InputError
from apwps.formats import Format
from apwps.terms import from_rdflib_quad

CONTENT_DIRS = ("ontology", "shapes", "data")
GRAPH_PATH = "graph/"
INFERRED_GRAPH = "graph/inferred"

_OX_FORMATS: dict[str, Any] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}

_POSITION = re.compile(r"line (\d+)(?: between columns (\d+)| column (\d+))?")


@dataclass(frozen=True)
class SourceFile:
    """A content file and the named graph its triples go to."""

    path: Path
    relative: str  # e.g. "data/frameworks/wps-agenda.ttl"
    graph_iri: str
    format: Format

    @property
    def collection(self) -> str:
        parts = Path(self.relative).parts
        return parts[1] if len(parts) > 2 and parts[0] == "data" else parts[0]


def graph_iri_for(base_iri: str, relative: str) -> str:
    """The named graph of a file: its path under `<base>graph/`, without the suffix."""
    stem = str(Path(relative).with_suffix("")).replace("\\", "/")
    return f"{base_iri}{GRAPH_PATH}{stem}"


def discover(root: Path, base_iri: str, dirs: Iterable[str] = CONTENT_DIRS) -> list[SourceFile]:
    """Every RDF file under the content directories, in a stable order."""
    found: list[SourceFile] = []
    for directory in dirs:
        top = root / directory
        if not top.is_dir():
            continue
        for path in sorted(top.rglob("*")):
            fmt = formats.by_suffix(path)
            if not path.is_file() or fmt is None or path.name.startswith("."):
                continue
            relative = path.relative_to(root).as_posix()
            found.append(SourceFile(path, relative, graph_iri_for(base_iri, relative), fmt))
    return found


def _position(message: str) -> tuple[int | None, int | None]:
    match = _POSITION.search(message)
    if not match:
        return None, None
    column = match.group(2) or match.group(3)
    return int(match.group(1)), int(column) if column else None


def check_safe(data: bytes, fmt: Format, source: str) -> None:
    """Refuse input that would make a parser fetch something or expand entities without bound."""
    if fmt.name == "rdfxml":
        try:
            SafeElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True)
        except DefusedXmlException as exc:
            raise InputError(
                f"RDF/XML that declares entities is refused ({exc.__class__.__name__})",
                source=source,
            ) from exc
        except SafeElementTree.ParseError as exc:
            line, column = exc.position
            raise InputError(
                f"malformed XML: {exc}", source=source, line=line, column=column
            ) from exc
    elif fmt.name == "jsonld":
        try:
            document = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            line = getattr(exc, "lineno", None)
            column = getattr(exc, "colno", None)
            raise InputError(
                f"malformed JSON: {exc}", source=source, line=line, column=column
            ) from exc
        for context in _contexts(document):
            if isinstance(context, str):
                raise InputError(
                    f"JSON-LD context {context!r} is not fetched: put the context inline",
                    source=source,
                )
            if isinstance(context, dict) and "@import" in context:
                raise InputError(
                    "JSON-LD @import is not fetched: put the context inline", source=source
                )


def _contexts(node: Any) -> Iterator[Any]:
    """Every @context value in a JSON-LD document (lists flattened)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                yield from value if isinstance(value, list) else [value]
            yield from _contexts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _contexts(item)


def parse_bytes(
    data: bytes, fmt: Format, *, source: str, base_iri: str | None = None
) -> list[ox.Quad]:
    """Parse one document into quads (default-graph triples keep the default graph)."""
    check_safe(data, fmt, source)
    ox_format = _OX_FORMATS.get(fmt.name)
    if ox_format is not None:
        try:
            return list(ox.parse(data, format=ox_format, base_iri=base_iri))
        except SyntaxError as exc:
            message = str(exc)
            line, column = _position(message)
            detail = re.sub(r"^Parser error (at|between) [^:]*: ", "", message)
            detail = re.sub(r" \(line \d+\)$", "", detail)
            raise InputError(detail, source=source, line=line, column=column) from exc
        except ValueError as exc:
            raise InputError(str(exc), source=source) from exc
    dataset = rdflib.Dataset() if fmt.datasets else rdflib.Graph()
    try:
        with warnings.catch_warnings():
            # rdflib's parsers use a deprecated Dataset attribute internally
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset.parse(data=data, format=fmt.rdflib_name, publicID=base_iri)
    except Exception as exc:  # rdflib raises many types; all mean malformed input here
        line = getattr(exc, "lines", None)
        raise InputError(
            str(getattr(exc, "_why", exc)),
            source=source,
            line=line + 1 if line is not None else None,
        ) from exc
    if isinstance(dataset, rdflib.Dataset):
        return [from_rdflib_quad(quad) for quad in dataset.quads((None, None, None, None))]
    return [from_rdflib_quad((s, p, o, None)) for s, p, o in dataset]


def read_file(source: SourceFile) -> list[ox.Quad]:
    """Parse one content file; its default-graph triples go to the file's named graph."""
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=source.relative) from exc
    graph = ox.NamedNode(source.graph_iri)
    quads = parse_bytes(data, source.format, source=source.relative, base_iri=source.graph_iri)
    return [
        ox.Quad(q.subject, q.predicate, q.object, graph)
        if isinstance(q.graph_name, ox.DefaultGraph)
        else q
        for q in quads
    ]


ProgressCallback = Callable[[int, int, str], None]


def load_files(
    sources: list[SourceFile], store: ox.Store, progress: ProgressCallback | None = None
) -> dict[str, int]:
    """Load files into the store; returns triples per named graph. Stops at the first bad file."""
    counts: dict[str, int] = {}
    for index, source in enumerate(sources, start=1):
        quads = read_file(source)
        store.extend(quads)
        counts[source.graph_iri] = len(quads)
        if progress is not None:
            progress(index, len(sources), source.relative)
    return counts
