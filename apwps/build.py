"""The build: load every content file, infer, validate, check consistency, and write `dist/`.

`dist/` is written into a temporary sibling and swapped in only when everything succeeded, so a failed
build leaves the previous one whole. `manifest.json` records the hash of every input, which lets
`serve` reuse a fresh build and rebuild a stale one.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

from apwps import __version__
from apwps.config import Settings
from apwps.errors import InputError, ValidationFailed
from apwps.load import INFERRED_GRAPH, SourceFile, discover, load_files
from apwps.locate import line_in_file
from apwps.reason import check_consistency, materialise
from apwps.terms import to_rdflib_graph
from apwps.validate import Report, validate_graph
from apwps.void import describe_dataset

DUMP_NQUADS = "apwps.nq"
DUMP_TURTLE = "apwps.ttl"
DUMP_JSONLD = "apwps.jsonld"
VOID_FILE = "void.ttl"
MANIFEST = "manifest.json"

Log = Callable[[str], None]


@dataclass
class Built:
    """What a build produced, for the command line and the server."""

    dist: Path
    store: ox.Store
    sources: list[SourceFile]
    triples_per_graph: dict[str, int]
    inferred: int
    report: Report | None
    seconds: float
    manifest: dict[str, Any] = field(default_factory=dict)


def input_hashes(settings: Settings) -> dict[str, str]:
    """SHA-256 of every content file, by path relative to the project root."""
    hashes: dict[str, str] = {}
    for source in discover(settings.root_path, settings.base_iri):
        hashes[source.relative] = hashlib.sha256(source.path.read_bytes()).hexdigest()
    return hashes


def is_fresh(settings: Settings) -> bool:
    """True when `dist/` was built from exactly the current inputs by this version."""
    manifest_path = settings.dist_path / MANIFEST
    if not manifest_path.is_file() or not (settings.dist_path / DUMP_NQUADS).is_file():
        return False
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return bool(
        manifest.get("version") == __version__
        and manifest.get("base_iri") == settings.base_iri
        and manifest.get("inputs") == input_hashes(settings)
    )


def _graph_of(store: ox.Store, graph_iris: list[str]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for iri in graph_iris:
        to_rdflib_graph(store.quads_for_pattern(None, None, None, ox.NamedNode(iri)), graph)
    return graph


def locator(
    sources: list[SourceFile], store: ox.Store
) -> Callable[[str], tuple[str | None, int | None]]:
    """Find the file and line where an entity is described (first file that types it)."""
    by_graph = {s.graph_iri: s for s in sources}
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def locate(iri: str) -> tuple[str | None, int | None]:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return None, None
        candidates = list(store.quads_for_pattern(node, rdf_type, None, None)) or list(
            store.quads_for_pattern(node, None, None, None)
        )
        for quad in candidates:
            source = by_graph.get(getattr(quad.graph_name, "value", ""))
            if source is not None:
                return source.relative, line_in_file(source.path, iri)
        return None, None

    return locate


def assemble(
    settings: Settings, log: Log | None = None
) -> tuple[ox.Store, list[SourceFile], dict[str, int], int]:
    """Load every content file into a fresh store and add the inferences."""
    sources = discover(settings.root_path, settings.base_iri)
    if not any(s.relative.startswith("data/") for s in sources):
        raise InputError(f"no data files found under {settings.root_path / 'data'}")
    store = ox.Store()
    step = max(1, len(sources) // 10)

    def progress(done: int, total: int, name: str) -> None:
        if log is not None and (done % step == 0 or done == total):
            log(f"loaded {done}/{total} files ({name})")

    counts = load_files(sources, store, progress)
    report = materialise(store, settings.base_iri + INFERRED_GRAPH)
    if log is not None:
        log(f"inferred {report.inferred} triples in {report.rounds} rounds")
    return store, sources, counts, report.inferred


def validate_store(settings: Settings, store: ox.Store, sources: list[SourceFile]) -> Report:
    """Validate everything but the shapes against the shapes, in the context of the whole graph."""
    shapes = _graph_of(store, [s.graph_iri for s in sources if s.relative.startswith("shapes/")])
    data_graphs = [s.graph_iri for s in sources if not s.relative.startswith("shapes/")]
    data = _graph_of(store, [*data_graphs, settings.base_iri + INFERRED_GRAPH])
    return validate_graph(data, shapes, locate=locator(sources, store))


def build(settings: Settings, *, log: Log | None = None, validate: bool = True) -> Built:
    """Run the whole pipeline and swap the result into `dist/`. Raises on bad input or violations."""
    started = time.perf_counter()
    store, sources, counts, inferred = assemble(settings, log)
    report = None
    if validate:
        report = validate_store(settings, store, sources)
        if log is not None:
            c = report.counts()
            log(
                f"validated: {c['Violation']} violations, {c['Warning']} warnings, {c['Info']} suggestions"
            )
        if not report.conforms:
            error = ValidationFailed(
                f"{len(report.violations)} violations: the data does not conform"
            )
            error.report = report  # type: ignore[attr-defined]
            raise error
    if settings.check_consistency:
        union = _graph_of(
            store, [s.graph_iri for s in sources if not s.relative.startswith("shapes/")]
        )
        check_consistency(union)
        if log is not None:
            log("consistent under HermiT")
    manifest = write_dist(settings, store, sources, counts, inferred, time.perf_counter() - started)
    return Built(
        settings.dist_path,
        store,
        sources,
        counts,
        inferred,
        report,
        time.perf_counter() - started,
        manifest,
    )


def write_dist(
    settings: Settings,
    store: ox.Store,
    sources: list[SourceFile],
    counts: dict[str, int],
    inferred: int,
    seconds: float,
) -> dict[str, Any]:
    """Write dumps, VoID and the manifest into a temporary directory, then swap it into place."""
    dist = settings.dist_path
    dist.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".dist-", dir=dist.parent))
    try:
        ox.serialize(store, str(tmp / DUMP_NQUADS), ox.RdfFormat.N_QUADS)
        union = store.query(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
        )
        assert isinstance(union, ox.QueryTriples)
        ox.serialize(union, str(tmp / DUMP_TURTLE), ox.RdfFormat.TURTLE)
        ox.serialize(store, str(tmp / DUMP_JSONLD), ox.RdfFormat.JSON_LD)
        void = describe_dataset(settings, store, sources, inferred)
        void.serialize(destination=str(tmp / VOID_FILE), format="turtle")
        manifest = {
            "version": __version__,
            "base_iri": settings.base_iri,
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "seconds": round(seconds, 3),
            "inputs": {
                s.relative: hashlib.sha256(s.path.read_bytes()).hexdigest() for s in sources
            },
            "triples_per_graph": counts,
            "asserted": sum(counts.values()),
            "inferred": inferred,
        }
        (tmp / MANIFEST).write_text(
            json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8"
        )
        old = None
        if dist.exists():
            old = Path(tempfile.mkdtemp(prefix=".dist-old-", dir=dist.parent))
            old.rmdir()
            dist.rename(old)
        tmp.rename(dist)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def open_built(settings: Settings, log: Log | None = None) -> ox.Store:
    """The built dataset in a fresh store: reuse `dist/` when fresh, rebuild it when stale."""
    if not is_fresh(settings):
        if log is not None:
            log("dist/ is missing or stale: building")
        return build(settings, log=log).store
    store = ox.Store()
    store.bulk_load(path=str(settings.dist_path / DUMP_NQUADS), format=ox.RdfFormat.N_QUADS)
    return store
