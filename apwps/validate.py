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
        return f"{where}: {self.severity}: <{self.entry}> {self.field}: {self.message}{value}{hint}"

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


def _text(graph: rdflib.Graph, node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, rdflib.Literal):
        return str(node)
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
    results: rdflib.Graph, shapes: rdflib.Graph, locate: Locator | None = None
) -> list[Finding]:
    """Turn a SHACL validation report graph into sorted findings."""
    findings: list[Finding] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        shape = results.value(result, SH.sourceShape)
        value = results.value(result, SH.value)
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
        findings.append(
            Finding(
                severity=severity,
                entry=entry,
                field=_field_name(shapes, shape, path),
                message=message,
                value=_text(results, value),
                path=_text(shapes, path),
                source=source,
                line=line,
                shape=_text(shapes, shape),
            )
        )
    return sorted(findings, key=Finding.sort_key)


def validate_graph(
    data: rdflib.Graph,
    shapes: rdflib.Graph,
    *,
    focus_nodes: Sequence[Node] | None = None,
    locate: Locator | None = None,
) -> Report:
    """Validate `data` (which should already hold the ontology and the inferences) against `shapes`."""
    options: dict[str, Any] = {}
    if focus_nodes is not None:
        options["focus_nodes"] = list(focus_nodes)
    conforms, results, _text_report = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
        advanced=True,
        **options,
    )
    findings = findings_from(results, shapes, locate)
    conforms = not any(f.severity == "Violation" for f in findings)
    return Report(bool(conforms), findings, results)


def summary_line(report: Report, inputs: Iterable[str]) -> str:
    counts = report.counts()
    status = "conforms" if report.conforms else "does not conform"
    names = ", ".join(inputs) or "the graph"
    return (
        f"{names}: {status} ({counts['Violation']} violations, {counts['Warning']} warnings, "
        f"{counts['Info']} suggestions)"
    )
