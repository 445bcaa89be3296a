"""The query guard: every query text passes here once before any engine sees it.

It refuses what a public, read-only endpoint must never run (SPARQL Update, `LOAD`, `SERVICE`), and
finds what the rest of the pipeline needs to know in advance: the query form (to negotiate the
answer's format before running anything), the `FROM`/`FROM NAMED` clauses (dataset selection over
the graphs already held) and the declared prefixes.

How, and why this way: the text is split into SPARQL tokens (comments, strings, IRIs, variables and
prefixed names are tokens of their own, so a word inside them is never mistaken for a keyword), after
the codepoint escapes (`\\u0053ERVICE`) that SPARQL resolves before parsing. When the word `SERVICE`
occurs anywhere, the query is also parsed with rdflib and its algebra searched for SERVICE patterns;
rdflib's parser costs milliseconds, so it runs only then, and its verdict is cached. Syntax errors
are left to the engine, whose messages carry line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from apwps.errors import QueryError, QueryRefused

FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_KEYWORDS = frozenset(
    ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "COPY", "MOVE", "ADD", "WITH")
)

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SERVICE_WORD = re.compile(r"service", re.IGNORECASE)
_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    | (?P<pname>(?:[^\W\d_][\w.\-]*)?:(?:[\w:%\-]|\\[^\s]|\.(?=[\w:%\-]))*)
    | (?P<blank>_:[\w.\-]*)
    | (?P<word>[^\W\d_]\w*)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class CheckedQuery:
    """A query the guard let through, with what was learnt about it."""

    text: str
    form: str | None  # SELECT, CONSTRUCT, DESCRIBE or ASK; None: left to the engine to judge
    has_dataset: bool  # FROM or FROM NAMED: the query selects its own dataset
    prefixes: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """`graph` for CONSTRUCT/DESCRIBE answers, `results` for SELECT/ASK."""
        return "graph" if self.form in ("CONSTRUCT", "DESCRIBE") else "results"


def unescape(text: str) -> str:
    """The text with SPARQL codepoint escapes resolved, as the grammar sees it."""

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)

    return _ESCAPE.sub(replace, text)


def tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) of each token that is query syntax; comments dropped."""
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "comment":
            found.append((kind, match.group()))
    return found


def _services_in_algebra(text: str) -> list[str] | None:
    """The SERVICE targets rdflib finds in the parsed query; None when rdflib cannot parse it."""
    from pyparsing import ParseException, ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(text)
    except (ParseException, ValueError, TypeError, RecursionError):
        return None
    targets: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                term = node.get("term")
                targets.append(term.n3() if hasattr(term, "n3") else str(term))
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple, ParseResults)):
            for value in node:
                walk(value)

    walk(tree)
    return targets


def _refuse_service(target: str | None) -> QueryRefused:
    where = f" {target}" if target else ""
    return QueryRefused(
        f"SERVICE{where} is refused: this endpoint answers from its own graph only and makes no "
        "requests to other services (federate on your side, with the results of each endpoint)"
    )


def check(text: str, *, max_query_bytes: int) -> CheckedQuery:
    """The query, checked; raises QueryRefused for updates and SERVICE, QueryError for bad input."""
    if not text.strip():
        raise QueryError("the query is empty")
    size = len(text.encode("utf-8"))
    if max_query_bytes and size > max_query_bytes:
        raise QueryError(
            f"the query is {size} bytes long; the limit is {max_query_bytes} bytes "
            "(setting max_query_bytes)"
        )
    return _check(text)


@lru_cache(maxsize=2048)
def _check(text: str) -> CheckedQuery:
    plain = unescape(text)
    found = tokens(plain)
    words = [value.upper() for kind, value in found if kind == "word"]
    updates = [w for w in words if w in UPDATE_KEYWORDS]
    if updates:
        raise QueryRefused(
            f"SPARQL Update ({updates[0]}) is refused: this endpoint is read-only and answers "
            "queries only (SELECT, ASK, CONSTRUCT, DESCRIBE)"
        )
    if "SERVICE" in words:
        targets = _services_in_algebra(plain)
        raise _refuse_service(targets[0] if targets else None)
    if _SERVICE_WORD.search(text) or _SERVICE_WORD.search(plain):
        targets = _services_in_algebra(plain)
        if targets:
            raise _refuse_service(targets[0])
    form = next((w for w in words if w in FORMS), None)
    return CheckedQuery(text, form, "FROM" in words, _prefixes(found))


def query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the form of a query, read from its tokens."""
    words = (value.upper() for kind, value in tokens(unescape(text)) if kind == "word")
    return next((w for w in words if w in FORMS), None)


def _prefixes(found: list[tuple[str, str]]) -> dict[str, str]:
    """`PREFIX p: <iri>` declarations, to write answers with the same prefixes."""
    prefixes: dict[str, str] = {}
    for index in range(len(found) - 2):
        (k0, v0), (k1, v1), (k2, v2) = found[index : index + 3]
        if k0 == "word" and v0.upper() == "PREFIX" and k1 == "pname" and k2 == "iri":
            prefixes[v1.rstrip(":")] = v2[1:-1]
    return prefixes
