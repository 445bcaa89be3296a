"""An experiment, not a way to serve: the endpoint with every query run in the serving thread
(no worker processes, so no time limit), to measure what the killable workers cost.

    python bench/endpoint/run.py --servers apwps,inprocess,ceiling
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import serve_nq  # type: ignore[import-not-found]

from apwps.formats import Format
from apwps.guard import CheckedQuery
from apwps.results import chunks, take
from apwps.stores.base import Answer
from apwps.stores.memory import MemoryStore


def stream_in_thread(
    self: MemoryStore,
    query: CheckedQuery,
    fmt: Format,
    *,
    bindings: Mapping[str, Any] | None = None,
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
    max_rows: int | None = None,
    time_limit_ms: int = 0,
) -> Answer:
    result = self.oxigraph.query(
        query.text, **self._options(bindings, default_graphs, named_graphs)
    )
    head, payload = take(result, max_rows)
    return Answer(head, fmt, chunks(head, payload, fmt, query.prefixes), lambda: None)


if __name__ == "__main__":
    MemoryStore.stream = stream_in_thread  # type: ignore[method-assign]
    serve_nq.main()
