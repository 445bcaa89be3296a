"""The tabular form of entries (CSV or YAML), for curators who do not write RDF, turned into RDF.

The mapping (documented in docs/curators.md, "The tabular form"):
- each CSV row after the header, or each YAML mapping (one, a list, or a list under `entries`), is
  one entry;
- `kind` names the kind of entry (as `apwps new --help` lists them: `organisation`), or a class
  (`apwps:ResearchInstitution`); `id` is the entry's slug (`my-org`, placed in the kind's
  collection), a prefixed name or a full IRI;
- every other column or key is a field, by its name in the shapes (`Name`, `Date adopted`; case does
  not matter), optionally with a language (`Name@nb`), or a property as a prefixed name
  (`skos:altLabel`) or full IRI;
- several values go in one CSV cell separated by `|`, or in a YAML list; an empty cell is no value;
- a field that links to other entries takes a full IRI, a prefixed name, or the exact name (label,
  acronym or slug) of an existing entry of the class the shape expects; a name that matches nothing
  is kept as text, so the report says the link is broken and suggests the closest names;
- a text field becomes a literal of the shape's datatype (`Date adopted` = `2019` becomes
  `"2019"^^xsd:gYear`); a web address (`https://…`) where the shape asks for no datatype becomes a
  link; other text with no datatype is English (`@en`) unless the column names a language.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rdflib
import yaml
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from apwps.errors import InputError
from apwps.kinds import Field, Kind

if TYPE_CHECKING:
    from apwps.curation import CurationContext

VALUE_SEPARATOR = "|"
_IRI = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://|urn:|mailto:)\S+$")
_PREFIXED = re.compile(r"^([A-Za-z][\w.-]*):([\w.-][\w.\-/]*)?$")
_WEB = re.compile(r"^https?://\S+$")
_LANG_KEY = re.compile(r"^(.*?)@([a-zA-Z]{2,3}(?:-[a-zA-Z0-9]+)*)$")


@dataclass(frozen=True)
class TabularFormat:
    """A tabular input syntax, named like the RDF formats in `apwps.formats`."""

    name: str
    media_types: tuple[str, ...]
    suffixes: tuple[str, ...]
    label: str

    @property
    def media_type(self) -> str:
        return self.media_types[0]


CSV = TabularFormat("csv", ("text/csv",), (".csv",), "CSV (tabular form)")
YAML = TabularFormat(
    "yaml",
    ("application/yaml", "text/yaml", "application/x-yaml"),
    (".yaml", ".yml"),
    "YAML (tabular form)",
)
TABULAR_FORMATS = (CSV, YAML)
SUFFIXES = frozenset(s for f in TABULAR_FORMATS for s in f.suffixes)


def by_suffix(path: str | Path) -> TabularFormat | None:
    suffix = Path(path).suffix.lower()
    return next((f for f in TABULAR_FORMATS if suffix in f.suffixes), None)


def by_media_type(media_type: str) -> TabularFormat | None:
    bare = media_type.split(";", 1)[0].strip().lower()
    return next((f for f in TABULAR_FORMATS if bare in f.media_types), None)


def by_name(name: str) -> TabularFormat | None:
    return next((f for f in TABULAR_FORMATS if f.name == name.lower()), None)


@dataclass
class Row:
    """One entry of the tabular form: its cells (key → values) and where it is written."""

    cells: dict[str, list[Any]]
    line: int
    key_columns: dict[str, int] = field(default_factory=dict)


@dataclass
class Converted:
    triples: list[tuple[Node, Node, Node]]
    lines: dict[str, int]


# --- reading rows -----------------------------------------------------------------------------


def _csv_rows(data: bytes, source: str) -> Iterator[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"the CSV file is not UTF-8 text ({exc.reason})", source=source) from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise InputError(
                "the CSV file is empty: it needs a header row and one row per entry",
                source=source,
                line=1,
            )
        names = [h.strip() for h in header]
        columns = {name: index + 1 for index, name in enumerate(names)}
        line = reader.line_num + 1
        for record in reader:
            if any(cell.strip() for cell in record):
                if len(record) > len(names):
                    raise InputError(
                        f"this row has {len(record)} cells but the header names {len(names)} columns",
                        source=source,
                        line=line,
                    )
                cells: dict[str, list[Any]] = {}
                for name, cell in zip(names, record, strict=False):
                    values = [v.strip() for v in cell.split(VALUE_SEPARATOR) if v.strip()]
                    if name and values:
                        cells.setdefault(name, []).extend(values)
                yield Row(cells, line, columns)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", source=source, line=reader.line_num) from exc


def _yaml_rows(data: bytes, source: str) -> Iterator[Row]:
    try:
        for event in yaml.parse(io.BytesIO(data)):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                raise InputError(
                    "YAML aliases (*name) are not accepted: write each value out",
                    source=source,
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                )
        node = yaml.compose(io.BytesIO(data), Loader=yaml.SafeLoader)
        document = yaml.safe_load(io.BytesIO(data))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise InputError(
            f"malformed YAML: {exc.problem}",
            source=source,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", source=source) from exc
    if document is None or node is None:
        raise InputError("the YAML document is empty", source=source, line=1)
    items: Any = document
    nodes: Any = node
    if isinstance(document, dict) and "entries" in document:
        items = document["entries"]
        nodes = next(v for k, v in node.value if getattr(k, "value", None) == "entries")
    if isinstance(items, dict):
        items, node_items = [items], [nodes]
    elif isinstance(items, list):
        node_items = list(nodes.value)
    else:
        raise InputError(
            "expected one entry (a mapping) or a list of entries", source=source, line=1
        )
    for item, item_node in zip(items, node_items, strict=True):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            raise InputError(
                "each entry must be a mapping of field names to values", source=source, line=line
            )
        cells: dict[str, list[Any]] = {}
        for key, value in item.items():
            values = value if isinstance(value, list) else [value]
            for v in values:
                if isinstance(v, dict | list):
                    raise InputError(
                        f"field {key!r}: a value must be text, a number or a date",
                        source=source,
                        line=line,
                    )
            cells[str(key).strip()] = [v for v in values if v is not None and str(v).strip() != ""]
        yield Row(cells, line)


# --- turning rows into triples ----------------------------------------------------------------


def _expand(context: CurationContext, text: str) -> rdflib.URIRef | None:
    """A full IRI, `<IRI>`, or a prefixed name with a known prefix, as an IRI."""
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if _IRI.match(text):
        return rdflib.URIRef(text)
    match = _PREFIXED.match(text)
    if match and match.group(1) in context.prefixes:
        return rdflib.URIRef(context.prefixes[match.group(1)] + (match.group(2) or ""))
    return None


def _by_name(context: CurationContext, field_: Field, text: str) -> rdflib.URIRef | None:
    """The existing entity of the field's class (or allowed value) whose name or slug is `text`."""
    wanted = text.strip().lower()
    candidates: dict[str, list[str]] = {}
    if field_.class_:
        candidates = context.entities_of(field_.class_)
    elif field_.allowed:
        candidates = {
            str(v): [context.label_of(str(v)) or ""]
            for v in field_.allowed
            if isinstance(v, rdflib.URIRef)
        }
    for iri, labels in candidates.items():
        slug = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        if wanted in {label.lower() for label in labels} | {slug.lower()}:
            return rdflib.URIRef(iri)
    return None


def _literal(value: Any, field_: Field | None, language: str | None) -> rdflib.Literal:
    if isinstance(value, datetime.date | datetime.datetime):
        text = value.isoformat()
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value).strip()
    datatype = field_.datatypes[0] if field_ is not None and field_.datatypes else None
    if (
        language is not None
        or datatype == str(RDF.langString)
        or (datatype is None and (field_ is None or field_.is_language_text))
    ):
        return rdflib.Literal(text, lang=language or "en")
    if datatype is None or datatype == str(XSD.string):
        return rdflib.Literal(text)
    return rdflib.Literal(text, datatype=rdflib.URIRef(datatype))


def _value(
    context: CurationContext, field_: Field | None, value: Any, language: str | None
) -> Node:
    text = str(value).strip()
    if not isinstance(value, str):
        return _literal(value, field_, language)
    if field_ is None:
        return _expand(context, text) or _literal(value, None, language)
    if field_.is_link:
        return _expand(context, text) or _by_name(context, field_, text) or rdflib.Literal(text)
    if not field_.datatypes and _WEB.match(text):  # a web address where no text type is asked for
        return rdflib.URIRef(text)
    return _literal(value, field_, language)


def _kind_and_class(
    context: CurationContext, text: str, source: str, line: int
) -> tuple[Kind, rdflib.URIRef]:
    kind = context.kind(text)
    if kind is not None:
        return kind, rdflib.URIRef(kind.target_class)
    cls = _expand(context, text)
    if cls is not None:
        found = context.kind_of_entry([cls])
        if found is not None:
            return found, cls
    known = ", ".join(k.name for k in context.kinds) or "(no shapes define any)"
    raise InputError(f"unknown kind {text!r}; known kinds: {known}", source=source, line=line)


def _field_for(
    context: CurationContext, kind: Kind, key: str, row: Row, source: str
) -> tuple[Field | None, rdflib.URIRef, str | None]:
    """The field (if the shapes know it), the property and the language a column or key names."""
    name, language = key, None
    match = _LANG_KEY.match(key)
    if match and not _IRI.match(key):
        name, language = match.group(1).strip(), match.group(2)
    found = kind.field(name)
    if found is not None:
        return found, rdflib.URIRef(found.path), language
    prop = _expand(context, name)
    if prop is not None:
        return kind.field(str(prop)), prop, language
    import difflib

    close = difflib.get_close_matches(name, [f.name for f in kind.fields], n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    fields = ", ".join(f.name for f in kind.fields)
    raise InputError(
        f"column {key!r} is neither a field of this kind of entry ({fields}) nor a prefixed "
        f"property{hint}",
        source=source,
        line=row.line if not row.key_columns else 1,
        column=row.key_columns.get(key),
    )


def to_rdf(context: CurationContext, data: bytes, fmt: TabularFormat, *, source: str) -> Converted:
    """The triples of every entry in a CSV or YAML document, and the line each entry starts on."""
    rows = list(_csv_rows(data, source) if fmt.name == "csv" else _yaml_rows(data, source))
    if not rows:
        raise InputError(
            "no entries found: add one row (CSV) or mapping (YAML) per entry", source=source
        )
    triples: list[tuple[Node, Node, Node]] = []
    lines: dict[str, int] = {}
    for row in rows:
        kinds = row.cells.get("kind") or []
        ids = row.cells.get("id") or []
        if len(kinds) != 1 or len(ids) != 1:
            missing = "kind" if len(kinds) != 1 else "id"
            raise InputError(
                f"each entry needs exactly one {missing!r}",
                source=source,
                line=row.line,
                column=row.key_columns.get(missing),
            )
        kind, cls = _kind_and_class(context, str(kinds[0]), source, row.line)
        ident = str(ids[0]).strip()
        subject = _expand(context, ident)
        if subject is None:
            if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", ident):
                raise InputError(
                    f"id {ident!r}: write the slug in lower-case words joined by hyphens, "
                    "or give a full IRI",
                    source=source,
                    line=row.line,
                )
            subject = rdflib.URIRef(context.entry_iri(context.collection_of(kind), ident))
        lines.setdefault(str(subject), row.line)
        triples.append((subject, RDF.type, cls))
        for key, values in row.cells.items():
            if key in ("kind", "id"):
                continue
            field_, prop, language = _field_for(context, kind, key, row, source)
            for value in values:
                triples.append((subject, prop, _value(context, field_, value, language)))
    return Converted(triples, lines)


def form_to_yaml(kind: str, ident: str, values: dict[str, str]) -> bytes:
    """A form's fields (field name → text, several values separated by `|`) as one YAML entry of
    the tabular form, so a form goes through the same mapping as a file."""
    entry: dict[str, Any] = {"kind": kind.strip(), "id": ident.strip()}
    for name, text in values.items():
        parts = [p.strip() for p in text.split(VALUE_SEPARATOR) if p.strip()]
        if parts:
            entry[name] = parts if len(parts) > 1 else parts[0]
    return yaml.safe_dump(entry, allow_unicode=True, sort_keys=False).encode("utf-8")
