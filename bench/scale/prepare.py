"""The dataset a build would publish, for a size too large to build on the embedded store: the
ontology and shapes (one named graph per file, as the build loads them), the synthetic data, and the
inferences the build adds (apwps.reason's rules), computed on an on-disk Oxigraph store so that memory
stays bounded. SHACL validation and the HermiT check are not run (bench/scale/results.md says what they
cost at smaller sizes).

    python bench/scale/prepare.py 10000000 /tmp/apwps-scale   # writes dataset-10000000.nq
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "bench" / "endpoint")]

import synth  # noqa: E402

from apwps.load import INFERRED_GRAPH, discover, read_file  # noqa: E402
from apwps.reason import materialise  # noqa: E402


def main() -> None:
    triples, data = int(sys.argv[1]), Path(sys.argv[2])
    started = time.monotonic()
    generated = data / f"synthetic-{triples}.nq"
    count = synth.generate(triples, generated)
    print(f"generated {count} triples in {time.monotonic() - started:.1f} s", flush=True)
    scratch = data / f"prepare-store-{triples}"
    shutil.rmtree(scratch, ignore_errors=True)
    store = ox.Store(str(scratch))
    for source in discover(ROOT, synth.BASE, dirs=("ontology", "shapes")):
        store.bulk_load(
            ox.serialize(read_file(source), format=ox.RdfFormat.N_QUADS),
            format=ox.RdfFormat.N_QUADS,
        )
    store.bulk_load(path=str(generated), format=ox.RdfFormat.N_QUADS)
    print(f"loaded in {time.monotonic() - started:.1f} s", flush=True)
    report = materialise(store, synth.BASE + INFERRED_GRAPH)
    print(f"inferred {report.inferred} triples in {time.monotonic() - started:.1f} s", flush=True)
    out = data / f"dataset-{triples}.nq"
    partial = out.with_suffix(".partial")
    ox.serialize(store, str(partial), ox.RdfFormat.N_QUADS)
    partial.rename(out)
    print(f"wrote {out} in {time.monotonic() - started:.1f} s", flush=True)
    del store
    shutil.rmtree(scratch, ignore_errors=True)
    generated.unlink()


if __name__ == "__main__":
    main()
