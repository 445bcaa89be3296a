"""Time-limited query execution in worker processes that can be killed.

Neither embedded engine can stop a query once started, and a sorted cross product computes
everything before its first row, so a time limit cannot be a check between rows. Each query
therefore runs in a worker process that shares the loaded store copy-on-write. The serving thread
waits for the answer's head until the deadline; past it, the worker is killed and a fresh one is
forked on the next need, while the other workers go on answering everyone else. A worker that ran
long is also lowered in CPU priority and retired after its query, so that one heavy query cannot
starve the short ones.

Workers are forked from a template process, never from the serving process (issue #7). Oxigraph
takes a lock on every quad it reads, and a process forked while another of its threads is inside
a query inherits that lock taken, for ever: its first query that reads the quad hangs until the
time limit. Serving processes read the store in many threads (pages, searches), and most workers
are forked right after start-up, so now and then a named query failed with 503 there. The template is forked once, when the
pool is made (make it with the store, before any thread shares it), and then forks every worker
from its single thread, which never queries. Processes forked from the one that made the pool (the
workers of a preforking HTTP server) share its template; each has its own workers, made on first
use. The template ends when no process is left to ask it for a worker; a worker, when the template
ends, or past twice the time limit if the process that asked for it is gone.

The executor knows nothing of SPARQL: it runs a `task(job, emit)` function in the worker, which
sends the answer's head once and then its chunks, or a small answer whole in one message (`whole`:
head and body; one round trip instead of three).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import queue
import select
import signal
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from apwps.errors import QueryError, QueryTimeout, StoreError

Emit = Callable[[str, Any], None]
Task = Callable[[Any, Emit], "bool | None"]

_PR_SET_PDEATHSIG = 1
_PR_SET_NAME = 15
_SLOW_S = 1.0  # a query running longer than this has its priority lowered
_START_S = 30.0  # longest wait for a new worker when queries have no time limit
_KILL_WAIT_S = 5.0  # longest wait for a killed worker to be gone
_BACKSTOP_GRACE_S = 5.0  # a worker ends itself this long after the serving side's last deadline
# Signals whose handlers a forked process must not inherit from the serving process.
_SIGNALS = (
    "SIGTERM",
    "SIGHUP",
    "SIGQUIT",
    "SIGALRM",
    "SIGUSR1",
    "SIGUSR2",
    "SIGCHLD",
    "SIGWINCH",
    "SIGTTIN",
    "SIGTTOU",
)


def _prctl(option: int, argument: int | bytes) -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(option, argument, 0, 0, 0)


def _fresh_process(name: bytes, keep: int) -> None:
    """In a just-forked process: its own name, default signal handling, no descriptor but `keep`
    (and the standard streams), and inherited objects left out of garbage collection (collecting
    them would copy their pages, and could close a descriptor number that has been reused)."""
    gc.freeze()
    _prctl(_PR_SET_NAME, name)
    for signame in _SIGNALS:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            signal.signal(getattr(signal, signame), signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the serving process
    highest = os.sysconf("SC_OPEN_MAX")
    os.closerange(3, keep)
    os.closerange(keep + 1, max(highest, keep + 1))


def _worker_main(conn: Connection, task: Task) -> None:
    """The loop of a worker process: one job at a time, until its pipe closes."""
    conn.send(("hello", os.getpid()))
    while True:
        try:
            job, backstop_s = conn.recv()
        except (EOFError, OSError):
            return

        def emit(tag: str, payload: Any) -> None:
            conn.send((tag, payload))

        # Ends the worker (SIGALRM's default) should the serving side be gone and not kill it.
        signal.setitimer(signal.ITIMER_REAL, backstop_s)
        try:
            if task(job, emit) is not True:  # True: the task sent a `whole` answer
                conn.send(("end", None))
        except QueryError as exc:
            conn.send(("error", (type(exc).__name__, str(exc))))
        except (BrokenPipeError, ConnectionError):
            return
        except Exception as exc:  # reported to the caller, which logs it
            conn.send(("error", ("StoreError", f"the query failed in the engine: {exc}")))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)


def _template_main(control: socket.socket, task: Task) -> None:
    """The template's loop: a worker forked for each pipe end it is sent, until end of file (no
    process is left that could send one)."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(control, 16, 1)
        except OSError:
            return
        if not message:
            return
        for end in fds:
            try:
                pid = os.fork()
            except OSError:
                pid = -1  # the asking thread reads end of file
            if pid == 0:
                code = 0
                try:
                    _fresh_process(b"apwps-query", end)
                    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
                    _worker_main(Connection(end), task)
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
            os.close(end)


def _fork_template(task: Task) -> tuple[int, socket.socket]:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:  # the template
        code = 0
        try:
            ours.close()
            _fresh_process(b"apwps-template", theirs.fileno())
            _template_main(theirs, task)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    theirs.close()
    return pid, ours


def _release_template(owner: int, pid: int, control: socket.socket) -> None:
    """This process's end of the template's socket closed; the process that forked the template
    also ends it (and with it every worker it forked) and reaps it."""
    control.close()
    if os.getpid() == owner:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _pidfd(pid: int) -> int | None:
    """A descriptor of the worker process, to kill that very process even once its number is
    reused (it is the template's child, not ours: we cannot wait for it)."""
    try:
        return os.pidfd_open(pid)
    except (OSError, AttributeError):
        return None


class _Template:
    """The process every worker is forked from (see the module's docstring)."""

    def __init__(self, task: Task) -> None:
        self._task = task
        self._lock = threading.Lock()
        self._start()

    def _start(self) -> None:
        self.pid, self._control = _fork_template(self._task)
        self._release = weakref.finalize(
            self, _release_template, os.getpid(), self.pid, self._control
        )

    def fork(self, timeout: float | None) -> Worker:
        """A new worker, or StoreError (QueryTimeout past `timeout` seconds)."""
        ours, theirs = socket.socketpair()
        try:
            control = self._control
            try:
                socket.send_fds(control, [b"w"], [theirs.fileno()], socket.MSG_NOSIGNAL)
            except OSError:  # the template was killed from outside: fork another
                control = self._restart(control)
                socket.send_fds(control, [b"w"], [theirs.fileno()], socket.MSG_NOSIGNAL)
        except OSError as exc:
            ours.close()
            raise StoreError("no query process could be started") from exc
        finally:
            theirs.close()
        conn = Connection(ours.detach())
        try:
            if not conn.poll(_START_S if timeout is None else timeout):
                raise QueryTimeout(
                    "no query process could be started within the time limit "
                    "(setting query_time_limit_ms); try again shortly"
                )
            _tag, pid = conn.recv()
        except (EOFError, OSError) as exc:
            conn.close()
            raise StoreError("no query process could be started") from exc
        except BaseException:
            conn.close()
            raise
        return Worker(pid, conn, _pidfd(pid))

    def _restart(self, failed: socket.socket) -> socket.socket:
        with self._lock:
            if self._control is failed:
                self._release()
                self._start()
            return self._control

    def close(self) -> None:
        self._release()


@dataclass
class Worker:
    pid: int
    conn: Connection
    pidfd: int | None = None
    started: float = field(default_factory=time.monotonic)
    retire: bool = False

    def gone(self) -> bool:
        """Whether an idle worker has ended: it never writes unasked, so a readable pipe is one
        closed at the other end."""
        try:
            return self.conn.closed or self.conn.poll(0)
        except OSError:
            return True

    def kill(self) -> None:
        """Kill the process, and wait (briefly) until it is gone."""
        pidfd, self.pidfd = self.pidfd, None
        with contextlib.suppress(ProcessLookupError):
            if pidfd is not None:
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            elif not self.conn.closed:
                os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.conn.close()
        if pidfd is not None:
            poller = select.poll()
            poller.register(pidfd, select.POLLIN)
            poller.poll(_KILL_WAIT_S * 1000)  # readable once the process has exited
            os.close(pidfd)


_ERRORS: dict[str, type[Exception]] = {
    "QueryError": QueryError,
    "QueryTimeout": QueryTimeout,
    "StoreError": StoreError,
}


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
    """Worker processes of one serving process, forked on demand, at most `size` at once.

    Making a pool forks its template: make it before other threads use what the task reads."""

    def __init__(self, task: Task, size: int) -> None:
        self._size = max(1, size)
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._idle: queue.LifoQueue[Worker] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(self._size)
        self._template = _Template(task)

    def _own(self) -> None:
        """After a fork (a server's worker process from a preloading master) start with no
        workers of our own; the template is shared."""
        if os.getpid() != self._pid:
            with self._lock:
                if os.getpid() != self._pid:
                    self._idle = queue.LifoQueue()
                    self._slots = threading.BoundedSemaphore(self._size)
                    self._pid = os.getpid()  # last: others check it without the lock

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
        # The serving side waits at most the limit for the head, then the limit again for the rest.
        backstop_s = 2 * limit_ms / 1000 + _BACKSTOP_GRACE_S if limit_ms else 0.0
        try:
            worker = self._checkout(deadline)
            try:
                worker.conn.send((job, backstop_s))
            except OSError:  # it ended after the check: one more try with a fresh one
                worker.kill()
                worker = self._template.fork(_remaining(deadline))
                worker.conn.send((job, backstop_s))
            worker.started = time.monotonic()
        except BaseException:
            self._slots.release()
            raise
        return Execution(self, worker, deadline, limit_ms)

    def _checkout(self, deadline: float) -> Worker:
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return self._template.fork(_remaining(deadline))
            if not worker.gone():
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
        """Stop the idle workers of this process; in the process that made the pool, also the
        template and every worker forked from it."""
        if os.getpid() != self._pid:
            return
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                break
        self._template.close()


def _remaining(deadline: float) -> float | None:
    return None if deadline == float("inf") else max(0.0, deadline - time.monotonic())
