"""Compare the embedded engines on this project's own named queries over the built graph.

Usage: python bench/engines.py [--repeat N] [--output bench/engines.md]
Loads dist/apwps.nq into rdflib (its own SPARQL engine), oxrdflib (rdflib API on Oxigraph) and
pyoxigraph, runs every named query with its defaults, and reports load time and median ms per query.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib

from apwps.build import open_built
from apwps.catalogue import Catalogue
from apwps.config import load_settings
from apwps.stores.memory import MemoryStore

ROOT = Path(__file__).resolve().parent.parent


def timed(func, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """Median milliseconds of `repeat` runs; NaN when the engine cannot answer the query."""
    try:
        func()
    except Exception:  # an engine's own failure is a result here, reported as "fails"
        return float("nan")
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "engines.md")
    args = parser.parse_args()
    settings = load_settings({"root": str(ROOT)})
    open_built(settings)  # make sure dist/ is fresh
    dump = settings.dist_path / "apwps.nq"
    catalogue = Catalogue(ROOT / "queries")

    start = time.perf_counter()
    oxstore = ox.Store()
    oxstore.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    ox_load = time.perf_counter() - start
    memory = MemoryStore(oxstore)

    start = time.perf_counter()
    rdf = rdflib.Dataset(default_union=True)
    rdf.parse(dump, format="nquads")
    rdflib_load = time.perf_counter() - start

    oxr = None
    oxr_load = float("nan")
    try:
        start = time.perf_counter()
        oxr = rdflib.Dataset(store="Oxigraph", default_union=True)
        oxr.parse(dump, format="nquads")
        oxr_load = time.perf_counter() - start
    except Exception:  # oxrdflib is optional for this script
        oxr = None

    triples = len(rdf)
    lines = [
        "# Embedded engines on this project's named queries",
        "",
        f"Graph: {triples} quads from `dist/apwps.nq`; median of {args.repeat} runs, warm; "
        f"{time.strftime('%Y-%m-%d')}.",
        "",
        "| engine | load (s) |",
        "|---|---|",
        f"| pyoxigraph | {ox_load:.3f} |",
        f"| rdflib | {rdflib_load:.3f} |",
        f"| oxrdflib | {oxr_load:.3f} |",
        "",
        "| query | rdflib (ms) | oxrdflib (ms) | pyoxigraph via MemoryStore (ms) | rdflib ÷ pyoxigraph |",
        "|---|---|---|---|---|",
    ]
    ratios = []
    for named in catalogue:
        bindings = named.bindings({})
        text = named.text
        t_ox = timed(lambda: memory.query(text, bindings=bindings), args.repeat)  # noqa: B023
        t_rdf = timed(lambda: list(rdf.query(text, initBindings=bindings)), args.repeat)  # noqa: B023
        t_oxr = (
            timed(lambda: list(oxr.query(text, initBindings=bindings)), args.repeat)  # noqa: B023
            if oxr is not None
            else float("nan")
        )
        ratio = t_rdf / t_ox if t_ox else float("nan")
        if ratio == ratio:  # not NaN
            ratios.append(ratio)

        def cell(value: float, digits: int = 1) -> str:
            return "fails" if value != value else f"{value:.{digits}f}"

        shown = "–" if ratio != ratio else f"{ratio:.0f}×"
        lines.append(
            f"| {named.name} | {cell(t_rdf)} | {cell(t_oxr)} | {cell(t_ox, 2)} | {shown} |"
        )
    if ratios:
        lines += ["", f"Median ratio rdflib ÷ pyoxigraph: {statistics.median(ratios):.0f}×."]
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
