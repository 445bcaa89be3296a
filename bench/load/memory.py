"""The serving process's memory against requests, in one process: the app from `server.create_app`
over the built graph, driven through Flask's test client by the request mix of `run.py`.

    python bench/load/memory.py --requests 20000 --every 2000 --threads 4
    python bench/load/memory.py --requests 4000 --every 1000 --tracemalloc 8 --kinds validation

Every `--every` requests it records the process's resident and private memory, the memory Python
has allocated (tracemalloc, when on), and the size of every cache that could grow: the functools
caches of the project's modules, the per-store views, the curation context's prepared queries and
store churn, Jinja's template cache, the `re` module's cache and the loggers. With `--tracemalloc`
it ends with the allocation sites that grew most between the first sample and the last. The named
queries run in the executor's worker processes, as in the server; their memory is not counted here
(`run.py --soak-minutes` measures the real server's process tree).
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import logging
import random
import re
import sys
import threading
import time
import tracemalloc
import types
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, Catalogue, Request, well_behaved


def process_memory_mib() -> dict[str, float]:
    """This process's RSS and USS (private pages), in MiB."""
    values = {"rss_mib": 0.0, "uss_mib": 0.0}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key == "Rss":
            values["rss_mib"] += int(rest.split()[0]) / 1024
        elif key in ("Private_Clean", "Private_Dirty"):
            values["uss_mib"] += int(rest.split()[0]) / 1024
    return {k: round(v, 1) for k, v in values.items()}


def caches(app: Flask) -> dict[str, int]:
    """The number of entries in every cache that could grow with requests."""
    sizes: dict[str, int] = {}
    for name, module in sorted(sys.modules.items()):
        if not name.startswith(("apwps", "server")) or module is None:
            continue
        for attribute, value in list(vars(module).items()):
            if isinstance(value, functools._lru_cache_wrapper):
                if value.__module__ == name:
                    sizes[f"{name}.{attribute}"] = value.cache_info().currsize
                value = value.__wrapped__
            if not isinstance(value, types.FunctionType):
                continue
            for cell in value.__closure__ or ():  # apwps.memo: a weak dictionary per store
                try:
                    content = cell.cell_contents
                except ValueError:
                    continue
                if content.__class__.__name__ == "WeakKeyDictionary":  # entries of all stores
                    entries = [len(v) if isinstance(v, dict) else 1 for v in content.values()]
                    sizes[f"{name}.{attribute} (per store)"] = sum(entries)
    sizes["jinja templates"] = len(app.jinja_env.cache or {})
    sizes["re module cache"] = len(re._cache)  # type: ignore[attr-defined]
    sizes["loggers"] = len(logging.Logger.manager.loggerDict)
    sizes["threads"] = threading.active_count()
    for name, value in _curation(app).items():
        sizes[name] = value
    return sizes


def _curation(app: Flask) -> dict[str, int]:
    """The curation context's prepared SPARQL and the quads its stores have seen taken out."""
    submissions = app.extensions.get("apwps.curation")
    context = getattr(getattr(submissions, "context", None), "__dict__", {})
    found: dict[str, int] = {}
    if "data" in context:
        found["curation prepared queries"] = len(context["data"].__dict__.get("_prepared", {}))
    for name in ("_store_churn", "_schema_churn"):
        if name in context:
            found[f"curation {name[1:]}: taken out since copied"] = context[name].removed
            found[f"curation {name[1:]}: copies"] = context[name].copies
    return found


def drive(
    client: FlaskClient, cat: Catalogue, count: int, rng: random.Random, kinds: set[str]
) -> dict[int, int]:
    """`count` requests of the mix (of `kinds` only, when given); their statuses."""
    statuses: dict[int, int] = {}
    done = 0
    while done < count:
        request: Request = well_behaved(cat, rng)
        kind, method, path, headers, body, _expected = request
        if kinds and kind not in kinds:
            continue
        response = client.open(path, method=method, headers=headers, data=body)
        response.get_data()
        response.close()
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        done += 1
    return statuses


def drive_threads(
    app: Flask, cat: Catalogue, count: int, threads: int, rng: random.Random, kinds: set[str]
) -> dict[int, int]:
    """`count` requests of the mix from `threads` threads at once, as a threaded server runs."""
    if threads <= 1:
        return drive(app.test_client(), cat, count, rng, kinds)
    seeds = [rng.random() for _ in range(threads)]
    answers: list[dict[int, int]] = []

    def one(seed: float) -> None:
        answers.append(drive(app.test_client(), cat, count // threads, random.Random(seed), kinds))

    workers = [threading.Thread(target=one, args=(seed,)) for seed in seeds]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    statuses: dict[int, int] = {}
    for answer in answers:
        for status, n in answer.items():
            statuses[status] = statuses.get(status, 0) + n
    return statuses


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--every", type=int, default=2_000, help="requests between samples")
    parser.add_argument("--warmup", type=int, default=500, help="requests before the first sample")
    parser.add_argument("--threads", type=int, default=1, help="threads sending requests at once")
    parser.add_argument("--kinds", default="", help="only these kinds of request (comma-separated)")
    parser.add_argument("--tracemalloc", type=int, default=0, help="frames per trace (0: off)")
    parser.add_argument("--top", type=int, default=10, help="allocation sites to show")
    parser.add_argument("--dist", default="", help="dist_dir of a build (default: the project's)")
    parser.add_argument("--json", type=Path, help="write the samples here")
    args = parser.parse_args()

    from apwps.config import load_settings
    from apwps.stores.open import open_store
    from server import create_app

    overrides: dict[str, Any] = {"root": str(ROOT), "check_consistency": False}
    if args.dist:
        overrides["dist_dir"] = args.dist
    settings = load_settings(overrides, read_environment=False)
    app = create_app(settings, store=open_store(settings))
    quiet = open("/dev/null", "w")  # noqa: SIM115 - the access log, written but not shown
    for handler in logging.getLogger("apwps.access").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(quiet)
    client = app.test_client()
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    named = client.get("/queries", headers={"Accept": "application/json"}).get_json()
    cat = Catalogue.from_answers(sitemap, named)
    kinds = {k.strip() for k in args.kinds.split(",") if k.strip()}
    rng = random.Random(7)

    drive_threads(app, cat, args.warmup, args.threads, rng, kinds)
    if args.tracemalloc:
        tracemalloc.start(args.tracemalloc)
    samples: list[dict[str, Any]] = []
    snapshots: list[tracemalloc.Snapshot] = []
    started = time.monotonic()
    answered = 0
    statuses: dict[int, int] = {}
    while True:
        gc.collect()
        sample: dict[str, Any] = {
            "requests": answered,
            "seconds": round(time.monotonic() - started, 1),
            **process_memory_mib(),
        }
        if args.tracemalloc:
            sample["traced_mib"] = round(tracemalloc.get_traced_memory()[0] / 2**20, 2)
            snapshots = [*snapshots[:1], tracemalloc.take_snapshot()]
        sample["caches"] = caches(app)
        samples.append(sample)
        traced = f"  traced {sample['traced_mib']:7.2f}" if args.tracemalloc else ""
        print(
            f"{answered:7d} requests {sample['seconds']:6.0f} s  RSS {sample['rss_mib']:7.1f}  "
            f"USS {sample['uss_mib']:7.1f}{traced}  {statuses}",
            flush=True,
        )
        if answered >= args.requests:
            break
        for status, count in drive_threads(app, cat, args.every, args.threads, rng, kinds).items():
            statuses[status] = statuses.get(status, 0) + count
        answered += args.every
    print(json.dumps(samples[-1]["caches"], indent=1))
    if args.tracemalloc and len(snapshots) == 2:
        ignore = [tracemalloc.Filter(False, tracemalloc.__file__)]
        first, last = (s.filter_traces(ignore) for s in snapshots)
        print("\nAllocation sites that grew most, first sample → last:")
        for stat in last.compare_to(first, "traceback")[: args.top]:
            print(f"{stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks")
            for line in stat.traceback.format():
                print("   ", line)
    if args.json:
        args.json.write_text(json.dumps(samples, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
