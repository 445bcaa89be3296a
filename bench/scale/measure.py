"""Measuring processes for the scale benchmark: wall time per stage (from the time each log line
arrives), peak memory of a whole process tree (resident and proportional set sizes, sampled from
/proc), disk use, and bounded latency loops over loopback HTTP."""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
        except OSError:
            continue
        found += [int(c) for c in text.split()]
    return found


def tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo += _children(current)
    return pids


def _field_kb(path: str, name: str) -> int:
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(name):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_mb(pid: int) -> tuple[float, float]:
    """(sum of RSS, sum of PSS) of the process tree, in MiB. PSS shares pages that forked workers
    hold in common between them, so it is the figure that adds up to the machine's use."""
    rss = pss = 0
    for member in tree(pid):
        rss += _field_kb(f"/proc/{member}/status", "VmRSS:")
        pss += _field_kb(f"/proc/{member}/smaps_rollup", "Pss:")
    return rss / 1024, pss / 1024


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by the process tree, including reaped children.
    On a shared machine this is the steadier figure: wall time also counts waiting for a core."""
    total = 0
    for member in tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return total / _TICKS


class Sampler:
    """Samples a process tree's memory every `interval_s` until stopped; keeps the peaks."""

    def __init__(self, pid: int, interval_s: float = 0.25) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.peak_rss_mb = 0.0
        self.peak_pss_mb = 0.0
        self.last: tuple[float, float] = (0.0, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval_s)

    def sample(self) -> tuple[float, float]:
        rss, pss = memory_mb(self.pid)
        if rss:
            self.last = (rss, pss)
        self.peak_rss_mb = max(self.peak_rss_mb, rss)
        self.peak_pss_mb = max(self.peak_pss_mb, pss)
        return rss, pss

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Run:
    """A finished command: its wall time, the time each marker line arrived, its peak memory."""

    command: list[str]
    returncode: int
    seconds: float
    marks: dict[str, float]
    cpu_marks: dict[str, float]
    cpu_seconds: float
    peak_rss_mb: float
    peak_pss_mb: float
    tail: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "returncode": self.returncode,
            "seconds": round(self.seconds, 2),
            "marks": {k: round(v, 2) for k, v in self.marks.items()},
            "cpu_marks": {k: round(v, 2) for k, v in self.cpu_marks.items()},
            "cpu_seconds": round(self.cpu_seconds, 2),
            "peak_rss_mb": round(self.peak_rss_mb),
            "peak_pss_mb": round(self.peak_pss_mb),
        }


def run_marked(
    command: Sequence[str],
    markers: dict[str, Callable[[str], bool]],
    *,
    log: Path,
    timeout_s: float,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Run:
    """Run a command to its end, noting when the first line matching each marker arrived (seconds
    from the start) and sampling its memory; its output goes to `log`."""
    started = time.monotonic()
    process = subprocess.Popen(
        list(command),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )
    sampler = Sampler(process.pid)
    marks: dict[str, float] = {}
    cpu_marks: dict[str, float] = {}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    tail: list[str] = []
    timer = threading.Timer(timeout_s, process.kill)
    timer.start()
    assert process.stdout is not None
    with log.open("w", encoding="utf-8") as out:
        for line in process.stdout:
            now = time.monotonic() - started
            out.write(f"{now:9.2f} {line}")
            tail = [*tail[-20:], line.rstrip()]
            for name, matches in markers.items():
                if name not in marks and matches(line):
                    marks[name] = now
                    cpu_marks[name] = cpu_s(process.pid)
    process.wait()
    timer.cancel()
    sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(
        list(command),
        process.returncode,
        time.monotonic() - started,
        marks,
        cpu_marks,
        used,
        sampler.peak_rss_mb,
        sampler.peak_pss_mb,
        tail,
    )


@dataclass
class Server:
    """A server process started for the benchmark, stopped by its id."""

    process: subprocess.Popen[bytes]
    url: str
    startup_s: float
    sampler: Sampler

    def stop(self) -> None:
        self.sampler.stop()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(
    command: Sequence[str], ready_url: str, base_url: str, log: Path, *, timeout_s: float = 1800
) -> Server:
    """Start a server and wait until `ready_url` answers 200; fail with its log if it dies."""
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(list(command), stdout=out, stderr=subprocess.STDOUT)
    sampler = Sampler(process.pid, interval_s=0.5)
    deadline = started + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sampler.stop()
            raise SystemExit(f"server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if requests.get(ready_url, timeout=30).ok:
                return Server(process, base_url, time.monotonic() - started, sampler)
        except requests.RequestException:
            pass
        time.sleep(0.25)
    process.kill()
    sampler.stop()
    raise SystemExit(f"no answer from {ready_url} in {timeout_s} s:\n{log.read_text()[-3000:]}")


def latency(
    send: Callable[[int], requests.Response], runs: int, warmup: int = 2, slow_s: float = 3.0
) -> dict[str, Any]:
    """Median and 95th percentile of `runs` requests (after `warmup`; 2 when a warm-up request
    takes over `slow_s`), their statuses and the size of the last answer."""
    for i in range(warmup):
        begun = time.perf_counter()
        send(-1 - i)
        if time.perf_counter() - begun > slow_s:
            runs = min(runs, 2)  # a slow request is timed twice, to keep the loop short
            break
    times: list[float] = []
    statuses: set[int] = set()
    size = 0
    for i in range(runs):
        begun = time.perf_counter()
        response = send(i)
        times.append((time.perf_counter() - begun) * 1000)
        statuses.add(response.status_code)
        size = len(response.content)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, round(len(times) * 0.95) - 1)], 2),
        "status": sorted(statuses),
        "bytes": size,
        "runs": len(times),
    }


def disk_mb(path: Path) -> float:
    total = 0
    for root, _dirs, names in os.walk(path):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.stat(os.path.join(root, name)).st_blocks * 512
    return total / MB
