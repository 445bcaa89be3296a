"""Markdown tables from the benchmark's results files (`results-curated.json`,
`results-synthetic.json`): `python bench/endpoint/report.py bench/endpoint/results-*.json`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _cell(named: dict[str, Any]) -> str:
    if not named:
        return "–"
    if "error" in named:
        return "broken answer"
    if "timeout_s" in named:
        return f"> {named['timeout_s']:.0f} s"
    if named.get("status") != [200]:
        return f"HTTP {named.get('status')}"
    return f"{named['median_ms']:.1f} / {named['p99_ms']:.1f}"


def report(path: Path) -> str:
    results = json.loads(path.read_text(encoding="utf-8"))
    servers = results["servers"]
    names = list(servers)
    lines = [f"### {results['data']}", ""]
    lines += [
        "| server | start (s) | lookup req/s (c=8) | lookup p99 (ms) | non-2xx |",
        "|---|---|---|---|---|",
    ]
    for name in names:
        lookup = servers[name]["lookup"]
        lines.append(
            f"| {name} | {servers[name]['startup_s']} | {lookup['rps']:,.0f} | "
            f"{lookup['p99_ms']:.1f} | {lookup['non_2xx']} |"
        )
    queried = [n for n in names if servers[n]["named"]]
    queries = sorted({q for n in queried for q in servers[n]["named"]})
    lines += ["", "Named queries, median / p99 latency in ms (rows):", ""]
    lines += ["| query | rows | " + " | ".join(queried) + " |", "|---|---|" + "---|" * len(queried)]
    for query in queries:
        counts = [servers[n]["named"].get(query, {}).get("rows") for n in queried]
        rows = next((c for c in counts if c is not None), "–")
        cells = [_cell(servers[n]["named"].get(query, {})) for n in queried]
        lines.append(f"| `{query}` | {rows} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print("\n".join(report(Path(p)) for p in sys.argv[1:]))
