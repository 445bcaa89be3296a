"""Fixtures in layers: settings, then the built dataset, then the app and its client, then real
servers (`live_server`: the project's own server process; `oxigraph_server`: a real Oxigraph server),
each on a free loopback port, printing its log when it fails to start."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, sync_playwright

from apwps.build import build
from apwps.config import Settings, load_settings
from apwps.stores.memory import MemoryStore

ROOT = Path(__file__).resolve().parent.parent
# Headless Chromium as the browser tests launch it: no sandbox (root), no calls to the outside.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium (Debian's), one per test module: sync Playwright allows one instance per
    thread at a time, so a module's instance is closed before the next module starts its own."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Process:
    """A server process started by a fixture."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def wait_until_up(
    url: str, process: subprocess.Popen[bytes], log_path: Path, seconds: float = 60
) -> None:
    """Poll `url` until it answers; fail with the process's log if it dies or never answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    pytest.fail(
        f"server did not answer at {url} within {seconds} s:\n{log_path.read_text()[-4000:]}"
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def dist_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dist") / "dist"


@pytest.fixture(scope="session")
def settings(dist_dir: Path) -> Settings:
    """Settings for the project's real content, building into a throwaway dist/."""
    return load_settings(
        {"root": str(ROOT), "dist_dir": str(dist_dir), "check_consistency": False},
        read_environment=False,
    )


@pytest.fixture(scope="session")
def built(settings: Settings):  # type: ignore[no-untyped-def]
    """The project's real graph, built once per session (consistency is tested on its own)."""
    return build(settings)


@pytest.fixture(scope="session")
def store(built) -> MemoryStore:  # type: ignore[no-untyped-def]
    return MemoryStore(built.store)


@pytest.fixture(scope="session")
def app(settings: Settings, store: MemoryStore) -> Flask:
    from server import create_app

    application = create_app(settings, store=store)
    application.config["TESTING"] = True
    return application


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def start_server(
    settings: Settings, tmp: Path, *extra_args: str, env: dict[str, str] | None = None
) -> Process:
    port = free_port()
    log_path = tmp / f"apwps-serve-{port}.log"
    command = [
        sys.executable,
        "-m",
        "apwps.cli",
        "--root",
        settings.root,
        "--set",
        f"dist_dir={settings.dist_dir}",
        "--set",
        "check_consistency=false",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *extra_args,
    ]
    full_env = {**os.environ, **(env or {})}
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=full_env)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/queries", process, log_path)
    return Process(url, process, log_path)


@pytest.fixture(scope="session")
def live_server(
    settings: Settings, built, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:  # type: ignore[no-untyped-def]
    """The real server (`apwps serve`, granian) on a free loopback port, over the session's build."""
    server = start_server(
        settings, tmp_path_factory.mktemp("live"), "--workers", "2", "--threads", "4"
    )
    yield server
    stop(server.process)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Process]:
    """A real Oxigraph SPARQL server (in memory) on a free loopback port."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        pytest.fail("the `oxigraph` server is not installed (pip install oxigraph)")
    port = free_port()
    log_path = tmp_path_factory.mktemp("oxigraph") / "oxigraph.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [binary, "serve", "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/query?query=ASK%7B%7D", process, log_path)
    yield Process(url, process, log_path)
    stop(process)
