"""WPS Index views (apwps.wps_index_view, apwps.charts) and the pages `/wps-index…` with their SVG."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from flask.testing import FlaskClient

from apwps.charts import Item, axis, bar_chart, fmt, strip
from apwps.stores.memory import MemoryStore
from apwps.wps_index_view import read_wps_index

SVG = "{http://www.w3.org/2000/svg}"
WPSI = "https://w3id.org/apwps/id/wps-index-indicators/"
COUNTRY = "https://w3id.org/apwps/id/countries/"


def test_latest_edition_with_every_country_on_every_indicator(store: MemoryStore) -> None:
    index = read_wps_index(store)
    assert index.edition == "2025/26"
    assert index.composite == WPSI + "index-score"
    assert len(index.indicators()) == 14
    assert index.indicators()[0].iri == index.composite
    counts = {len(index.ranking(i.iri)) for i in index.indicators()}
    assert counts == {len(index.countries())}


def test_composite_follows_the_published_rank(store: MemoryStore) -> None:
    ranking = read_wps_index(store).ranking(WPSI + "index-score")
    assert [p.observation.rank for p in ranking] == sorted(p.observation.rank or 0 for p in ranking)
    assert ranking[0].position == 1


def test_indicators_rank_best_first_with_ties(store: MemoryStore) -> None:
    ranking = read_wps_index(store).ranking(WPSI + "maternal-mortality")  # lower is better
    values = [p.observation.value for p in ranking]
    assert values == sorted(values)
    for before, after in itertools.pairwise(ranking):
        if before.observation.value == after.observation.value:
            assert before.position == after.position
        else:
            assert after.position > before.position


def test_country_profile(store: MemoryStore) -> None:
    index = read_wps_index(store)
    norway = index.country("NOR")
    assert norway is not None and norway.iri == COUNTRY + "nor"
    assert index.country("nor") is norway
    assert norway.label(["nb"]) == "Norge"
    profile = index.profile(norway.iri)
    assert len(profile) == 14
    overall = profile[0][1]
    assert overall.observation.rank == overall.position
    assert index.country("ZZZ") is None


def test_number_formatting() -> None:
    assert fmt(Decimal("0.279")) == "0.279"
    assert fmt(Decimal("1.174129962921143")) == "1.17"
    assert fmt(Decimal("31.875")) == "31.9"
    assert fmt(Decimal("521")) == "521"
    assert fmt(Decimal("105.6")) == "105.6"  # kept apart from the son-bias norm of 105
    assert fmt(Decimal("1234.5")) == "1,234"
    assert fmt(Decimal("100.0")) == "100"
    assert fmt(0) == "0"


def test_axis_from_zero_unless_values_sit_in_a_narrow_band() -> None:
    assert axis([0.2, 0.9])[0] == 0
    start, end, _ = axis([101.1, 111.3])
    assert 95 <= start <= 101.1 and end >= 111.3


def test_bars_are_proportional_to_values() -> None:
    chart = bar_chart([Item("a", 10), Item("b", 5), Item("c", 0)])
    a, b, c = chart.bars
    assert a.width == pytest.approx(2 * b.width, rel=0.01)
    assert a.x == b.x
    assert c.width < 1
    assert next(t.text for t in chart.ticks) == "0"
    assert b.y > a.y


def test_strip_places_the_highlight_among_all_values() -> None:
    s = strip([1, 2, 3, 4, 5], 5)
    assert s.mark == max(s.marks)
    assert (s.low_text, s.high_text) == ("1", "5")
    assert s.reference is None


def test_strip_marks_a_norm_within_the_values_only() -> None:
    inside = strip([101, 105, 109], 109, reference=105)
    assert inside.reference == inside.marks[1]
    assert strip([101, 103], 101, reference=105).reference is None


def test_bar_chart_reference_line_and_caption() -> None:
    plain = bar_chart([Item("a", 101), Item("b", 103)])
    chart = bar_chart(
        [Item("a", 101), Item("b", 103)], caption="Best first", reference=(105, "norm")
    )
    assert chart.reference is not None and chart.reference.text == "norm"
    assert chart.reference.x <= chart.ticks[-1].x  # the axis stretches to show the norm
    assert chart.bars[1].x + chart.bars[1].width < chart.reference.x
    assert chart.top > plain.top and chart.caption == "Best first"
    assert plain.reference is None and plain.caption == ""


def test_overview_page(client: FlaskClient) -> None:
    page = client.get("/wps-index").get_data(as_text=True)
    assert "Women, Peace and Security Index 2025/26" in page
    assert 'href="/wps-index/indicators/maternal-mortality"' in page
    assert 'href="/wps-index/countries/nor"' in page
    assert "<svg" in page and 'class="legend"' in page


def test_indicator_page_and_svg(client: FlaskClient) -> None:
    response = client.get("/wps-index/indicators/son-bias")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The axis starts at" in page
    assert 'href="/id/risk-indicators/rf09-01"' in page  # its parallels, from the crosswalk
    svg = client.get("/wps-index/indicators/maternal-mortality.svg")
    assert svg.mimetype == "image/svg+xml"
    root = ET.fromstring(svg.data)
    assert root.tag == SVG + "svg"
    bars = root.findall(f".//{SVG}rect")
    assert len(bars) == 181
    widths = [float(b.get("width", 0)) for b in bars]
    assert widths == sorted(widths)  # lower is better: the lowest ratio first


def test_country_page(client: FlaskClient) -> None:
    response = client.get("/wps-index/countries/NOR")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Norway</h1>" in page
    assert 'class="rank">3<' in page
    assert page.count('class="strip"') == 14
    assert (
        client.get("/wps-index/countries/nor", headers={"Accept-Language": "nb"})
        .get_data(as_text=True)
        .count("Norge")
        >= 1
    )


def test_unknown_pages_are_404_and_picker_redirects(client: FlaskClient) -> None:
    headers = {"Accept": "application/json"}
    assert client.get("/wps-index/countries/zzz", headers=headers).status_code == 404
    missing = client.get("/wps-index/indicators/nothing", headers=headers)
    assert missing.status_code == 404 and "maternal-mortality" in missing.get_json()["message"]
    moved = client.get("/wps-index/countries?code=NOR")
    assert moved.status_code == 303 and moved.headers["Location"].endswith(
        "/wps-index/countries/nor"
    )
    assert client.get("/wps-index/countries?code=../x", headers=headers).status_code == 400
