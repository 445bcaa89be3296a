"""The engine-neutrality check's own parts (tests/engines/), without an engine: answers agree only
through the normalisations docs/engines.md names, and the private virtuoso.ini is what it says."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from apwps.catalogue import Catalogue
from tests.conftest import ROOT
from tests.engines.answers import Reply, compare, compare_results, compare_triples
from tests.engines.check import named_probe
from tests.engines.virtuoso import virtuoso_ini

XSD = "http://www.w3.org/2001/XMLSchema#"
LONG_A = "Decreasing access to healthcare"
LONG_B = "Decreasing access to the economy"  # the same first 20 characters as LONG_A


def results(name: str, *values: dict[str, str]) -> bytes:
    rows = [{name: value} for value in values]
    return json.dumps({"head": {"vars": [name]}, "results": {"bindings": rows}}).encode()


def text(value: str, lang: str = "en") -> dict[str, str]:
    return {"type": "literal", "value": value, "xml:lang": lang}


def decimal(value: str) -> dict[str, str]:
    return {"type": "literal", "value": value, "datatype": XSD + "decimal"}


def test_identical_answers_are_the_same() -> None:
    body = results("x", text("a"), text("b"))
    assert compare_results(body, body, ordered=True).verdict == "same"


def test_decimals_agree_at_15_places_only() -> None:
    ours = results("v", decimal("0.09594027002999529"))
    assert compare_results(ours, results("v", decimal("0.095940270029995"))).normalisations == (
        "decimal-15-places",
    )
    assert compare_results(ours, results("v", decimal("0.095940270029994"))).verdict == "differs"


def test_long_strings_may_swap_only_when_their_first_20_characters_agree() -> None:
    ours = results("label", text(LONG_A), text(LONG_B))
    swapped = compare_results(ours, results("label", text(LONG_B), text(LONG_A)), ordered=True)
    assert swapped.verdict == "differs", "without the ORDER BY keys nothing is forgiven"
    swapped = compare_results(
        ours, results("label", text(LONG_B), text(LONG_A)), ordered=True, keys=("label",)
    )
    assert swapped.normalisations == ("order-of-long-strings",)
    short = compare_results(
        results("label", text("a"), text("b")),
        results("label", text("b"), text("a")),
        ordered=True,
        keys=("label",),
    )
    assert short.verdict == "differs"


def test_errors_agree_by_status_and_code_not_message() -> None:
    def error(status: int, code: str, message: str) -> Reply:
        body = json.dumps({"error": code, "message": message}).encode()
        return Reply(status, "application/json", body, None, False)

    assert compare(error(400, "bad_query", "at 1:5"), error(400, "bad_query", "SP030")).verdict == (
        "same"
    )
    assert compare(error(400, "bad_query", "x"), error(502, "store_unavailable", "x")).verdict == (
        "differs"
    )


def test_a_dataset_read_back_may_only_round_its_decimals() -> None:
    def triples(nt: str) -> list[ox.Triple]:
        return list(ox.parse(nt.encode(), format=ox.RdfFormat.N_TRIPLES))

    ours = triples(
        f'_:a <http://x/v> "0.09594027002999529"^^<{XSD}decimal> .\n<http://x/s> <http://x/p> _:a .\n'
    )
    rounded = triples(
        f'_:z <http://x/v> "0.095940270029995"^^<{XSD}decimal> .\n<http://x/s> <http://x/p> _:z .\n'
    )
    assert compare_triples(ours, rounded).normalisations == ("decimal-15-places",)
    lost = triples(f'_:z <http://x/v> "0.095940270029995"^^<{XSD}decimal> .\n')
    assert compare_triples(ours, lost).verdict == "differs"


def test_a_named_query_is_compared_in_the_order_it_states() -> None:
    catalogue = Catalogue(ROOT / "queries")
    probe = named_probe(catalogue.get("wps-resolutions"))
    assert probe.ordered and probe.path == "/queries/wps-resolutions"
    # an ORDER BY with an expression gives no keys: the rows must come in exactly the same order
    assert named_probe(catalogue.get("brief-parallels")).keys == ()


def test_the_private_virtuoso_ini_moves_files_ports_and_limits(tmp_path: Path) -> None:
    packaged = "\n".join(
        [
            "[Database]",
            "DatabaseFile = /var/lib/virtuoso-opensource-7/db/virtuoso.db",
            "[Parameters]",
            "ServerPort = 1111",
            "[HTTPServer]",
            "ServerPort = 8890",
            "[SPARQL]",
            "ResultSetMaxRows = 10000",
            "MaxQueryExecutionTime = 60",
            "MaxQueryCostEstimationTime = 400 ; in seconds",
        ]
    )
    ini = virtuoso_ini(packaged, tmp_path, 8001, 1001, max_rows=99, time_limit_s=7)
    assert f"DatabaseFile = {tmp_path / 'virtuoso.db'}" in ini
    assert "ServerPort = 127.0.0.1:1001" in ini and "ServerPort = 127.0.0.1:8001" in ini
    assert "ResultSetMaxRows = 99" in ini and "MaxQueryExecutionTime = 7" in ini
    assert "MaxQueryCostEstimationTime = 0" in ini
    assert "/var/lib" not in ini and "8890" not in ini
