"""Slow clients against the real server: how well-behaved searches fare while clients trickle their
headers and their bodies a byte every half second (loopback only, bounded).

    python bench/load/slow_clients.py [--port PORT] [--trickle N] [--requests N]

Starts `apwps serve` (the defaults: 2 processes × 4 threads, granian) on a free port unless `--port`
names a running one, measures `--requests` searches calm, then again with N clients trickling
headers and N trickling bodies, then one ordinary POST while they still hold their slots.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
HEADERS_START = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "
BODY_START = (
    b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\n"
    b"Content-Length: 100000\r\n\r\n"
)


def trickle(port: int, start: bytes, stop: threading.Event) -> None:
    """Send `start`, then a byte every half second until told to stop (at most 10 minutes)."""
    try:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(start)
            for _ in range(1200):
                if stop.wait(0.5):
                    return
                sock.send(b"x")
    except OSError:
        return


def searches(port: int, count: int) -> dict[str, float]:
    session = requests.Session()
    latencies: list[float] = []
    ok = 0
    for _ in range(count):
        started = time.perf_counter()
        answer = session.get(
            f"http://127.0.0.1:{port}/search.json", params={"q": "geno"}, timeout=30
        )
        latencies.append((time.perf_counter() - started) * 1000)
        ok += answer.status_code == 200
    latencies.sort()
    return {
        "ok": ok,
        "requests": count,
        "median_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(latencies[max(0, int(count * 0.99) - 1)], 1),
    }


def serve() -> tuple[int, subprocess.Popen[bytes]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    process = subprocess.Popen(
        [sys.executable, "-m", "apwps.cli", "--root", str(ROOT), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(240):
        try:
            requests.get(f"http://127.0.0.1:{port}/queries", timeout=2)
            return port, process
        except requests.ConnectionError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--trickle", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    process = None
    port = args.port
    if not port:
        port, process = serve()
    stop = threading.Event()
    try:
        print("calm:", searches(port, args.requests), flush=True)
        for start in (HEADERS_START, BODY_START):
            for _ in range(args.trickle):
                threading.Thread(target=trickle, args=(port, start, stop), daemon=True).start()
        time.sleep(2)
        print(
            f"{args.trickle} trickling headers + {args.trickle} trickling bodies:",
            searches(port, args.requests),
            flush=True,
        )
        post = requests.post(
            f"http://127.0.0.1:{port}/validate",
            data=b"<https://example.org/a> a <https://example.org/B> .",
            headers={"Content-Type": "text/turtle", "Accept": "application/json"},
            timeout=30,
        )
        print("an ordinary POST meanwhile:", post.status_code, post.headers.get("Retry-After"))
    finally:
        stop.set()
        if process is not None:
            process.terminate()
            process.wait(timeout=20)


if __name__ == "__main__":
    main()
