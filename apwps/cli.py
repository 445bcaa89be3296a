"""The `apwps` command line: the composition root, and the only place errors become exit codes.

Exit codes: 0 success; 1 the data does not conform (violations); 2 bad input, bad settings, an
unknown query or an unreachable store.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from apwps import __version__, formats
from apwps.config import SETTINGS, Settings, load_settings
from apwps.errors import ApwpsError, ValidationFailed
from apwps.validate import Report, summary_line

F = TypeVar("F", bound=Callable[..., Any])
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2


def _log(message: str) -> None:
    click.echo(message, err=True)


def handle_errors(func: F) -> F:
    """Turn domain errors into one clear sentence on stderr and the documented exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationFailed as exc:
            report = getattr(exc, "report", None)
            if report is not None:
                # a failed build lists what breaks it; warnings and suggestions are for `validate`
                for finding in report.violations:
                    click.echo(finding.as_text(), err=True)
                counts = report.counts()
                click.echo(
                    f"({counts['Warning']} warnings and {counts['Info']} suggestions not shown: "
                    "run `apwps validate FILE` for an entry's full report)",
                    err=True,
                )
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_VIOLATIONS)
        except ApwpsError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)

    return wrapper  # type: ignore[return-value]


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    base: Settings = ctx.obj
    return base.replace(**{k: v for k, v in overrides.items() if v is not None})


def _parse_set(values: Sequence[str]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for item in values:
        if "=" not in item:
            raise click.BadParameter(f"expected NAME=VALUE, found {item!r}", param_hint="--set")
        key, value = item.split("=", 1)
        parsed[key.strip()] = value
    return parsed


SETTINGS_HELP = "\b\n" + "\n".join(
    f"  {s.name} (default {s.default!r}): {s.help}" for s in SETTINGS
)


@click.group(
    help="The AP-WPS Knowledge Graph: build, validate, query and serve it.",
    epilog="Settings (apwps.toml, APWPS_<NAME> environment variables, or --set NAME=VALUE):\n\n"
    + SETTINGS_HELP,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="apwps")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), help="Project directory.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file (TOML).",
)
@click.option(
    "--set", "set_values", multiple=True, metavar="NAME=VALUE", help="Override a setting."
)
@click.pass_context
def main(
    ctx: click.Context, root: Path | None, config_file: Path | None, set_values: tuple[str, ...]
) -> None:
    overrides: dict[str, Any] = _parse_set(set_values)
    if root is not None:
        overrides["root"] = str(root)
    try:
        ctx.obj = load_settings(overrides, config_file=config_file)
    except ApwpsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


@main.command(
    help="Load ontology/, shapes/ and data/, validate, infer, check consistency, write dist/."
)
@click.option("--skip-consistency", is_flag=True, help="Skip the HermiT consistency check.")
@click.option("--quiet", "-q", is_flag=True, help="Only print errors.")
@click.pass_context
@handle_errors
def build(ctx: click.Context, skip_consistency: bool, quiet: bool) -> None:
    from apwps.build import build as run_build

    settings = _settings(ctx, check_consistency=False if skip_consistency else None)
    built = run_build(settings, log=None if quiet else _log)
    manifest = built.manifest
    click.echo(
        f"built {settings.dist_path} in {built.seconds:.1f} s: {len(built.sources)} files, "
        f"{manifest['asserted']} triples asserted, {built.inferred} inferred"
    )


def _print_report(report: Report, output: str, names: Sequence[str]) -> None:
    if output == "json":
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    elif output == "turtle":
        click.echo(report.results_graph.serialize(format="turtle"))
    else:
        for finding in report.findings:
            click.echo(finding.as_text())
        click.echo(summary_line(report, names))


@main.command(
    help="Validate entry files against the shapes, in the context of the whole graph. FILES are "
    "Turtle, JSON-LD, RDF/XML, N-Triples, or the tabular form (.csv, .yaml; see docs/curators.md). "
    "Exit 0 when all conform, 1 on violations, 2 for unreadable or malformed input."
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="Report format (turtle: the standard SHACL validation report).",
)
@click.pass_context
@handle_errors
def validate(ctx: click.Context, files: tuple[Path, ...], output: str) -> None:
    from apwps.curation import CurationContext, submission_from_file

    settings = _settings(ctx)
    submissions = [submission_from_file(settings, path) for path in files]
    report = CurationContext.prepare(settings).validate(submissions)
    _print_report(report, output, [str(f) for f in files])
    sys.exit(0 if report.conforms else EXIT_VIOLATIONS)


class _KindsCommand(click.Command):
    """A command whose help lists the kinds of entry the shapes define."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from apwps.new import describe_kinds, kinds_from_files

        settings = ctx.find_root().obj
        try:
            lines = describe_kinds(kinds_from_files(settings)) if settings else []
        except ApwpsError as exc:
            lines = [f"(the shapes could not be read: {exc})"]
        with formatter.section("Kinds (from the shapes)"):
            formatter.write_text("\b\n" + ("\n".join(lines) or "(no shapes define a kind yet)"))


@main.command(
    "new",
    cls=_KindsCommand,
    help="Write a template entry of KIND: every field the shapes give it, explained in comments, "
    "with example values from the graph. Fill it in, then `apwps validate` it.",
)
@click.argument("kind")
@click.option("--slug", help="The entry's slug (lower-case words joined by hyphens).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (never over an existing one) instead of standard output.",
)
@click.pass_context
@handle_errors
def new(ctx: click.Context, kind: str, slug: str | None, output: Path | None) -> None:
    from apwps.curation import CurationContext
    from apwps.errors import InputError
    from apwps.new import template

    settings = _settings(ctx)
    if slug is not None and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        raise InputError(f"slug {slug!r}: use lower-case words joined by hyphens, e.g. my-entry")
    context = CurationContext.prepare(settings)
    found = context.kind(kind)
    if found is None:
        known = ", ".join(k.name for k in context.kinds) or "(no shapes define a kind yet)"
        raise InputError(f"unknown kind {kind!r}; known kinds: {known}")
    text = template(context, found, slug)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with output.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise InputError("exists already: choose another file name", source=output) from None
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", source=output) from exc
    click.echo(f"wrote {output}: fill it in, then run `apwps validate {output}`", err=True)


@main.command(help="Run a named query (see `apwps query --list`) or a .rq file against the graph.")
@click.argument("query", required=False)
@click.option(
    "--format",
    "output",
    default=None,
    help="json, xml, csv, tsv (SELECT/ASK); turtle, jsonld, rdfxml, ntriples (CONSTRUCT).",
)
@click.option(
    "--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Bind a parameter."
)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries.")
@click.pass_context
@handle_errors
def query(
    ctx: click.Context,
    query: str | None,
    output: str | None,
    params: tuple[str, ...],
    list_queries: bool,
) -> None:
    from apwps.catalogue import Catalogue
    from apwps.results import kind_of, serialize
    from apwps.stores.open import open_store

    settings = _settings(ctx)
    catalogue = Catalogue(settings.root_path / "queries")
    if list_queries or query is None:
        for named in catalogue:
            click.echo(f"{named.name}: {named.title}")
        return
    values = _parse_set(params)
    if query.endswith(".rq") and Path(query).is_file():
        text, bindings = Path(query).read_text(encoding="utf-8"), {}
        if values:
            from apwps.catalogue import read_query

            bindings = read_query(Path(query)).bindings(values)
    else:
        named = catalogue.get(query)
        text, bindings = named.text, named.bindings(values)
    store = open_store(settings, log=_log)
    result = store.query(text, bindings=bindings, max_rows=settings.max_result_rows)
    kind = kind_of(result)
    try:
        fmt = formats.by_name(output or ("turtle" if kind == "graph" else "csv"))
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--format") from None
    if fmt.kind != kind:
        choices = ", ".join(f.name for f in formats.FORMATS if f.kind == kind)
        raise click.BadParameter(
            f"{fmt.name} does not suit this answer; use one of {choices}", param_hint="--format"
        )
    sys.stdout.buffer.write(serialize(result, fmt))
    sys.stdout.flush()
    if getattr(result, "truncated", False):
        _log(f"note: the answer was cut at max_result_rows = {settings.max_result_rows}")


@main.command(help="Triples asserted and inferred, entities per class, entries per collection.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def stats(ctx: click.Context, as_json: bool) -> None:
    from apwps.stats import collect
    from apwps.stores.open import open_store

    settings = _settings(ctx)
    result = collect(settings, open_store(settings, log=_log))
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    click.echo(f"triples asserted: {result.asserted}")
    click.echo(f"triples inferred: {result.inferred}")
    click.echo(f"named graphs: {result.graphs}")
    click.echo("entities per class:")
    for name, count in result.entities_per_class.items():
        click.echo(f"  {name}: {count}")
    click.echo("entries per collection:")
    for name, count in result.entries_per_collection.items():
        click.echo(f"  {name}: {count}")


@main.command(
    help="Load the build into an external SPARQL engine. With an update endpoint (--update-url), "
    "the dump is streamed in SPARQL 1.1 Update requests of publish_batch_triples. Over an earlier "
    "publish it goes into staging graphs, swapped in (MOVE) once all are written, so the engine "
    "serves the earlier publish until then; into an engine without one it is written in place. A "
    "failed run says what the engine holds; running it again repairs it. Each named graph keeps "
    "its name, their union is the default graph, and graphs under <base_iri>graph/ that the build "
    "no longer has are dropped. Without an update endpoint: one Graph Store PUT per graph "
    "(--store-url; slow past about 100k triples). Credentials: sparql_user, sparql_password.",
    epilog="\b\nOxigraph: --endpoint URL/query --update-url URL/update\n"
    "Virtuoso: --endpoint URL/sparql --update-url URL/sparql-auth (Digest; see docs/engines.md)",
)
@click.option("--endpoint", help="The engine's query endpoint (sparql_query_url).")
@click.option("--update-url", help="The engine's SPARQL 1.1 Update endpoint (sparql_update_url).")
@click.option(
    "--store-url",
    help="The engine's Graph Store Protocol endpoint, used when there is no update endpoint.",
)
@click.option(
    "--dump",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Publish this N-Quads file instead of the build's dist/apwps.nq (no build is run).",
)
@click.option(
    "--infer",
    is_flag=True,
    help="Compute the inferred graph on the engine (the build's rules as SPARQL Update) instead of "
    "sending it: for graphs too large to build with inferences here.",
)
@click.pass_context
@handle_errors
def publish(
    ctx: click.Context,
    endpoint: str | None,
    update_url: str | None,
    store_url: str | None,
    dump: Path | None,
    infer: bool,
) -> None:
    from apwps.build import DUMP_NQUADS, is_fresh
    from apwps.build import build as run_build
    from apwps.errors import ConfigError
    from apwps.publish import publish as run_publish
    from apwps.stores.sparql import SparqlStore

    settings = _settings(
        ctx,
        sparql_query_url=endpoint,
        sparql_graph_store_url=store_url,
        sparql_update_url=update_url,
    )
    if not settings.sparql_update_url and (infer or not settings.sparql_graph_store_url):
        raise ConfigError(
            "publish needs the engine's update endpoint (--update-url, setting sparql_update_url)"
            + ("" if infer else ", or a Graph Store endpoint (--store-url)")
        )
    if dump is None:
        if not is_fresh(settings):
            run_build(settings, log=_log)
        dump = settings.dist_path / DUMP_NQUADS
    remote = SparqlStore(
        settings.sparql_query_url,
        graph_store_url=settings.sparql_graph_store_url,
        update_url=settings.sparql_update_url,
        timeout_s=settings.publish_timeout_s,
        user=settings.sparql_user,
        password=settings.sparql_password,
    )
    if settings.sparql_update_url:
        done = run_publish(settings, remote, dump, infer=infer, log=_log)
        how = "staged and swapped in" if done.staged else "written in place (no earlier publish)"
        inferred = (
            f", {done.inference.inferred} of them inferred by the engine" if done.inference else ""
        )
        dropped = (
            f"; dropped {len(done.dropped)} graphs the build no longer has" if done.dropped else ""
        )
        click.echo(
            f"published {done.triples} triples in {len(done.triples_per_graph)} named graphs"
            f"{inferred} to {settings.sparql_update_url}, {how}, in {done.requests} requests, "
            f"{done.seconds:.1f} s{dropped}"
        )
    else:
        remote.load_nquads(dump.read_bytes())
    counts = remote.counts()
    click.echo(
        f"the engine holds {len(counts.per_graph)} named graphs and "
        f"{counts.union} triples in the default graph"
    )


@main.command(help="Serve the graph: SPARQL endpoint, linked-data pages, validation page.")
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 5000; 0 picks a free one).")
@click.option("--store", type=click.Choice(["memory", "sparql"]), help="Which store to serve.")
@click.option("--workers", type=int, help="Server processes.")
@click.option("--threads", type=int, help="Threads per process.")
@click.pass_context
@handle_errors
def serve(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    store: str | None,
    workers: int | None,
    threads: int | None,
) -> None:
    from apwps.stores.open import open_store
    from server import create_app
    from server.wsgi import run

    settings = _settings(ctx, host=host, port=port, store=store, workers=workers, threads=threads)
    opened = open_store(settings, log=_log)
    app = create_app(settings, store=opened)
    run(app, settings, log=_log)


@main.command(
    "import-wps-index", help="Turn the WPS Index workbook into RDF Data Cube observations."
)
@click.argument(
    "workbook",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("sources/wps-index/WPS-Index-2025-Data.xlsx"),
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("data/observations/wps-index-2025-26.ttl"),
    show_default=True,
)
@click.pass_context
@handle_errors
def import_wps_index(ctx: click.Context, workbook: Path, output: Path) -> None:
    from apwps.importers.wps_index import run_import

    settings = _settings(ctx)
    root = settings.root_path
    source = workbook if workbook.is_absolute() else root / workbook
    target = output if output.is_absolute() else root / output
    count = run_import(source, target)
    click.echo(f"wrote {count} observations to {target}")


if __name__ == "__main__":  # pragma: no cover
    main()
