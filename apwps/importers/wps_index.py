"""The WPS Index 2025/26 workbook as RDF Data Cube observations.

The workbook (sheet ``TABLE 1``, as GIWPS distributes it) has one row per country or economy:
rank, Index score, region code(s), and the values of the 13 indicators, each value followed by a
column of footnote codes. Two header rows name the columns: the first holds "WPS Index Rank", the
Index and the indicator names (some with trailing spaces), the second "Country", "Code", "Region"
and the reference period of each indicator. Below the table come regional averages, footnotes,
definitions and data sources.

What the importer makes, all in the data set ``…/id/datasets/wps-index-2025-26``:

* one ``qb:Observation`` per ranked country and indicator with a value,
  ``…/id/observations/wps-index-2025-26/<iso3>-<indicator>``: ``apwps:refCountry``,
  ``apwps:refIndicator``, ``apwps:refEdition``, the value (``apwps:value``, ``xsd:decimal``,
  exactly as stored in the workbook), ``apwps:unitLabel``, ``apwps:referencePeriod`` (the
  column's period, or the single year a footnote gives), the footnote codes
  (``apwps:sourceNote``), ``apwps:imputedValue true`` where the footnote marks the value as
  imputed, and ``prov:wasDerivedFrom`` the workbook;
* one overall observation per ranked country, ``…/<iso3>-overall``: the same dimensions, with
  the composite Index score as the indicator (``…/id/wps-index-indicators/index-score``) and as
  ``apwps:value``, and the attributes ``apwps:rank`` (``xsd:integer``),
  ``apwps:wpsIndexRegion`` (concepts ``…/id/wps-index-regions/<code>``) and
  ``apwps:fragileState`` (``true`` for the code FS, else ``false``), and the score's reference
  year (``apwps:referencePeriod``). The score is an observation
  of its own, rather than extra measures on one row, so that every observation of the data set
  has the same dimensions and the one measure (RDF Data Cube integrity constraints IC-11, IC-14);
* one ``apwps:Country`` per ranked country, ``…/id/countries/<iso3>``, with its name as the
  workbook gives it (surrounding whitespace stripped) and its code (``apwps:iso3166Alpha3``; for
  the user-assigned code XKX with a note saying so).

Countries and economies that the workbook lists but does not rank (no rank and no score) are
skipped and counted; empty indicator cells give no observation and are counted too.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import openpyxl
import rdflib
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from rdflib import DCTERMS, RDF, RDFS, SKOS, XSD, Literal, Namespace, URIRef
from rdflib.term import BNode, Node

from apwps.errors import ImportDataError

__all__ = [
    "INDICATORS",
    "IndicatorColumn",
    "WpsIndexImport",
    "import_wps_index",
    "read_wps_index",
    "run_import",
    "write_turtle",
]

ID = "https://w3id.org/apwps/id/"
APWPS = Namespace("https://w3id.org/apwps/ontology#")
QB = Namespace("http://purl.org/linked-data/cube#")
PROV = Namespace("http://www.w3.org/ns/prov#")

SHEET = "TABLE 1"
EDITION = "2025/26"
DATASET = URIRef(ID + "datasets/wps-index-2025-26")
WORKBOOK = URIRef(ID + "datasets/wps-index-2025-26-workbook")
OBSERVATIONS = ID + "observations/wps-index-2025-26/"
COUNTRIES = ID + "countries/"
INDICATOR_BASE = ID + "wps-index-indicators/"
REGION_BASE = ID + "wps-index-regions/"
INDEX_SCORE = URIRef(INDICATOR_BASE + "index-score")
INDEX_SCORE_UNIT = "score (0–1)"
VERIFIED = URIRef(ID + "verification-status/verified")

# Codes whose three letters are not an ISO 3166-1 alpha-3 code (user-assigned codes).
NOT_ISO_CODES = frozenset({"XKX"})


@dataclass(frozen=True)
class IndicatorColumn:
    """One indicator column of the workbook: its header, the indicator's slug and its unit."""

    header: str
    slug: str
    unit: str


INDICATORS: tuple[IndicatorColumn, ...] = (
    IndicatorColumn("Education", "education", "years"),
    IndicatorColumn("Employment", "employment", "percent"),
    IndicatorColumn("Financial Inclusion", "financial-inclusion", "percent"),
    IndicatorColumn("Cell Phone Use", "cellphone-use", "percent"),
    IndicatorColumn("Parliamentary Representation", "parliamentary-representation", "percent"),
    IndicatorColumn(
        "Absence of Legal Discrimination", "absence-of-legal-discrimination", "score (0–100)"
    ),
    IndicatorColumn("Access to Justice", "access-to-justice", "score (0–4)"),
    IndicatorColumn(
        "Maternal Mortality Ratio", "maternal-mortality", "deaths per 100,000 live births"
    ),
    IndicatorColumn("Son Bias", "son-bias", "male births per 100 female births"),
    IndicatorColumn("Intimate partner violence", "intimate-partner-violence", "percent"),
    IndicatorColumn("Community Safety", "community-safety", "percent"),
    IndicatorColumn(
        "Political Violence Targeting Women",
        "political-violence-targeting-women",
        "events per 100,000 women",
    ),
    IndicatorColumn("Proximity to Conflict", "proximity-to-conflict", "percent"),
)

# Identifying columns: normalised header -> role.
ID_COLUMNS: dict[str, str] = {
    "wps index rank": "rank",
    "country": "country",
    "code": "code",
    "women, peace, and security index": "score",
    "region": "region",
}
ID_HEADERS: dict[str, str] = {
    "wps index rank": "WPS Index Rank",
    "country": "Country",
    "code": "Code",
    "women, peace, and security index": "Women, Peace, and Security Index",
    "region": "Region",
}
# Headers the second header row may give instead of the first.
SUBHEADER_NAMES = frozenset({"country", "code", "region"})
# Region flag columns at the right of the table (1 = member) -> the region code they stand for.
# The Region column is what the importer uses; where the flags disagree with it, the import
# reports the country (`WpsIndexImport.region_mismatches`).
FLAG_COLUMNS: dict[str, str] = {
    "cee&ca": "CEE&CA",
    "eap": "EAP",
    "lac": "LAC",
    "mena": "MENA",
    "sa": "SA",
    "ssa": "SSA",
    "developed": "DC",
    "fragile states": "FS",
}
REGIONS: dict[str, str] = {
    "DC": "dc",
    "CEE&CA": "cee-ca",
    "EAP": "eap",
    "LAC": "lac",
    "MENA": "mena",
    "SA": "sa",
    "SSA": "ssa",
}
FRAGILE = "FS"
IMPUTED_NOTE = "ae"
HEADER_SEARCH_ROWS = 30

_ISO3 = re.compile(r"^[A-Z]{3}$")
_NOTE = re.compile(r"^([a-z]{1,3})\s+(\S.*)$")
_NOTE_YEAR = re.compile(r"^(?:Refers to|Data refer to)\s+(\d{4})\b")


def _norm(value: object) -> str:
    """A header cell as a comparable key: whitespace collapsed, case folded ('' for empty)."""
    if value is None:
        return ""
    return " ".join(str(value).split()).casefold()


KNOWN_INDICATORS: dict[str, IndicatorColumn] = {_norm(c.header): c for c in INDICATORS}


@dataclass
class WpsIndexImport:
    """The graph made from a workbook, with the counts a person checking the import wants."""

    graph: rdflib.Graph
    countries: int = 0
    observations: int = 0
    empty_cells: int = 0
    unranked_skipped: int = 0
    skipped_codes: list[str] = field(default_factory=list)
    region_mismatches: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Columns:
    rank: int
    country: int
    code: int
    score: int
    region: int
    indicators: dict[str, int]  # slug -> column index (0-based)
    notes: dict[str, int]  # slug -> column index of its footnote column
    periods: dict[str, str]  # slug -> reference period of the column
    flags: dict[str, int]  # region code -> column index of its flag column
    score_period: str  # reference period of the Index score


class _Sheet:
    """The cells of one sheet, read once, addressed by 1-based row and 0-based column."""

    def __init__(self, path: Path, name: str, rows: list[tuple[Any, ...]]) -> None:
        self.path = path
        self.name = name
        self.rows = rows

    def cell(self, row: int, col: int) -> Any:
        values = self.rows[row - 1]
        return values[col] if col < len(values) else None

    def error(
        self, message: str, row: int | None = None, col: int | None = None
    ) -> ImportDataError:
        where = f"sheet {self.name!r}"
        source = f"{self.path} sheet {self.name!r}"
        if row is not None:
            where += f", row {row}"
            source += f" row {row}"
        if col is not None:
            where += f", column {get_column_letter(col + 1)}"
        return ImportDataError(f"{where}: {message}", source=source)


def _open(path: Path, sheet: str) -> _Sheet:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError as exc:
        raise ImportDataError("workbook not found", source=str(path)) from exc
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ImportDataError(f"not a readable .xlsx workbook: {exc}", source=str(path)) from exc
    try:
        if sheet not in workbook.sheetnames:
            known = ", ".join(repr(n) for n in workbook.sheetnames)
            raise ImportDataError(
                f"sheet {sheet!r} not found; the workbook has: {known}",
                source=f"{path} sheet {sheet!r}",
            )
        rows = [tuple(r) for r in workbook[sheet].iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _Sheet(path, sheet, rows)


def _period(value: object) -> str:
    """A reference period as given ('2019 - 2023' -> '2019-2023', 2024 -> '2024')."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "".join(str(value).split())


def _find_columns(sheet: _Sheet) -> tuple[int, _Columns]:
    header_row = 0
    for row in range(1, min(len(sheet.rows), HEADER_SEARCH_ROWS) + 1):
        if any(_norm(v) == "wps index rank" for v in sheet.rows[row - 1]):
            header_row = row
            break
    if not header_row:
        raise sheet.error(
            f"no header row: no cell reads 'WPS Index Rank' in the first {HEADER_SEARCH_ROWS} rows"
        )
    if header_row + 1 > len(sheet.rows):
        raise sheet.error("the second header row (Country, Code, Region) is missing", header_row)
    sub_row = header_row + 1
    width = max(len(sheet.rows[header_row - 1]), len(sheet.rows[sub_row - 1]))
    names: dict[int, tuple[str, int]] = {}  # column -> (normalised header, row it came from)
    for col in range(width):
        top = _norm(sheet.cell(header_row, col))
        below = _norm(sheet.cell(sub_row, col))
        if top:
            names[col] = (top, header_row)
        elif below in SUBHEADER_NAMES:
            names[col] = (below, sub_row)
    seen: dict[str, int] = {}
    for col, (name, row) in sorted(names.items()):
        if name not in ID_COLUMNS and name not in KNOWN_INDICATORS and name not in FLAG_COLUMNS:
            raw = sheet.cell(row, col)
            raise sheet.error(
                f"unknown column {str(raw).strip()!r}; expected the columns "
                + ", ".join(repr(c.header) for c in INDICATORS)
                + " besides 'WPS Index Rank', 'Country', 'Code', "
                "'Women, Peace, and Security Index' and 'Region'",
                row,
                col,
            )
        if name in seen:
            raise sheet.error(
                f"column {str(sheet.cell(row, col)).strip()!r} appears twice "
                f"(also in column {get_column_letter(seen[name] + 1)})",
                row,
                col,
            )
        seen[name] = col
    for name in ID_COLUMNS:
        if name not in seen:
            raise sheet.error(f"missing column {ID_HEADERS[name]!r}", header_row)
    indicators: dict[str, int] = {}
    notes: dict[str, int] = {}
    periods: dict[str, str] = {}
    for column in INDICATORS:
        key = _norm(column.header)
        if key not in seen:
            raise sheet.error(f"missing column {column.header!r}", header_row)
        col = seen[key]
        indicators[column.slug] = col
        periods[column.slug] = _period(sheet.cell(sub_row, col))
        if col + 1 < width and (col + 1) not in names:
            notes[column.slug] = col + 1
    ids = {ID_COLUMNS[name]: seen[name] for name in ID_COLUMNS}
    flags = {FLAG_COLUMNS[name]: col for name, col in seen.items() if name in FLAG_COLUMNS}
    return sub_row, _Columns(
        rank=ids["rank"],
        country=ids["country"],
        code=ids["code"],
        score=ids["score"],
        region=ids["region"],
        indicators=indicators,
        notes=notes,
        periods=periods,
        flags=flags,
        score_period=_period(sheet.cell(sub_row, ids["score"])),
    )


def _note_years(sheet: _Sheet, start: int) -> dict[str, str]:
    """Footnote codes (below the table, after a 'Notes' row) that name a single reference year."""
    years: dict[str, str] = {}
    in_notes = False
    for row in range(start, len(sheet.rows) + 1):
        texts = [str(v).strip() for v in sheet.rows[row - 1] if isinstance(v, str) and v.strip()]
        if not texts:
            continue
        text = texts[0]
        if text.casefold() == "notes":
            in_notes = True
            continue
        if not in_notes:
            continue
        match = _NOTE.match(text)
        if not match:
            break  # the next section ('Definitions', …)
        year = _NOTE_YEAR.match(match.group(2))
        if year:
            years[match.group(1)] = year.group(1)
    return years


def _number(sheet: _Sheet, row: int, col: int, what: str) -> Decimal | None:
    """A numeric cell as an exact Decimal (None when empty); anything else is an error."""
    value = sheet.cell(row, col)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise sheet.error(f"{what}: expected a number, found {value!r}", row, col)
    if isinstance(value, int | float | Decimal):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise sheet.error(f"{what}: expected a number, found {value!r}", row, col)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise sheet.error(f"{what}: expected a number, found {value!r}", row, col) from None
    if not number.is_finite():
        raise sheet.error(f"{what}: expected a finite number, found {value!r}", row, col)
    return number


def _decimal_literal(number: Decimal) -> Literal:
    return Literal(format(number, "f"), datatype=XSD.decimal)


def import_wps_index(path: Path, sheet: str = SHEET) -> WpsIndexImport:
    """Read the workbook at `path` into a graph of observations, countries and counts."""
    path = Path(path)
    cells = _open(path, sheet)
    sub_row, cols = _find_columns(cells)
    note_years = _note_years(cells, sub_row + 1)
    graph = rdflib.Graph()
    result = WpsIndexImport(graph=graph)
    first_row: dict[str, int] = {}

    for row in range(sub_row + 1, len(cells.rows) + 1):
        code_cell = cells.cell(row, cols.code)
        if code_cell is None or (isinstance(code_cell, str) and not code_cell.strip()):
            continue  # section titles, averages, notes
        code = str(code_cell).strip()
        if not _ISO3.match(code):
            raise cells.error(
                "column 'Code': expected a three-letter upper-case country code, "
                f"found {code_cell!r}",
                row,
                cols.code,
            )
        if code in first_row:
            raise cells.error(
                f"duplicate country code {code!r} (already in row {first_row[code]})",
                row,
                cols.code,
            )
        first_row[code] = row
        name_cell = cells.cell(row, cols.country)
        name = str(name_cell).strip() if name_cell is not None else ""
        if not name:
            raise cells.error("column 'Country': the country name is empty", row, cols.country)
        rank = _number(cells, row, cols.rank, "column 'WPS Index Rank'")
        score = _number(cells, row, cols.score, "column 'Women, Peace, and Security Index'")
        if rank is None and score is None:
            result.unranked_skipped += 1
            result.skipped_codes.append(code)
            continue
        if rank is None or score is None:
            missing = "rank" if rank is None else "Index score"
            raise cells.error(
                f"the {missing} is empty although the country is ranked",
                row,
                cols.rank if rank is None else cols.score,
            )
        if rank != rank.to_integral_value() or rank < 1:
            raise cells.error(
                f"column 'WPS Index Rank': expected a whole number of at least 1, found {rank}",
                row,
                cols.rank,
            )
        regions, fragile = _regions(cells, row, cols.region)
        if cols.flags:
            flagged = sorted(c for c, col in cols.flags.items() if cells.cell(row, col) == 1)
            stated = sorted(str(cells.cell(row, cols.region)).replace(" ", "").split(","))
            if flagged != stated:
                result.region_mismatches.append(
                    f"{code} (Region {', '.join(stated)}; flags {', '.join(flagged) or 'none'})"
                )

        country = URIRef(COUNTRIES + code.lower())
        graph.add((country, RDF.type, APWPS.Country))
        graph.add((country, RDFS.label, Literal(name, lang="en")))
        graph.add((country, DCTERMS.source, WORKBOOK))
        graph.add((country, APWPS.verificationStatus, VERIFIED))
        graph.add((country, APWPS.iso3166Alpha3, Literal(code)))
        if code in NOT_ISO_CODES:
            note = (
                f"The WPS Index workbook gives the code {code}, a user-assigned code that is "
                "not part of ISO 3166-1."
            )
            graph.add((country, SKOS.editorialNote, Literal(note, lang="en")))
        result.countries += 1

        overall = URIRef(f"{OBSERVATIONS}{code.lower()}-overall")
        _observation(graph, overall, country, INDEX_SCORE, score, INDEX_SCORE_UNIT)
        graph.add((overall, APWPS.rank, Literal(int(rank))))
        for region in regions:
            graph.add((overall, APWPS.wpsIndexRegion, URIRef(REGION_BASE + region)))
        graph.add((overall, APWPS.fragileState, Literal(fragile)))
        if cols.score_period:
            graph.add((overall, APWPS.referencePeriod, Literal(cols.score_period)))
        result.observations += 1

        for column in INDICATORS:
            col = cols.indicators[column.slug]
            value = _number(cells, row, col, f"column {column.header!r}")
            if value is None:
                result.empty_cells += 1
                continue
            obs = URIRef(f"{OBSERVATIONS}{code.lower()}-{column.slug}")
            indicator = URIRef(INDICATOR_BASE + column.slug)
            _observation(graph, obs, country, indicator, value, column.unit)
            period = cols.periods[column.slug]
            codes = _note_codes(cells, row, cols.notes.get(column.slug))
            for note in codes:
                graph.add((obs, APWPS.sourceNote, Literal(note)))
                if note in note_years:
                    period = note_years[note]
            if IMPUTED_NOTE in codes:
                graph.add((obs, APWPS.imputedValue, Literal(True)))
            if period:
                graph.add((obs, APWPS.referencePeriod, Literal(period)))
            result.observations += 1

    if not first_row:
        raise cells.error("no country rows below the header rows", sub_row)
    return result


def _observation(
    graph: rdflib.Graph, obs: URIRef, country: URIRef, indicator: URIRef, value: Decimal, unit: str
) -> None:
    graph.add((obs, RDF.type, QB.Observation))
    graph.add((obs, QB.dataSet, DATASET))
    graph.add((obs, APWPS.refCountry, country))
    graph.add((obs, APWPS.refIndicator, indicator))
    graph.add((obs, APWPS.refEdition, Literal(EDITION)))
    graph.add((obs, APWPS.value, _decimal_literal(value)))
    graph.add((obs, APWPS.unitLabel, Literal(unit)))
    graph.add((obs, PROV.wasDerivedFrom, WORKBOOK))


def _regions(sheet: _Sheet, row: int, col: int) -> tuple[list[str], bool]:
    value = sheet.cell(row, col)
    parts = [p.strip() for p in str(value).split(",")] if value is not None else []
    parts = [p for p in parts if p]
    regions: list[str] = []
    fragile = False
    for part in parts:
        if part == FRAGILE:
            fragile = True
        elif part in REGIONS:
            regions.append(REGIONS[part])
        else:
            known = ", ".join([*REGIONS, FRAGILE])
            raise sheet.error(
                f"column 'Region': unknown region code {part!r}; known codes: {known}", row, col
            )
    if not regions:
        raise sheet.error(f"column 'Region': no region code in {value!r}", row, col)
    return regions, fragile


def _note_codes(sheet: _Sheet, row: int, col: int | None) -> list[str]:
    if col is None:
        return []
    value = sheet.cell(row, col)
    if value is None:
        return []
    return sorted({p.strip() for p in str(value).split(",") if p.strip()})


def read_wps_index(path: Path) -> rdflib.Graph:
    """The WPS Index workbook at `path` as RDF Data Cube observations and countries."""
    return import_wps_index(path).graph


# --- stable Turtle ---------------------------------------------------------------------------

PREFIXES: dict[str, str] = {
    "apwps": str(APWPS),
    "country": COUNTRIES,
    "dataset": ID + "datasets/",
    "dcterms": str(DCTERMS),
    "obs": OBSERVATIONS,
    "prov": str(PROV),
    "qb": str(QB),
    "rdfs": str(RDFS),
    "region": REGION_BASE,
    "skos": str(SKOS),
    "status": ID + "verification-status/",
    "wpsi": INDICATOR_BASE,
    "xsd": str(XSD),
}
_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]*)$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _iri(term: URIRef, prefixes: dict[str, str]) -> str:
    text = str(term)
    best = ""
    for prefix, namespace in prefixes.items():
        if text.startswith(namespace) and len(namespace) > len(prefixes.get(best, "")):
            local = text[len(namespace) :]
            if _LOCAL.match(local):
                best = prefix
    if best:
        return f"{best}:{text[len(prefixes[best]) :]}"
    escaped = "".join(
        c if c not in '<>"{}|^`\\' and ord(c) > 0x20 else f"\\u{ord(c):04X}" for c in text
    )
    return f"<{escaped}>"


def _term(term: Node, prefixes: dict[str, str]) -> str:
    if isinstance(term, URIRef):
        return _iri(term, prefixes)
    if isinstance(term, Literal):
        lexical = "".join(_ESCAPES.get(c, c) for c in str(term))
        if term.language:
            return f'"{lexical}"@{term.language}'
        datatype = term.datatype
        if datatype is None or datatype == XSD.string:
            return f'"{lexical}"'
        if datatype == XSD.boolean and str(term) in ("true", "false"):
            return str(term)
        if datatype == XSD.integer and re.fullmatch(r"[+-]?[0-9]+", str(term)):
            return str(term)
        return f'"{lexical}"^^{_iri(URIRef(datatype), prefixes)}'
    if isinstance(term, BNode):
        raise ValueError("write_turtle writes graphs without blank nodes")
    raise TypeError(f"unsupported RDF term {term!r}")


def _sort_key(term: Node) -> tuple[int, str]:
    # Observations and other subjects sort by IRI; within a subject rdf:type comes first.
    return (0 if term == RDF.type else 1, str(term))


def turtle_text(
    graph: rdflib.Graph, header: Sequence[str] = (), prefixes: dict[str, str] | None = None
) -> str:
    """The graph as Turtle in a stable order: subjects, then predicates, then objects sorted."""
    names = dict(PREFIXES if prefixes is None else prefixes)
    by_subject: dict[Node, dict[Node, list[str]]] = {}
    for s, p, o in graph.triples((None, None, None)):
        by_subject.setdefault(s, {}).setdefault(p, []).append(_term(o, names))
    lines = [f"# {line}".rstrip() for line in header]
    if lines:
        lines.append("")
    lines += [f"@prefix {prefix}: <{ns}> ." for prefix, ns in sorted(names.items())]
    for subject in sorted(by_subject, key=str):
        predicates = by_subject[subject]
        lines.append("")
        lines.append(_term(subject, names))
        ordered = sorted(predicates, key=_sort_key)
        for i, predicate in enumerate(ordered):
            verb = "a" if predicate == RDF.type else _term(predicate, names)
            objects = ", ".join(sorted(set(predicates[predicate])))
            end = " ." if i == len(ordered) - 1 else " ;"
            lines.append(f"    {verb} {objects}{end}")
    return "\n".join(lines) + "\n"


def write_turtle(graph: rdflib.Graph, path: Path, header: Iterable[str] = ()) -> None:
    """Write `graph` to `path` as Turtle whose bytes depend only on the triples (and header)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(turtle_text(graph, tuple(header)), encoding="utf-8", newline="\n")


def run_import(workbook: Path, output: Path) -> int:
    """Import `workbook` and write the observations to `output`; the number of observations."""
    result = import_wps_index(workbook)
    header: tuple[str, ...] = (
        "WPS Index 2025/26 (Georgetown Institute for Women, Peace and Security with the Peace",
        "Research Institute Oslo) as RDF Data Cube observations of the data set",
        f"<{DATASET}>, with the countries they refer to.",
        f"Source: the workbook {Path(workbook).name} (sheet {SHEET!r});",
        "see sources/wps-index/README.md.",
        "GENERATED by `apwps import-wps-index`: do not edit; change the importer or the workbook",
        "and run the command again.",
        f"{result.countries} ranked countries, {result.observations} observations; "
        f"{result.empty_cells} empty indicator cells; {result.unranked_skipped} listed but "
        "unranked countries or economies skipped"
        + (f" ({', '.join(result.skipped_codes)})." if result.skipped_codes else "."),
    )
    if result.region_mismatches:
        header += (
            "Region codes come from the Region column; the region flag columns of the workbook "
            "disagree for: " + "; ".join(result.region_mismatches) + ".",
        )
    write_turtle(result.graph, output, header)
    return result.observations
