"""Serve an N-Quads file with this project's endpoint, exactly as `apwps serve` does (gunicorn,
preloaded store, every safety feature on), for the benchmark's synthetic data."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

from apwps.config import load_settings
from apwps.stores.memory import MemoryStore
from server import create_app
from server.wsgi import run

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    data, port = sys.argv[1], int(sys.argv[2])
    settings = load_settings({"root": str(ROOT), "port": port}, read_environment=False)
    source = ox.Store()
    source.bulk_load(path=data, format=ox.RdfFormat.N_QUADS)
    store = MemoryStore(source, processes=settings.threads, copy=False)
    app = create_app(settings, store=store)
    run(app, settings, log=lambda m: print(m, file=sys.stderr, flush=True))


if __name__ == "__main__":
    main()
