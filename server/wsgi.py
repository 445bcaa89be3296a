"""Running the app under granian: an HTTP server whose connection handling is compiled (Rust), so
that reading requests, keep-alive and slow clients cost no Python thread, while the app runs in a
few blocking threads per worker process. Workers are forked after the store is loaded, so they
share it copy-on-write."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from flask import Flask
from granian import Granian
from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels

from apwps.config import Settings

# Threads of the app live as long as the worker: granian ends idle ones after this many seconds,
# and a fresh thread per burst would cost more than an idle one (600 is granian's maximum).
_THREAD_IDLE_S = 600


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def server_options(settings: Settings, port: int) -> dict[str, Any]:
    """granian's options from the settings (what each means: docs/settings.md)."""
    return {
        "address": settings.host,
        "port": port,
        "interface": Interfaces.WSGI,
        "http": HTTPModes.http1,
        "workers": max(1, settings.workers),
        "blocking_threads": max(1, settings.threads),
        "blocking_threads_idle_timeout": _THREAD_IDLE_S,
        "backlog": 1024,
        # Requests queued per worker beyond its threads wait in the compiled layer, not in Python.
        "backpressure": max(1, settings.threads) * 32,
        "http1_settings": HTTP1Settings(
            header_read_timeout=max(1, settings.header_read_timeout_ms),
            keep_alive=True,
            max_buffer_size=max(8192, settings.max_header_bytes),
        ),
        "log_enabled": True,
        "log_level": LogLevels.warning,
        "log_access": False,  # the app writes one JSON line per request (server.logging)
        "workers_kill_timeout": 5,
        "respawn_failed_workers": True,
    }


def run(app: Flask, settings: Settings, log: Callable[[str], None]) -> None:
    port = settings.port or free_port(settings.host)
    log(f"serving on http://{settings.host}:{port}/ ({app.extensions['apwps'].store.description})")
    server = Granian("apwps", **server_options(settings, port))
    # The app is already built (store loaded); each forked worker takes it as it is.
    server.serve(target_loader=lambda *_args, **_kwargs: app, wrap_loader=False)
