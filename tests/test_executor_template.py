"""The executor's template process (issue #7): workers are its children, processes forked from the
pool's maker share it, it is replaced if killed, and a worker whose serving process is gone ends
itself."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from apwps import executor
from apwps.executor import Emit, Pool


def task(job: Any, emit: Emit) -> bool | None:
    if job == "spin":
        while True:
            pass
    emit("whole", ({"pid": os.getpid(), "parent": os.getppid()}, b"ok"))
    return True


def _name(pid: int) -> str:
    return Path(f"/proc/{pid}/comm").read_text().strip()


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in "ZX":
            return True
        time.sleep(0.05)
    return False


@pytest.fixture()
def pool() -> Any:
    made = Pool(task, 2)
    yield made
    made.close()


def test_workers_are_children_of_the_template(pool: Pool) -> None:
    execution = pool.run("hello", limit_ms=5000)
    template = execution.head["parent"]
    assert template != os.getpid()
    assert _name(template) == "apwps-template"
    assert _name(execution.head["pid"]) == "apwps-query"
    assert Path(f"/proc/{template}/stat").read_text().rsplit(")", 1)[1].split()[1] == str(
        os.getpid()
    )


def test_a_process_forked_from_the_pools_maker_shares_its_template(pool: Pool) -> None:
    """As a server's worker processes forked from a preloading master do."""
    template = pool.run("hello", limit_ms=5000).head["parent"]
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # a serving process: its own workers, from the same template
        code = 1
        try:
            head = pool.run("hello", limit_ms=5000).head
            os.write(write_end, f"{head['parent']} {head['pid']}".encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as answer:
        parent, worker = map(int, answer.read().split())
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert parent == template
    assert worker != pool.run("hello", limit_ms=5000).head["pid"]  # not one of ours


def test_a_killed_template_is_replaced(pool: Pool) -> None:
    first = pool.run("hello", limit_ms=5000).head
    os.kill(first["parent"], signal.SIGKILL)
    assert _wait_gone(first["parent"], 10)
    assert _wait_gone(first["pid"], 10)  # its workers die with it
    again = pool.run("hello", limit_ms=5000).head
    assert again["parent"] != first["parent"]
    assert _name(again["parent"]) == "apwps-template"


def test_a_worker_whose_serving_process_died_ends_itself(
    pool: Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its parent is the template, which lives on: past twice the time limit it ends itself."""
    monkeypatch.setattr(executor, "_BACKSTOP_GRACE_S", 0.5)
    template = pool.run("hello", limit_ms=5000).head["parent"]
    before = set(_children(template))
    child = os.fork()
    if child == 0:  # a serving process that dies while its query runs
        try:
            pool.run("spin", limit_ms=1000)
        finally:
            os._exit(0)
    deadline = time.monotonic() + 10
    spinning: set[int] = set()
    while not spinning and time.monotonic() < deadline:
        spinning = set(_children(template)) - before
        time.sleep(0.02)
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    assert spinning, "the dying process's worker never started"
    assert all(_wait_gone(pid, 15) for pid in spinning)
