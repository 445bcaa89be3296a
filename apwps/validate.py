"""SHACL validation with pySHACL, and findings a curator can act on.

A finding names the entry, the field (the property shape's `sh:name`), the value, the shape's own
message, the severity, and the file and line where the entry is written. Only Violations make data
non-conforming; Warnings and Infos are advice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, SH
from rdflib.term import Node

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}

Locator = Callable[[str], tuple[str | None, int | None]]
# (constraint component, source shape, value) -> suggested replacements for the value
Suggester = Callable[[Node, Node | None, Node | None], tuple[str, ...]]


@dataclass(frozen=True)
class Finding:
    """One validation result, in words."""

    severity: str
    entry: str
    field: str
    message: str
    value: str | None = None
    path: str | None = None
    source: str | None = None
    line: int | None = None
    shape: str | None = None
    suggestions: tuple[str, ...] = ()
    constraint: str | None = None  # the SHACL constraint component, e.g. "minCount", "class"
    fix: str | None = None  # how to fix it, in words

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.source or "",
            self.entry,
            SEVERITY_ORDER.get(self.severity, 3),
            self.field,
            self.value or "",
            self.message,
        )

    def as_text(self) -> str:
        where = self.source or "<input>"
        if self.line:
            where += f":{self.line}"
        value = f" (found {self.value})" if self.value is not None else ""
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        fix = f"\n    fix: {self.fix}" if self.fix else ""
        return f"{where}: {self.severity}: <{self.entry}> {self.field}: {self.message}{value}{hint}{fix}"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["suggestions"] = list(self.suggestions)
        return data


@dataclass
class Report:
    """The outcome of one validation run."""

    conforms: bool
    findings: list[Finding]
    results_graph: rdflib.Graph = field(repr=False)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    def counts(self) -> dict[str, int]:
        counts = {"Violation": 0, "Warning": 0, "Info": 0}
        for finding in self.findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
        return counts

    def as_dict(self) -> dict[str, Any]:
        """The report for machines (the `--format json` output and the web API)."""
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "findings": [f.as_dict() for f in self.findings],
        }

    def grouped(self) -> list[dict[str, Any]]:
        """Findings grouped by entry, then by field, in report order (for people)."""
        entries: dict[str, dict[str, Any]] = {}
        for finding in self.findings:
            entry = entries.setdefault(
                finding.entry,
                {
                    "entry": finding.entry,
                    "source": finding.source,
                    "line": finding.line,
                    "fields": {},
                },
            )
            entry["fields"].setdefault(finding.field, []).append(finding)
        return [
            {
                **e,
                "fields": [
                    {"field": name, "findings": items} for name, items in e["fields"].items()
                ],
            }
            for e in entries.values()
        ]


def _text(graph: rdflib.Graph, node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, rdflib.Literal):
        # with its language or datatype: "New org" and "New org"@en differ, and the shapes care
        if node.language is None and node.datatype is None:
            return f'"{node}"'
        return node.n3(graph.namespace_manager)
    if isinstance(node, rdflib.URIRef):
        return str(node)
    # a path expression or blank node: show it compactly
    return node.n3(graph.namespace_manager)


def _field_name(shapes: rdflib.Graph, shape: Node | None, path: Node | None) -> str:
    """The property shape's sh:name, else the path as a prefixed name."""
    if shape is not None:
        for name in shapes.objects(shape, SH.name):
            if isinstance(name, rdflib.Literal) and (name.language in (None, "en")):
                return str(name)
    if path is None:
        return "(entry)"
    if isinstance(path, rdflib.URIRef):
        return shapes.namespace_manager.normalizeUri(path)
    return "(path)"


def findings_from(
    results: rdflib.Graph,
    shapes: rdflib.Graph,
    locate: Locator | None = None,
    *,
    schema: rdflib.Graph | None = None,
    suggest: Suggester | None = None,
) -> list[Finding]:
    """Turn a SHACL validation report graph into sorted findings, each with how to fix it."""
    from apwps.fixes import how_to_fix  # the wording lives apart from the mechanics

    findings: list[Finding] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        shape = results.value(result, SH.sourceShape)
        value = results.value(result, SH.value)
        component = results.value(result, SH.sourceConstraintComponent)
        severity_node = results.value(result, SH.resultSeverity)
        severity = (
            SEVERITIES.get(severity_node, "Violation")
            if isinstance(severity_node, rdflib.URIRef)
            else "Violation"
        )
        messages = [str(m) for m in results.objects(result, SH.resultMessage)]
        message = messages[0] if messages else "does not conform"
        entry = str(focus)
        source, line = locate(entry) if locate else (None, None)
        constraint = _constraint_name(component)
        field_name = _field_name(shapes, shape, path)
        findings.append(
            Finding(
                severity=severity,
                entry=entry,
                field=field_name,
                message=message,
                value=_text(results, value),
                path=path_text(results, path),
                source=source,
                line=line,
                shape=_text(shapes, shape),
                suggestions=suggest(component, shape, value)
                if suggest is not None and component is not None
                else (),
                constraint=constraint,
                fix=how_to_fix(shapes, schema, shape, constraint, field_name),
            )
        )
    return sorted(findings, key=Finding.sort_key)


def _constraint_name(component: Node | None) -> str | None:
    """`sh:MinCountConstraintComponent` → `minCount`."""
    if not isinstance(component, rdflib.URIRef) or not str(component).startswith(str(SH)):
        return None
    name = str(component)[len(str(SH)) :].removesuffix("ConstraintComponent")
    if name[:2].isupper():  # SPARQL
        return name
    return name[:1].lower() + name[1:] if name else None


def path_text(graph: rdflib.Graph, path: Node | None) -> str | None:
    """A SHACL property path in SPARQL's notation, with full IRIs (`<a>|<b>`, `^<a>`, `<a>/<b>`)."""
    if path is None:
        return None
    if isinstance(path, rdflib.URIRef):
        return str(path)
    if isinstance(path, rdflib.Literal):
        return str(path)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(f"<{p}>" for p in graph.items(alternatives))
    for prop, mark in (
        (SH.inversePath, "^"),
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        inner = graph.value(path, prop)
        if inner is not None:
            text = path_text(graph, inner)
            return f"^{text}" if mark == "^" else f"({text}){mark}"
    members = list(graph.items(path))
    if members:
        return "/".join(path_text(graph, m) or "" for m in members)
    return None


def validate_graph(
    data: rdflib.Graph,
    shapes: rdflib.Graph,
    *,
    focus_nodes: Sequence[Node] | None = None,
    locate: Locator | None = None,
    schema: rdflib.Graph | None = None,
    suggest: Suggester | None = None,
    inplace: bool = False,
    words: rdflib.Graph | None = None,
) -> Report:
    """Validate `data` (which should already hold the ontology and the inferences) against `shapes`.

    SHACL-AF features are switched on only when the shapes use them: pySHACL copies the whole data
    graph in advanced mode, which costs seconds on a large graph. `inplace` skips that copy (for a
    caller whose data graph must not be copied and that holds it still while validating). `words`
    is the shapes graph to take names and descriptions from, when `shapes` is a working copy.
    """
    options: dict[str, Any] = {}
    if focus_nodes is not None:
        options["focus_nodes"] = list(focus_nodes)
    advanced = uses_advanced_features(shapes)
    conforms, results, _text_report = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
        advanced=advanced,
        inplace=inplace and not advanced,
        **options,
    )
    findings = findings_from(results, words or shapes, locate, schema=schema, suggest=suggest)
    conforms = not any(f.severity == "Violation" for f in findings)
    return Report(bool(conforms), findings, results)


_ADVANCED_PREDICATES = (SH.rule, SH.target)
_ADVANCED_TYPES = (SH.SPARQLFunction, SH.SPARQLRule, SH.TripleRule)


def uses_advanced_features(shapes: rdflib.Graph) -> bool:
    """True when the shapes use SHACL Advanced Features (rules, custom targets, functions)."""
    return any(
        next(iter(shapes.triples((None, p, None))), None) is not None for p in _ADVANCED_PREDICATES
    ) or any(
        next(iter(shapes.triples((None, RDF.type, t))), None) is not None for t in _ADVANCED_TYPES
    )


def summary_line(report: Report, inputs: Iterable[str]) -> str:
    counts = report.counts()
    status = "conforms" if report.conforms else "does not conform"
    names = ", ".join(inputs) or "the graph"
    return (
        f"{names}: {status} ({counts['Violation']} violations, {counts['Warning']} warnings, "
        f"{counts['Info']} suggestions)"
    )
