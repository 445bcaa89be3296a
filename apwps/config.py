"""The one table of settings: every setting once, with its unit in its name, its default and its help.

Later sources win: the defaults here, then a TOML settings file (`apwps.toml` in the project root, or
the file named by `APWPS_CONFIG`), then `APWPS_<NAME>` environment variables, then explicit overrides
(command-line options or a test's settings).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apwps.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    """One row of the settings table."""

    name: str
    type: type
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("root", str, ".", "Project directory holding ontology/, shapes/, data/ and queries/."),
    Setting(
        "dist_dir", str, "dist", "Where `build` writes dumps (relative to `root` unless absolute)."
    ),
    Setting("base_iri", str, "https://w3id.org/apwps/", "Base of every IRI the graph mints."),
    Setting(
        "public_url",
        str,
        "",
        "The URL the server is reached at, when it differs from `base_iri` "
        "(empty: IRIs under `base_iri` are mapped to this server's own paths).",
    ),
    Setting(
        "store", str, "memory", "`memory` (embedded Oxigraph) or `sparql` (an external engine)."
    ),
    Setting("sparql_query_url", str, "", "Query endpoint of the external engine (store = sparql)."),
    Setting(
        "sparql_graph_store_url",
        str,
        "",
        "SPARQL 1.1 Graph Store Protocol endpoint of the external engine, used by `publish`.",
    ),
    Setting(
        "sparql_update_url", str, "", "Update endpoint of the external engine, used by `publish`."
    ),
    Setting(
        "sparql_user",
        str,
        "",
        "User name for the external engine's update and Graph Store endpoints, used by `publish` "
        "(empty: no credentials are sent).",
    ),
    Setting(
        "sparql_password",
        str,
        "",
        "Password for `sparql_user` (Basic or Digest, as the engine asks); never logged. "
        "Prefer the environment variable to a file or a command line.",
    ),
    Setting("remote_timeout_s", float, 30.0, "Seconds to wait for the external engine."),
    Setting(
        "publish_batch_triples",
        int,
        20_000,
        "Most triples `publish` sends in one SPARQL Update request (and moves in one request "
        "when it swaps the staged graphs in).",
    ),
    Setting(
        "publish_timeout_s",
        float,
        600.0,
        "Seconds `publish` waits for one update request (moving a large graph is one request).",
    ),
    Setting("host", str, "127.0.0.1", "Address `serve` listens on."),
    Setting("port", int, 5000, "Port `serve` listens on (0 picks a free port)."),
    Setting("workers", int, 2, "Server processes started by `serve`."),
    Setting("threads", int, 4, "Threads per server process."),
    Setting(
        "header_read_timeout_ms",
        int,
        10_000,
        "Time a client has to send its request line and headers before the connection is closed.",
    ),
    Setting(
        "upload_slots",
        int,
        3,
        "Threads per server process that may receive request bodies at once (at most threads - 1: "
        "one thread always answers requests without a body, so trickled bodies cannot take all).",
    ),
    Setting(
        "max_header_bytes",
        int,
        16_384,
        "Largest request line plus headers accepted; a longer one is refused with 431.",
    ),
    Setting("query_time_limit_ms", int, 10_000, "A query running longer is stopped with an error."),
    Setting("max_result_rows", int, 10_000, "Results are cut after this many rows (and say so)."),
    Setting("max_query_bytes", int, 20_000, "Longest query text accepted."),
    Setting("max_request_bytes", int, 1_000_000, "Largest request body accepted."),
    Setting(
        "curator_token",
        str,
        "",
        "Token that allows submitting entries; empty means no writes are accepted.",
    ),
    Setting(
        "submissions_log",
        str,
        "var/submissions.ttl",
        "Where accepted submissions are recorded in PROV terms (relative to `root` unless absolute; "
        "kept outside data/, which holds only content).",
    ),
    Setting(
        "check_consistency", bool, True, "Run the OWL reasoner's consistency check in `build`."
    ),
    Setting(
        "search_max_results",
        int,
        20,
        "Most matches `/search` returns in one answer (a `limit` parameter may ask for fewer).",
    ),
    Setting(
        "search_index_max_names",
        int,
        1_000_000,
        "Most names (labels, titles, alternative labels) the search index of a server process "
        "holds; a graph with more is searched in the first this many.",
    ),
    Setting(
        "resource_max_incoming_links",
        int,
        1_000,
        "Most links into one resource that its page and RDF document list; a page counts the "
        "rest and links to a query for them.",
    ),
    Setting(
        "collection_page_entries",
        int,
        200,
        "Entries on one page of a collection (`/id/frameworks?page=2`), in HTML and in RDF.",
    ),
    Setting(
        "collection_cache_max_entries",
        int,
        200_000,
        "Most collection entries a server process keeps for pages and 404 suggestions, in all "
        "collections (about 750 bytes each); the collections used least recently are dropped.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """The settings in force. Build one with `load_settings`; never mutate it."""

    root: str = "."
    dist_dir: str = "dist"
    base_iri: str = "https://w3id.org/apwps/"
    public_url: str = ""
    store: str = "memory"
    sparql_query_url: str = ""
    sparql_graph_store_url: str = ""
    sparql_update_url: str = ""
    sparql_user: str = ""
    sparql_password: str = field(default="", repr=False)
    remote_timeout_s: float = 30.0
    publish_batch_triples: int = 20_000
    publish_timeout_s: float = 600.0
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 2
    threads: int = 4
    header_read_timeout_ms: int = 10_000
    upload_slots: int = 3
    max_header_bytes: int = 16_384
    query_time_limit_ms: int = 10_000
    max_result_rows: int = 10_000
    max_query_bytes: int = 20_000
    max_request_bytes: int = 1_000_000
    curator_token: str = field(default="", repr=False)
    submissions_log: str = "var/submissions.ttl"
    check_consistency: bool = True
    search_max_results: int = 20
    search_index_max_names: int = 1_000_000
    resource_max_incoming_links: int = 1_000
    collection_page_entries: int = 200
    collection_cache_max_entries: int = 200_000

    @property
    def root_path(self) -> Path:
        return Path(self.root).resolve()

    @property
    def dist_path(self) -> Path:
        dist = Path(self.dist_dir)
        return dist if dist.is_absolute() else self.root_path / dist

    def replace(self, **changes: Any) -> Settings:
        return load_settings(overrides=changes, base=self, read_environment=False)


def _coerce(setting: Setting, value: Any, origin: str) -> Any:
    """Turn a value from a file, environment or option into the setting's type."""
    try:
        if setting.type is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(f"expected true or false, found {value!r}")
        if setting.type is int and isinstance(value, float):
            raise ValueError(f"expected a whole number, found {value!r}")
        coerced = setting.type(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"setting {setting.name!r} ({origin}): {exc if 'expected' in str(exc) else value!r} "
            f"is not a valid {setting.type.__name__}"
        ) from exc
    if setting.type in (int, float) and coerced < 0:
        raise ConfigError(
            f"setting {setting.name!r} ({origin}) must not be negative, found {value!r}"
        )
    return coerced


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    base: Settings | None = None,
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    read_environment: bool = True,
) -> Settings:
    """Resolve the settings: defaults, then the settings file, then the environment, then overrides."""
    values: dict[str, Any] = dataclasses.asdict(base) if base else {}
    env = os.environ if environ is None else environ

    if read_environment:
        path = config_file or env.get("APWPS_CONFIG")
        root = Path(
            str((overrides or {}).get("root") or env.get("APWPS_ROOT") or values.get("root", "."))
        )
        candidate = Path(path) if path else root / "apwps.toml"
        if path and not candidate.is_file():
            raise ConfigError(f"settings file {candidate} does not exist (named by APWPS_CONFIG)")
        if candidate.is_file():
            try:
                table = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"settings file {candidate}: {exc}") from exc
            for key, value in table.items():
                if key not in _BY_NAME:
                    raise ConfigError(f"settings file {candidate}: unknown setting {key!r}")
                values[key] = _coerce(_BY_NAME[key], value, str(candidate))
        for setting in SETTINGS:
            name = "APWPS_" + setting.name.upper()
            if name in env:
                values[setting.name] = _coerce(setting, env[name], f"environment {name}")

    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key not in _BY_NAME:
            raise ConfigError(f"unknown setting {key!r}")
        values[key] = _coerce(_BY_NAME[key], value, "override")
    return Settings(**values)
