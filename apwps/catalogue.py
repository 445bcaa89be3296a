"""The named-query catalogue: `queries/<name>.rq`, each with a `#+` header in YAML.

    #+ title: Frameworks that address a crime
    #+ description: Frameworks, with their prevention stage, that address the given crime.
    #+ parameters:
    #+   crime: {type: iri, default: "https://w3id.org/apwps/id/crimes/genocide",
    #+           description: "A crime concept"}
    #+ tags: [frameworks, crimes]

The header lines stay SPARQL comments, so the file is a valid query as it stands. Parameter types are
`iri`, `string`, `integer`, `decimal`, `boolean`, `year` or `lang-string`; values are bound as RDF
terms of that type, never pasted into the query text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import rdflib
import yaml
from rdflib.namespace import XSD
from rdflib.term import Node

from apwps.errors import InputError, QueryError, UnknownQueryError

NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PARAMETER_TYPES = ("iri", "string", "integer", "decimal", "boolean", "year", "lang-string")
_IRI = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|^`\\]+$", re.IGNORECASE)


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str = "string"
    description: str = ""
    default: str | None = None
    required: bool = False

    def bind(self, raw: str) -> Node:
        """The RDF term for a raw value (from a URL or the command line)."""
        try:
            if self.type == "iri":
                if not _IRI.match(raw):
                    raise ValueError("expected an absolute IRI")
                return rdflib.URIRef(raw)
            if self.type == "integer":
                return rdflib.Literal(int(raw), datatype=XSD.integer)
            if self.type == "decimal":
                return rdflib.Literal(Decimal(raw), datatype=XSD.decimal)
            if self.type == "boolean":
                if raw.lower() not in ("true", "false"):
                    raise ValueError("expected true or false")
                return rdflib.Literal(raw.lower() == "true", datatype=XSD.boolean)
            if self.type == "year":
                if not re.fullmatch(r"-?\d{4}", raw):
                    raise ValueError("expected a four-digit year")
                return rdflib.Literal(raw, datatype=XSD.gYear)
            if self.type == "lang-string":
                return rdflib.Literal(raw, lang="en")
            return rdflib.Literal(raw)
        except (ValueError, InvalidOperation) as exc:
            reason = str(exc) if str(exc).startswith("expected") else f"expected {self.type}"
            raise QueryError(f"parameter {self.name!r}: {reason} (found {raw!r})") from exc


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    path: Path
    parameters: tuple[Parameter, ...] = ()
    tags: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def bindings(self, values: Mapping[str, str]) -> dict[str, Node]:
        """Typed terms for the given raw values, defaults filled in; unknown names refused."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryError(
                f"query {self.name!r} has no parameter {unknown[0]!r}; "
                f"its parameters: {', '.join(known) or '(none)'}"
            )
        bound: dict[str, Node] = {}
        for parameter in self.parameters:
            raw = values.get(parameter.name, parameter.default)
            if raw is None or raw == "":
                if parameter.required:
                    raise QueryError(f"query {self.name!r} needs the parameter {parameter.name!r}")
                continue
            bound[parameter.name] = parameter.bind(str(raw))
        return bound


def _header(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[2:].removeprefix(" ") if line[2:3] == " " else line[2:])
    return "\n".join(lines)


def read_query(path: Path) -> NamedQuery:
    """Read one `.rq` file and its header."""
    name = path.stem
    if not NAME.match(name):
        raise InputError("query names are kebab-case (a-z, 0-9, hyphens)", source=path)
    text = path.read_text(encoding="utf-8")
    try:
        header = yaml.safe_load(_header(text)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            f"the #+ header is not valid YAML: {getattr(exc, 'problem', exc)}",
            source=path,
            line=mark.line + 1 if mark is not None else None,
        ) from exc
    if not isinstance(header, dict):
        raise InputError("the #+ header must be a mapping of keys to values", source=path)
    for key in ("title", "description"):
        if not isinstance(header.get(key), str) or not header[key].strip():
            raise InputError(f"the #+ header needs a {key!r}", source=path)
    parameters = []
    for pname, spec in (header.get("parameters") or {}).items():
        spec = spec or {}
        ptype = spec.get("type", "string")
        if ptype not in PARAMETER_TYPES:
            raise InputError(
                f"parameter {pname!r} has unknown type {ptype!r} (one of {', '.join(PARAMETER_TYPES)})",
                source=path,
            )
        default = spec.get("default")
        parameters.append(
            Parameter(
                name=str(pname),
                type=ptype,
                description=str(spec.get("description", "")),
                default=None if default is None else str(default),
                required=bool(spec.get("required", False)),
            )
        )
    extra = {
        k: v for k, v in header.items() if k not in ("title", "description", "parameters", "tags")
    }
    return NamedQuery(
        name=name,
        title=header["title"].strip(),
        description=" ".join(header["description"].split()),
        text=text,
        path=path,
        parameters=tuple(parameters),
        tags=tuple(str(t) for t in header.get("tags") or ()),
        extra=extra,
    )


class Catalogue:
    """All named queries of a directory, by name."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.queries: dict[str, NamedQuery] = {}
        if directory.is_dir():
            for path in sorted(directory.glob("*.rq")):
                query = read_query(path)
                self.queries[query.name] = query

    def names(self) -> list[str]:
        return sorted(self.queries)

    def get(self, name: str) -> NamedQuery:
        try:
            return self.queries[name]
        except KeyError:
            raise UnknownQueryError(name, self.names()) from None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.queries[n] for n in self.names())

    def __len__(self) -> int:
        return len(self.queries)
