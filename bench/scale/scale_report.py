"""Tables (results.md) and a plot (growth.png) from bench/scale/results.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _size(key: str) -> str:
    n = int(key)
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def _cell(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:.1f}" if value < 100 else f"{value:.0f}"
    return f"{value}{unit}"


def _sizes(section: dict[str, Any]) -> list[str]:
    return sorted(section, key=int)


def _stage(row: dict[str, Any], stage: str) -> str:
    wall, cpu = row.get(stage), row.get("cpu_" + stage)
    if wall is None:
        return "–"
    return f"{_cell(wall)} s ({_cell(cpu)})"


def build_table(build: dict[str, Any]) -> list[str]:
    lines = [
        "Each cell: wall seconds (CPU seconds of the process tree).",
        "",
        "| data triples | files | asserted + inferred | load | inference | SHACL | HermiT | "
        "write dumps | total | peak RSS (tree) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key in _sizes(build):
        row = build[key]
        total = (row.get("asserted") or 0) + (row.get("inferred") or 0)
        hermit = _stage(row, "hermit_s") if row.get("consistency_checked") else "skipped"
        status = "" if row["returncode"] == 0 else f" (exit {row['returncode']})"
        lines.append(
            f"| {_size(key)} | {_cell(row.get('files'))} | {total:,} | "
            f"{_stage(row, 'load_s')} | {_stage(row, 'inference_s')} | "
            f"{_stage(row, 'shacl_s')} | {hermit} | {_stage(row, 'write_s')} | "
            f"{_cell(row['seconds'])} s ({_cell(row.get('cpu_seconds'))}){status} | "
            f"{row['peak_rss_mb']:,} MB |"
        )
    return lines


def latency_names(rows: list[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for row in rows:
        for name in row:
            if name not in names:
                names.append(name)
    return names


def latency_table(columns: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """One row per request, one column per (setup, size): median ms (p95 ms)."""
    names = latency_names([latencies for _, latencies in columns])
    lines = [
        "| request | " + " | ".join(title for title, _ in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for name in names:
        cells = []
        for _, latencies in columns:
            cell = latencies.get(name)
            if cell is None:
                cells.append("–")
                continue
            flag = "" if cell["status"] == [200] else f" [{','.join(map(str, cell['status']))}]"
            cells.append(f"{cell['median_ms']:.1f} ({cell['p95_ms']:.0f}){flag}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def serve_table(serve: dict[str, Any], oxigraph: dict[str, Any]) -> list[str]:
    lines = [
        "| setup | size | start-up | memory after start (RSS / PSS) | peak during requests "
        "(RSS / PSS) |",
        "|---|---|---|---|---|",
    ]
    for key in _sizes(serve):
        row = serve[key]
        lines.append(
            f"| `apwps serve` (embedded, 2 workers) | {_size(key)} | {row['startup_s']:.1f} s | "
            f"{row['rss_mb_after_start']:,} / {row['pss_mb_after_start']:,} MB | "
            f"{row['peak_rss_mb']:,} / {row['peak_pss_mb']:,} MB |"
        )
    for key in _sizes(oxigraph):
        row = oxigraph[key]
        engine = row.get("engine")
        if engine:
            lines.append(
                f"| `oxigraph serve-read-only` | {_size(key)} | {engine['startup_s']:.1f} s | "
                f"{engine['rss_mb_after_start']:,} MB RSS | {engine['peak_rss_mb']:,} MB RSS |"
            )
        front = row.get("apwps_sparql")
        if front:
            lines.append(
                f"| `apwps serve --store sparql` over it | {_size(key)} | "
                f"{front['startup_s']:.1f} s | {front['rss_mb_after_start']:,} / "
                f"{front['pss_mb_after_start']:,} MB | {front['peak_rss_mb']:,} / "
                f"{front['peak_pss_mb']:,} MB |"
            )
    return lines


def loading_table(oxigraph: dict[str, Any]) -> list[str]:
    lines = [
        "| size | how | wall time (CPU s) | peak memory | disk |",
        "|---|---|---|---|---|",
    ]
    for key in _sizes(oxigraph):
        row = oxigraph[key]
        prepare = row.get("prepare")
        if prepare:
            lines.append(
                f"| {_size(key)} | generate + infer (bench/scale/prepare.py, no SHACL/HermiT) | "
                f"{prepare['seconds']:.0f} s ({prepare['cpu_seconds']:.0f}) | "
                f"{prepare['peak_rss_mb']:,} MB | – |"
            )
        load = row.get("bulk_load")
        if load:
            lines.append(
                f"| {_size(key)} | `oxigraph load` (dataset + union, bulk) | "
                f"{load['seconds']:.0f} s ({load['cpu_seconds']:.0f}) | {load['peak_rss_mb']:,} MB | "
                f"{load['disk_mb']:,} MB |"
            )
        publish = row.get("publish")
        if publish:
            status = "" if publish["returncode"] == 0 else f" (exit {publish['returncode']})"
            lines.append(
                f"| {_size(key)} | `apwps publish` (Graph Store Protocol, one PUT per graph){status} "
                f"| {publish['seconds']:.0f} s ({publish['cpu_seconds']:.0f} client) | "
                f"{publish['peak_rss_mb']:,} MB client, "
                f"{publish['engine_peak_rss_mb']:,} MB engine | {publish['disk_mb']:,} MB |"
            )
    return lines


FRONT_DATE = "2026-11-25"


def _ms(cell: dict[str, Any] | None) -> str:
    if not cell:
        return "–"
    flag = "" if cell.get("status", [200]) == [200] else f" [{','.join(map(str, cell['status']))}]"
    return f"{cell['median_ms']:,.0f} ms ({cell['p95_ms']:,.0f}){flag}"


def front_table(results: dict[str, Any]) -> list[str]:
    """Before (the `oxigraph` step's front, caches warmed at start, pages over unbound queries) and
    after (the `front` step) for each size measured both ways."""
    before_all = engine_figures(results)
    lines = [
        "| size | | start-up | memory after start (RSS / PSS) | after first search, crosswalk and "
        "WPS Index (RSS / PSS) | resource page, HTML | resource page, Turtle | hub page, HTML | "
        "first search | later searches |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key in _sizes(results.get("front", {})):
        after = results["front"][key]
        before = before_all.get(key, {}).get("apwps_sparql")
        if before:
            lines.append(
                f"| {_size(key)} | before | {before['startup_s']:.1f} s | "
                f"{before['rss_mb_after_start']:,} / {before['pss_mb_after_start']:,} MB | "
                f"(built at start) | {_ms(before['latency'].get('page-html'))} | "
                f"{_ms(before['latency'].get('page-turtle'))} | – | (built at start) | – |"
            )
        latency = after["latency"]
        lines.append(
            f"| {_size(key)} | after | {after['startup_s']:.1f} s | "
            f"{after['rss_mb_after_start']:,} / {after['pss_mb_after_start']:,} MB | "
            f"{after['rss_mb_after_views']:,} / {after['pss_mb_after_views']:,} MB | "
            f"{_ms(latency.get('page-html'))} | {_ms(latency.get('page-turtle'))} | "
            f"{_ms(latency.get('hub-page-html'))} | {after['first_search']['ms'] / 1000:.1f} s | "
            f"{_ms(latency.get('search'))} |"
        )
    return lines


def engine_figures(results: dict[str, Any]) -> dict[str, Any]:
    """The Oxigraph figures, with those of a separate serving run (`--reuse`) where the main run
    has none."""
    merged = {k: dict(v) for k, v in results.get("oxigraph", {}).items()}
    for key, served in results.get("oxigraph_served", {}).items():
        for part, value in served.items():
            merged.setdefault(key, {}).setdefault(part, value)
    return merged


def plot(results: dict[str, Any], out: Path) -> bool:
    """Build time and peak memory, and a few latencies, against size (log-log)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    build, serve = results.get("build", {}), results.get("serve", {})
    oxigraph = engine_figures(results)
    figure, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4.5))
    sizes = [int(k) for k in _sizes(build)]
    for stage in ("load_s", "inference_s", "shacl_s", "hermit_s"):
        points = [(n, build[str(n)].get("cpu_" + stage)) for n in sizes]
        points = [(n, v) for n, v in points if v]
        if points:
            left.plot(*zip(*points, strict=True), marker="o", label=stage.removesuffix("_s"))
    left.plot(sizes, [build[str(n)]["cpu_seconds"] for n in sizes], marker="s", label="total", lw=2)
    left.plot(
        sizes,
        [build[str(n)]["seconds"] for n in sizes],
        ls="--",
        color="grey",
        label="total, wall (shared machine)",
    )
    left.set(
        xscale="log",
        yscale="log",
        xlabel="data triples",
        ylabel="CPU seconds",
        title="apwps build: CPU time per stage",
    )
    left.legend()
    middle.plot(
        sizes, [build[str(n)]["peak_rss_mb"] for n in sizes], marker="o", label="build (peak RSS)"
    )
    served = [int(k) for k in _sizes(serve)]
    middle.plot(
        served,
        [serve[str(n)]["peak_pss_mb"] for n in served],
        marker="o",
        label="apwps serve, embedded (peak PSS)",
    )
    engines = [int(k) for k in _sizes(oxigraph) if "engine" in oxigraph[k]]
    middle.plot(
        engines,
        [oxigraph[str(n)]["engine"]["peak_rss_mb"] for n in engines],
        marker="s",
        label="oxigraph serve-read-only (peak RSS)",
    )
    fronts = [int(k) for k in _sizes(oxigraph) if "apwps_sparql" in oxigraph[k]]
    middle.plot(
        fronts,
        [oxigraph[str(n)]["apwps_sparql"]["peak_pss_mb"] for n in fronts],
        marker="^",
        label="apwps serve --store sparql (peak PSS)",
    )
    middle.set(xscale="log", yscale="log", xlabel="data triples", ylabel="MB", title="memory")
    middle.legend(fontsize=8)
    for name, style in (("lookup", "-"), ("count-per-class", "--"), ("label-scan", ":")):
        points = [(n, serve[str(n)]["latency"][name]["median_ms"]) for n in served]
        right.plot(
            *zip(*points, strict=True), marker="o", ls=style, color="C0", label=f"{name}, embedded"
        )
        if engines:
            points = [
                (n, oxigraph[str(n)]["engine"]["latency"][name]["median_ms"]) for n in engines
            ]
            right.plot(
                *zip(*points, strict=True),
                marker="s",
                ls=style,
                color="C2",
                label=f"{name}, Oxigraph server",
            )
        if fronts:
            points = [
                (n, oxigraph[str(n)]["apwps_sparql"]["latency"][name]["median_ms"]) for n in fronts
            ]
            right.plot(
                *zip(*points, strict=True),
                marker="^",
                ls=style,
                color="C3",
                label=f"{name}, apwps over Oxigraph",
            )
    right.set(
        xscale="log",
        yscale="log",
        xlabel="data triples",
        ylabel="median ms",
        title="query latency (loopback)",
    )
    right.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(out, dpi=110)
    return True


def write_report(results: dict[str, Any], here: Path) -> None:
    build, serve = results.get("build", {}), results.get("serve", {})
    oxigraph = engine_figures(results)
    columns: list[tuple[str, dict[str, Any]]] = [
        (f"embedded {_size(k)}", serve[k]["latency"]) for k in _sizes(serve)
    ]
    for key in _sizes(oxigraph):
        if "engine" in oxigraph[key]:
            columns.append((f"Oxigraph {_size(key)}", oxigraph[key]["engine"]["latency"]))
        if "apwps_sparql" in oxigraph[key]:
            columns.append(
                (f"apwps→Oxigraph {_size(key)}", oxigraph[key]["apwps_sparql"]["latency"])
            )
    plotted = plot(results, here / "growth.png")
    notes = (here / "notes.md").read_text(encoding="utf-8") if (here / "notes.md").is_file() else ""
    lines = [
        "# Scale: build and serve from 10k to 10M triples",
        "",
        "Generated by `python bench/scale/run.py report` from `results.json`; the text between the "
        "tables is `notes.md`.",
        "",
        notes.strip(),
        "",
        "## `apwps build` on the embedded store",
        "",
        *build_table(build),
        "",
        "## Loading an Oxigraph server",
        "",
        *loading_table(oxigraph),
        "",
        "## Serving: start-up and memory",
        "",
        *serve_table(serve, oxigraph),
        "",
        "## Latency: median ms (95th percentile ms), loopback",
        "",
        "Requests per cell: see above (10, 5 at 10M; 2 for a request slower than 3 s). A status "
        "other than 200 is shown in brackets; runs of different columns met different loads.",
        "",
        *latency_table(columns),
        "",
    ]
    if plotted:
        lines += ["![build time, memory and latency against size](growth.png)", ""]
    if results.get("front"):
        front_notes = here / "front-notes.md"
        lines += [
            f"## External engine: lazy caches and page queries ({FRONT_DATE})",
            "",
            front_notes.read_text(encoding="utf-8").strip() if front_notes.is_file() else "",
            "",
            "Cells: median (95th percentile) of 20 requests (10 for hub pages), loopback; "
            "`python bench/scale/run.py front`.",
            "",
            *front_table(results),
            "",
        ]
    (here / "results.md").write_text("\n".join(lines), encoding="utf-8")
