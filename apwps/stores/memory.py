"""The embedded store: Oxigraph in memory, queried over the union of its named graphs.

Chosen over rdflib's own SPARQL engine by measurement (bench/engines.md): it answers this project's
named queries one to two orders of magnitude faster and loads the built dump in a fraction of the time.

The store keeps its own copy of the dataset with the union of the named graphs written into the
default graph, as `publish` does on an external engine: the union is then a set (Oxigraph's
union-default-graph option repeats a triple once per graph that holds it), `FROM` and `FROM NAMED`
select among the graphs held, and both stores give the same answers.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from apwps.errors import QueryError
from apwps.executor import Emit, Pool
from apwps.formats import BY_NAME, Format
from apwps.guard import CheckedQuery
from apwps.results import ChunkWriter, take, write
from apwps.stores.base import (
    UNION_QUERY,
    Answer,
    AskResult,
    Dataset,
    GraphResult,
    Limits,
    QueryResult,
    SelectResult,
    Store,
    cut,
    solution_rows,
)
from apwps.terms import from_rdflib, to_rdflib_graph


def _with_union(source: ox.Store | None, target: ox.Store) -> ox.Store:
    """`target` holding `source`'s quads and, in its default graph, the union of its named graphs."""
    if source is not None:
        target.bulk_load(
            ox.serialize(source, format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS
        )
    constructed: Any = target.query(UNION_QUERY)
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
    def _options(dataset: Dataset) -> dict[str, Any]:
        options: dict[str, Any] = {}
        try:
            if dataset.default_graphs or dataset.named_graphs:
                # The dataset given by the caller (the protocol's graph parameters) overrides the
                # query's own FROM clauses.
                options["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graphs or ()]
                options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs or ()]
            if dataset.bindings:
                options["substitutions"] = {
                    ox.Variable(name): from_rdflib(term) for name, term in dataset.bindings.items()
                }
        except ValueError as exc:  # pyoxigraph refuses an IRI that is not one
            raise QueryError(f"not a valid IRI: {exc}") from exc
        return options

    def raw_query(self, text: str, dataset: Dataset | None = None) -> Any:
        """The engine's own result object (for callers that serialise it directly)."""
        try:
            return self.oxigraph.query(text, **self._options(dataset or Dataset()))
        except SyntaxError as exc:
            raise malformed(exc) from exc
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def _query(self, text: str, dataset: Dataset, max_rows: int | None) -> QueryResult:
        result = self.raw_query(text, dataset)
        try:
            if isinstance(result, ox.QueryBoolean):
                return AskResult(bool(result))
            if isinstance(result, ox.QuerySolutions):
                variables = [v.value for v in result.variables]
                rows, truncated = cut(solution_rows(result), max_rows)
                return SelectResult(variables, rows, truncated)
            triples, truncated = cut(result, max_rows)
            return GraphResult(to_rdflib_graph(triples), truncated)
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def _solutions(self, text: str, dataset: Dataset) -> Any:
        result = self.raw_query(text, dataset)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        return result

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

    def _stream(self, query: CheckedQuery, fmt: Format, dataset: Dataset, limits: Limits) -> Answer:
        max_rows, time_limit_ms = limits.max_rows, limits.time_limit_ms
        if self._pool is None:
            self._pool = Pool(self._run, self.processes)
        job = (query.text, self._options(dataset), fmt.name, max_rows, query.prefixes)
        execution = self._pool.run(job, limit_ms=time_limit_ms)
        return Answer(execution.head, fmt, execution.chunks(), execution.close)

    def load_nquads(self, data: bytes) -> None:
        self.oxigraph.clear()
        self.oxigraph.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        _with_union(None, self.oxigraph)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
