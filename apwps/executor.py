"""Time-limited query execution in worker processes that can be killed.

Neither embedded engine can stop a query once started, and a sorted cross product computes
everything before its first row, so a time limit cannot be a check between rows. Each query
therefore runs in a worker process forked from the serving process (the loaded store is shared
copy-on-write). The serving thread waits for the answer's head until the deadline; past it, the
worker is killed and a fresh one is forked on the next need, while the other workers go on
answering everyone else. A worker that ran long is also lowered in CPU priority and retired after
its query, so that one heavy query cannot starve the short ones.

The executor knows nothing of SPARQL: it runs a `task(job, emit)` function in the worker, which
sends the answer's head once and then its chunks, or a small answer whole in one message (`whole`:
head and body; one round trip instead of three). Pools are per process (a gunicorn worker forked
from a preloaded master gets its own on first use).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import queue
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from apwps.errors import QueryError, QueryTimeout, StoreError

Emit = Callable[[str, Any], None]
Task = Callable[[Any, Emit], "bool | None"]

_PR_SET_PDEATHSIG = 1
_SLOW_S = 1.0  # a query running longer than this has its priority lowered


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the process that forked it dies."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _worker_main(conn: Connection, task: Task) -> None:
    """The loop of a worker process: one job at a time, until its pipe closes."""
    for signum in (
        signal.SIGTERM,
        signal.SIGINT,
        signal.SIGHUP,
        signal.SIGQUIT,
        signal.SIGUSR1,
        signal.SIGUSR2,
        signal.SIGCHLD,
        signal.SIGWINCH,
        signal.SIGTTIN,
        signal.SIGTTOU,
    ):
        with contextlib.suppress(OSError, ValueError):
            signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return

        def emit(tag: str, payload: Any) -> None:
            conn.send((tag, payload))

        try:
            if task(job, emit) is not True:  # True: the task sent a `whole` answer
                conn.send(("end", None))
        except QueryError as exc:
            conn.send(("error", (type(exc).__name__, str(exc))))
        except (BrokenPipeError, ConnectionError):
            return
        except Exception as exc:  # reported to the caller, which logs it
            conn.send(("error", ("StoreError", f"the query failed in the engine: {exc}")))


@dataclass
class Worker:
    pid: int
    conn: Connection
    started: float = field(default_factory=time.monotonic)
    retire: bool = False

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.conn.close()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _fork(task: Task) -> Worker:
    parent_end, child_end = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 0
        try:
            parent_end.close()
            _die_with_parent()
            keep = child_end.fileno()
            os.closerange(3, keep)
            os.closerange(keep + 1, 65536)
            _worker_main(Connection(child_end.detach()), task)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    child_end.close()
    return Worker(pid, Connection(parent_end.detach()))


_ERRORS: dict[str, type[Exception]] = {
    "QueryError": QueryError,
    "QueryTimeout": QueryTimeout,
    "StoreError": StoreError,
}


class _Forker:
    """One long-lived thread per process that forks every worker.

    Linux sends the parent-death signal when the *thread* that forked a child ends, so workers
    are forked from a thread that lives as long as the process, never from a request's thread.
    """

    def __init__(self, task: Task) -> None:
        self._task = task
        self._requests: queue.SimpleQueue[queue.SimpleQueue[Worker | BaseException]] = (
            queue.SimpleQueue()
        )
        threading.Thread(target=self._loop, name="apwps-forker", daemon=True).start()

    def _loop(self) -> None:
        while True:
            reply = self._requests.get()
            try:
                reply.put(_fork(self._task))
            except BaseException as exc:  # handed to the waiting thread
                reply.put(exc)

    def fork(self) -> Worker:
        reply: queue.SimpleQueue[Worker | BaseException] = queue.SimpleQueue()
        self._requests.put(reply)
        result = reply.get()
        if isinstance(result, BaseException):
            raise result
        return result


class Execution:
    """One running query: its head, then its chunks, read from the worker within the deadline."""

    def __init__(self, pool: Pool, worker: Worker, deadline: float, limit_ms: int) -> None:
        self._pool = pool
        self._worker = worker
        self._deadline = deadline
        self._limit_ms = limit_ms
        self._done = False
        self._body: bytes | None = None
        self.head: Any = self._next("head")
        if limit_ms:
            # The head comes once the worker holds every row it will write (at most the row limit),
            # so writing cannot run away: it gets a time limit of its own rather than the remainder.
            self._deadline = time.monotonic() + limit_ms / 1000

    def _next(self, expected: str) -> Any:
        worker = self._worker
        while True:
            remaining = self._deadline - time.monotonic()
            slow_at = worker.started + _SLOW_S - time.monotonic()
            if not worker.retire and 0 < slow_at < remaining:
                ready = worker.conn.poll(slow_at)
                if not ready:
                    self._lower_priority()
                    continue
            elif remaining == float("inf"):
                ready = worker.conn.poll(None)
            elif remaining > 0:
                ready = worker.conn.poll(remaining)
            else:
                ready = False
            if not ready:
                self._fail()
                raise QueryTimeout(
                    f"the query ran past the time limit of {self._limit_ms} ms and was stopped "
                    "(setting query_time_limit_ms); narrow it with more specific patterns, "
                    "a LIMIT, or fewer OPTIONAL/ORDER BY clauses"
                )
            try:
                tag, payload = worker.conn.recv()
            except (EOFError, OSError) as exc:
                self._fail()
                raise StoreError("the query process ended unexpectedly") from exc
            if tag == "error":
                self._finish()
                kind, message = payload
                raise _ERRORS.get(kind, StoreError)(message)
            if tag == "whole":
                self._finish()
                self.head, self._body = payload
                return self.head
            if tag == "end":
                self._finish()
                return None
            return payload

    def _lower_priority(self) -> None:
        self._worker.retire = True
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, self._worker.pid, 10)

    def _fail(self) -> None:
        if not self._done:
            self._done = True
            self._pool.discard(self._worker)

    def _finish(self) -> None:
        if not self._done:
            self._done = True
            self._pool.release(self._worker)

    def chunks(self) -> Iterator[bytes]:
        """The answer's bytes as the worker writes them; a broken-off read kills the worker."""
        try:
            if self._body is not None:
                yield self._body
                return
            while not self._done:
                payload = self._next("chunk")
                if payload is None:
                    return
                yield payload
        finally:
            self._fail()

    def close(self) -> None:
        """Abandon the answer (the client went away): the worker is killed, not drained."""
        self._fail()


class Pool:
    """Worker processes of one serving process, forked on demand, at most `size` at once."""

    def __init__(self, task: Task, size: int) -> None:
        self._task = task
        self._size = max(1, size)
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._idle: queue.LifoQueue[Worker] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(self._size)
        self._forker: _Forker | None = None

    def _own(self) -> None:
        """After a fork (gunicorn worker from a preloading master) start an empty pool."""
        if os.getpid() != self._pid:
            with self._lock:
                if os.getpid() != self._pid:
                    self._pid = os.getpid()
                    self._idle = queue.LifoQueue()
                    self._slots = threading.BoundedSemaphore(self._size)
                    self._forker = None

    def run(self, job: Any, *, limit_ms: int) -> Execution:
        """Start `job` in a worker; raises the job's error, or QueryTimeout past `limit_ms`."""
        self._own()
        deadline = time.monotonic() + limit_ms / 1000 if limit_ms else float("inf")
        wait = None if not limit_ms else max(0.0, deadline - time.monotonic())
        if not self._slots.acquire(timeout=wait):
            raise QueryTimeout(
                f"every query process was busy for the whole time limit of {limit_ms} ms "
                "(setting query_time_limit_ms); try again shortly"
            )
        try:
            worker = self._checkout()
            worker.started = time.monotonic()
            worker.conn.send(job)
        except BaseException:
            self._slots.release()
            raise
        return Execution(self, worker, deadline, limit_ms)

    def _checkout(self) -> Worker:
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                with self._lock:
                    if self._forker is None:
                        self._forker = _Forker(self._task)
                    forker = self._forker
                return forker.fork()
            if not worker.conn.closed and not _exited(worker.pid):
                return worker
            worker.kill()

    def release(self, worker: Worker) -> None:
        if worker.retire:
            worker.kill()
        else:
            self._idle.put(worker)
        self._slots.release()

    def discard(self, worker: Worker) -> None:
        worker.kill()
        self._slots.release()

    def close(self) -> None:
        """Stop the idle workers of this process."""
        if os.getpid() != self._pid:
            return
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return


def _exited(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return done != 0
