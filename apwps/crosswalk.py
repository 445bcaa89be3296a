"""The crosswalk between the WPS Index and the UN Framework of Analysis: which WPS Index indicators
parallel which atrocity risk factors and indicators, and under which theme.

It is read from the graph (through the `Store` interface): the `apwps:Parallel` entries, which name a
theme and the indicators on both sides (or a whole risk factor, `apwps:involvesRiskFactor`), and the
direct `apwps:parallels` links. Themes with no WPS
Index indicator (hate speech) are kept as gaps, so the matrix can show what the index does not measure.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rdflib.term import Literal, Node, URIRef

from apwps.binding import values_list
from apwps.memo import per_store
from apwps.search import pick
from apwps.stores.base import SelectResult, Store

PREFIXES = """PREFIX apwps: <https://w3id.org/apwps/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

PARALLELS = (
    PREFIXES
    + """SELECT DISTINCT ?parallel ?side ?target WHERE {
  ?parallel a apwps:Parallel .
  { ?parallel apwps:wpsIndexIndicator ?target BIND("wps" AS ?side) }
  UNION { ?parallel apwps:riskIndicator ?target BIND("risk" AS ?side) }
  UNION { ?parallel apwps:involvesRiskFactor ?target BIND("risk" AS ?side) }
}"""
)

DIRECT = (
    PREFIXES
    + """SELECT DISTINCT ?wps ?risk WHERE {
  ?wps apwps:parallels ?risk .
  ?wps a apwps:WpsIndexIndicator .
  { ?risk a apwps:RiskIndicator } UNION { ?risk a apwps:RiskFactor }
}"""
)

# The WPS Index indicators (a few dozen, whatever the size of the graph).
WPS_INDICATORS = PREFIXES + "SELECT ?x WHERE { ?x a apwps:WpsIndexIndicator }"

# What the matrix is drawn with, for the terms listed (the indicators on both sides, their
# dimensions and risk factors, the themes): kind, group, labels and notation, each looked up by IRI.
TERMS = (
    PREFIXES
    + """SELECT DISTINCT ?x ?kind ?group ?label ?notation WHERE {
  VALUES ?x { %s }
  { ?x a apwps:WpsIndexIndicator BIND("wps" AS ?kind) OPTIONAL { ?x apwps:indexDimension ?group } }
  UNION { ?x a apwps:RiskIndicator BIND("risk" AS ?kind) OPTIONAL { ?x apwps:riskFactor ?group } }
  UNION { ?x a apwps:RiskFactor BIND("factor" AS ?kind) }
  UNION { ?x a apwps:WpsIndexDimension BIND("dimension" AS ?kind) }
  UNION { ?x a apwps:Parallel BIND("parallel" AS ?kind) }
  OPTIONAL { { ?x skos:prefLabel ?label } UNION { ?x rdfs:label ?label } }
  OPTIONAL { ?x skos:notation ?notation }
}"""
)
TERMS_PER_QUERY = 500


@dataclass(frozen=True)
class Term:
    """An indicator, risk factor, dimension or theme, with its labels by language."""

    iri: str
    labels: Mapping[str, str]
    notation: str = ""
    group: str = ""  # the dimension of a WPS Index indicator, the risk factor of a risk indicator

    def label(self, langs: Sequence[str] = ()) -> str:
        return pick(self.labels, langs)[0] if self.labels else self.iri.rsplit("/", 1)[-1]

    @property
    def slug(self) -> str:
        return self.iri.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class Crosswalk:
    """Rows: WPS Index indicators; columns: risk indicators (or whole risk factors) grouped by risk
    factor; each cell holds the themes that link the two (an empty theme list with `direct` set when
    only a direct link does); gaps: themes with no WPS Index indicator."""

    rows: list[Term]
    columns: list[Term]
    terms: dict[str, Term]
    cells: dict[tuple[str, str], list[Term]] = field(default_factory=dict)
    direct: set[tuple[str, str]] = field(default_factory=set)
    themes: list[Term] = field(default_factory=list)
    gaps: list[Term] = field(default_factory=list)
    gap_cells: dict[tuple[str, str], Term] = field(default_factory=dict)

    def marked(self, row: str, column: str) -> bool:
        return (row, column) in self.cells or (row, column) in self.direct

    def column_groups(self) -> list[tuple[Term, list[Term]]]:
        """Columns grouped under their risk factor, in the columns' order."""
        groups: list[tuple[Term, list[Term]]] = []
        for column in self.columns:
            factor = self.terms.get(column.group or column.iri) or column
            if groups and groups[-1][0].iri == factor.iri:
                groups[-1][1].append(column)
            else:
                groups.append((factor, [column]))
        return groups

    def row_groups(self) -> list[tuple[Term | None, list[Term]]]:
        """Rows grouped under their WPS Index dimension."""
        groups: list[tuple[Term | None, list[Term]]] = []
        for row in self.rows:
            dimension = self.terms.get(row.group) if row.group else None
            if groups and groups[-1][0] == dimension:
                groups[-1][1].append(row)
            else:
                groups.append((dimension, [row]))
        return groups


def natural_key(notation: str, fallback: str) -> tuple[list[tuple[int, str]], str]:
    """7.2 before 7.10; terms without a notation by label."""
    parts = [
        (int(p), "") if p.isdigit() else (1 << 30, p) for p in re.split(r"[.\s-]", notation) if p
    ]
    return parts or [(1 << 30, "")], fallback.lower()


def _rows(store: Store, text: str) -> list[dict[str, Node]]:
    result = store.query(text)
    assert isinstance(result, SelectResult)
    return result.rows


def _read_terms(
    store: Store,
    iris: set[str],
    found: tuple[dict[str, dict[str, str]], dict[str, str], dict[str, str], dict[str, str]],
) -> None:
    """Add the labels, kinds, groups and notations of `iris` to `found`."""
    labels, kinds, groups, notations = found
    wanted = sorted(iris)
    for start in range(0, len(wanted), TERMS_PER_QUERY):
        batch = values_list(URIRef(iri) for iri in wanted[start : start + TERMS_PER_QUERY])
        for row in _rows(store, TERMS % batch):
            iri = str(row["x"])
            kind = str(row["kind"])
            if kinds.get(iri) not in ("wps", "risk"):  # an indicator stays an indicator
                kinds[iri] = kind
            if "group" in row:
                groups[iri] = str(row["group"])
            label = row.get("label")
            if isinstance(label, Literal):
                labels[iri].setdefault(label.language or "", str(label))
            if "notation" in row:
                notations[iri] = str(row["notation"])


@per_store
def read_crosswalk(store: Store) -> Crosswalk:
    """The crosswalk as the graph states it (read on first use, once per store). Only the terms in
    the matrix are read: its size follows the crosswalk, not the graph."""
    links: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in _rows(store, PARALLELS):
        links[str(row["parallel"])][str(row["side"])].add(str(row["target"]))
    direct = {(str(r["wps"]), str(r["risk"])) for r in _rows(store, DIRECT)}
    named = {str(row["x"]) for row in _rows(store, WPS_INDICATORS)} | set(links)
    named |= {t for sides in links.values() for targets in sides.values() for t in targets}
    named |= {iri for pair in direct for iri in pair}
    found: tuple[dict[str, dict[str, str]], dict[str, str], dict[str, str], dict[str, str]] = (
        defaultdict(dict),
        {},
        {},
        {},
    )
    labels, kinds, groups, notations = found
    _read_terms(store, named, found)
    _read_terms(store, set(groups.values()) - set(kinds), found)
    terms = {
        iri: Term(iri, labels.get(iri, {}), notations.get(iri, ""), groups.get(iri, ""))
        for iri in kinds
    }

    def term(iri: str) -> Term:
        return terms.get(iri) or Term(iri, {})

    def column_key(t: Term) -> tuple[object, ...]:
        factor = term(t.group) if t.group else t
        return (*natural_key(factor.notation, factor.label()), natural_key(t.notation, t.label()))

    used_columns = {r for _, r in direct} | {r for sides in links.values() for r in sides["risk"]}
    columns = sorted((term(c) for c in used_columns), key=column_key)
    dimension_order = {
        iri: natural_key(t.notation, t.label())
        for iri, t in terms.items()
        if kinds[iri] == "dimension"
    }
    linked_rows = {w for w, _ in direct} | {w for sides in links.values() for w in sides["wps"]}
    rows = sorted(
        (t for iri, t in terms.items() if kinds[iri] == "wps" and (t.group or iri in linked_rows)),
        key=lambda t: (dimension_order.get(t.group, ([(1 << 30, "")], "")), t.label().lower()),
    )
    themes = sorted((term(p) for p in links), key=lambda t: t.label().lower())
    crosswalk = Crosswalk(rows, columns, terms, direct=direct, themes=themes)
    for theme in themes:
        sides = links[theme.iri]
        if not sides["wps"]:
            crosswalk.gaps.append(theme)
            for risk in sides["risk"]:
                crosswalk.gap_cells[(theme.iri, risk)] = theme
        for wps in sides["wps"]:
            for risk in sides["risk"]:
                crosswalk.cells.setdefault((wps, risk), []).append(theme)
    return crosswalk
