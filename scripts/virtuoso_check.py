"""Engine neutrality by hand: the check that tests/test_engines_virtuoso.py runs, as a report.

    .venv/bin/python scripts/virtuoso_check.py [--keep] [--markdown FILE]

Needs Debian's virtuoso-opensource (`make system-deps` installs it). In a throwaway directory it
builds the graph, starts a private Virtuoso on free loopback ports (tests/engines/virtuoso.py),
publishes the build with `apwps publish`, reads every triple back, and sends every named query and
every probe through the app over the embedded store and over Virtuoso (tests/engines/check.py). It
prints one line per check and exits 1 when an answer is not as docs/engines.md says.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the check lives in tests/engines

from apwps.build import DUMP_NQUADS, build  # noqa: E402
from apwps.catalogue import Catalogue  # noqa: E402
from apwps.config import load_settings  # noqa: E402
from apwps.stores.memory import MemoryStore  # noqa: E402
from tests.engines.answers import EXPLAINED  # noqa: E402
from tests.engines.check import (  # noqa: E402
    check_all,
    markdown,
    paired_stores,
    round_trip,
    unexpected,
)
from tests.engines.virtuoso import start_virtuoso  # noqa: E402


@contextmanager
def timed(timings: dict[str, float], step: str) -> Iterator[None]:
    began = time.perf_counter()
    print(f"… {step}", flush=True)
    yield
    timings[step] = time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="Keep the throwaway directory.")
    parser.add_argument("--markdown", type=Path, help="Also write the report to this file.")
    parser.add_argument(
        "--time-limit-ms",
        type=int,
        default=30_000,
        help="query_time_limit_ms of both servers (default 30000).",
    )
    parser.add_argument(
        "--short-time-limit-ms",
        type=int,
        default=2_000,
        help="query_time_limit_ms for the probes that wait for it (default 2000).",
    )
    parser.add_argument(
        "--max-rows", type=int, default=10_000, help="max_result_rows of both servers."
    )
    parser.add_argument(
        "--virtuoso-max-rows",
        type=int,
        default=1_000_000,
        help="Virtuoso's own ResultSetMaxRows (default 1000000; try 10000).",
    )
    args = parser.parse_args()
    # a terminated run still stops what it started (the ExitStack below unwinds on SystemExit)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    timings: dict[str, float] = {}
    facts: list[str] = []
    began = time.perf_counter()
    directory = Path(tempfile.mkdtemp(prefix="apwps-virtuoso-"))
    (directory / "db").mkdir()
    settings = load_settings(
        {"root": str(ROOT), "dist_dir": str(directory / "dist"), "check_consistency": False},
        read_environment=False,
    )
    with ExitStack() as stack:
        if not args.keep:
            stack.callback(shutil.rmtree, directory, ignore_errors=True)
        virtuoso = start_virtuoso(
            directory / "db",
            max_rows=args.virtuoso_max_rows,
            time_limit_s=-(-args.time_limit_ms // 1000) + 2,  # just past the servers' own
        )
        stack.callback(virtuoso.stop)
        with timed(timings, "build the graph (while Virtuoso starts)"):
            built = build(settings)
        with timed(timings, "wait for Virtuoso"):
            virtuoso.wait()
        with timed(timings, "configure the host's default graph"):
            hidden = virtuoso.prepare_host()
        facts.append(f"Virtuoso's own graphs, hidden: {', '.join(hidden)}")
        with timed(timings, "publish (apwps publish)"):
            print("  " + virtuoso.publish(settings))
        with timed(timings, "name the published graphs"):
            facts.append(f"GRAPH ?g ranges over the {virtuoso.name_graphs()} published graphs")
        with timed(timings, "read every triple back"):
            kept = round_trip(virtuoso.query_url, settings.dist_path / DUMP_NQUADS)
        facts.append(f"Graph Store round trip: {kept.verdict}, {kept.detail}")
        with timed(timings, "compare named queries and probes"):
            store = MemoryStore(built.store)
            stores, short = (
                paired_stores(
                    settings, store, virtuoso.query_url, time_limit_ms=limit, max_rows=args.max_rows
                )
                for limit in (args.time_limit_ms, args.short_time_limit_ms)
            )
            dump = directory / "answers" if args.keep else None
            lines = check_all(stores, short, Catalogue(ROOT / "queries"), dump=dump)
        timings["total"] = time.perf_counter() - began
        report = markdown(lines, timings, facts)
        print("\n" + report)
        if args.markdown:
            args.markdown.write_text(report, encoding="utf-8")
        if args.keep:
            print(f"kept {directory} (virtuoso.ini, log, database, answers/ that differ)")
    named = [line for line in lines if line.probe.topic == "named query"]
    failed = unexpected(lines)
    print(
        f"{sum(line.outcome.verdict != 'differs' for line in named)} of {len(named)} named "
        f"queries agree; {len(lines) - len(named)} probes, "
        f"{sum(line.probe.expect == 'differs' for line in lines)} documented differences; "
        f"{len(failed)} not as documented."
    )
    print("normalisations: " + "; ".join(f"{k} = {v}" for k, v in EXPLAINED.items()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
