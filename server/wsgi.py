"""Running the app under gunicorn: worker processes forked after the store is loaded (copy-on-write),
each with several threads."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from apwps.config import Settings


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def run(app: Flask, settings: Settings, log: Callable[[str], None]) -> None:
    port = settings.port or free_port(settings.host)
    log(f"serving on http://{settings.host}:{port}/ ({app.extensions['apwps'].store.description})")
    options = {
        "bind": f"{settings.host}:{port}",
        "workers": max(1, settings.workers),
        "threads": max(1, settings.threads),
        "worker_class": "gthread" if settings.threads > 1 else "sync",
        "preload_app": True,
        "timeout": max(30, settings.query_time_limit_ms // 1000 * 3),
        "graceful_timeout": 5,
        "accesslog": None,  # the app writes one JSON line per request (server.logging)
        "limit_request_line": 8190,
        "limit_request_fields": 100,
    }
    _Gunicorn(app, options).run()
