"""Domain errors: each names the file, line, field, IRI or setting a person must look at.

Only the command line (`apwps.cli`) and the web layer (`server.errors`) turn these into output.
"""

from __future__ import annotations

import re
from pathlib import Path


class ApwpsError(Exception):
    """Base of every error the project raises on purpose."""

    code = "error"


class ConfigError(ApwpsError):
    """A setting has a bad value; the message names the setting."""

    code = "bad_setting"


class InputError(ApwpsError):
    """Unreadable or malformed input: names the file (or field), and the line where known."""

    code = "bad_input"

    def __init__(
        self,
        message: str,
        *,
        source: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.source = str(source) if source is not None else None
        self.line = line
        self.column = column
        self.detail = message
        where = self.source or ""
        if line is not None:
            where += f":{line}" if where else f"line {line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}" if where else message)


class ImportDataError(InputError):
    """A source workbook or table does not have the expected shape (names sheet, row, column)."""

    code = "bad_source_data"


class UnknownQueryError(ApwpsError):
    """A named query that does not exist; lists the names that do."""

    code = "unknown_query"

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"no named query {name!r}; known queries: {', '.join(known) or '(none)'}")


_PARSER_POSITION = re.compile(r"\berror at (\d+):(\d+)")


class QueryError(ApwpsError):
    """A query that cannot be run: malformed, refused (update, SERVICE) or over a limit."""

    code = "bad_query"

    @property
    def position(self) -> tuple[int, int] | None:
        """Line and column (from 1) named by the SPARQL parser's message ("error at 3:2: ..."),
        so that clients can point at the spot without reading the sentence."""
        found = _PARSER_POSITION.search(str(self))
        return (int(found.group(1)), int(found.group(2))) if found else None


class QueryRefused(QueryError):
    """A query the endpoint refuses on principle (updates, SERVICE, LOAD)."""

    code = "query_refused"


class QueryTimeout(QueryError):
    """A query that ran past `query_time_limit_ms`."""

    code = "query_timeout"


class StoreError(ApwpsError):
    """A store that cannot be reached or fails; names the URL and the cause."""

    code = "store_unavailable"


class ValidationFailed(ApwpsError):
    """Data that does not conform to the shapes; carries the findings."""

    code = "not_conforming"
