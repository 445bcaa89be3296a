"""The remote store on OpenLink Virtuoso answers as the embedded store does (docs/engines.md).

A private Virtuoso starts on free loopback ports from a temporary directory while the session's
graph builds; `apwps publish` loads the build into it; then every named query and every probe goes
through the same app over both stores, and their answers are compared parsed. A named query must
agree, identically or after a documented normalisation; a probe must behave as the page says.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from apwps.build import DUMP_NQUADS
from apwps.catalogue import Catalogue
from apwps.config import Settings
from apwps.stores.memory import MemoryStore
from tests.conftest import ROOT
from tests.engines.answers import EXPLAINED
from tests.engines.check import Stores, compare_probe, named_probe, paired_stores
from tests.engines.check import round_trip as read_back
from tests.engines.probes import PROBES, Probe
from tests.engines.virtuoso import Virtuoso, start_virtuoso

pytestmark = pytest.mark.slow

CATALOGUE = Catalogue(ROOT / "queries")
# Both servers' query_time_limit_ms: generous (an engine's slowest named query on a busy machine),
# and short for the probes that wait for it.
TIME_LIMIT_MS = 30_000
SHORT_TIME_LIMIT_MS = 2_000
MAX_ROWS = 10_000  # both servers' max_result_rows


@pytest.fixture(scope="module")
def virtuoso_started(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """Started first, so that Virtuoso creates its database while the session's graph builds."""
    virtuoso = start_virtuoso(
        tmp_path_factory.mktemp("virtuoso"),
        max_rows=100 * MAX_ROWS,  # beyond the servers' own limit, or Virtuoso cuts silently
        time_limit_s=TIME_LIMIT_MS // 1000 + 2,  # the servers give up first
    )
    yield virtuoso
    virtuoso.stop()


@pytest.fixture(scope="module")
def virtuoso(virtuoso_started: Virtuoso, built: Any, settings: Settings) -> Virtuoso:
    """Configured for the project's dataset contract, with the session's build published."""
    virtuoso_started.wait()
    virtuoso_started.prepare_host()
    virtuoso_started.publish(settings)
    virtuoso_started.name_graphs()
    return virtuoso_started


@pytest.fixture(scope="module")
def stores(virtuoso: Virtuoso, settings: Settings, store: MemoryStore) -> dict[bool, Stores]:
    """Both stores' apps, by whether their time limit is the short one."""
    return {
        short: paired_stores(
            settings,
            store,
            virtuoso.query_url,
            time_limit_ms=SHORT_TIME_LIMIT_MS if short else TIME_LIMIT_MS,
            max_rows=MAX_ROWS,
        )
        for short in (False, True)
    }


def test_there_are_named_queries_to_compare() -> None:
    assert len(CATALOGUE.names()) >= 22


def test_every_published_triple_comes_back(virtuoso: Virtuoso, settings: Settings) -> None:
    """Virtuoso keeps 15 decimal places of an xsd:decimal: the only change it may make."""
    outcome = read_back(virtuoso.query_url, settings.dist_path / DUMP_NQUADS)
    assert outcome.verdict in ("same", "normalised"), outcome.detail
    assert set(outcome.normalisations) <= {"decimal-15-places"}, outcome.detail


@pytest.mark.parametrize("name", CATALOGUE.names())
def test_named_query_answers_alike(stores: dict[bool, Stores], name: str) -> None:
    outcome = compare_probe(named_probe(CATALOGUE.get(name)), stores[False])
    assert outcome.verdict in ("same", "normalised"), f"{name}: {outcome.detail}"
    assert set(outcome.normalisations) <= set(EXPLAINED)


def _probe_param(probe: Probe) -> Any:
    marks = [pytest.mark.xfail(reason=probe.project_defect)] if probe.project_defect else []
    return pytest.param(probe, id=probe.name, marks=marks)


@pytest.mark.parametrize("probe", [_probe_param(p) for p in PROBES])
def test_probe_behaves_as_documented(stores: dict[bool, Stores], probe: Probe) -> None:
    outcome = compare_probe(probe, stores[probe.short_time_limit])
    if probe.expect == "differs":
        assert outcome.verdict == "differs", (
            f"{probe.name} no longer differs: update docs/engines.md"
        )
    else:
        assert outcome.verdict in ("same", "normalised"), f"{probe.name}: {outcome.detail}"
