"""The HermiT consistency check alone, on a built dataset (the build runs it on the union of every
graph but the shapes): for sizes whose build skipped it.

    python bench/scale/hermit.py /tmp/apwps-scale/dist-1000000/apwps.nq
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from apwps.reason import check_consistency  # noqa: E402
from apwps.terms import to_rdflib_graph  # noqa: E402

SHAPES_GRAPHS = "https://w3id.org/apwps/graph/shapes/"
INFERRED = "https://w3id.org/apwps/graph/inferred"


def main() -> None:
    started = time.monotonic()
    store = ox.Store()
    store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
    graph = rdflib.Graph()
    quads = (
        q
        for q in store.quads_for_pattern(None, None, None, None)
        if isinstance(q.graph_name, ox.NamedNode)
        and not q.graph_name.value.startswith(SHAPES_GRAPHS)
        and q.graph_name.value != INFERRED
    )
    to_rdflib_graph(quads, graph)
    print(f"graph of {len(graph)} triples ready in {time.monotonic() - started:.1f} s", flush=True)
    check_consistency(graph)
    print(f"consistent under HermiT in {time.monotonic() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
