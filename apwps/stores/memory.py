"""The embedded store: Oxigraph in memory, queried over the union of its named graphs.

Chosen over rdflib's own SPARQL engine by measurement (bench/engines.md): it answers this project's
named queries one to two orders of magnitude faster and loads the built dump in a fraction of the time.

The store keeps its own copy of the dataset with the union of the named graphs written into the
default graph, as `publish` does on an external engine: the union is then a set (Oxigraph's
union-default-graph option repeats a triple once per graph that holds it), `FROM` and `FROM NAMED`
select among the graphs held, and both stores give the same answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import islice
from typing import Any

import pyoxigraph as ox
from rdflib.term import Node

from apwps.errors import QueryError
from apwps.executor import Emit, Pool
from apwps.formats import BY_NAME, Format
from apwps.guard import CheckedQuery
from apwps.results import ChunkWriter, take, write
from apwps.stores.base import (
    Answer,
    AskResult,
    Counts,
    GraphResult,
    QueryResult,
    SelectResult,
    Store,
)
from apwps.terms import from_rdflib, to_rdflib, to_rdflib_graph

_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def _with_union(source: ox.Store | None, target: ox.Store) -> ox.Store:
    """`target` holding `source`'s quads and, in its default graph, the union of its named graphs."""
    if source is not None:
        target.bulk_load(
            ox.serialize(source, format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS
        )
    constructed: Any = target.query(_UNION)
    union = ox.serialize(constructed, format=ox.RdfFormat.N_TRIPLES)
    if union:
        target.bulk_load(union, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    return target


def malformed(exc: SyntaxError) -> QueryError:
    """The engine's syntax error, with its line and column, as a domain error."""
    return QueryError(f"malformed query: {exc}")


class MemoryStore(Store):
    """Oxigraph in memory. Safe to share between threads; fork-friendly once loaded.

    `processes` bounds the worker processes that `stream` runs queries in (per serving process).
    The given store is copied unless `copy=False` says it belongs to this object alone.
    """

    description = "embedded Oxigraph store (in memory)"

    def __init__(
        self, store: ox.Store | None = None, *, processes: int = 4, copy: bool = True
    ) -> None:
        # `copy=False` hands the store over (nobody else may use it): the union is added in place.
        self.oxigraph = (
            _with_union(None, store)
            if store is not None and not copy
            else (_with_union(store, ox.Store()))
        )
        self.processes = processes
        self._pool: Pool | None = None

    @staticmethod
    def _options(
        bindings: Mapping[str, Node] | None,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
    ) -> dict[str, Any]:
        options: dict[str, Any] = {}
        try:
            if default_graphs is not None or named_graphs is not None:
                # The dataset given by the caller (the protocol's graph parameters) overrides the
                # query's own FROM clauses.
                options["default_graph"] = [ox.NamedNode(g) for g in default_graphs or ()]
                options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or ()]
            if bindings:
                options["substitutions"] = {
                    ox.Variable(name): from_rdflib(term) for name, term in bindings.items()
                }
        except ValueError as exc:  # pyoxigraph refuses an IRI that is not one
            raise QueryError(f"not a valid IRI: {exc}") from exc
        return options

    def raw_query(
        self,
        text: str,
        *,
        bindings: Mapping[str, Node] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> Any:
        """The engine's own result object (for callers that serialise it directly)."""
        options = self._options(bindings, default_graphs or None, named_graphs or None)
        try:
            return self.oxigraph.query(text, **options)
        except SyntaxError as exc:
            raise malformed(exc) from exc
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def query(
        self,
        text: str,
        *,
        bindings: Mapping[str, Node] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        result = self.raw_query(
            text, bindings=bindings, default_graphs=default_graphs, named_graphs=named_graphs
        )
        try:
            if isinstance(result, ox.QueryBoolean):
                return AskResult(bool(result))
            if isinstance(result, ox.QuerySolutions):
                variables = [v.value for v in result.variables]
                taken = list(islice(result, max_rows + 1)) if max_rows is not None else list(result)
                truncated = max_rows is not None and len(taken) > max_rows
                rows = [
                    {
                        name: to_rdflib(solution[name])
                        for name in variables
                        if solution[name] is not None
                    }
                    for solution in taken[:max_rows]
                ]
                return SelectResult(variables, rows, truncated)
            triples = list(islice(result, max_rows + 1)) if max_rows is not None else list(result)
            truncated = max_rows is not None and len(triples) > max_rows
            return GraphResult(to_rdflib_graph(triples[:max_rows]), truncated)
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from exc

    # --- streamed, time-limited answers ----------------------------------------------------------

    def _run(
        self, job: tuple[str, dict[str, Any], str, int | None, dict[str, str]], emit: Emit
    ) -> bool:
        """Runs in a worker process: evaluate, then send the written answer, whole when small,
        else the head and then the chunks."""
        text, options, fmt_name, max_rows, prefixes = job
        try:
            result = self.oxigraph.query(text, **options)
            head, payload = take(result, max_rows)
        except SyntaxError as exc:
            raise malformed(exc) from exc
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from exc
        started = False

        def send(data: bytes) -> None:
            nonlocal started
            if not started:
                emit("head", head)
                started = True
            emit("chunk", data)

        writer = ChunkWriter(send)
        write(head, payload, BY_NAME[fmt_name], writer, prefixes)  # type: ignore[arg-type]
        if not started:
            emit("whole", (head, writer.pending()))
            return True
        writer.flush_chunk()
        return False

    def stream(
        self,
        query: CheckedQuery,
        fmt: Format,
        *,
        bindings: Mapping[str, Node] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
        time_limit_ms: int = 0,
    ) -> Answer:
        if self._pool is None:
            self._pool = Pool(self._run, self.processes)
        options = self._options(bindings, default_graphs, named_graphs)
        job = (query.text, options, fmt.name, max_rows, query.prefixes)
        execution = self._pool.run(job, limit_ms=time_limit_ms)
        return Answer(execution.head, fmt, execution.chunks(), execution.close)

    def load_nquads(self, data: bytes) -> None:
        self.oxigraph.clear()
        self.oxigraph.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        _with_union(None, self.oxigraph)

    def counts(self) -> Counts:
        per_graph: dict[str, int] = {}
        rows: Any = self.oxigraph.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        for row in rows:
            per_graph[row["g"].value] = int(row["n"].value)
        union: Any = self.oxigraph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return Counts(per_graph, int(next(iter(union))["n"].value))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
