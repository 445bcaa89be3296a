"""The executor: queries in killable worker processes, a time limit that ends the query and not
the service, and errors that come back as domain errors."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import pytest

from apwps.errors import QueryError, QueryTimeout
from apwps.executor import Emit, Pool


def task(job: Any, emit: Emit) -> None:
    kind, value = job
    if kind == "sleep":
        time.sleep(value)
    if kind == "spin":
        while True:
            pass
    if kind == "slow-then-write":
        time.sleep(value)
        emit("head", {"pid": os.getpid()})
        time.sleep(value)
        emit("chunk", b"late;")
        return
    if kind == "fail":
        raise QueryError(f"bad: {value}")
    if kind == "crash":
        raise RuntimeError("engine fault")
    emit("head", {"pid": os.getpid()})
    for index in range(value if kind == "chunks" else 1):
        emit("chunk", f"{index};".encode())


@pytest.fixture()
def pool() -> Any:
    created = Pool(task, 2)
    yield created
    created.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split()[2] != "Z"


def test_answer_streams_from_a_worker_process(pool: Pool) -> None:
    execution = pool.run(("chunks", 3), limit_ms=5000)
    assert execution.head["pid"] != os.getpid()
    assert b"".join(execution.chunks()) == b"0;1;2;"


def test_workers_are_reused(pool: Pool) -> None:
    first = pool.run(("chunks", 1), limit_ms=5000)
    list(first.chunks())
    second = pool.run(("chunks", 1), limit_ms=5000)
    list(second.chunks())
    assert first.head["pid"] == second.head["pid"]


def test_a_runaway_is_killed_at_the_limit(pool: Pool) -> None:
    with pytest.raises(QueryTimeout, match="query_time_limit_ms"):
        pool.run(("spin", None), limit_ms=300)
    execution = pool.run(("chunks", 1), limit_ms=5000)
    assert b"".join(execution.chunks()) == b"0;"


def test_others_are_answered_while_a_runaway_runs(pool: Pool) -> None:
    outcome: dict[str, BaseException] = {}

    def runaway() -> None:
        try:
            pool.run(("spin", None), limit_ms=1500)
        except QueryTimeout as exc:
            outcome["runaway"] = exc

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.2)
    answers = []
    for _ in range(20):
        execution = pool.run(("chunks", 1), limit_ms=5000)
        answers.append(b"".join(execution.chunks()))
    thread.join()
    assert answers == [b"0;"] * 20
    assert isinstance(outcome["runaway"], QueryTimeout)


def test_killed_worker_is_gone(pool: Pool) -> None:
    spy = Pool(task, 1)
    execution = spy.run(("chunks", 1), limit_ms=5000)
    list(execution.chunks())
    pid = execution.head["pid"]
    with pytest.raises(QueryTimeout):
        spy.run(("spin", None), limit_ms=200)
    fresh = spy.run(("chunks", 1), limit_ms=5000)
    list(fresh.chunks())
    assert fresh.head["pid"] != pid
    assert not _alive(pid)
    spy.close()


def test_errors_come_back_as_domain_errors(pool: Pool) -> None:
    with pytest.raises(QueryError, match="bad: x"):
        pool.run(("fail", "x"), limit_ms=5000)
    with pytest.raises(Exception, match="engine fault"):
        pool.run(("crash", None), limit_ms=5000)
    assert b"".join(pool.run(("chunks", 2), limit_ms=5000).chunks()) == b"0;1;"


def test_an_abandoned_answer_frees_its_worker(pool: Pool) -> None:
    for _ in range(5):  # more than the pool's size: each abandoned worker must be given back
        execution = pool.run(("chunks", 1000), limit_ms=5000)
        next(execution.chunks())
        execution.close()
    assert b"".join(pool.run(("chunks", 1), limit_ms=5000).chunks()) == b"0;"


def test_workers_outlive_the_thread_that_needed_them(pool: Pool) -> None:
    """Linux kills a child when the thread that forked it ends: workers are forked elsewhere."""
    seen: dict[str, int] = {}

    def first() -> None:
        execution = pool.run(("chunks", 1), limit_ms=5000)
        list(execution.chunks())
        seen["pid"] = execution.head["pid"]

    thread = threading.Thread(target=first)
    thread.start()
    thread.join()
    time.sleep(0.3)
    again = pool.run(("chunks", 1), limit_ms=5000)
    assert b"".join(again.chunks()) == b"0;"
    assert again.head["pid"] == seen["pid"]


def test_no_time_limit_means_none(pool: Pool) -> None:
    execution = pool.run(("sleep", 0.2), limit_ms=0)
    assert execution.head["pid"] != os.getpid()


def test_writing_has_its_own_time_after_the_head(pool: Pool) -> None:
    """An answer computed within the limit is written whole, even if writing ends past it."""
    list(pool.run(("chunks", 1), limit_ms=5000).chunks())  # a worker ready, not forked on demand
    execution = pool.run(("slow-then-write", 0.6), limit_ms=1000)
    assert b"".join(execution.chunks()) == b"late;"
