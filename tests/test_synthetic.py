"""The synthetic graph of the scale benchmark (bench/endpoint/synth.py): deterministic, the same graph
in both of its outputs, and a small one builds through the real pipeline and conforms to the real
shapes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest

from apwps.build import build
from apwps.config import load_settings
from apwps.load import discover, read_file

ROOT = Path(__file__).resolve().parent.parent


def _load_synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synth", ROOT / "bench" / "endpoint" / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synth"] = module
    spec.loader.exec_module(module)
    return module


synth = _load_synth()


def _quads(path: Path) -> set[str]:
    return {str(q) for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "project"
    synth.write_project(1000, root)
    return root


def test_same_seed_same_bytes_other_seed_other_graph(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.nq", tmp_path / "b.nq", tmp_path / "c.nq"
    count = synth.generate(1000, first, seed=7)
    synth.generate(1000, second, seed=7)
    synth.generate(1000, other, seed=8)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    assert count == len(_quads(first))  # every triple written once


def test_project_files_hold_the_same_graph_as_the_nquads(project: Path, tmp_path: Path) -> None:
    nquads = tmp_path / "graph.nq"
    synth.generate(1000, nquads)
    from_files = {
        str(q)
        for source in discover(project, synth.BASE, dirs=("data",))
        for q in read_file(source)
    }
    assert from_files == _quads(nquads)


def test_size_and_kinds_follow_the_request(project: Path) -> None:
    files = list(synth.files(100_000))
    triples = sum(len(f.triples) for f in files)
    assert 90_000 <= triples <= 110_000
    collections = {f.collection for f in files}
    assert {
        "countries",
        "organisations",
        "people",
        "frameworks",
        "publications",
        "risk-factors",
        "wps-index",
        "observations",
        "guide",
    } <= collections
    assert any(o.endswith("@nb") for f in files for _s, _p, o in f.triples)
    assert (project / "ontology").is_dir() and (project / "shapes").is_dir()


def test_small_synthetic_graph_builds_and_conforms(project: Path) -> None:
    settings = load_settings(
        {"root": str(project), "dist_dir": str(project / "dist"), "check_consistency": True},
        read_environment=False,
    )
    built = build(settings)  # raises on any violation or inconsistency
    assert built.report is not None and built.report.conforms
    counts = built.report.counts()
    assert counts["Violation"] == 0
    assert counts["Warning"] == 0, [f.as_text() for f in built.report.findings[:5]]
    assert built.inferred > 0
    assert (settings.dist_path / "apwps.nq").is_file()
