"""An experiment, not a way to serve: the endpoint with every query run in the serving thread
(no worker processes, so no time limit), to measure what the killable workers cost.

    python bench/endpoint/run.py --servers apwps,inprocess,ceiling
"""

from __future__ import annotations

import serve_nq  # type: ignore[import-not-found]

from apwps.formats import Format
from apwps.guard import CheckedQuery
from apwps.results import chunks, take
from apwps.stores.base import Answer, Dataset, Limits
from apwps.stores.memory import MemoryStore


def stream_in_thread(
    self: MemoryStore, query: CheckedQuery, fmt: Format, dataset: Dataset, limits: Limits
) -> Answer:
    result = self.oxigraph.query(query.text, **self._options(dataset))
    head, payload = take(result, limits.max_rows)
    return Answer(head, fmt, chunks(head, payload, fmt, query.prefixes), lambda: None)


if __name__ == "__main__":
    MemoryStore._stream = stream_in_thread  # type: ignore[method-assign]
    serve_nq.main()
