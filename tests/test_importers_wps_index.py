"""The WPS Index importer: the real 2025/26 workbook, small made-up workbooks, and its errors."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.compare import isomorphic

from apwps.errors import ImportDataError
from apwps.importers.wps_index import (
    APWPS,
    DATASET,
    INDEX_SCORE,
    INDICATORS,
    QB,
    import_wps_index,
    read_wps_index,
    run_import,
    write_turtle,
)

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT / "sources" / "wps-index" / "WPS-Index-2025-Data.xlsx"
ID = "https://w3id.org/apwps/id/"
OBS = ID + "observations/wps-index-2025-26/"


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return read_wps_index(WORKBOOK)


def _value(g: rdflib.Graph, obs: str, prop: URIRef) -> Any:
    value = g.value(URIRef(OBS + obs), prop)
    assert isinstance(value, Literal), f"{obs} has no {prop}"
    return value.toPython()


# --- the real workbook -----------------------------------------------------------------------


def test_181_countries_with_13_indicators_each(graph: rdflib.Graph) -> None:
    countries = set(graph.subjects(RDF.type, APWPS.Country))
    assert len(countries) == 181
    per_country: Counter[rdflib.term.Node | None] = Counter()
    indicators: Counter[rdflib.term.Node | None] = Counter()
    for obs in graph.subjects(RDF.type, QB.Observation):
        assert graph.value(obs, QB.dataSet) == DATASET
        indicator = graph.value(obs, APWPS.refIndicator)
        if indicator == INDEX_SCORE:
            continue
        per_country[graph.value(obs, APWPS.refCountry)] += 1
        indicators[indicator] += 1
    assert set(per_country) == countries
    assert set(per_country.values()) == {13}
    assert {str(i) for i in indicators} == {
        ID + "wps-index-indicators/" + c.slug for c in INDICATORS
    }
    overall = set(graph.subjects(APWPS.refIndicator, INDEX_SCORE))
    assert len(overall) == 181


def test_known_values(graph: rdflib.Graph) -> None:
    assert _value(graph, "dnk-overall", APWPS.rank) == 1
    assert _value(graph, "dnk-overall", APWPS.value) == Decimal("0.939")
    assert _value(graph, "afg-overall", APWPS.rank) == 181
    assert _value(graph, "afg-overall", APWPS.value) == Decimal("0.279")
    # exact values, as stored in the workbook
    assert _value(graph, "nor-parliamentary-representation", APWPS.value) == Decimal("44.4")
    assert _value(graph, "nor-son-bias", APWPS.value) == Decimal("106.1")
    assert _value(graph, "dnk-maternal-mortality", APWPS.unitLabel) == (
        "deaths per 100,000 live births"
    )
    rank = graph.value(URIRef(OBS + "dnk-overall"), APWPS.rank)
    assert isinstance(rank, Literal) and rank.datatype == rdflib.XSD.integer
    score = graph.value(URIRef(OBS + "dnk-overall"), APWPS.value)
    assert isinstance(score, Literal) and score.datatype == rdflib.XSD.decimal


def test_countries_regions_and_fragile_states(graph: rdflib.Graph) -> None:
    palestine = URIRef(ID + "countries/pse")
    assert graph.value(palestine, RDFS.label) == Literal("Palestine", lang="en")
    assert graph.value(palestine, APWPS.iso3166Alpha3) == Literal("PSE")
    assert _value(graph, "pse-overall", APWPS.fragileState) is True
    assert _value(graph, "dnk-overall", APWPS.fragileState) is False
    assert graph.value(URIRef(OBS + "ukr-overall"), APWPS.wpsIndexRegion) == URIRef(
        ID + "wps-index-regions/cee-ca"
    )
    assert (URIRef(OBS + "ukr-overall"), APWPS.fragileState, Literal(True)) in graph


def test_footnotes_and_periods(graph: rdflib.Graph) -> None:
    # 'ae' marks an imputed value
    assert _value(graph, "are-intimate-partner-violence", APWPS.imputedValue) is True
    assert _value(graph, "are-intimate-partner-violence", APWPS.sourceNote) == "ae"
    # a footnote naming one year replaces the column's period
    assert _value(graph, "tjk-employment", APWPS.referencePeriod) == "2016"
    assert _value(graph, "dnk-employment", APWPS.referencePeriod) == "2020-2024"


def test_output_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    count = run_import(WORKBOOK, first)
    assert run_import(WORKBOOK, second) == count == 181 * 14
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text(encoding="utf-8")
    assert text.startswith("# ")
    assert "apwps import-wps-index" in text
    parsed = rdflib.Graph().parse(first, format="turtle")
    assert isomorphic(parsed, read_wps_index(WORKBOOK))


def test_write_turtle_orders_triples(tmp_path: Path) -> None:
    g = rdflib.Graph()
    s1, s2 = URIRef(ID + "countries/zzz"), URIRef(ID + "countries/aaa")
    g.add((s1, RDFS.label, Literal('Z "quoted"\nname', lang="en")))
    g.add((s2, RDFS.label, Literal("A")))
    g.add((s2, RDF.type, APWPS.Country))
    path = tmp_path / "x.ttl"
    write_turtle(g, path, header=["test"])
    text = path.read_text(encoding="utf-8")
    assert text.index("country:aaa") < text.index("country:zzz")
    assert text.index("a apwps:Country") < text.index('rdfs:label "A"')
    assert isomorphic(rdflib.Graph().parse(path, format="turtle"), g)


# --- small workbooks -------------------------------------------------------------------------

HEADER_ROW = 4  # row of "WPS Index Rank"; the second header row follows
FIRST_INDICATOR_COLUMN = 9  # column I; each indicator column is followed by a footnote column


def _row(
    rank: Any,
    country: Any,
    code: Any,
    score: Any,
    region: Any,
    values: list[Any],
    notes: dict[int, str] | None = None,
) -> list[Any]:
    cells: list[Any] = [rank, country, code, None, score, None, region, None]
    for i, value in enumerate(values):
        cells += [value, (notes or {}).get(i)]
    return cells


def _make_workbook(
    path: Path,
    rows: list[list[Any]],
    *,
    extra_header: str | None = None,
    sheet: str = "TABLE 1",
    drop: str | None = None,
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append([None, "2025 WPS Index Table 1"])
    ws.append([])
    ws.append([None] * 8 + ["Inclusion"])
    header: list[Any] = [
        "WPS Index Rank",
        None,
        None,
        None,
        "Women, Peace, and Security Index ",
        None,
        None,
        None,
    ]
    sub: list[Any] = [2025, "Country", "Code", None, 2025, None, "Region", None]
    for column in INDICATORS:
        name = column.header + (" " if column.slug == "intimate-partner-violence" else "")
        header += [None if column.header == drop else name, " "]
        sub += [2024, None]
    if extra_header is not None:
        header.append(extra_header)
    ws.append(header)
    ws.append(sub)
    ws.append([None, "TOP QUINTILE"])
    for row in rows:
        ws.append(row)
    ws.append([])
    ws.append([None, "Notes"])
    ws.append([None, "b Refers to 2019"])
    ws.append([None, "ae Imputed value."])
    ws.append([])
    ws.append([None, "Definitions"])
    target = path / "small.xlsx"
    wb.save(target)
    return target


def _values(base: float) -> list[Any]:
    return [base + i for i in range(len(INDICATORS))]


def test_small_workbook(tmp_path: Path) -> None:
    values = _values(1.5)
    values[3] = None  # an empty cell gives no observation
    rows = [
        _row(1, " Testland ", "TST", 0.9, "DC", _values(10.25), notes={1: "b", 2: "ae"}),
        _row(2, "Otherland", "OTH", 0.5, "SSA, FS", values),
        _row(None, "Unranked", "UNR", None, "EAP", _values(3)),
    ]
    result = import_wps_index(_make_workbook(tmp_path, rows))
    g = result.graph
    assert result.countries == 2
    assert result.unranked_skipped == 1 and result.skipped_codes == ["UNR"]
    assert result.empty_cells == 1
    assert result.observations == 2 + 13 + 12
    assert g.value(URIRef(ID + "countries/tst"), RDFS.label) == Literal("Testland", lang="en")
    assert _value(g, "tst-education", APWPS.value) == Decimal("10.25")
    assert _value(g, "tst-employment", APWPS.referencePeriod) == "2019"
    assert _value(g, "tst-financial-inclusion", APWPS.imputedValue) is True
    assert (URIRef(OBS + "oth-cellphone-use"), None, None) not in g
    assert _value(g, "oth-overall", APWPS.fragileState) is True
    assert _value(g, "oth-overall", APWPS.rank) == 2


def _error(tmp_path: Path, rows: list[list[Any]], **kwargs: Any) -> str:
    with pytest.raises(ImportDataError) as info:
        import_wps_index(_make_workbook(tmp_path, rows, **kwargs))
    return str(info.value)


def test_unknown_column_is_named(tmp_path: Path) -> None:
    rows = [_row(1, "Testland", "TST", 0.9, "DC", _values(1))]
    message = _error(tmp_path, rows, extra_header="Women's Happiness")
    column = openpyxl.utils.get_column_letter(FIRST_INDICATOR_COLUMN + 2 * len(INDICATORS))
    assert "sheet 'TABLE 1'" in message
    assert f"row {HEADER_ROW}" in message
    assert f"column {column}" in message
    assert "Women's Happiness" in message


def test_missing_column_is_named(tmp_path: Path) -> None:
    rows = [_row(1, "Testland", "TST", 0.9, "DC", _values(1))]
    message = _error(tmp_path, rows, drop="Son Bias")
    assert "sheet 'TABLE 1'" in message and "missing column 'Son Bias'" in message


def test_non_numeric_cell_is_named(tmp_path: Path) -> None:
    values = _values(1)
    values[1] = "n/a"
    rows = [
        _row(1, "Testland", "TST", 0.9, "DC", _values(1)),
        _row(2, "Otherland", "OTH", 0.5, "DC", values),
    ]
    message = _error(tmp_path, rows)
    employment = openpyxl.utils.get_column_letter(FIRST_INDICATOR_COLUMN + 2)
    assert "sheet 'TABLE 1'" in message
    assert "row 8" in message  # title, blank, dimensions, 2 header rows, quintile, Testland
    assert f"column {employment}" in message
    assert "'Employment'" in message and "'n/a'" in message


def test_duplicate_country_is_named(tmp_path: Path) -> None:
    rows = [
        _row(1, "Testland", "TST", 0.9, "DC", _values(1)),
        _row(2, "Testland again", "TST", 0.5, "DC", _values(1)),
    ]
    message = _error(tmp_path, rows)
    assert "sheet 'TABLE 1'" in message and "row 8" in message
    assert "duplicate country code 'TST'" in message and "row 7" in message


def test_unknown_region_code_is_named(tmp_path: Path) -> None:
    rows = [_row(1, "Testland", "TST", 0.9, "XYZ", _values(1))]
    message = _error(tmp_path, rows)
    assert "row 7" in message and "column G" in message and "'XYZ'" in message


def test_missing_sheet_is_named(tmp_path: Path) -> None:
    rows = [_row(1, "Testland", "TST", 0.9, "DC", _values(1))]
    message = _error(tmp_path, rows, sheet="Sheet1")
    assert "sheet 'TABLE 1' not found" in message and "'Sheet1'" in message


def test_unreadable_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(ImportDataError):
        read_wps_index(bad)
    with pytest.raises(ImportDataError):
        read_wps_index(tmp_path / "missing.xlsx")
