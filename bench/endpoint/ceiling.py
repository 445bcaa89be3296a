"""The ceiling of the web stack: a Flask app that answers every request with the same small SPARQL
JSON document, served exactly as `apwps serve` serves the endpoint (server.wsgi.run: gunicorn,
the same workers, threads and logging). No query is parsed or run."""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask, Response

from apwps.config import load_settings
from server.wsgi import run

ROOT = Path(__file__).resolve().parents[2]
ANSWER = b'{"head":{"vars":["p","o"]},"results":{"bindings":[]}}\n'


def main() -> None:
    port = int(sys.argv[1])
    settings = load_settings({"root": str(ROOT), "port": port}, read_environment=False)
    app = Flask(__name__)

    @app.get("/sparql")
    def answer() -> Response:
        return Response(ANSWER, content_type="application/sparql-results+json; charset=utf-8")

    app.extensions["apwps"] = type("Ctx", (), {"store": type("S", (), {"description": "none"})()})()
    run(app, settings, log=lambda m: print(m, file=sys.stderr, flush=True))


if __name__ == "__main__":
    main()
