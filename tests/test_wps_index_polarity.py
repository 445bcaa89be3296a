"""Which way is better on each WPS Index indicator (`apwps:polarity`, `apwps:normValue`): stated in
the graph as the workbook's definitions imply, agreeing with how the index itself ranks countries,
used to order the charts best first, said on the pages, and returned by the named query."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from decimal import Decimal

import openpyxl
import pytest
from flask.testing import FlaskClient
from rdflib import Literal, URIRef

from apwps.catalogue import Catalogue
from apwps.stores.base import AskResult, SelectResult
from apwps.stores.memory import MemoryStore
from apwps.wps_index_view import Direction, WpsIndex, read_wps_index
from tests.conftest import ROOT

SVG = "{http://www.w3.org/2000/svg}"
ID = "https://w3id.org/apwps/id/"
WPSI = ID + "wps-index-indicators/"
POLARITY = ID + "polarities/"
APWPS = "https://w3id.org/apwps/ontology#"
WORKBOOK = ROOT / "sources" / "wps-index" / "WPS-Index-2025-Data.xlsx"

# The polarity of each indicator, from the definitions at the bottom of sheet "TABLE 1" of the WPS
# Index 2025/26 workbook, with the words of the definition that settle it (checked against the
# workbook below). The composite score's direction is checked against the published ranks instead.
WORKBOOK_DIRECTIONS: dict[str, tuple[str, Decimal | None, str]] = {
    # Education refers to the mean years of schooling for female population, ages 25 and older.
    "education": ("higher-is-better", None, "mean years of schooling"),
    "employment": ("higher-is-better", None, "female employment to population ratio"),
    "financial-inclusion": ("higher-is-better", None, "who report having an account"),
    "cellphone-use": ("higher-is-better", None, "who report having a mobile phone"),
    "parliamentary-representation": (
        "higher-is-better",
        None,
        "percentage of total seats in lower and upper houses of national parliaments held by women",
    ),
    # The "absence" of legal differences between men's and women's access to economic opportunities.
    "absence-of-legal-discrimination": (
        "higher-is-better",
        None,
        "measures legal differences between men’s and women’s access to economic opportunities",
    ),
    "access-to-justice": (
        "higher-is-better",
        None,
        "Do women enjoy equal, secure, and effective access to justice?",
    ),
    "maternal-mortality": (
        "lower-is-better",
        None,
        "number of deaths due to pregnancy-related causes per 100,000 live births",
    ),
    # Excess boys over the norm of 105 reflect discrimination; nothing is said below the norm.
    "son-bias": (
        "lower-is-better-above-norm",
        Decimal(105),
        "An excess number of birth of boys over girls relative to demographic norms (ratio of 105 "
        "boys to 100 girls), reflects discrimination against girls",
    ),
    "intimate-partner-violence": (
        "lower-is-better",
        None,
        "experienced physical or sexual violence committed by their intimate partner",
    ),
    "community-safety": ("higher-is-better", None, "Do you feel safe walking alone at night"),
    "political-violence-targeting-women": (
        "lower-is-better",
        None,
        "the ‘target’ of the violence",
    ),
    "proximity-to-conflict": (
        "lower-is-better",
        None,
        "Share of female population living within 50 km of conflict area",
    ),
}


@pytest.fixture(scope="module")
def index(store: MemoryStore) -> WpsIndex:
    return read_wps_index(store)


@pytest.fixture(scope="module")
def definitions() -> list[str]:
    """The notes under "Definitions" at the bottom of sheet "TABLE 1" of the workbook."""
    workbook = openpyxl.load_workbook(WORKBOOK, read_only=True, data_only=True)
    try:
        texts = [
            " ".join(str(v) for v in row if isinstance(v, str) and v.strip())
            for row in workbook["TABLE 1"].iter_rows(values_only=True)
        ]
    finally:
        workbook.close()
    start = next(i for i, text in enumerate(texts) if text.strip() == "Definitions")
    end = next(i for i, text in enumerate(texts) if text.strip().startswith("Main data sources"))
    return [text for text in texts[start + 1 : end] if text]


# --- the graph states the workbook's directions ------------------------------------------------


def test_the_table_quotes_the_workbook_definitions(definitions: list[str]) -> None:
    assert len(definitions) == 13
    for slug, (_, _, words) in WORKBOOK_DIRECTIONS.items():
        assert any(words in text for text in definitions), f"{slug}: {words!r} not in the workbook"


def test_every_indicator_states_the_direction_the_workbook_defines(store: MemoryStore) -> None:
    rows = store.query(
        f"""SELECT ?indicator ?polarity ?norm WHERE {{
          ?indicator a <{APWPS}WpsIndexIndicator> .
          OPTIONAL {{ ?indicator <{APWPS}polarity> ?polarity }}
          OPTIONAL {{ ?indicator <{APWPS}normValue> ?norm }}
        }}"""
    )
    assert isinstance(rows, SelectResult)
    found = {
        str(row["indicator"]).removeprefix(WPSI): (
            str(row.get("polarity", "")).removeprefix(POLARITY),
            Decimal(str(row["norm"])) if "norm" in row else None,
        )
        for row in rows.rows
    }
    expected = {slug: (polarity, norm) for slug, (polarity, norm, _) in WORKBOOK_DIRECTIONS.items()}
    expected["index-score"] = ("higher-is-better", None)
    assert found == expected


def test_the_polarity_and_its_sources_are_in_the_graph(store: MemoryStore) -> None:
    """The direction rests on the workbook (cited by every indicator) and is verified."""
    workbook = URIRef(ID + "datasets/wps-index-2025-26-workbook")
    verified = URIRef(ID + "verification-status/verified")
    for slug in [*WORKBOOK_DIRECTIONS, "index-score"]:
        indicator = URIRef(WPSI + slug)
        ask = store.query(
            f"ASK {{ <{indicator}> <http://purl.org/dc/terms/source> <{workbook}> ; "
            f"<{APWPS}verificationStatus> <{verified}> ; <{APWPS}polarity> ?p . "
            f"?p <http://www.w3.org/2004/02/skos/core#inScheme> <{ID}polarities> }}"
        )
        assert isinstance(ask, AskResult) and ask.value, slug


def test_the_ontology_defines_the_terms(store: MemoryStore) -> None:
    for term in ("polarity", "normValue"):
        rows = store.query(
            f"""SELECT ?label ?definition ?by WHERE {{
              <{APWPS}{term}> <http://www.w3.org/2000/01/rdf-schema#label> ?label ;
                <http://www.w3.org/2004/02/skos/core#definition> ?definition ;
                <http://www.w3.org/2000/01/rdf-schema#isDefinedBy> ?by }}"""
        )
        assert isinstance(rows, SelectResult)
        languages = {
            row["label"].language for row in rows.rows if isinstance(row["label"], Literal)
        }
        assert languages == {"en", "nb"}, term
        assert {str(row["by"]) for row in rows.rows} == {"https://w3id.org/apwps/ontology"}


def test_directions_agree_with_the_published_ranks(index: WpsIndex) -> None:
    """Placed best first, the countries on each plainly directional indicator run broadly from the
    index's best ranks to its worst (a check of the direction against the index's own scores).
    Son bias is left out: ratios below the norm are common among low-ranked countries."""
    ranks = {p.observation.country: p.observation.rank or 0 for p in index.ranking(index.composite)}
    overall = [ranks[c] for c in sorted(ranks)]
    assert overall and min(overall) == 1
    for slug in [s for s in WORKBOOK_DIRECTIONS if s != "son-bias"]:
        positions = {p.observation.country: p.position for p in index.ranking(WPSI + slug)}
        assert _correlation([positions[c] for c in sorted(ranks)], overall) > 0.3, slug


def test_the_composite_score_is_higher_for_better_ranks(index: WpsIndex) -> None:
    ranking = index.ranking(index.composite)
    scores = [p.observation.value for p in ranking]
    assert scores == sorted(scores, reverse=True)
    assert index.direction(index.composite).kind == "higher"


def _correlation(xs: list[int], ys: list[int]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    vx = sum((x - mx) ** 2 for x in xs)
    vy = sum((y - my) ** 2 for y in ys)
    return float(cov / math.sqrt(vx * vy))


# --- best first --------------------------------------------------------------------------------


def test_maternal_mortality_lowest_first(index: WpsIndex) -> None:
    ranking = index.ranking(WPSI + "maternal-mortality")
    values = [p.observation.value for p in ranking]
    assert values == sorted(values)
    assert ranking[0].position == 1 and ranking[0].observation.value == min(values)
    assert ranking[-1].observation.value == max(values)
    assert index.label(ranking[-1].observation.country) == "Nigeria"


def test_education_highest_first(index: WpsIndex) -> None:
    values = [p.observation.value for p in index.ranking(WPSI + "education")]
    assert values == sorted(values, reverse=True)


def test_equal_values_share_a_position(index: WpsIndex) -> None:
    ranking = index.ranking(WPSI + "proximity-to-conflict")
    zeros = [p for p in ranking if p.observation.value == 0]
    assert len(zeros) > 1
    assert {p.position for p in zeros} == {1}
    assert {p.shared for p in zeros} == {len(zeros)}
    assert ranking[len(zeros)].position == len(zeros) + 1


def test_son_bias_ranks_the_excess_above_the_norm(index: WpsIndex) -> None:
    ranking = index.ranking(WPSI + "son-bias")
    norm = Decimal(105)
    meeting = [p for p in ranking if p.observation.value <= norm]
    above = ranking[len(meeting) :]
    assert meeting and above
    assert all(p.observation.value > norm for p in above)
    assert {p.position for p in meeting} == {1}
    assert {p.shared for p in meeting} == {len(meeting)}
    values = [p.observation.value for p in ranking]
    assert values == sorted(values)  # within the first place too, from the lowest value
    assert above[0].position == len(meeting) + 1
    assert index.label(ranking[-1].observation.country) == "Azerbaijan"


def test_direction_without_a_usable_polarity_reads_highest_first() -> None:
    assert Direction().kind == ""
    assert Direction(POLARITY + "lower-is-better-above-norm").kind == ""  # no norm given
    assert Direction().shortfall(Decimal(3)) < Direction().shortfall(Decimal(2))
    norm = Direction(POLARITY + "lower-is-better-above-norm", Decimal(105))
    assert norm.shortfall(Decimal("101.1")) == norm.shortfall(Decimal(105)) == 0
    assert norm.shortfall(Decimal("106.5")) == Decimal("1.5")
    assert (norm.meets_norm(Decimal(105)), norm.meets_norm(Decimal("105.1"))) == (True, False)
    assert Direction(POLARITY + "lower-is-better").meets_norm(Decimal(1)) is None


# --- the pages say which way is better ------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        ("maternal-mortality", "Lower is better"),
        ("parliamentary-representation", "Higher is better"),
        ("son-bias", "Lower is better above the norm of 105"),
    ],
)
def test_indicator_page_says_which_way_is_better(
    client: FlaskClient, slug: str, words: str
) -> None:
    page = client.get(f"/wps-index/indicators/{slug}").get_data(as_text=True)
    assert f">{words}</strong>" in page
    assert "Countries, best first" in page
    assert "Best first: " + words.lower() in page  # the chart's caption and the note
    assert "whether higher is better depends" not in page


def test_the_chart_svg_lists_the_best_country_first(client: FlaskClient, index: WpsIndex) -> None:
    root = ET.fromstring(client.get("/wps-index/indicators/maternal-mortality.svg").data)
    title = root.find(f"{SVG}title")
    assert title is not None and (title.text or "").endswith("(lower is better)")
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "lbl"]
    ranking = index.ranking(WPSI + "maternal-mortality")
    assert labels == [index.label(p.observation.country) for p in ranking]
    widths = [float(r.get("width", 0)) for r in root.iter(f"{SVG}rect")]
    assert widths == sorted(widths)  # the shortest bars (lowest ratios) first


def test_son_bias_chart_draws_the_norm(client: FlaskClient) -> None:
    root = ET.fromstring(client.get("/wps-index/indicators/son-bias.svg").data)
    lines = [line for line in root.iter(f"{SVG}line") if line.get("class") == "ref"]
    assert len(lines) == 1
    ticks = {
        t.text: float(t.get("x", 0))
        for t in root.iter(f"{SVG}text")
        if t.get("class") == "val" and t.get("text-anchor") == "middle"
    }
    assert float(lines[0].get("x1", 0)) == pytest.approx(ticks["105"])
    assert "norm 105" in [t.text for t in root.iter(f"{SVG}text")]


def test_overview_lists_each_indicator_with_its_direction(client: FlaskClient) -> None:
    page = client.get("/wps-index").get_data(as_text=True)
    assert page.count('class="direction"') == 14
    assert 'data-polarity="lower">lower is better</span>' in page
    assert "lower is better above the norm of 105" in page


def test_country_page_marks_each_value(client: FlaskClient, index: WpsIndex) -> None:
    page = client.get("/wps-index/countries/nor").get_data(as_text=True)
    assert page.count('<td class="direction"') == 14
    row = page[page.index('data-indicator="son-bias"') :]
    row = row[: row.index("</tr>")]
    norway = index.country("NOR")
    assert norway is not None
    son_bias = next(p for i, p in index.profile(norway.iri) if i.slug == "son-bias")
    above = son_bias.observation.value > 105
    assert ("above the norm of 105" if above else "at or below the norm of 105") in row
    assert "lower is better above the norm of 105" in row
    mmr = page[page.index('data-indicator="maternal-mortality"') :]
    assert 'data-polarity="lower">lower is better<' in mmr[: mmr.index("</tr>")]


# --- the named query ---------------------------------------------------------------------------


def test_country_profile_query_returns_the_direction(store: MemoryStore) -> None:
    query = Catalogue(ROOT / "queries").get("country-wps-index-profile")
    result = store.query(query.text, bindings=query.bindings({}))
    assert isinstance(result, SelectResult)
    rows = {str(r["indicator"]).removeprefix(WPSI): r for r in result.rows}
    assert len(rows) == 14
    for slug, (polarity, norm, _) in WORKBOOK_DIRECTIONS.items():
        assert str(rows[slug]["polarity"]) == POLARITY + polarity
        assert (Decimal(str(rows[slug]["norm"])) if "norm" in rows[slug] else None) == norm
    assert str(rows["maternal-mortality"]["polarityLabel"]) == "Lower is better"
    assert str(rows["index-score"]["polarityLabel"]) == "Higher is better"
