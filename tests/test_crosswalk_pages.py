"""The crosswalk (apwps.crosswalk) read from the graph, and `/crosswalk` as a matrix and as JSON."""

from __future__ import annotations

from flask.testing import FlaskClient

from apwps.crosswalk import natural_key, read_crosswalk
from apwps.stores.memory import MemoryStore

ID = "https://w3id.org/apwps/id/"
WPSI = ID + "wps-index-indicators/"
RI = ID + "risk-indicators/"
PAR = ID + "parallels/"


def test_rows_are_the_wps_index_indicators_by_dimension(store: MemoryStore) -> None:
    crosswalk = read_crosswalk(store)
    rows = [r.iri for r in crosswalk.rows]
    assert WPSI + "maternal-mortality" in rows
    assert WPSI + "index-score" not in rows  # the composite is not one of the 13 indicators
    dimensions = [d.label() for d, _ in crosswalk.row_groups() if d is not None]
    assert dimensions == ["Inclusion", "Justice", "Security"]


def test_cells_carry_the_theme_of_each_parallel(store: MemoryStore) -> None:
    crosswalk = read_crosswalk(store)
    themes = crosswalk.cells[(WPSI + "maternal-mortality", RI + "rf07-10")]
    assert [t.iri for t in themes] == [PAR + "decreasing-access-to-healthcare"]
    assert (WPSI + "maternal-mortality", RI + "rf07-10") in crosswalk.direct
    assert not crosswalk.marked(WPSI + "maternal-mortality", RI + "rf08-07")


def test_hate_speech_is_a_gap_on_the_wps_index_side(store: MemoryStore) -> None:
    crosswalk = read_crosswalk(store)
    assert [g.iri for g in crosswalk.gaps] == [PAR + "increasing-hate-speech"]
    assert (PAR + "increasing-hate-speech", RI + "rf07-14") in crosswalk.gap_cells
    assert not any(c == RI + "rf07-14" for (_, c) in crosswalk.cells)


def test_columns_are_in_natural_order_under_their_risk_factor(store: MemoryStore) -> None:
    crosswalk = read_crosswalk(store)
    notations = [c.notation for c in crosswalk.columns]
    assert notations.index("7.2") < notations.index("7.10") < notations.index("8.1")
    for factor, columns in crosswalk.column_groups():
        assert all(c.group in ("", factor.iri) for c in columns)
    assert natural_key("7.10", "") > natural_key("7.9", "")


def test_matrix_page(client: FlaskClient) -> None:
    response = client.get("/crosswalk", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<table class="crosswalk"' in page
    assert 'tr class="gap"' in page and "No WPS Index indicator" in page
    assert 'href="/id/parallels/decreasing-access-to-healthcare"' in page
    assert page.count('class="marked"') >= 40


def test_matrix_as_json(client: FlaskClient) -> None:
    data = client.get("/crosswalk?format=json").get_json()
    cell = next(
        c
        for c in data["cells"]
        if c["wps_indicator"] == WPSI + "maternal-mortality"
        and c["risk_indicator"] == RI + "rf13-08"
    )
    assert cell["themes"] == [PAR + "decreasing-access-to-healthcare"]
    assert data["gaps"][0]["risk_indicators"] == [RI + "rf07-14", RI + "rf08-07"]
    assert client.get("/crosswalk?format=csv").status_code == 400
